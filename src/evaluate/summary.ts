/**
 * Mean, standard deviation and a Student-t confidence interval of per-fold scores, with the
 * Nadeau–Bengio correction for the overlap between training sets.
 */
import { OuroborosError } from "../core/errors.js";
import { mean, standardDeviation, studentTQuantile } from "../numeric/stats.js";

/** How the confidence interval of resampled scores is widened. */
export type VarianceCorrection = "nadeau-bengio" | "none";

/** Mean, spread and interval of per-fold scores. */
export interface ScoreSummary {
  /** One score per fold, in fold order. */
  readonly scores: Float64Array;
  readonly mean: number;
  /** Sample standard deviation over folds (NaN with one fold). */
  readonly sd: number;
  /** Two-sided confidence interval of the expected score (NaN bounds with one fold). */
  readonly ci: readonly [number, number];
}

/**
 * The factor by which the sample variance of `J` resampled scores is multiplied to estimate the
 * variance of their mean: 1/J when folds are independent (`none`), and 1/J + nTest/nTrain under
 * Nadeau & Bengio's correction, which accounts for training sets that share most of their rows
 * (so fold scores are positively correlated and the naive 1/J is far too optimistic).
 * @see C. Nadeau, Y. Bengio, "Inference for the generalization error", Machine Learning 52 (2003).
 */
export function varianceFactor(nFolds: number, nTrain: number, nTest: number, correction: VarianceCorrection): number {
  if (correction === "none") return 1 / nFolds;
  if (!(nTrain > 0) || !(nTest > 0)) throw new OuroborosError("invalid-argument", `the Nadeau–Bengio correction needs nTrain > 0 and nTest > 0, but got nTrain=${nTrain}, nTest=${nTest}`);
  return 1 / nFolds + nTest / nTrain;
}

/**
 * Summarises per-fold scores: mean, sample sd, and the interval mean ± t_{(1+c)/2, J−1} · sd · √factor
 * with the factor from {@link varianceFactor}.
 * @param confidence interval level c in (0, 1); default 0.95.
 */
export function summarizeScores(scores: Float64Array, nTrain: number, nTest: number, confidence = 0.95, correction: VarianceCorrection = "nadeau-bengio"): ScoreSummary {
  checkConfidence(confidence);
  const j = scores.length;
  const m = mean(scores);
  const sd = standardDeviation(scores);
  if (j < 2) return { scores, mean: m, sd, ci: [NaN, NaN] };
  const half = studentTQuantile((1 + confidence) / 2, j - 1) * sd * Math.sqrt(varianceFactor(j, nTrain, nTest, correction));
  return { scores, mean: m, sd, ci: [m - half, m + half] };
}

/** Throws unless 0 < confidence < 1. */
export function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new OuroborosError("invalid-argument", `\`confidence\` must be in (0, 1), but got confidence=${confidence}`);
}
