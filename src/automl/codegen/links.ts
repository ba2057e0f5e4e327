/**
 * Output links shared by generated model functions, each written with the same operations as the
 * library function it mirrors (so results agree bit for bit).
 */

/** `sigmoid` of `src/numeric/dense.ts` (two branches, stable for large |z|). */
export const SIGMOID = `/** The logistic function, computed as the library's linear model does. */
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}`;

/** In-place softmax of one row (max-shifted), as the linear, boosting and network models do it. */
export const SOFTMAX = `/** Softmax in place (subtracting the maximum first). */
function softmax(z: Float64Array): Float64Array {
  let m = -Infinity;
  for (let k = 0; k < z.length; k++) m = Math.max(m, z[k]!);
  let s = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp(z[k]! - m);
    z[k] = e;
    s += e;
  }
  for (let k = 0; k < z.length; k++) z[k]! /= s;
  return z;
}`;
