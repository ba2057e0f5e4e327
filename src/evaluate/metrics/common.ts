/**
 * Input checks and small helpers shared by the metric functions: task agreement, hard labels from
 * probabilities, and the weighted confusion matrix.
 */
import { OuroborosError } from "../../core/errors.js";
import type { ClassTarget, RegressionTarget, Target } from "../../data/dataset.js";
import type { ClassPredictions, Predictions, RegressionPredictions } from "../../learners/learner.js";

/** Checks that `weights`, when given, has one entry per row. */
export function checkWeights(weights: Float64Array | undefined, n: number, metric: string): void {
  if (weights === undefined) return;
  if (weights.length !== n) throw new OuroborosError("invalid-argument", `${metric}: weights have ${weights.length} entries but there are ${n} rows`);
}

/** The class target and predictions, after checking they describe the same rows and classes. */
export function classInputs(y: Target, pred: Predictions, weights: Float64Array | undefined, metric: string): { y: ClassTarget; pred: ClassPredictions } {
  if (y.task === "regression" || pred.task === "regression") {
    throw new OuroborosError("invalid-argument", `${metric} needs a binary or multiclass target and class probabilities, but got a ${y.task} target and ${pred.task} predictions`);
  }
  const k = y.classes.length;
  if (pred.classes.length !== k || pred.classes.some((c, j) => c !== y.classes[j])) {
    throw new OuroborosError("invalid-argument", `${metric}: predictions are for classes [${pred.classes.join(", ")}] but the target has classes [${y.classes.join(", ")}]`);
  }
  const n = y.labels.length;
  if (pred.proba.length !== n * k) throw new OuroborosError("invalid-argument", `${metric}: expected ${n} rows × ${k} classes = ${n * k} probabilities, but got ${pred.proba.length}`);
  checkWeights(weights, n, metric);
  return { y, pred };
}

/** The regression target and predictions, after checking they have the same length. */
export function regressionInputs(y: Target, pred: Predictions, weights: Float64Array | undefined, metric: string): { y: RegressionTarget; pred: RegressionPredictions } {
  if (y.task !== "regression" || pred.task !== "regression") {
    throw new OuroborosError("invalid-argument", `${metric} needs a regression target and predictions, but got a ${y.task} target and ${pred.task} predictions`);
  }
  if (pred.values.length !== y.values.length) throw new OuroborosError("invalid-argument", `${metric}: the target has ${y.values.length} rows but there are ${pred.values.length} predictions`);
  checkWeights(weights, y.values.length, metric);
  return { y, pred };
}

/**
 * Hard predictions: the most probable class of each row; ties go to the lowest class index, as
 * NumPy's `argmax` (so a binary row at exactly 0.5 predicts `classes[0]`).
 */
export function predictedLabels(pred: ClassPredictions): Int32Array {
  const k = pred.classes.length;
  const n = pred.proba.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestP = pred.proba[i * k]!;
    for (let j = 1; j < k; j++) {
      const p = pred.proba[i * k + j]!;
      if (p > bestP) {
        bestP = p;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Weighted confusion matrix, row-major `k × k`: entry `[t * k + p]` sums the weights of rows with true class t predicted as p. */
export function confusionMatrix(labels: Int32Array, predicted: Int32Array, k: number, weights: Float64Array | undefined): Float64Array {
  const cm = new Float64Array(k * k);
  for (let i = 0; i < labels.length; i++) cm[labels[i]! * k + predicted[i]!]! += weights === undefined ? 1 : weights[i]!;
  return cm;
}

/** Sum of weights (or the row count). */
export function totalWeight(n: number, weights: Float64Array | undefined): number {
  if (weights === undefined) return n;
  let s = 0;
  for (let i = 0; i < n; i++) s += weights[i]!;
  return s;
}

/** Weighted mean of `values`; throws when the weights sum to 0. */
export function weightedMean(values: Float64Array, weights: Float64Array | undefined, metric: string): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    s += w * values[i]!;
    sw += w;
  }
  if (!(sw > 0)) throw new OuroborosError("invalid-argument", `${metric}: the weights sum to ${sw}; need at least one row with positive weight`);
  return s / sw;
}
