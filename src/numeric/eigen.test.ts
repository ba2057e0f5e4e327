import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../core/rng.js";
import { symmetricEigen } from "./eigen.js";

/** max |V diag(λ) Vᵀ − A| and max |VᵀV − I|. */
function residuals(a: Float64Array, n: number): { recon: number; orth: number; values: Float64Array } {
  const { values, vectors: v } = symmetricEigen(a, n);
  let recon = 0;
  let orth = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let o = 0;
      for (let k = 0; k < n; k++) {
        s += v[i * n + k]! * values[k]! * v[j * n + k]!;
        o += v[k * n + i]! * v[k * n + j]!;
      }
      recon = Math.max(recon, Math.abs(s - a[i * n + j]!));
      orth = Math.max(orth, Math.abs(o - (i === j ? 1 : 0)));
    }
  }
  return { recon, orth, values };
}

test("2×2: known eigenvalues and vectors", () => {
  const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
  assert.ok(Math.abs(values[0]! - 1) < 1e-15 && Math.abs(values[1]! - 3) < 1e-15, `got ${values}`);
  // The eigenvector of 3 is ±(1, 1)/√2.
  assert.ok(Math.abs(Math.abs(vectors[1]!) - Math.SQRT1_2) < 1e-15 && Math.abs(vectors[1]! - vectors[3]!) < 1e-15);
});

test("diagonal and identity matrices come back unchanged (sorted)", () => {
  const { values, vectors } = symmetricEigen(Float64Array.of(3, 0, 0, 0, 1, 0, 0, 0, 2), 3);
  assert.deepEqual([...values], [1, 2, 3]);
  for (const x of vectors) assert.ok(x === 0 || x === 1);
  const id = symmetricEigen(Float64Array.of(1, 0, 0, 1), 2);
  assert.deepEqual([...id.values], [1, 1]);
});

test("random symmetric matrices up to 40×40 reconstruct to 1e-12, with orthonormal vectors", () => {
  const rng = new Random(5);
  for (const n of [1, 3, 7, 20, 40]) {
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
    const r = residuals(a, n);
    assert.ok(r.recon < 1e-12 * n, `n=${n}: reconstruction error ${r.recon}`);
    assert.ok(r.orth < 1e-12 * n, `n=${n}: orthogonality error ${r.orth}`);
    for (let i = 1; i < n; i++) assert.ok(r.values[i]! >= r.values[i - 1]!);
  }
});

test("ill-conditioned SPD matrix (condition 1e14): tiny eigenvalues keep relative accuracy", () => {
  // A = Q diag(1e-14, 1e-7, 1) Qᵀ with Q a rotation.
  const n = 3;
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const q = [c, -s, 0, s * 0.6, c * 0.6, -0.8, s * 0.8, c * 0.8, 0.6];
  const d = [1e-14, 1e-7, 1];
  const a = new Float64Array(9);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j]! += q[i * n + k]! * d[k]! * q[j * n + k]!;
  const { values } = symmetricEigen(a, n);
  assert.ok(Math.abs(values[2]! - 1) < 1e-14);
  assert.ok(Math.abs(values[1]! / 1e-7 - 1) < 1e-6, `got ${values[1]}`);
  assert.ok(Math.abs(values[0]!) < 1e-13, `got ${values[0]}`);
});
