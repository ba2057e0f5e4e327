/**
 * TPE's options (`TPESamplerOptions`, with what each does and its Optuna default) and the default
 * γ(n) and observation-weight functions they refer to; the sampler itself is in `sampler.ts`.
 */
import type { FrozenTrial } from "../../core/frozen-trial.js";

/** Optuna's default γ: the best 10% of the finished trials, at most 25. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Hyperopt's γ: ⌈¼ √n⌉, at most 25 (for `gamma: hyperoptGamma`). */
export function hyperoptGamma(n: number): number {
  return Math.min(Math.ceil(0.25 * Math.sqrt(n)), 25);
}

/**
 * Optuna's default observation weights, oldest first: all 1 up to 25 observations; beyond, the 25
 * newest weigh 1 and the older ones ramp linearly from 1/n up to 1 (Bergstra et al. 2013).
 */
export function defaultWeights(n: number): Float64Array {
  return defaultWeightsInto(new Float64Array(n));
}

/** {@link defaultWeights} of `w.length` observations, written into `w`. */
export function defaultWeightsInto(w: Float64Array): Float64Array {
  const n = w.length;
  w.fill(1);
  if (n < 25) return w;
  const ramp = n - 25;
  for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / n : 1 / n + (i * (1 - 1 / n)) / (ramp - 1);
  return w;
}

/** Options of {@link TPESampler}; names and defaults follow Optuna's `TPESampler`. */
export interface TPESamplerOptions {
  /** Seed of every draw. Default: a fresh random seed, reported in `params`. */
  readonly seed?: number;
  /** Trials sampled at random before TPE starts (counting complete and pruned trials). Default 10. */
  readonly nStartupTrials?: number;
  /** Candidates drawn from l(x) per sample; the one maximising l(x)/g(x) wins. Default 24. */
  readonly nEICandidates?: number;
  /** Weight of the prior component (and the smoothing of categorical kernels). Default 1. */
  readonly priorWeight?: number;
  /** Add a wide prior component at the centre of the range. Default true. */
  readonly considerPrior?: boolean;
  /** Keep kernel widths at least range / min(100, n + 2) ("magic clip"). Default true. */
  readonly considerMagicClip?: boolean;
  /** Let the outermost kernels' widths reach the range ends. Default false. */
  readonly considerEndpoints?: boolean;
  /** Number of "good" trials (modelled by l) given the number of finished trials. Default {@link defaultGamma}. */
  readonly gamma?: (nFinished: number) => number;
  /** Weights of n observations, oldest first. Default {@link defaultWeights}. */
  readonly weights?: (n: number) => ArrayLike<number>;
  /** Model the intersection search space jointly (multivariate TPE). Default false. */
  readonly multivariate?: boolean;
  /** With `multivariate`, model each group of parameters that always appear together jointly. Default false. */
  readonly group?: boolean;
  /** Count running trials as bad ones, so parallel workers spread out. Default false. */
  readonly constantLiar?: boolean;
  /**
   * Constraint values of a finished trial (each ≤ 0 means satisfied), called once per complete or
   * pruned trial and stored in its `"constraints"` system attribute. Infeasible trials rank after
   * feasible ones, by total violation.
   */
  readonly constraintsFunc?: (trial: FrozenTrial) => readonly number[];
  /** With `multivariate`, warn (once per parameter) when a parameter is sampled independently. Default true. */
  readonly warnIndependentSampling?: boolean;
  /**
   * Weigh each continuous kernel by its bandwidth σ when evaluating l(x) and g(x), as Optuna 3.1–3.4
   * do (their truncated-normal log density omits log σ; Optuna 3.5 normalised it). Wide kernels (the
   * prior, isolated observations) then count for more, so TPE explores more. Default true: on the
   * benchmark suite (8 problems, 60 seeds, univariate) it gave lower median regret than exactly
   * normalised kernels in 12 of 16 problem × budget cells; `false` gives Optuna ≥ 3.5's densities.
   * Sampling from l(x) is the same either way.
   */
  readonly widthWeightedKernels?: boolean;
  /**
   * With `multivariate`, the kernels' bandwidths. `"scott"`: one σ = 0.2 n^(−1/(d+4)) × range for
   * every kernel (Optuna 3.1's rule, after BOHB). `"neighbour"`: per dimension, each kernel's gap to
   * its sorted neighbours, magic-clipped (the univariate rule, Hyperopt's; the bandwidth of the
   * recommended setting of Watanabe 2023). Default `"scott"`. In an A/B on the benchmark suite
   * (seeds 100–199 against 100–159, outside the reported ones) `"neighbour"` gave lower median
   * regret in 13 of 16 problem × budget cells, often by several times (Branin, Hartmann-6,
   * Ackley-5D, the mixed and conditional spaces), but was about 2× worse on Levy-10D at 300 trials,
   * and on a small mixed problem it settled on a wrong categorical choice within 50 trials in 4 of
   * 100 seeds (`"scott"`: 0): narrow per-dimension kernels exploit more.
   */
  readonly multivariateBandwidth?: "scott" | "neighbour";
}

export const OPTION_NAMES: readonly string[] = [
  "seed",
  "nStartupTrials",
  "nEICandidates",
  "priorWeight",
  "considerPrior",
  "considerMagicClip",
  "considerEndpoints",
  "gamma",
  "weights",
  "multivariate",
  "group",
  "constantLiar",
  "constraintsFunc",
  "warnIndependentSampling",
  "widthWeightedKernels",
  "multivariateBandwidth",
];

