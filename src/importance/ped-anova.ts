/**
 * PED-ANOVA: hyperparameter importance in a local space from Pearson divergences of marginal
 * densities (Watanabe, Bansal & Hutter 2023).
 *
 * Let the region be the trials in the top γ quantile of the objective (γ = 1: all trials) and the
 * target the trials in the top γ' ≤ γ. The paper shows that the variance of the γ'-level set's
 * indicator explained by parameter d within the region is H_d = (γ'/γ)² · D_PE(p_d^γ' ‖ p_d^γ),
 * where p_d^γ' and p_d^γ are the marginal densities of d among target and region trials and
 * D_PE(p ‖ q) = ∫ q (p/q − 1)² dx = ∫ p²/q dx − 1 is the Pearson divergence. No model is fitted: a
 * parameter whose good values look like all values scores 0, one whose good values concentrate
 * scores high. Densities are estimated on a grid: Gaussian kernels with Scott's bandwidth,
 * reflected at the ends of [0, 1] so a uniform marginal stays flat at the edges, for numeric
 * parameters (the grid is the parameter's own points when it has at most `nSteps` of them); plain
 * frequencies for categorical ones. With `evaluateOnLocal: false` the region density is the
 * uniform one of the whole search space (the paper's global importance, γ = 1).
 */

/** How a parameter's encoded values are spread: continuous on [0, 1], `nPoints` cell centres, or codes. */
export type PedAnovaSpace =
  | { readonly kind: "continuous" }
  | { readonly kind: "discrete"; readonly nPoints: number }
  | { readonly kind: "categorical"; readonly nCategories: number };

/** Options of {@link pedAnovaImportances}. */
export interface PedAnovaOptions {
  /** γ': the quantile of best trials whose parameters are compared with the region's. Default 0.1. */
  readonly targetQuantile?: number;
  /** γ: the quantile of best trials that forms the local space. Default 1 (all trials). */
  readonly regionQuantile?: number;
  /** Compare with the region's trials (true) or with the uniform density of the space. Default true. */
  readonly evaluateOnLocal?: boolean;
  /** Grid points for continuous densities. Default 50. */
  readonly nSteps?: number;
  /** The target set holds at least this many trials. Default 2. */
  readonly minTopTrials?: number;
}

/**
 * How many of the sorted losses form the best `quantile`: at least `min` (and at most all), plus
 * every trial tied with the last one, so equal objective values never straddle the cut.
 */
function topCount(sortedLoss: Float64Array, quantile: number, min: number): number {
  const n = sortedLoss.length;
  let k = Math.min(n, Math.max(min, Math.ceil(quantile * n - 1e-9)));
  while (k < n && sortedLoss[k] === sortedLoss[k - 1]) k++;
  return k;
}

/** Normalised density on the grid of `space` from values on [0, 1] (Gaussian kernels, reflected). */
function gridDensity(values: Float64Array, space: PedAnovaSpace, nSteps: number): Float64Array {
  if (space.kind === "categorical") {
    const p = new Float64Array(space.nCategories);
    for (let i = 0; i < values.length; i++) p[values[i]!]! += 1 / values.length;
    return p;
  }
  const g = space.kind === "discrete" && space.nPoints <= nSteps ? space.nPoints : nSteps;
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]! / n;
  let varSum = 0;
  for (let i = 0; i < n; i++) varSum += (values[i]! - mean) ** 2;
  const sd = Math.sqrt(varSum / Math.max(1, n - 1));
  const sorted = Float64Array.from(values).sort();
  const iqr = quantileOf(sorted, 0.75) - quantileOf(sorted, 0.25);
  const spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
  // Scott's rule, floored at half a grid cell so a point mass still covers its own cell.
  const h = Math.max(1.059 * spread * n ** -0.2, 0.5 / g);
  const out = new Float64Array(g);
  const inv = 1 / (2 * h * h);
  for (let k = 0; k < g; k++) {
    const x = (k + 0.5) / g;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      s += Math.exp(-((x - v) ** 2) * inv) + Math.exp(-((x + v) ** 2) * inv) + Math.exp(-((x - (2 - v)) ** 2) * inv);
    }
    out[k] = s;
  }
  let total = 0;
  for (let k = 0; k < g; k++) total += out[k]!;
  for (let k = 0; k < g; k++) out[k]! /= total;
  return out;
}

function quantileOf(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Σ p²/q − 1 over the grid (cells with q = 0 hold no p when the target lies in the region). */
function pearsonDivergence(p: Float64Array, q: Float64Array): number {
  let s = 0;
  for (let k = 0; k < p.length; k++) if (q[k]! > 0) s += (p[k]! * p[k]!) / q[k]!;
  return Math.max(0, s - 1);
}

/**
 * PED-ANOVA importance H_d of each parameter (see module docs). `columns[d]` holds parameter d's
 * encoded values (numeric on [0, 1], categorical codes), `loss` the objective with lower better.
 *
 * @see Watanabe, Bansal & Hutter 2023, "PED-ANOVA: efficiently quantifying hyperparameter
 * importance in arbitrary subspaces", IJCAI
 */
export function pedAnovaImportances(
  columns: readonly Float64Array[],
  spaces: readonly PedAnovaSpace[],
  loss: Float64Array,
  options: PedAnovaOptions = {},
): Float64Array {
  const gammaTop = options.targetQuantile ?? 0.1;
  const gammaRegion = options.regionQuantile ?? 1;
  const local = options.evaluateOnLocal ?? true;
  const nSteps = options.nSteps ?? 50;
  const n = loss.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => loss[a]! - loss[b]! || a - b);
  const sortedLoss = Float64Array.from(order, (i) => loss[i]!);
  const nTop = topCount(sortedLoss, gammaTop, options.minTopTrials ?? 2);
  const nRegion = Math.max(nTop, topCount(sortedLoss, gammaRegion, 1));
  const scale = local ? (gammaTop / gammaRegion) ** 2 : gammaTop ** 2;
  const out = new Float64Array(columns.length);
  for (let d = 0; d < columns.length; d++) {
    const col = columns[d]!;
    const space = spaces[d]!;
    const top = Float64Array.from(order.subarray(0, nTop), (i) => col[i]!);
    const p = gridDensity(top, space, nSteps);
    let q: Float64Array;
    if (local) q = gridDensity(Float64Array.from(order.subarray(0, nRegion), (i) => col[i]!), space, nSteps);
    else q = new Float64Array(p.length).fill(1 / p.length);
    out[d] = scale * pearsonDivergence(p, q);
  }
  return out;
}
