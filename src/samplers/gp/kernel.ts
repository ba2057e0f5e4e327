/**
 * The Matérn-5/2 kernel with automatic relevance determination (one lengthscale per input) over
 * mixed continuous and categorical inputs.
 */

const SQRT5 = Math.sqrt(5);

/**
 * The kernel's hyperparameters. `inverseSquaredLengthscales[d]` = 1 / ℓ_d² weighs input d;
 * `signalVariance` scales the kernel; `noiseVariance` is added on the diagonal of the training
 * covariance only (observation noise, and the jitter that keeps it well conditioned).
 */
export interface KernelParams {
  readonly inverseSquaredLengthscales: Float64Array;
  readonly signalVariance: number;
  readonly noiseVariance: number;
}

/**
 * Matérn-5/2 correlation as a function of the squared scaled distance r²:
 * m(r²) = (1 + √5 r + 5/3 r²) exp(−√5 r).
 *
 * @see C. E. Rasmussen and C. K. I. Williams, "Gaussian Processes for Machine Learning", MIT Press
 *   2006, §4.2.1 (eq. 4.17).
 */
export function matern52(r2: number): number {
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/**
 * dm/d(r²) of {@link matern52}: −5/6 (1 + √5 r) exp(−√5 r). Written in r² it has no singularity at
 * r = 0, which is why distances are handled squared throughout.
 */
export function matern52Deriv(r2: number): number {
  const r = Math.sqrt(r2);
  return (-5 / 6) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/**
 * Squared scaled distance between row `i` of `a` and row `j` of `b` (both row-major with `dim`
 * columns): Σ_d λ_d δ_d², where δ_d is the difference for a continuous input and the mismatch
 * indicator (Hamming distance) for a categorical one.
 */
export function scaledSqDistance(
  a: Float64Array,
  i: number,
  b: Float64Array,
  j: number,
  lambda: Float64Array,
  isCategorical: Uint8Array,
  dim: number,
): number {
  let s = 0;
  const ai = i * dim;
  const bj = j * dim;
  for (let d = 0; d < dim; d++) {
    const diff = (a[ai + d] as number) - (b[bj + d] as number);
    if (isCategorical[d] === 1) {
      if (diff !== 0) s += lambda[d] as number;
    } else s += (lambda[d] as number) * diff * diff;
  }
  return s;
}

/**
 * The training covariance K = σ_f² M + σ_n² I of `n` points (row-major `x`, `dim` columns), as a
 * dense n × n row-major matrix (both triangles) written into `out`.
 *
 * The Matérn-5/2 kernel k(x, x') = σ_f² m(r²), r² = Σ_d δ_d² / ℓ_d² with one lengthscale per input
 * (ARD, MacKay 1994; Neal 1996). Inputs are normalised to [0, 1] by the caller; categorical inputs
 * contribute λ_d · [x_d ≠ x'_d], a Hamming-distance term with its own weight, as Optuna 4's
 * GPSampler does. This keeps one kernel dimension per categorical (one-hot would add one per
 * choice, each with a lengthscale the few observations cannot identify) and makes every pair of
 * distinct choices equally similar, which is all a categorical's lack of order allows.
 *
 * @see E. C. Garrido-Merchán and D. Hernández-Lobato, "Dealing with categorical and integer-valued
 *   variables in Bayesian optimization with Gaussian processes", Neurocomputing 380, 2020.
 */
export function kernelMatrix(x: Float64Array, n: number, dim: number, isCategorical: Uint8Array, p: KernelParams, out: Float64Array): Float64Array {
  const lambda = p.inverseSquaredLengthscales;
  const s = p.signalVariance;
  for (let i = 0; i < n; i++) {
    out[i * n + i] = s + p.noiseVariance;
    for (let j = 0; j < i; j++) {
      const k = s * matern52(scaledSqDistance(x, i, x, j, lambda, isCategorical, dim));
      out[i * n + j] = k;
      out[j * n + i] = k;
    }
  }
  return out;
}

/**
 * Cross-covariances k(z, x_i) between one point `z` (length `dim`) and the `n` training points,
 * written into `out`; with `grad` (n × dim, row-major) also ∂k(z, x_i)/∂z_d, zero for categorical
 * inputs (they are searched by enumeration, not by gradient).
 */
export function crossCovariance(
  z: Float64Array,
  x: Float64Array,
  n: number,
  dim: number,
  isCategorical: Uint8Array,
  p: KernelParams,
  out: Float64Array,
  grad?: Float64Array,
): void {
  const lambda = p.inverseSquaredLengthscales;
  const s = p.signalVariance;
  for (let i = 0; i < n; i++) {
    const r2 = scaledSqDistance(z, 0, x, i, lambda, isCategorical, dim);
    out[i] = s * matern52(r2);
    if (grad !== undefined) {
      const dk = s * matern52Deriv(r2);
      const gi = i * dim;
      const xi = i * dim;
      for (let d = 0; d < dim; d++) {
        grad[gi + d] = isCategorical[d] === 1 ? 0 : dk * 2 * (lambda[d] as number) * ((z[d] as number) - (x[xi + d] as number));
      }
    }
  }
}
