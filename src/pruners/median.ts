/**
 * The median stopping rule.
 */
import type { JsonValue } from "../core/json.js";
import { PercentilePruner, type PercentilePrunerOptions } from "./percentile.js";

/** Options of {@link MedianPruner}: those of {@link PercentilePruner} without `percentile`. */
export type MedianPrunerOptions = Omit<PercentilePrunerOptions, "percentile">;

/**
 * Prunes a trial whose best intermediate value so far is worse than the median of the values the
 * completed trials reported at the same step: {@link PercentilePruner} with `percentile` 50.
 *
 * The median stopping rule of Google Vizier stops a trial when its best objective value so far is
 * strictly worse than the median of the running averages of completed trials at the same step;
 * like Optuna, this compares with the completed trials' values at the step rather than their
 * running averages. In a multi-objective study a trial is pruned when each of its best vectors is
 * dominated by more than half of the completed trials' vectors at the step (see
 * {@link PercentilePruner}).
 *
 * Options: `nStartupTrials` = 5, `nWarmupSteps` = 0, `intervalSteps` = 1, `nMinTrials` = 1.
 *
 * @example
 * ```ts
 * const study = createStudy({
 *   direction: "maximize",
 *   pruner: new MedianPruner({ nStartupTrials: 5, nWarmupSteps: 30, intervalSteps: 10 }),
 * });
 * ```
 * @see D. Golovin, B. Solnik, S. Moitra, G. Kochanski, J. Karro, D. Sculley, "Google Vizier: A Service
 *   for Black-Box Optimization", KDD 2017, section 3.2.1 (automated early stopping).
 */
export class MedianPruner extends PercentilePruner {
  override readonly kind: string = "median";

  constructor(options: MedianPrunerOptions = {}) {
    super({ ...options, percentile: 50 }, "MedianPruner");
  }

  override get params(): Readonly<Record<string, JsonValue>> {
    return {
      nStartupTrials: this.nStartupTrials,
      nWarmupSteps: this.nWarmupSteps,
      intervalSteps: this.intervalSteps,
      nMinTrials: this.nMinTrials,
    };
  }
}
