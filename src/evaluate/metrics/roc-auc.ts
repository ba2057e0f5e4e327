/**
 * Area under the ROC curve, binary and one-vs-rest multiclass, with scikit-learn's handling of
 * tied scores and sample weights.
 */
import { OuroborosError } from "../../core/errors.js";
import type { Target } from "../../data/dataset.js";
import type { Predictions } from "../../learners/learner.js";
import { classInputs } from "./common.js";

/**
 * ROC AUC of real-valued `scores` for the rows where `positive[i]` is 1.
 *
 * Rows are sorted by decreasing score; each run of tied scores is one threshold, so the ROC curve
 * moves diagonally across a tie and the trapezoidal area counts a tied positive–negative pair as
 * one half (the Mann–Whitney U statistic with ties, exactly what scikit-learn's `roc_curve` + `auc`
 * computes). Sample weights weigh each row's step. Throws when either class has zero total weight.
 * @see T. Fawcett, "An introduction to ROC analysis", Pattern Recognition Letters 27 (2006).
 */
export function binaryRocAuc(scores: Float64Array, positive: Uint8Array, weights?: Float64Array, what = "roc_auc"): number {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]!);
  let tp = 0;
  let fp = 0;
  let prevTp = 0;
  let prevFp = 0;
  let area = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const w = weights === undefined ? 1 : weights[i]!;
    if (positive[i] === 1) tp += w;
    else fp += w;
    // Close a threshold only after the last row of a run of tied scores.
    if (r === n - 1 || scores[order[r + 1]!] !== scores[i]) {
      area += ((fp - prevFp) * (tp + prevTp)) / 2;
      prevTp = tp;
      prevFp = fp;
    }
  }
  if (!(tp > 0) || !(fp > 0)) {
    throw new OuroborosError("invalid-argument", `${what} is undefined when only one class is present: the positive rows weigh ${tp} and the negative rows ${fp}`);
  }
  return area / (tp * fp);
}

/** How multiclass ROC AUC averages its one-vs-rest areas. */
export type RocAucAverage = "macro" | "weighted";

/**
 * ROC AUC of class probabilities.
 *
 * Binary: the area for `classes[1]` scored by its probability. Multiclass: one-vs-rest, the area of
 * each class against all others scored by that class's probability, averaged plainly (`macro`,
 * default) or by each class's weighted prevalence (`weighted`), as scikit-learn's
 * `roc_auc_score(multi_class="ovr")`. Every class must occur in `y`.
 * @see D. J. Hand, R. J. Till, "A simple generalisation of the area under the ROC curve for multiple
 *   class classification problems", Machine Learning 45 (2001) — for the pairwise alternative.
 */
export function rocAuc(y: Target, pred: Predictions, weights?: Float64Array, average: RocAucAverage = "macro"): number {
  const name = average === "macro" ? "roc_auc" : "roc_auc_ovr_weighted";
  const c = classInputs(y, pred, weights, name);
  const k = c.y.classes.length;
  const n = c.y.labels.length;
  const scores = new Float64Array(n);
  const positive = new Uint8Array(n);
  const classAuc = (j: number): number => {
    for (let i = 0; i < n; i++) {
      scores[i] = c.pred.proba[i * k + j]!;
      positive[i] = c.y.labels[i] === j ? 1 : 0;
    }
    return binaryRocAuc(scores, positive, weights, `${name} for class "${c.y.classes[j]}"`);
  };
  if (k === 2) return classAuc(1);
  let sum = 0;
  let norm = 0;
  for (let j = 0; j < k; j++) {
    let w = 1;
    if (average === "weighted") {
      w = 0;
      for (let i = 0; i < n; i++) if (c.y.labels[i] === j) w += weights === undefined ? 1 : weights[i]!;
    }
    sum += w * classAuc(j);
    norm += w;
  }
  return sum / norm;
}
