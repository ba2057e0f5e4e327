/**
 * Calibration (reliability) curve data: in bins of predicted probability, the mean prediction
 * against the observed frequency of the class. Pure data; drawing is left to the caller.
 */
import { OuroborosError } from "../core/errors.js";
import type { Target } from "../data/dataset.js";
import type { Predictions } from "../learners/learner.js";
import { quantile } from "../numeric/stats.js";
import { classInputs } from "./metrics/common.js";

/** Options of {@link calibrationCurve}. */
export interface CalibrationOptions {
  /** Number of bins. Default 10. */
  readonly nBins?: number;
  /** `uniform`: equal-width bins on [0, 1] (default); `quantile`: bins holding equal numbers of rows. */
  readonly strategy?: "uniform" | "quantile";
  /** Class whose probability is examined (one-vs-rest). Default 1, the positive class of a binary task. */
  readonly classIndex?: number;
}

/** One non-empty bin of a calibration curve. */
export interface CalibrationBin {
  /** Bin edges: a probability p falls in the bin when lower < p ≤ upper (the first bin includes 0). */
  readonly lower: number;
  readonly upper: number;
  /** Mean predicted probability of the rows in the bin. */
  readonly meanPredicted: number;
  /** Share of those rows that belong to the class. */
  readonly fractionPositive: number;
  readonly count: number;
}

/**
 * Calibration curve of one class's predicted probability (scikit-learn's `calibration_curve`).
 *
 * Edges are `nBins + 1` evenly spaced points on [0, 1] (`uniform`) or the empirical quantiles of
 * the predictions (`quantile`, NumPy's linear interpolation). A prediction equal to an inner edge
 * goes to the lower bin. Empty bins are left out. A well-calibrated model has `fractionPositive`
 * close to `meanPredicted` in every bin.
 * @see A. Niculescu-Mizil, R. Caruana, "Predicting good probabilities with supervised learning", ICML 2005.
 */
export function calibrationCurve(y: Target, pred: Predictions, options: CalibrationOptions = {}): CalibrationBin[] {
  const c = classInputs(y, pred, undefined, "calibrationCurve");
  const k = c.y.classes.length;
  const nBins = options.nBins ?? 10;
  const cls = options.classIndex ?? 1;
  if (!Number.isInteger(nBins) || nBins < 1) throw new OuroborosError("invalid-argument", `calibrationCurve: \`nBins\` must be an integer ≥ 1, but got nBins=${nBins}`);
  if (!Number.isInteger(cls) || cls < 0 || cls >= k) throw new OuroborosError("invalid-argument", `calibrationCurve: \`classIndex\` must be an integer in [0, ${k - 1}], but got ${cls}`);
  const n = c.y.labels.length;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = c.pred.proba[i * k + cls]!;
  const edges = new Float64Array(nBins + 1);
  for (let b = 0; b <= nBins; b++) edges[b] = options.strategy === "quantile" ? quantile(p, b / nBins) : b / nBins;
  const sums = new Float64Array(nBins);
  const positives = new Float64Array(nBins);
  const counts = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    // Count of inner edges strictly below p (NumPy's searchsorted, side="left").
    let lo = 0;
    let hi = nBins - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid + 1]! < p[i]!) lo = mid + 1;
      else hi = mid;
    }
    sums[lo]! += p[i]!;
    counts[lo]!++;
    if (c.y.labels[i] === cls) positives[lo]!++;
  }
  const bins: CalibrationBin[] = [];
  for (let b = 0; b < nBins; b++) {
    if (counts[b] === 0) continue;
    bins.push({ lower: edges[b]!, upper: edges[b + 1]!, meanPredicted: sums[b]! / counts[b]!, fractionPositive: positives[b]! / counts[b]!, count: counts[b]! });
  }
  return bins;
}
