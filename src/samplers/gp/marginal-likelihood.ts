/**
 * Type-II maximum likelihood for the GP's kernel hyperparameters: the log marginal likelihood with
 * its analytic gradient, weak priors that keep the fit stable on few points, and a multi-start
 * L-BFGS fit.
 */
import { CholeskyFactor } from "../../numeric/cholesky.js";
import { minimizeLBFGS } from "../../numeric/lbfgs.js";
import { kernelMatrix, matern52Deriv, type KernelParams } from "./kernel.js";

/**
 * The smallest noise variance (on standardised targets). Objectives are usually deterministic, but
 * a floor keeps K = σ_f² M + σ_n² I well conditioned when observations crowd together; 1e-6 is
 * Optuna's GPSampler's floor.
 */
export const MIN_NOISE_VARIANCE = 1e-6;

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Unconstrained coordinates of {@link KernelParams}: θ_d = log λ_d for each input, then
 * log σ_f², then log(σ_n² − {@link MIN_NOISE_VARIANCE}). Length dim + 2.
 */
export function paramsFromRaw(raw: Float64Array, dim: number): KernelParams {
  const lambda = new Float64Array(dim);
  for (let d = 0; d < dim; d++) lambda[d] = Math.exp(raw[d] as number);
  return {
    inverseSquaredLengthscales: lambda,
    signalVariance: Math.exp(raw[dim] as number),
    noiseVariance: MIN_NOISE_VARIANCE + Math.exp(raw[dim + 1] as number),
  };
}

/** The inverse of {@link paramsFromRaw}. */
export function rawFromParams(p: KernelParams): Float64Array {
  const dim = p.inverseSquaredLengthscales.length;
  const raw = new Float64Array(dim + 2);
  for (let d = 0; d < dim; d++) raw[d] = Math.log(p.inverseSquaredLengthscales[d] as number);
  raw[dim] = Math.log(p.signalVariance);
  raw[dim + 1] = Math.log(Math.max(p.noiseVariance - MIN_NOISE_VARIANCE, 1e-12));
  return raw;
}

/**
 * Log prior density (up to a constant) of the hyperparameters, and its gradient in raw coordinates
 * added into `grad`.
 *
 * Inputs lie in [0, 1], standardised targets have unit variance, so the priors can be fixed:
 * λ_d gets −0.1 (λ_d + 1/λ_d), which peaks at lengthscale 1 and penalises very short and very long
 * ones linearly; σ_f² ~ Gamma(2, 1) (mode 1); σ_n² ~ Gamma(1.1, 30) (mass near zero, mean 0.04).
 * These are the priors Optuna 4's GPSampler uses (its `default_log_prior`), chosen in the spirit of
 * BoTorch's gamma priors; without them a fit on a handful of points can send a lengthscale to 0 or
 * ∞ and the acquisition degenerates.
 *
 * @see M. Balandat et al., "BoTorch: A Framework for Efficient Monte-Carlo Bayesian Optimization",
 *   NeurIPS 2020.
 */
export function logPrior(raw: Float64Array, dim: number, grad?: Float64Array): number {
  let lp = 0;
  for (let d = 0; d < dim; d++) {
    const lam = Math.exp(raw[d] as number);
    lp -= 0.1 * (lam + 1 / lam);
    if (grad) grad[d] = (grad[d] as number) - 0.1 * (lam - 1 / lam);
  }
  const s = Math.exp(raw[dim] as number);
  lp += Math.log(s) - s; // Gamma(2, 1): (2 − 1) log s − s
  if (grad) grad[dim] = (grad[dim] as number) + 1 - s;
  const e = Math.exp(raw[dim + 1] as number);
  const noise = MIN_NOISE_VARIANCE + e;
  lp += 0.1 * Math.log(noise) - 30 * noise; // Gamma(1.1, 30)
  if (grad) grad[dim + 1] = (grad[dim + 1] as number) + (0.1 / noise - 30) * e;
  return lp;
}

/** Reusable buffers of {@link logMarginalLikelihood} (sized for n points). */
export interface LMLWorkspace {
  k: Float64Array;
  chol: CholeskyFactor;
  alpha: Float64Array;
  inv: Float64Array;
  work: Float64Array;
}

/** A workspace for {@link logMarginalLikelihood} on up to `n` points. */
export function lmlWorkspace(n: number): LMLWorkspace {
  return { k: new Float64Array(n * n), chol: new CholeskyFactor(n), alpha: new Float64Array(n), inv: new Float64Array(n * n), work: new Float64Array(n * n) };
}

/**
 * The log marginal likelihood log p(y | X, θ) of a zero-mean GP with the Matérn-5/2 ARD kernel,
 * plus the {@link logPrior} when `withPrior`, at raw hyperparameters θ; writes its gradient with
 * respect to θ into `grad` when given. Returns −Infinity when K is not positive definite.
 *
 * log p = −½ yᵀα − ½ log|K| − (n/2) log 2π with α = K⁻¹y, and ∂ log p/∂θ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ)
 * (Rasmussen & Williams 2006, eqs. 5.8–5.9). With W = ααᵀ − K⁻¹ and r²_ij the scaled squared
 * distance: ∂K_ij/∂ log λ_d = σ_f² m′(r²_ij) λ_d δ²_ijd, ∂K_ij/∂ log σ_f² = σ_f² m(r²_ij), and
 * ∂K_ii/∂θ_noise = σ_n² − floor. Cost O(n³) for K⁻¹ plus O(n² · dim) for the gradient.
 *
 * @see C. E. Rasmussen and C. K. I. Williams, "Gaussian Processes for Machine Learning", 2006, §5.4.1.
 */
export function logMarginalLikelihood(
  x: Float64Array,
  n: number,
  dim: number,
  isCategorical: Uint8Array,
  y: Float64Array,
  raw: Float64Array,
  grad?: Float64Array,
  withPrior = true,
  ws: LMLWorkspace = lmlWorkspace(n),
): number {
  const p = paramsFromRaw(raw, dim);
  for (let d = 0; d < p.inverseSquaredLengthscales.length; d++) {
    const l = p.inverseSquaredLengthscales[d] as number;
    if (!(l > 0 && l < 1e10)) return -Infinity;
  }
  if (!(p.signalVariance > 1e-10 && p.signalVariance < 1e10 && p.noiseVariance < 1e10)) return -Infinity;
  const K = kernelMatrix(x, n, dim, isCategorical, p, ws.k.length >= n * n ? ws.k : (ws.k = new Float64Array(n * n)));
  if (!ws.chol.factor(K, n)) return -Infinity;
  const alpha = ws.alpha.length >= n ? ws.alpha : (ws.alpha = new Float64Array(n));
  for (let i = 0; i < n; i++) alpha[i] = y[i] as number;
  ws.chol.solve(alpha);
  let fit = 0;
  for (let i = 0; i < n; i++) fit += (y[i] as number) * (alpha[i] as number);
  let lml = -0.5 * fit - 0.5 * ws.chol.logDet() - 0.5 * n * LOG_2PI;
  if (grad !== undefined) {
    grad.fill(0);
    const Kinv = ws.chol.inverse(ws.inv, ws.work);
    const lambda = p.inverseSquaredLengthscales;
    const s = p.signalVariance;
    let gSignal = 0;
    let trace = 0;
    for (let i = 0; i < n; i++) {
      const ai = alpha[i] as number;
      trace += ai * ai - (Kinv[i * n + i] as number);
      gSignal += (ai * ai - (Kinv[i * n + i] as number)) * s;
      const xi = i * dim;
      for (let j = 0; j < i; j++) {
        // Off-diagonal pairs count twice (W and K are symmetric).
        const w = 2 * (ai * (alpha[j] as number) - (Kinv[i * n + j] as number));
        const kij = K[i * n + j] as number;
        gSignal += w * kij;
        const xj = j * dim;
        let r2 = 0;
        for (let d = 0; d < dim; d++) {
          const diff = (x[xi + d] as number) - (x[xj + d] as number);
          r2 += isCategorical[d] === 1 ? (diff !== 0 ? (lambda[d] as number) : 0) : (lambda[d] as number) * diff * diff;
        }
        const c = w * s * matern52Deriv(r2);
        if (c === 0) continue;
        for (let d = 0; d < dim; d++) {
          const diff = (x[xi + d] as number) - (x[xj + d] as number);
          const sq = isCategorical[d] === 1 ? (diff !== 0 ? 1 : 0) : diff * diff;
          grad[d] = (grad[d] as number) + c * (lambda[d] as number) * sq;
        }
      }
    }
    for (let d = 0; d < dim; d++) grad[d] = 0.5 * (grad[d] as number);
    grad[dim] = 0.5 * gSignal;
    grad[dim + 1] = 0.5 * trace * (p.noiseVariance - MIN_NOISE_VARIANCE);
  }
  if (withPrior) lml += logPrior(raw, dim, grad);
  return lml;
}

/** Options of {@link fitKernelParams}. */
export interface FitOptions {
  /** Largest number of L-BFGS iterations per start. Default 100. */
  readonly maxIter?: number;
  /** Keep the noise coordinate at its starting value (a deterministic objective). Default false. */
  readonly fixNoise?: boolean;
}

/**
 * Fits the kernel hyperparameters by maximising the log marginal likelihood plus the log prior
 * (a MAP estimate), with L-BFGS from each of the raw starting points `starts`; returns the best
 * end point in raw coordinates (the first start when every run fails). Deterministic.
 */
export function fitKernelParams(
  x: Float64Array,
  n: number,
  dim: number,
  isCategorical: Uint8Array,
  y: Float64Array,
  starts: readonly Float64Array[],
  options: FitOptions = {},
): { raw: Float64Array; logPosterior: number } {
  const ws = lmlWorkspace(n);
  // Minimise −log posterior per observation, so the gradient tolerance means the same at any n.
  const scale = 1 / Math.max(1, n);
  const objective = (raw: Float64Array, grad: Float64Array): number => {
    const v = logMarginalLikelihood(x, n, dim, isCategorical, y, raw, grad, true, ws);
    for (let i = 0; i < grad.length; i++) grad[i] = -(grad[i] as number) * scale;
    if (options.fixNoise === true) grad[dim + 1] = 0;
    return Number.isFinite(v) ? -v * scale : Infinity;
  };
  let best: { raw: Float64Array; logPosterior: number } = { raw: Float64Array.from(starts[0] as Float64Array), logPosterior: -Infinity };
  const g = new Float64Array(dim + 2);
  for (const start of starts) {
    if (!Number.isFinite(objective(start, g))) continue;
    const res = minimizeLBFGS(objective, start, { maxIter: options.maxIter ?? 100, gtol: 1e-4, ftol: 1e-9 });
    const lp = -res.f / scale;
    if (lp > best.logPosterior) best = { raw: Float64Array.from(res.x), logPosterior: lp };
  }
  return best;
}
