/**
 * Classification metrics on class probabilities: accuracy, balanced accuracy, log-loss, F1, the
 * Matthews correlation coefficient and the Brier score. Each follows scikit-learn 1.2's definition
 * (checked against it in `metrics.test.ts`), including its sample-weight handling and its edge
 * cases (an undefined F1 or MCC is 0). Hard labels come from the most probable class
 * ({@link predictedLabels}).
 */
import { OuroborosError } from "../../core/errors.js";
import type { Target } from "../../data/dataset.js";
import type { Predictions } from "../../learners/learner.js";
import { classInputs, confusionMatrix, predictedLabels, weightedMean } from "./common.js";

/** Fraction (weighted) of rows whose most probable class is the true class. */
export function accuracy(y: Target, pred: Predictions, weights?: Float64Array): number {
  classInputs(y, pred, weights, "accuracy");
  return weightedMean(accuracyRows(y, pred), weights, "accuracy");
}

/** Per-row values of {@link accuracy} (1 when the most probable class is the true one, else 0). */
export function accuracyRows(y: Target, pred: Predictions): Float64Array {
  const c = classInputs(y, pred, undefined, "accuracy");
  const hard = predictedLabels(c.pred);
  const correct = new Float64Array(hard.length);
  for (let i = 0; i < hard.length; i++) correct[i] = hard[i] === c.y.labels[i] ? 1 : 0;
  return correct;
}

/**
 * Balanced accuracy: the mean over classes of each class's recall (weighted by sample weight
 * within a class). Classes with no (weighted) true rows are left out, as in scikit-learn.
 * @see K. H. Brodersen et al., "The balanced accuracy and its posterior distribution", ICPR 2010.
 */
export function balancedAccuracy(y: Target, pred: Predictions, weights?: Float64Array): number {
  const c = classInputs(y, pred, weights, "balanced_accuracy");
  const k = c.y.classes.length;
  const cm = confusionMatrix(c.y.labels, predictedLabels(c.pred), k, weights);
  let sum = 0;
  let count = 0;
  for (let t = 0; t < k; t++) {
    let row = 0;
    for (let p = 0; p < k; p++) row += cm[t * k + p]!;
    if (row > 0) {
      sum += cm[t * k + t]! / row;
      count++;
    }
  }
  return sum / count;
}

/** Clip used by {@link logLoss}: float64 machine epsilon, scikit-learn 1.2's `eps="auto"`. */
export const LOG_LOSS_EPS = 2.220446049250313e-16;

/**
 * Log-loss (cross-entropy): the weighted mean of −ln p(true class).
 *
 * As scikit-learn 1.2: probabilities are clipped to [ε, 1 − ε] with ε = 2.2e-16 and each row is
 * renormalised to sum to 1 before taking the logarithm, so a confident mistake costs about 36, not
 * infinity.
 */
export function logLoss(y: Target, pred: Predictions, weights?: Float64Array): number {
  classInputs(y, pred, weights, "log_loss");
  return weightedMean(logLossRows(y, pred), weights, "log_loss");
}

/** Per-row values of {@link logLoss} (−log of the clipped, renormalised true-class probability). */
export function logLossRows(y: Target, pred: Predictions): Float64Array {
  const c = classInputs(y, pred, undefined, "log_loss");
  const k = c.y.classes.length;
  const n = c.y.labels.length;
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let j = 0; j < k; j++) rowSum += clip(c.pred.proba[i * k + j]!);
    losses[i] = -Math.log(clip(c.pred.proba[i * k + c.y.labels[i]!]!) / rowSum);
  }
  return losses;
}

function clip(p: number): number {
  return p < LOG_LOSS_EPS ? LOG_LOSS_EPS : p > 1 - LOG_LOSS_EPS ? 1 - LOG_LOSS_EPS : p;
}

/**
 * Brier score: mean squared distance between the predicted probabilities and the one-hot truth.
 *
 * Binary: the weighted mean of (1[positive] − p(positive))², scikit-learn's `brier_score_loss`.
 * Multiclass: half the squared distance summed over classes (Brier's original score divided by 2,
 * scikit-learn ≥ 1.7's `scale_by_half`), which reduces to the binary value with two classes and
 * keeps the score in [0, 1].
 * @see G. W. Brier, "Verification of forecasts expressed in terms of probability", Monthly Weather Review 78 (1950).
 */
export function brierScore(y: Target, pred: Predictions, weights?: Float64Array): number {
  classInputs(y, pred, weights, "brier");
  return weightedMean(brierRows(y, pred), weights, "brier");
}

/** Per-row values of {@link brierScore}. */
export function brierRows(y: Target, pred: Predictions): Float64Array {
  const c = classInputs(y, pred, undefined, "brier");
  const k = c.y.classes.length;
  const n = c.y.labels.length;
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const label = c.y.labels[i]!;
    if (k === 2) {
      const d = (label === 1 ? 1 : 0) - c.pred.proba[2 * i + 1]!;
      losses[i] = d * d;
      continue;
    }
    let s = 0;
    for (let j = 0; j < k; j++) {
      const d = (j === label ? 1 : 0) - c.pred.proba[i * k + j]!;
      s += d * d;
    }
    losses[i] = s / 2;
  }
  return losses;
}

/** How {@link f1Score} combines per-class F1 values. */
export type F1Average = "binary" | "macro" | "weighted";

/**
 * F1 score, the harmonic mean of precision and recall: 2·TP / (2·TP + FP + FN), from the weighted
 * confusion matrix of the most probable class.
 *
 * - `binary` (default): F1 of the positive class `classes[1]` (binary targets only).
 * - `macro`: unweighted mean over the classes that occur in the truth or the predictions.
 * - `weighted`: mean over classes weighted by their (weighted) true count.
 *
 * A class with no true and no predicted rows has F1 = 0, as scikit-learn's `zero_division` default.
 */
export function f1Score(y: Target, pred: Predictions, weights?: Float64Array, average: F1Average = "binary"): number {
  const name = average === "binary" ? "f1" : `f1_${average}`;
  const c = classInputs(y, pred, weights, name);
  const k = c.y.classes.length;
  if (average === "binary" && k !== 2) throw new OuroborosError("invalid-argument", `f1 (binary) needs a binary target, but got ${k} classes; use f1_macro or f1_weighted`);
  const hard = predictedLabels(c.pred);
  const cm = confusionMatrix(c.y.labels, hard, k, weights);
  const present = new Uint8Array(k);
  for (let i = 0; i < hard.length; i++) {
    present[hard[i]!] = 1;
    present[c.y.labels[i]!] = 1;
  }
  const f1 = new Float64Array(k);
  const support = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let row = 0;
    let col = 0;
    for (let m = 0; m < k; m++) {
      row += cm[j * k + m]!;
      col += cm[m * k + j]!;
    }
    const tp = cm[j * k + j]!;
    const denom = row + col; // = 2·TP + FP + FN
    f1[j] = denom > 0 ? (2 * tp) / denom : 0;
    support[j] = row;
  }
  if (average === "binary") return f1[1]!;
  let s = 0;
  let norm = 0;
  for (let j = 0; j < k; j++) {
    if (present[j] === 0) continue;
    const w = average === "macro" ? 1 : support[j]!;
    s += w * f1[j]!;
    norm += w;
  }
  return norm > 0 ? s / norm : 0;
}

/**
 * Matthews correlation coefficient, in its multiclass form (Gorodkin's R_K) from the weighted
 * confusion matrix: (c·s − Σ p_k t_k) / √((s² − Σ p_k²)(s² − Σ t_k²)), with c the correct total,
 * s the grand total, t and p the true and predicted class totals. 0 when undefined (a constant
 * truth or prediction). Ranges from −1 to 1; 0 is chance level.
 * @see B. W. Matthews (1975); J. Gorodkin, "Comparing two K-category assignments by a K-category
 *   correlation coefficient", Comput. Biol. Chem. 28 (2004).
 */
export function matthewsCorrelation(y: Target, pred: Predictions, weights?: Float64Array): number {
  const c = classInputs(y, pred, weights, "mcc");
  const k = c.y.classes.length;
  const cm = confusionMatrix(c.y.labels, predictedLabels(c.pred), k, weights);
  const t = new Float64Array(k);
  const p = new Float64Array(k);
  let correct = 0;
  let s = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const v = cm[a * k + b]!;
      t[a]! += v;
      p[b]! += v;
      s += v;
    }
    correct += cm[a * k + a]!;
  }
  let tp = 0;
  let pp = 0;
  let tt = 0;
  for (let j = 0; j < k; j++) {
    tp += t[j]! * p[j]!;
    pp += p[j]! * p[j]!;
    tt += t[j]! * t[j]!;
  }
  const covYtYp = correct * s - tp;
  const covYpYp = s * s - pp;
  const covYtYt = s * s - tt;
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}
