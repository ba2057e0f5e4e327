/**
 * The CMA-ES sampler's options (what each does and its Optuna default) and the normalisation of
 * warm-start source trials; the sampler itself is in `sampler.ts`.
 */
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { ParamValue } from "../../core/distributions.js";
import type { RestartStrategy } from "./restart.js";

/** A source trial for the warm start: external parameter values and the objective value. */
export interface WarmStartTrial {
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly value: number;
}

/** Options of {@link CmaEsSampler}; names and defaults follow Optuna's `CmaEsSampler`. */
export interface CmaEsSamplerOptions {
  /** Seed of every draw. Default: a fresh random seed, reported in `params`. */
  readonly seed?: number;
  /** Initial mean as external values by parameter name (others start at the centre). Default: the centre of the space. */
  readonly x0?: Readonly<Record<string, number>>;
  /** Initial step size on the normalised [0, 1] scale of every dimension. Default 1/6 (the warm start's own σ with `sourceTrials`). */
  readonly sigma0?: number;
  /** Complete trials sampled independently before CMA-ES starts. Default 1. */
  readonly nStartupTrials?: number;
  /** Population size λ of the first run. Default 4 + ⌊3 ln n⌋. */
  readonly popsize?: number;
  /** Restart when a run converges: `"ipop"` or `"bipop"`, or `null` (default) to keep one run. */
  readonly restartStrategy?: RestartStrategy | null;
  /** Factor λ grows by per (large) restart. Default 2. */
  readonly incPopsize?: number;
  /** Separable CMA-ES: a diagonal covariance, linear time and space per sample (Ros & Hansen 2008). Default false. */
  readonly useSeparableCma?: boolean;
  /** CMA-ES with margin for integer and stepped dimensions (Hamano et al. 2022). Default false. */
  readonly withMargin?: boolean;
  /** The margin α with `withMargin`. Default 1/(n λ). */
  readonly margin?: number;
  /** Learning-rate adaptation (LRA-CMA-ES, Nomura et al. 2023). Default false. */
  readonly lrAdapt?: boolean;
  /** Count pruned trials, with their last reported value, as evaluated solutions. Default false. */
  readonly considerPrunedTrials?: boolean;
  /** Warn once per parameter sampled independently after the startup trials. Default true. */
  readonly warnIndependentSampling?: boolean;
  /**
   * Trials of a similar earlier task (complete, same direction) to warm-start from (WS-CMA-ES):
   * the initial mean and covariance come from a Gaussian fitted to the best 10% of them.
   */
  readonly sourceTrials?: readonly (FrozenTrial | WarmStartTrial)[];
  /** Termination: range of the recent best/worst values below which a run stops. Default 1e-12. */
  readonly tolFun?: number;
  /** Termination: every coordinate's standard deviation (normalised scale) below this stops a run. Default 1e-12. */
  readonly tolX?: number;
  /** Termination: σ × the largest √eigenvalue above this stops a run (divergence). Default 1e4. */
  readonly tolXUp?: number;
  /** Termination: condition number of C above this stops a run. Default 1e14. */
  readonly tolConditionCov?: number;
}

export const OPTION_NAMES: readonly string[] = [
  "seed",
  "x0",
  "sigma0",
  "nStartupTrials",
  "popsize",
  "restartStrategy",
  "incPopsize",
  "useSeparableCma",
  "withMargin",
  "margin",
  "lrAdapt",
  "considerPrunedTrials",
  "warnIndependentSampling",
  "sourceTrials",
  "tolFun",
  "tolX",
  "tolXUp",
  "tolConditionCov",
];

/** The warm-start sources as plain (params, value) pairs: unfinished or non-finite source trials are skipped, malformed entries refused through `bad`. */
export function normaliseSources(sources: CmaEsSamplerOptions["sourceTrials"], bad: (msg: string) => never): WarmStartTrial[] {
  if (sources === undefined) return [];
  if (!Array.isArray(sources)) return bad(`sourceTrials must be an array of trials, but got ${JSON.stringify(sources)}`);
  const out: WarmStartTrial[] = [];
  for (const [i, t] of (sources as readonly (FrozenTrial | WarmStartTrial)[]).entries()) {
    if (typeof t !== "object" || t === null || typeof t.params !== "object") bad(`sourceTrials[${i}] must have params, but got ${JSON.stringify(t)}`);
    if ("state" in t && t.state !== "complete") continue;
    const value = t.value;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      if ("state" in t) continue;
      bad(`sourceTrials[${i}].value must be a finite number, but got ${JSON.stringify(value)}`);
    }
    out.push({ params: { ...t.params }, value: value as number });
  }
  return out;
}
