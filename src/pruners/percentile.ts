/**
 * The percentile stopping rule: stop a trial whose best intermediate value so far is worse than a
 * percentile of what the completed trials reported at the same step.
 */
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { Pruner } from "../core/pruner.js";
import type { StudyView } from "../core/study-view.js";
import { dominatesBy, paretoFront } from "../core/pareto.js";
import { hasNaN, isFirstInInterval, readReports, scalarAt, toLoss, toLossVector, vectorAt } from "./reports.js";
import { checkInteger, checkNumberIn } from "./validation.js";

/** Options of {@link PercentilePruner}, shared by {@link MedianPruner} (without `percentile`). */
export interface PercentilePrunerOptions {
  /** Percentile in [0, 100] of the completed trials to compare with: 25 keeps the best quarter. */
  readonly percentile: number;
  /** Pruning is off until this many trials completed in the study. Default 5. */
  readonly nStartupTrials?: number;
  /** Pruning is off before this step of a trial (steps are assumed to start at 0). Default 0. */
  readonly nWarmupSteps?: number;
  /**
   * Steps between pruning checks, counted from `nWarmupSteps`; a check with no report exactly at its
   * step happens at the next report. Default 1.
   */
  readonly intervalSteps?: number;
  /** Pruning at a step needs at least this many completed trials that reported at that step. Default 1. */
  readonly nMinTrials?: number;
}

/**
 * Prunes a trial whose best intermediate value so far is worse than the given percentile of the
 * values the completed trials reported at the trial's current step.
 *
 * The algorithm, per call (Optuna's `PercentilePruner`): no pruning until `nStartupTrials` trials
 * completed, before step `nWarmupSteps`, or off the `intervalSteps` grid. Then the trial's best value
 * over all its steps (NaN ignored) is compared with the `percentile`-th percentile (linear
 * interpolation, NaN ignored) of the completed trials' values at the current step; worse prunes.
 * For maximisation the comparison is mirrored (the `100 − percentile`-th percentile, larger is
 * better). A trial whose reports are all NaN is pruned. Fewer than `nMinTrials` completed trials
 * with a value at the step, or only NaN values there, never prune.
 *
 * Multi-objective studies (`directions.length > 1`): every trial reports a vector per step
 * (`trial.intermediateVectors`). The trial is pruned when each vector of its own Pareto front so far
 * is dominated by more than `percentile / 100 · (n − 1)` of the `n` valid vectors completed trials
 * reported at the current step, so `percentile` 0 keeps only trials on the current Pareto front and
 * 100 prunes only trials dominated by every other. For one objective the rule coincides with the
 * scalar one up to the interpolation between neighbours. Vectors with a NaN are invalid: they do
 * not count as competitors, and a trial with only invalid vectors is pruned. A multi-objective trial
 * that reported scalars only makes `prune` throw `OuroborosError("unsupported")`.
 *
 * Options: `percentile` (required, in [0, 100]), `nStartupTrials` = 5, `nWarmupSteps` = 0,
 * `intervalSteps` = 1, `nMinTrials` = 1.
 *
 * @example
 * ```ts
 * // keep the best quarter of trials at every 10th step after step 30
 * const pruner = new PercentilePruner({ percentile: 25, nWarmupSteps: 30, intervalSteps: 10 });
 * ```
 * @see D. Golovin, B. Solnik, S. Moitra, G. Kochanski, J. Karro, D. Sculley, "Google Vizier: A Service
 *   for Black-Box Optimization", KDD 2017 (the median stopping rule, generalised here to any percentile).
 */
export class PercentilePruner implements Pruner {
  readonly kind: string = "percentile";
  readonly percentile: number;
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;
  /** Name used in error messages. */
  protected readonly owner: string;

  /**
   * @param options see {@link PercentilePrunerOptions}.
   * @param owner the class name error messages start with (for subclasses such as {@link MedianPruner}).
   */
  constructor(options: PercentilePrunerOptions, owner = "PercentilePruner") {
    this.owner = owner;
    this.percentile = checkNumberIn(owner, "percentile", options.percentile, 0, 100);
    this.nStartupTrials = checkInteger(owner, "nStartupTrials", options.nStartupTrials ?? 5, 0);
    this.nWarmupSteps = checkInteger(owner, "nWarmupSteps", options.nWarmupSteps ?? 0, 0);
    this.intervalSteps = checkInteger(owner, "intervalSteps", options.intervalSteps ?? 1, 1);
    this.nMinTrials = checkInteger(owner, "nMinTrials", options.nMinTrials ?? 1, 1);
  }

  get params(): Readonly<Record<string, JsonValue>> {
    return {
      percentile: this.percentile,
      nStartupTrials: this.nStartupTrials,
      nWarmupSteps: this.nWarmupSteps,
      intervalSteps: this.intervalSteps,
      nMinTrials: this.nMinTrials,
    };
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const reports = readReports(study, trial, this.owner);
    const step = reports.steps[reports.steps.length - 1];
    if (step === undefined) return false;
    const completed = study.getTrials({ states: ["complete"] });
    if (completed.length === 0 || completed.length < this.nStartupTrials) return false;
    if (step < this.nWarmupSteps) return false;
    if (!isFirstInInterval(step, reports.steps, this.nWarmupSteps, this.intervalSteps)) return false;

    if (reports.kind === "scalar") {
      const direction = study.directions[0];
      let best = NaN;
      for (const v of reports.values.values()) {
        const loss = toLoss(v, direction);
        if (!Number.isNaN(loss) && !(loss >= best)) best = loss;
      }
      if (Number.isNaN(best)) return true;
      const others: number[] = [];
      let reported = 0;
      for (const t of completed) {
        const v = scalarAt(t, step);
        if (v === undefined) continue;
        reported++;
        if (!Number.isNaN(v)) others.push(toLoss(v, direction));
      }
      if (reported < this.nMinTrials || others.length === 0) return false;
      const p = percentileOf(others, this.percentile);
      return best > p;
    }

    const own: number[][] = [];
    for (const v of reports.values.values()) if (!hasNaN(v)) own.push(toLossVector(v, study.directions));
    if (own.length === 0) return true;
    const m = study.directions.length;
    const others: number[][] = [];
    let reported = 0;
    for (const t of completed) {
      const v = vectorAt(t, step, m);
      if (v === undefined) continue;
      reported++;
      if (!hasNaN(v)) others.push(toLossVector(v, study.directions));
    }
    if (reported < this.nMinTrials || others.length === 0) return false;
    const limit = (this.percentile / 100) * (others.length - 1);
    for (const v of paretoFront(own)) {
      let dominatedBy = 0;
      for (const o of others) if (dominatesBy(o, v)) dominatedBy++;
      if (dominatedBy <= limit) return false;
    }
    return true;
  }
}

/**
 * The `q`-th percentile (0–100) of non-empty `values` with linear interpolation between the two
 * nearest ranks (numpy's default `"linear"` method, with its monotone lerp).
 */
export function percentileOf(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = rank - lo;
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
