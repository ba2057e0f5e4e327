/**
 * A Gaussian-process posterior over fixed kernel hyperparameters that grows one observation at a
 * time (rank-one extension of its Cholesky factor).
 */
import { CholeskyFactor } from "../../numeric/cholesky.js";
import { crossCovariance, kernelMatrix, matern52, scaledSqDistance, type KernelParams } from "./kernel.js";

/**
 * The posterior of a zero-mean GP with a Matérn-5/2 ARD kernel given observations (x_i, y_i).
 *
 * Holds L (K = L Lᵀ) and α = K⁻¹ y. {@link GPPosterior.append} adds an observation in O(n²): one
 * new row of L by forward substitution (the factor of the bordered matrix keeps the old rows), then
 * α by two triangular solves; a posterior with n + 1 points built this way equals one built from
 * scratch bit for bit (see `CholeskyFactor`). Targets can be replaced without refactorising
 * ({@link GPPosterior.setTargets}), which is what a new standardisation of y needs.
 *
 * Prediction at z: μ(z) = k(z)ᵀ α and σ²(z) = σ_f² − ‖L⁻¹ k(z)‖² (the latent function's variance,
 * without observation noise), with gradients ∇μ = Jᵀ α and ∇σ² = −2 Jᵀ K⁻¹ k(z), J = ∂k(z)/∂z.
 *
 * @see C. E. Rasmussen and C. K. I. Williams, "Gaussian Processes for Machine Learning", 2006,
 *   Algorithm 2.1.
 */
export class GPPosterior {
  readonly dim: number;
  readonly isCategorical: Uint8Array;
  readonly params: KernelParams;
  /** Observations in use. */
  n = 0;
  private x: Float64Array;
  private y: Float64Array;
  private alpha: Float64Array;
  private readonly chol: CholeskyFactor;
  private kBuf: Float64Array;
  private gBuf: Float64Array;
  private vBuf: Float64Array;

  private constructor(dim: number, isCategorical: Uint8Array, params: KernelParams, chol: CholeskyFactor, capacity: number) {
    this.dim = dim;
    this.isCategorical = isCategorical;
    this.params = params;
    this.chol = chol;
    const cap = Math.max(1, capacity);
    this.x = new Float64Array(cap * dim);
    this.y = new Float64Array(cap);
    this.alpha = new Float64Array(cap);
    this.kBuf = new Float64Array(cap);
    this.gBuf = new Float64Array(cap * dim);
    this.vBuf = new Float64Array(cap);
  }

  /**
   * The posterior given `n` observations (row-major `x` with `dim` columns, targets `y`), or
   * undefined when K is not positive definite even with the noise floor.
   */
  static fit(x: Float64Array, y: Float64Array, n: number, dim: number, isCategorical: Uint8Array, params: KernelParams, extra = 0): GPPosterior | undefined {
    const K = kernelMatrix(x, n, dim, isCategorical, params, new Float64Array(n * n));
    const chol = new CholeskyFactor(n + extra);
    if (!chol.factor(K, n)) return undefined;
    const gp = new GPPosterior(dim, isCategorical, params, chol, n + extra);
    gp.x.set(x.subarray(0, n * dim));
    gp.n = n;
    gp.setTargets(y);
    return gp;
  }

  /** A copy that can be extended without changing this one (room for `extra` more observations). */
  clone(extra = 0): GPPosterior {
    const gp = new GPPosterior(this.dim, this.isCategorical, this.params, this.chol.clone(this.n, extra), this.n + extra);
    gp.x.set(this.x.subarray(0, this.n * this.dim));
    gp.y.set(this.y.subarray(0, this.n));
    gp.alpha.set(this.alpha.subarray(0, this.n));
    gp.n = this.n;
    return gp;
  }

  /** The training inputs (row-major, first `n · dim` entries). */
  get inputs(): Float64Array {
    return this.x.subarray(0, this.n * this.dim);
  }

  private grow(n: number): void {
    if (n <= this.y.length) return;
    const cap = Math.max(n, Math.ceil(this.y.length * 1.5));
    const grow = (a: Float64Array, size: number): Float64Array => {
      const b = new Float64Array(size);
      b.set(a.subarray(0, Math.min(a.length, size)));
      return b;
    };
    this.x = grow(this.x, cap * this.dim);
    this.y = grow(this.y, cap);
    this.alpha = new Float64Array(cap);
    this.kBuf = new Float64Array(cap);
    this.gBuf = new Float64Array(cap * this.dim);
    this.vBuf = new Float64Array(cap);
  }

  /** Replaces the targets (first `n` entries of `y`) and recomputes α = K⁻¹ y in O(n²). */
  setTargets(y: ArrayLike<number>): void {
    for (let i = 0; i < this.n; i++) {
      this.y[i] = y[i] as number;
      this.alpha[i] = y[i] as number;
    }
    this.chol.solve(this.alpha);
  }

  /**
   * Adds the observation (z, yz) in O(n²). Returns false (and changes nothing) when the bordered
   * covariance would not be positive definite (z duplicates a point and the noise is at its floor).
   */
  append(z: Float64Array, yz: number): boolean {
    const n = this.n;
    const dim = this.dim;
    this.grow(n + 1);
    const row = new Float64Array(n + 1);
    crossCovariance(z, this.x, n, dim, this.isCategorical, this.params, row);
    row[n] = this.params.signalVariance + this.params.noiseVariance;
    if (!this.chol.appendRow(row)) return false;
    this.x.set(z.subarray(0, dim), n * dim);
    this.y[n] = yz;
    this.n = n + 1;
    this.alpha.set(this.y.subarray(0, this.n));
    this.chol.solve(this.alpha);
    return true;
  }

  /**
   * Posterior mean and latent variance at `z`; with `gradMean`/`gradVar` (length dim) also their
   * gradients with respect to z (zero in categorical coordinates).
   */
  predict(z: Float64Array, gradMean?: Float64Array, gradVar?: Float64Array): { mean: number; variance: number } {
    const { n, dim } = this;
    const k = this.kBuf;
    const withGrad = gradMean !== undefined || gradVar !== undefined;
    crossCovariance(z, this.x, n, dim, this.isCategorical, this.params, k, withGrad ? this.gBuf : undefined);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (k[i] as number) * (this.alpha[i] as number);
    const v = this.vBuf;
    for (let i = 0; i < n; i++) v[i] = k[i] as number;
    this.chol.solveLower(v);
    let q = 0;
    for (let i = 0; i < n; i++) q += (v[i] as number) * (v[i] as number);
    const variance = Math.max(this.params.signalVariance - q, 1e-12 * this.params.signalVariance);
    if (withGrad) {
      const G = this.gBuf;
      if (gradMean !== undefined) {
        gradMean.fill(0);
        for (let i = 0; i < n; i++) {
          const a = this.alpha[i] as number;
          for (let d = 0; d < dim; d++) gradMean[d] = (gradMean[d] as number) + a * (G[i * dim + d] as number);
        }
      }
      if (gradVar !== undefined) {
        this.chol.solveUpper(v); // v = K⁻¹ k
        gradVar.fill(0);
        for (let i = 0; i < n; i++) {
          const c = -2 * (v[i] as number);
          for (let d = 0; d < dim; d++) gradVar[d] = (gradVar[d] as number) + c * (G[i * dim + d] as number);
        }
      }
    }
    return { mean, variance };
  }

  /**
   * Means and latent variances at m points (row-major `z`), written into `mean` and `variance`:
   * one batched triangular solve with the candidates as columns, O(m n²) with a streaming inner loop.
   */
  predictMany(z: Float64Array, m: number, mean: Float64Array, variance: Float64Array): void {
    const { n, dim } = this;
    const lambda = this.params.inverseSquaredLengthscales;
    const s = this.params.signalVariance;
    const B = new Float64Array(n * m);
    for (let c = 0; c < m; c++) {
      let mu = 0;
      for (let i = 0; i < n; i++) {
        const kv = s * matern52(scaledSqDistance(z, c, this.x, i, lambda, this.isCategorical, dim));
        B[i * m + c] = kv;
        mu += kv * (this.alpha[i] as number);
      }
      mean[c] = mu;
    }
    this.chol.solveLowerMany(B, m);
    variance.fill(0, 0, m);
    for (let i = 0; i < n; i++) {
      const bi = i * m;
      for (let c = 0; c < m; c++) {
        const v = B[bi + c] as number;
        variance[c] = (variance[c] as number) + v * v;
      }
    }
    for (let c = 0; c < m; c++) variance[c] = Math.max(s - (variance[c] as number), 1e-12 * s);
  }
}
