/**
 * The promotion gate: a challenger replaces the champion only when a paired test on the same folds
 * says it is better by more than a margin. By default the test is Nadeau & Bengio's corrected
 * resampled t-test over the run's fold scores and the rule is "the lower bound of the one-sided 95%
 * confidence bound of the improvement exceeds the margin (0)" — i.e. the two-sided 90% interval
 * lies above the margin. The correction keeps the test honest for overlapping training folds, so
 * promotions are rare and each one is real: the champion never gets worse by chance.
 */
import { correctedResampledTTest, type PairedComparison } from "../evaluate/compare.js";

/** Options of {@link gateChallenger}. */
export interface GateOptions {
  readonly greaterIsBetter: boolean;
  /** Rows per training and test fold (for the variance correction). */
  readonly nTrain: number;
  readonly nTest: number;
  /** Required improvement in metric units (positive = better). Default 0. */
  readonly margin?: number;
  /** Two-sided confidence of the interval whose lower bound must clear the margin. Default 0.9. */
  readonly confidence?: number;
  readonly metric?: string;
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

/** Decides whether `challenger` fold scores beat `champion` fold scores (same folds, same order). */
export function gateChallenger(champion: ArrayLike<number>, challenger: ArrayLike<number>, options: GateOptions): GateDecision {
  const confidence = options.confidence ?? 0.9;
  const cmp = correctedResampledTTest(champion, challenger, { nTrain: options.nTrain, nTest: options.nTest, greaterIsBetter: options.greaterIsBetter, confidence, metric: options.metric ?? "score" });
  // The interval of B − A, turned into an interval of the improvement (positive = challenger better).
  const ci: [number, number] = options.greaterIsBetter ? [cmp.ci[0], cmp.ci[1]] : [-cmp.ci[1], -cmp.ci[0]];
  const margin = options.margin ?? 0;
  return { promote: ci[0] > margin, improvement: cmp.improvement, ci, pValue: cmp.pValue, test: `corrected resampled t-test, ${Math.round(confidence * 100)}% CI lower bound > ${margin}`, comparison: cmp };
}
