import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../core/rng.js";
import { LBFGS, minimizeLBFGS, type Objective } from "./lbfgs.js";

/** Extended Rosenbrock: Σ 100 (x_{2i+1} − x_{2i}²)² + (1 − x_{2i})², minimum 0 at all ones. */
const rosenbrock: Objective = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i += 2) {
    const a = x[i]!;
    const b = x[i + 1]!;
    const t = b - a * a;
    f += 100 * t * t + (1 - a) * (1 - a);
    g[i]! += -400 * t * a - 2 * (1 - a);
    g[i + 1]! += 200 * t;
  }
  return f;
};

test("L-BFGS finds the Rosenbrock minimum from the classic start", () => {
  const x0 = new Float64Array(20);
  for (let i = 0; i < 20; i += 2) {
    x0[i] = -1.2;
    x0[i + 1] = 1;
  }
  const r = minimizeLBFGS(rosenbrock, x0, { gtol: 1e-9 });
  assert.ok(r.f < 1e-14, `f = ${r.f}`);
  for (const v of r.x) assert.ok(Math.abs(v - 1) < 1e-6, `x = ${v}`);
  // Strong-Wolfe steps make L-BFGS efficient here; a broken line search needs thousands of calls.
  assert.ok(r.evaluations < 200, `${r.evaluations} evaluations`);
  assert.equal(r.status, "converged-gradient");
});

test("L-BFGS solves an ill-conditioned quadratic to the linear-system solution", () => {
  const rng = new Random(3);
  const n = 30;
  // f = ½ xᵀAx − bᵀx with A = MᵀDM: D spans three decades, M = I + a small random mixing.
  const m = Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0) + (0.3 / Math.sqrt(n)) * rng.normal());
  const dvals = Float64Array.from({ length: n }, (_, i) => 10 ** ((3 * i) / (n - 1)));
  const b = Float64Array.from({ length: n }, () => rng.normal());
  const mx = new Float64Array(n);
  const fg: Objective = (x, g) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += m[i * n + j]! * x[j]!;
      mx[i] = dvals[i]! * s;
    }
    let f = 0;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += m[i * n + j]! * mx[i]!;
      g[j] = s - b[j]!;
      f += 0.5 * x[j]! * s - b[j]! * x[j]!;
    }
    return f;
  };
  const r = minimizeLBFGS(fg, new Float64Array(n), { gtol: 1e-6, ftol: 0, maxIter: 5000 });
  assert.equal(r.status, "converged-gradient");
  const g = new Float64Array(n);
  fg(r.x, g);
  for (const v of g) assert.ok(Math.abs(v) <= 1e-6, `gradient entry ${v}`);
});

test("OWL-QN gives the soft-threshold solution with exact zeros", () => {
  // min Σ ½ w_j (x_j − c_j)² + λ Σ|x_j|  ⇒  x_j = sign(c_j) max(|c_j| − λ/w_j, 0).
  const c = Float64Array.of(3, -2, 0.5, -0.2, 1.2, 0);
  const w = Float64Array.of(1, 2, 1, 4, 0.5, 1);
  const lam = 0.8;
  const fg: Objective = (x, g) => {
    let f = 0;
    for (let j = 0; j < x.length; j++) {
      const d = x[j]! - c[j]!;
      f += 0.5 * w[j]! * d * d;
      g[j] = w[j]! * d;
    }
    return f;
  };
  const r = minimizeLBFGS(fg, new Float64Array(c.length), { l1: new Float64Array(c.length).fill(lam), gtol: 1e-10 });
  for (let j = 0; j < c.length; j++) {
    const expected = Math.sign(c[j]!) * Math.max(Math.abs(c[j]!) - lam / w[j]!, 0);
    if (expected === 0) assert.equal(r.x[j], 0, `coordinate ${j} must be exactly 0`);
    else assert.ok(Math.abs(r.x[j]! - expected) < 1e-8, `x[${j}] = ${r.x[j]} vs ${expected}`);
  }
});

test("OWL-QN on a coupled problem matches a brute-force proximal-gradient solution", () => {
  const rng = new Random(7);
  const n = 40;
  const p = 8;
  const a = Float64Array.from({ length: n * p }, () => rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => 2 * a[i * p]! - a[i * p + 1]! + 0.1 * rng.normal());
  const r = new Float64Array(n);
  const fg: Objective = (x, g) => {
    let f = 0;
    g.fill(0);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < p; j++) z += a[i * p + j]! * x[j]!;
      r[i] = z - y[i]!;
      f += 0.5 * r[i]! * r[i]!;
      for (let j = 0; j < p; j++) g[j]! += r[i]! * a[i * p + j]!;
    }
    return f;
  };
  const lam = 5;
  const owl = minimizeLBFGS(fg, new Float64Array(p), { l1: new Float64Array(p).fill(lam), gtol: 1e-10 });
  // ISTA with step 1/L, L bounded by the Frobenius norm squared.
  let lip = 0;
  for (const v of a) lip += v * v;
  const x = new Float64Array(p);
  const g = new Float64Array(p);
  for (let it = 0; it < 20000; it++) {
    fg(x, g);
    for (let j = 0; j < p; j++) {
      const v = x[j]! - g[j]! / lip;
      x[j] = Math.sign(v) * Math.max(Math.abs(v) - lam / lip, 0);
    }
  }
  const fista = fg(x, g) + lam * x.reduce((s, v) => s + Math.abs(v), 0);
  assert.ok(owl.f <= fista + 1e-9, `OWL-QN F = ${owl.f}, ISTA F = ${fista}`);
  for (let j = 0; j < p; j++) assert.ok(Math.abs(owl.x[j]! - x[j]!) < 1e-5, `x[${j}]: ${owl.x[j]} vs ${x[j]}`);
  assert.ok(owl.x.filter((v) => v === 0).length >= 3, "the noise coefficients must be exactly zero");
});

test("step-wise use: each step lowers F and iterations are counted; converged optimiser does nothing", () => {
  const x0 = Float64Array.of(-1.2, 1);
  const opt = new LBFGS(rosenbrock, x0, { gtol: 1e-10 });
  let prev = opt.f;
  while (opt.step()) {
    assert.ok(opt.f <= prev, "F must not increase");
    prev = opt.f;
  }
  assert.notEqual(opt.status, "running");
  const its = opt.iterations;
  assert.equal(opt.step(), false);
  assert.equal(opt.iterations, its);
  assert.deepEqual(Array.from(x0), [-1.2, 1], "x0 must not be modified");
});
