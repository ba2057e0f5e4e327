/**
 * Averaging predictions of the same task and shape: what a weighted ensemble (Caruana et al. 2004)
 * and a cross-fitted bag predict, and what ensemble selection scores on out-of-fold rows. One
 * function, so all three add in the same order (members in order, each `w · p`, then divided by
 * `Σ w`) and give bit-identical numbers; generated `predict.ts` modules follow the same order.
 */
import { OuroborosError } from "../core/errors.js";
import type { Predictions } from "./learner.js";

/** The row values of predictions: regression values or class probabilities. */
export function predictionValues(p: Predictions): Float64Array {
  return p.task === "regression" ? p.values : p.proba;
}

/** The weighted average of `preds` (members with weight 0 are skipped). */
export function averagePredictions(preds: readonly Predictions[], weights: readonly number[]): Predictions {
  const first = preds[0];
  if (first === undefined) throw new OuroborosError("invalid-argument", "cannot average zero predictions");
  const out = new Float64Array(predictionValues(first).length);
  let total = 0;
  preds.forEach((p, m) => {
    const w = weights[m] ?? 0;
    if (w === 0) return;
    total += w;
    const v = predictionValues(p);
    for (let i = 0; i < out.length; i++) out[i]! += w * v[i]!;
  });
  if (!(total > 0)) throw new OuroborosError("invalid-argument", "ensemble weights must not all be 0");
  for (let i = 0; i < out.length; i++) out[i]! /= total;
  return first.task === "regression" ? { task: "regression", values: out } : { task: first.task, classes: first.classes, proba: out };
}
