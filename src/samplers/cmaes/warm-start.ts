/**
 * WS-CMA-ES: the initial search distribution from the best trials of a similar, earlier task.
 */
import { symmetricEigen } from "../../numeric/eigen.js";

/** A Gaussian N(mean, σ² C) in the normalised CMA-ES coordinates. */
export interface WarmStartDistribution {
  readonly mean: Float64Array;
  readonly sigma: number;
  /** n × n row-major, det C = 1. */
  readonly cov: Float64Array;
}

/**
 * Fits the promising distribution of WS-CMA-ES to source solutions (normalised coordinates and
 * values to minimise): take the best ⌈γ·N⌉ (at least one), place an isotropic Gaussian of
 * standard deviation α on each, and return the moment-matched single Gaussian of that mixture:
 * mean = average of the top points, Σ = α² I + their (biased) covariance. Σ is split into
 * σ = det(Σ)^{1/2n} and C = Σ/σ², the form CMA-ES starts from. Returns undefined when no source
 * solution was given.
 *
 * Defaults follow the paper and the `cmaes` library: γ = 0.1, α = 0.1 (on the [0, 1] scale).
 *
 * @see M. Nomura, S. Watanabe, Y. Akimoto, Y. Ozaki and M. Onishi, "Warm Starting CMA-ES for
 *   Hyperparameter Optimization", AAAI 2021.
 */
export function warmStartDistribution(
  sources: readonly { readonly x: Float64Array; readonly value: number }[],
  gamma = 0.1,
  alpha = 0.1,
): WarmStartDistribution | undefined {
  if (sources.length === 0) return undefined;
  const n = (sources[0] as { x: Float64Array }).x.length;
  const top = [...sources].sort((a, b) => a.value - b.value).slice(0, Math.max(1, Math.ceil(gamma * sources.length)));
  const mean = new Float64Array(n);
  for (const s of top) for (let i = 0; i < n; i++) mean[i] = (mean[i] as number) + (s.x[i] as number) / top.length;
  const cov = new Float64Array(n * n);
  for (const s of top) {
    for (let i = 0; i < n; i++) {
      const di = (s.x[i] as number) - (mean[i] as number);
      for (let j = 0; j < n; j++) cov[i * n + j] = (cov[i * n + j] as number) + (di * ((s.x[j] as number) - (mean[j] as number))) / top.length;
    }
  }
  for (let i = 0; i < n; i++) cov[i * n + i] = (cov[i * n + i] as number) + alpha * alpha;
  let logDet = 0;
  for (const e of symmetricEigen(cov, n).values) logDet += Math.log(Math.max(e, 1e-300));
  const sigma = Math.exp(logDet / (2 * n));
  for (let i = 0; i < cov.length; i++) cov[i] = (cov[i] as number) / (sigma * sigma);
  return { mean, sigma, cov };
}
