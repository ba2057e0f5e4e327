import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../core/rng.js";
import { CholeskyFactor } from "./cholesky.js";

/** A random symmetric positive-definite n × n matrix B Bᵀ + n I. */
function spd(n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += (b[i * n + k] as number) * (b[j * n + k] as number);
      a[i * n + j] = s;
    }
  }
  return a;
}

test("factor, solve, log-determinant and inverse agree with the matrix", () => {
  const n = 7;
  const a = spd(n, 1);
  const L = new CholeskyFactor(2); // grows as needed
  assert.ok(L.factor(a, n));
  const b = Float64Array.from({ length: n }, (_, i) => i - 3);
  const z = L.solve(Float64Array.from(b));
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += (a[i * n + j] as number) * (z[j] as number);
    assert.ok(Math.abs(s - (b[i] as number)) < 1e-10, `row ${i}: A z = ${s}, expected ${b[i]}`);
  }
  const inv = L.inverse();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * (inv[k * n + j] as number);
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-10, `(A A⁻¹)[${i}][${j}] = ${s}`);
    }
  }
  // log det from the 2 × 2 leading block, computed directly.
  const two = new CholeskyFactor();
  two.factor(Float64Array.from([a[0] as number, a[1] as number, a[n] as number, a[n + 1] as number]), 2);
  const det = (a[0] as number) * (a[n + 1] as number) - (a[1] as number) * (a[n] as number);
  assert.ok(Math.abs(two.logDet() - Math.log(det)) < 1e-12);
});

test("appending rows gives the factor of the bordered matrix, bit for bit", () => {
  const n = 9;
  const a = spd(n, 2);
  const full = new CholeskyFactor();
  full.factor(a, n);
  const grown = new CholeskyFactor(1);
  grown.factor(a.subarray(0, 0), 0);
  for (let i = 0; i < n; i++) assert.ok(grown.appendRow(a.subarray(i * n, i * n + i + 1)));
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) assert.equal(grown.data[i * grown.cap + j], full.data[i * full.cap + j]);
  // A row that makes the matrix singular is refused and leaves the factor as it was.
  const dup = Array.from({ length: n + 1 }, (_, j) => (j < n ? (a[j] as number) : (a[0] as number)));
  dup[0] = a[0] as number;
  assert.equal(grown.appendRow(dup), false);
  assert.equal(grown.n, n);
});

test("solveLowerMany equals column-by-column solves", () => {
  const n = 6;
  const m = 4;
  const L = new CholeskyFactor();
  L.factor(spd(n, 3), n);
  const rng = new Random(4);
  const B = Float64Array.from({ length: n * m }, () => rng.normal());
  const many = L.solveLowerMany(Float64Array.from(B), m);
  for (let c = 0; c < m; c++) {
    const col = Float64Array.from({ length: n }, (_, i) => B[i * m + c] as number);
    L.solveLower(col);
    for (let i = 0; i < n; i++) assert.ok(Math.abs((col[i] as number) - (many[i * m + c] as number)) < 1e-12);
  }
});
