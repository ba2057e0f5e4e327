import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../../core/rng.js";
import { GPPosterior } from "./gp.js";
import { crossCovariance, matern52, matern52Deriv, type KernelParams } from "./kernel.js";
import { fitKernelParams, logMarginalLikelihood, paramsFromRaw } from "./marginal-likelihood.js";

const DIM = 3;
/** Inputs 0 and 1 continuous, input 2 a categorical with 3 choices. */
const IS_CAT = Uint8Array.from([0, 0, 1]);

function data(n: number, seed: number): { x: Float64Array; y: Float64Array } {
  const rng = new Random(seed);
  const x = new Float64Array(n * DIM);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i * DIM] = rng.next();
    x[i * DIM + 1] = rng.next();
    x[i * DIM + 2] = rng.int(3);
    y[i] = Math.sin(6 * (x[i * DIM] as number)) + (x[i * DIM + 1] as number) ** 2 + 0.3 * (x[i * DIM + 2] as number) + 0.05 * rng.normal();
  }
  return { x, y };
}

const PARAMS: KernelParams = { inverseSquaredLengthscales: Float64Array.from([4, 0.7, 1.5]), signalVariance: 1.3, noiseVariance: 1e-3 };

/** Central finite difference of f along coordinate d of v. */
function fd(f: (v: Float64Array) => number, v: Float64Array, d: number, h = 1e-6): number {
  const p = Float64Array.from(v);
  const m = Float64Array.from(v);
  p[d] = (p[d] as number) + h;
  m[d] = (m[d] as number) - h;
  return (f(p) - f(m)) / (2 * h);
}

test("Matérn-5/2: value 1 at distance 0, derivative in r² matches finite differences", () => {
  assert.equal(matern52(0), 1);
  for (const r2 of [1e-8, 0.01, 0.3, 1, 4, 25]) {
    const h = 1e-6 * Math.max(r2, 1e-3);
    const numeric = (matern52(r2 + h) - matern52(r2 - h)) / (2 * h);
    assert.ok(Math.abs(numeric - matern52Deriv(r2)) < 1e-6, `r² = ${r2}: ${numeric} vs ${matern52Deriv(r2)}`);
  }
});

test("kernel gradient with respect to the input matches finite differences (zero for categoricals)", () => {
  const { x } = data(5, 1);
  const z = Float64Array.from([0.3, 0.8, 1]);
  const k = new Float64Array(5);
  const g = new Float64Array(5 * DIM);
  crossCovariance(z, x, 5, DIM, IS_CAT, PARAMS, k, g);
  for (let i = 0; i < 5; i++) {
    for (let d = 0; d < 2; d++) {
      const numeric = fd((v) => {
        const out = new Float64Array(5);
        crossCovariance(v, x, 5, DIM, IS_CAT, PARAMS, out);
        return out[i] as number;
      }, z, d);
      assert.ok(Math.abs(numeric - (g[i * DIM + d] as number)) < 1e-7, `point ${i}, input ${d}: ${numeric} vs ${g[i * DIM + d]}`);
    }
    assert.equal(g[i * DIM + 2], 0);
  }
});

test("log marginal likelihood gradient (with the priors) matches finite differences", () => {
  const n = 12;
  const { x, y } = data(n, 2);
  for (const raw of [Float64Array.from([0.5, -1, 0.2, 0.1, Math.log(0.01)]), Float64Array.from([2, 0.3, -0.5, -0.4, Math.log(0.2)])]) {
    for (const prior of [false, true]) {
      const g = new Float64Array(DIM + 2);
      logMarginalLikelihood(x, n, DIM, IS_CAT, y, raw, g, prior);
      for (let d = 0; d < DIM + 2; d++) {
        const numeric = fd((v) => logMarginalLikelihood(x, n, DIM, IS_CAT, y, v, undefined, prior), raw, d, 1e-5);
        const tol = 1e-5 * Math.max(1, Math.abs(numeric));
        assert.ok(Math.abs(numeric - (g[d] as number)) < tol, `θ${d} (prior ${prior}): finite difference ${numeric}, analytic ${g[d]}`);
      }
    }
  }
});

test("the fit improves the marginal likelihood and finds the irrelevant input", () => {
  // y depends on input 0 only: its lengthscale must come out much shorter than input 1's.
  const n = 30;
  const rng = new Random(5);
  const x = new Float64Array(n * DIM);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i * DIM] = rng.next();
    x[i * DIM + 1] = rng.next();
    x[i * DIM + 2] = rng.int(3);
    y[i] = Math.sin(8 * (x[i * DIM] as number));
  }
  const start = Float64Array.from([0, 0, 0, 0, Math.log(1e-3)]);
  const before = logMarginalLikelihood(x, n, DIM, IS_CAT, y, start);
  const fit = fitKernelParams(x, n, DIM, IS_CAT, y, [start]);
  assert.ok(fit.logPosterior > before + 1, `log posterior ${before} → ${fit.logPosterior}`);
  const p = paramsFromRaw(fit.raw, DIM);
  const [l0, l1] = p.inverseSquaredLengthscales;
  assert.ok((l0 as number) > 10 * (l1 as number), `λ = ${[...p.inverseSquaredLengthscales].join(", ")}`);
});

test("posterior: gradients of mean and variance match finite differences; batch prediction agrees", () => {
  const n = 10;
  const { x, y } = data(n, 3);
  const gp = GPPosterior.fit(x, y, n, DIM, IS_CAT, PARAMS);
  assert.ok(gp);
  const z = Float64Array.from([0.42, 0.17, 2]);
  const gm = new Float64Array(DIM);
  const gv = new Float64Array(DIM);
  const p = gp.predict(z, gm, gv);
  for (let d = 0; d < 2; d++) {
    const nm = fd((v) => gp.predict(v).mean, z, d);
    const nv = fd((v) => gp.predict(v).variance, z, d);
    assert.ok(Math.abs(nm - (gm[d] as number)) < 1e-6, `∂μ/∂z${d}: ${nm} vs ${gm[d]}`);
    assert.ok(Math.abs(nv - (gv[d] as number)) < 1e-6, `∂σ²/∂z${d}: ${nv} vs ${gv[d]}`);
  }
  // At a training point the latent variance is about the noise, and the mean about the target.
  const at = gp.predict(x.slice(0, DIM));
  assert.ok(at.variance < 2e-3 && Math.abs(at.mean - (y[0] as number)) < 0.05, JSON.stringify(at));
  const zs = Float64Array.from([...z, 0.9, 0.9, 0, ...x.slice(DIM, 2 * DIM)]);
  const mean = new Float64Array(3);
  const variance = new Float64Array(3);
  gp.predictMany(zs, 3, mean, variance);
  for (let c = 0; c < 3; c++) {
    const one = gp.predict(zs.slice(c * DIM, (c + 1) * DIM));
    assert.ok(Math.abs(one.mean - (mean[c] as number)) < 1e-12 && Math.abs(one.variance - (variance[c] as number)) < 1e-12);
  }
  assert.ok(Math.abs(p.mean - (mean[0] as number)) < 1e-12);
});

test("a posterior extended point by point equals one fitted on all points", () => {
  const n = 15;
  const { x, y } = data(n, 4);
  const full = GPPosterior.fit(x, y, n, DIM, IS_CAT, PARAMS);
  const grown = GPPosterior.fit(x, y, 5, DIM, IS_CAT, PARAMS);
  assert.ok(full && grown);
  for (let i = 5; i < n; i++) assert.ok(grown.append(x.slice(i * DIM, (i + 1) * DIM), y[i] as number));
  const z = Float64Array.from([0.6, 0.5, 0]);
  assert.deepEqual(grown.predict(z), full.predict(z));
  // The clone is independent of the original.
  const copy = full.clone(1);
  copy.append(z, 3);
  assert.equal(copy.n, n + 1);
  assert.equal(full.n, n);
  assert.ok(copy.predict(z).variance < full.predict(z).variance);
});
