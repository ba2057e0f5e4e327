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

/**
 * Solves `A z = b` for a symmetric positive-definite `n × n` matrix (row-major, only the lower
 * triangle is read) by Cholesky factorisation, A = L Lᵀ. Returns `undefined` when a pivot is not
 * clearly positive (A singular or indefinite to working precision), so callers can fall back to an
 * iterative method. `a` is overwritten with L.
 *
 * @see G. H. Golub, C. F. Van Loan, "Matrix Computations", 4th ed., §4.2.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array | undefined {
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i * n + i]!));
  const tiny = 1e-13 * Math.max(maxDiag, Number.MIN_VALUE);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > tiny)) return undefined;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s / ljj;
    }
  }
  // Forward substitution L y = b, then back substitution Lᵀ z = y.
  const z = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = z[i]!;
    for (let k = 0; k < i; k++) s -= a[i * n + k]! * z[k]!;
    z[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * z[k]!;
    z[i] = s / a[i * n + i]!;
  }
  return z;
}
