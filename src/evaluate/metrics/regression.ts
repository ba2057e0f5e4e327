/**
 * Regression metrics: RMSE, MAE, R² and the pinball (quantile) loss, with optional sample weights,
 * following scikit-learn 1.2's definitions (checked against it in `metrics.test.ts`).
 */
import { OuroborosError } from "../../core/errors.js";
import type { Target } from "../../data/dataset.js";
import type { Predictions } from "../../learners/learner.js";
import { regressionInputs, weightedMean } from "./common.js";

/** Root mean squared error: √(weighted mean of (y − ŷ)²). */
export function rmse(y: Target, pred: Predictions, weights?: Float64Array): number {
  regressionInputs(y, pred, weights, "rmse");
  return Math.sqrt(weightedMean(squaredErrorRows(y, pred), weights, "rmse"));
}

/** Per-row squared errors (y − ŷ)²: RMSE is the square root of their weighted mean. */
export function squaredErrorRows(y: Target, pred: Predictions): Float64Array {
  const r = regressionInputs(y, pred, undefined, "rmse");
  const sq = new Float64Array(r.y.values.length);
  for (let i = 0; i < sq.length; i++) {
    const d = r.y.values[i]! - r.pred.values[i]!;
    sq[i] = d * d;
  }
  return sq;
}

/** Mean absolute error: weighted mean of |y − ŷ|. */
export function mae(y: Target, pred: Predictions, weights?: Float64Array): number {
  regressionInputs(y, pred, weights, "mae");
  return weightedMean(absoluteErrorRows(y, pred), weights, "mae");
}

/** Per-row absolute errors |y − ŷ| (their weighted mean is the MAE). */
export function absoluteErrorRows(y: Target, pred: Predictions): Float64Array {
  const r = regressionInputs(y, pred, undefined, "mae");
  const abs = new Float64Array(r.y.values.length);
  for (let i = 0; i < abs.length; i++) abs[i] = Math.abs(r.y.values[i]! - r.pred.values[i]!);
  return abs;
}

/**
 * Coefficient of determination R² = 1 − Σw(y − ŷ)² / Σw(y − ȳ)², with ȳ the weighted mean.
 * When the target is constant, as scikit-learn's `force_finite`: 1 for a perfect prediction, else 0.
 * Can be negative (worse than predicting the mean).
 */
export function r2Score(y: Target, pred: Predictions, weights?: Float64Array): number {
  const r = regressionInputs(y, pred, weights, "r2");
  const yMean = weightedMean(r.y.values, weights, "r2");
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < r.y.values.length; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    const e = r.y.values[i]! - r.pred.values[i]!;
    const d = r.y.values[i]! - yMean;
    ssRes += w * e * e;
    ssTot += w * d * d;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/**
 * Pinball (quantile) loss at level `alpha`: weighted mean of α·max(y − ŷ, 0) + (1 − α)·max(ŷ − y, 0).
 * Minimised in expectation by the α-quantile of y; α = 0.5 (default) gives half the MAE.
 * @see R. Koenker, G. Bassett, "Regression quantiles", Econometrica 46 (1978).
 */
export function pinballLoss(y: Target, pred: Predictions, weights?: Float64Array, alpha = 0.5): number {
  if (!(alpha > 0 && alpha < 1)) throw new OuroborosError("invalid-argument", `pinball: \`alpha\` must be in (0, 1), but got alpha=${alpha}`);
  const r = regressionInputs(y, pred, weights, "pinball");
  const loss = new Float64Array(r.y.values.length);
  for (let i = 0; i < loss.length; i++) {
    const d = r.y.values[i]! - r.pred.values[i]!;
    loss[i] = d >= 0 ? alpha * d : (alpha - 1) * d;
  }
  return weightedMean(loss, weights, "pinball");
}
