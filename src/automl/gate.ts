/**
 * The promotion gate: a challenger replaces the champion only when a paired comparison on the same
 * folds says it is better by more than a margin — "the lower bound of the improvement's interval
 * exceeds the margin (default 0)", with a two-sided 90% interval (a one-sided 95% bound).
 *
 * Two tests, both paired on the run's fixed folds:
 * - `bootstrap` (default): a paired bootstrap over the rows' out-of-fold predictions (Efron &
 *   Tibshirani 1993). It answers "are the challenger's held-out predictions better on these rows?"
 *   and has the power to see real improvements with 5 folds.
 * - `corrected-t`: Nadeau & Bengio's corrected resampled t-test over the fold scores, which also
 *   accounts for the variability of the training sets; with 5 folds (4 degrees of freedom, variance
 *   inflated by 1 + 5·nTest/nTrain) it rarely promotes anything but large improvements.
 *
 * A challenger must also be better than the margin on the observed rows themselves (a skewed
 * bootstrap cannot promote a model that is worse on the data). Most challengers are not: for them
 * the interval is still computed and recorded, from 200 resamples instead of 1000, because the
 * decision cannot change and the gate runs on the run's main thread between candidates.
 *
 * Ensemble candidates were selected on the same out-of-fold rows they are judged on, so their
 * estimate is slightly optimistic; the margin (`--min-improvement`) is the knob for users who want
 * more than significance.
 */
import { correctedResampledTTest, pairedBootstrap, type PairedComparison } from "../evaluate/compare.js";
import type { Metric } from "../evaluate/metrics/registry.js";
import type { Target } from "../data/dataset.js";
import type { Predictions } from "../learners/learner.js";

/** Which paired test the gate uses. */
export type GateTest = "bootstrap" | "corrected-t";

/** Options of {@link gateChallenger}. */
export interface GateOptions {
  readonly greaterIsBetter: boolean;
  /** Rows per training and test fold (for the corrected t-test's variance correction). */
  readonly nTrain: number;
  readonly nTest: number;
  /** Required improvement in metric units (positive = better). Default 0. */
  readonly margin?: number;
  /** Two-sided confidence of the interval whose lower bound must clear the margin. Default 0.9. */
  readonly confidence?: number;
  readonly metric?: string;
  /** Default `corrected-t` here; the run passes `bootstrap` with the data below. */
  readonly test?: GateTest;
  /** For `bootstrap`: the target, both candidates' out-of-fold predictions and the metric. */
  readonly bootstrap?: { readonly y: Target; readonly champion: Predictions; readonly challenger: Predictions; readonly metric: Metric; readonly weights?: Float64Array; readonly seed: number; readonly nResamples?: number };
}

/** The gate's decision with its evidence. */
export interface GateDecision {
  readonly promote: boolean;
  /** Improvement (challenger over champion, positive = better) with its interval. */
  readonly improvement: number;
  readonly ci: readonly [number, number];
  readonly pValue: number;
  readonly test: string;
  readonly comparison: PairedComparison;
}

/** Decides whether the challenger beats the champion (same folds; fold scores in the same order). */
export function gateChallenger(champion: ArrayLike<number>, challenger: ArrayLike<number>, options: GateOptions): GateDecision {
  const confidence = options.confidence ?? 0.9;
  const margin = options.margin ?? 0;
  const b = options.bootstrap;
  const useBootstrap = (options.test ?? "corrected-t") === "bootstrap";
  if (useBootstrap && b === undefined) throw new Error("gateChallenger: the bootstrap test needs `bootstrap` data");
  let nResamples = b?.nResamples ?? 1000;
  if (useBootstrap) {
    const observed = b!.metric.compute(b!.y, b!.challenger, b!.weights) - b!.metric.compute(b!.y, b!.champion, b!.weights);
    if (!((options.greaterIsBetter ? observed : -observed) > margin)) nResamples = Math.min(nResamples, 200);
  }
  const cmp = useBootstrap
    ? pairedBootstrap(b!.y, b!.champion, b!.challenger, b!.metric, { nResamples, seed: b!.seed, confidence, ...(b!.weights ? { weights: b!.weights } : {}) })
    : correctedResampledTTest(champion, challenger, { nTrain: options.nTrain, nTest: options.nTest, greaterIsBetter: options.greaterIsBetter, confidence, metric: options.metric ?? "score" });
  // The interval of B − A, turned into an interval of the improvement (positive = challenger better).
  const ci: [number, number] = options.greaterIsBetter ? [cmp.ci[0], cmp.ci[1]] : [-cmp.ci[1], -cmp.ci[0]];
  const name = useBootstrap ? "paired bootstrap over out-of-fold rows" : "corrected resampled t-test";
  return { promote: ci[0] > margin && cmp.improvement > margin, improvement: cmp.improvement, ci, pValue: cmp.pValue, test: `${name}, ${Math.round(confidence * 100)}% CI lower bound > ${margin}`, comparison: cmp };
}
