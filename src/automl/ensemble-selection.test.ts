import assert from "node:assert/strict";
import { test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import type { Predictions } from "../learners/learner.js";
import { averagePredictions } from "../learners/average-predictions.js";
import { selectEnsemble } from "./ensemble-selection.js";

const labels = [0, 1, 0, 1, 1, 0];
/** Binary probabilities of the positive class → a two-column Predictions. */
const binary = (p1: number[]): Predictions => ({ task: "binary", classes: ["n", "y"], proba: Float64Array.from(p1.flatMap((p) => [1 - p, p])) });
const logLoss = (p: Predictions): number => {
  if (p.task === "regression") throw new Error("unexpected");
  return -labels.reduce((s, l, i) => s + Math.log(Math.max(1e-15, p.proba[2 * i + l]!)), 0) / labels.length;
};

test("two complementary models beat either alone; the ensemble never scores worse than the best single model", () => {
  // A is right on rows 0-2 and unsure elsewhere; B the other way round; C is poor everywhere.
  const a = binary([0.05, 0.95, 0.05, 0.5, 0.5, 0.5]);
  const b = binary([0.5, 0.5, 0.5, 0.95, 0.95, 0.05]);
  const c = binary([0.6, 0.4, 0.6, 0.4, 0.4, 0.6]);
  const sel = selectEnsemble([a, b, c], logLoss, { greaterIsBetter: false, rounds: 20 });
  assert.equal(sel.weights[2], 0);
  assert.ok(sel.weights[0]! > 0.2 && sel.weights[1]! > 0.2, `weights ${sel.weights.join(", ")}`);
  assert.ok(Math.abs(sel.weights.reduce((x, y) => x + y, 0) - 1) < 1e-12);
  const best = Math.min(logLoss(a), logLoss(b), logLoss(c));
  assert.ok(sel.score < best, `ensemble ${sel.score} vs best single ${best}`);
  assert.ok(Math.abs(logLoss(averagePredictions([a, b, c], sel.weights)) - sel.score) < 1e-12);
  assert.equal(sel.trajectory.length, 20);
  assert.deepEqual(selectEnsemble([a, b, c], logLoss, { greaterIsBetter: false, rounds: 20 }), sel);
});

test("a dominant model takes all the weight; regression and greater-is-better work", () => {
  const y = [1, 2, 3, 4];
  const good: Predictions = { task: "regression", values: Float64Array.of(1, 2, 3, 4) };
  const bad: Predictions = { task: "regression", values: Float64Array.of(4, 3, 2, 1) };
  const negMse = (p: Predictions): number => (p.task === "regression" ? -y.reduce((s, v, i) => s + (p.values[i]! - v) ** 2, 0) : Number.NaN);
  const sel = selectEnsemble([bad, good], negMse, { greaterIsBetter: true });
  assert.deepEqual(sel.weights, [0, 1]);
});

test("mismatched candidates are refused with a clear error", () => {
  assert.throws(() => selectEnsemble([], logLoss, { greaterIsBetter: false }), OuroborosError);
  assert.throws(() => selectEnsemble([binary([0.5]), binary([0.5, 0.5])], logLoss, { greaterIsBetter: false }), /same task on the same rows/);
});
