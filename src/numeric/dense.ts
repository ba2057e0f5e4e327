/**
 * Small dense vector helpers on `Float64Array`s, shared by the optimisers and the linear learners.
 * Plain loops over typed arrays: V8 compiles them to tight machine code, and keeping them in one
 * place means every hot path sums in the same order (so results are bit-for-bit reproducible).
 */

/** Inner product of the first `n` entries of `a` and `b` (default: all of `a`). */
export function dot(a: Float64Array, b: Float64Array, n = a.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/** `y += alpha * x`, in place. */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += alpha * x[i]!;
}

/** Largest absolute entry (0 for an empty vector). */
export function normInf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
}

/** Euclidean norm. */
export function norm2(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** Numerically stable `log(1 + exp(z))`. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Numerically stable logistic sigmoid `1 / (1 + exp(-z))`. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
