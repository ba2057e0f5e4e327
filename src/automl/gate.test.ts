import assert from "node:assert/strict";
import { test } from "node:test";
import { gateChallenger } from "./gate.js";

const opts = { nTrain: 400, nTest: 100 };

test("a consistent improvement on every fold is promoted; its interval is above 0", () => {
  const d = gateChallenger([0.8, 0.82, 0.81, 0.79, 0.8], [0.85, 0.86, 0.86, 0.84, 0.85], { ...opts, greaterIsBetter: true });
  assert.equal(d.promote, true);
  assert.ok(d.ci[0] > 0 && d.improvement > 0.04);
});

test("a noisy or negative difference is not promoted", () => {
  assert.equal(gateChallenger([0.8, 0.82, 0.81, 0.79, 0.8], [0.83, 0.78, 0.85, 0.77, 0.82], { ...opts, greaterIsBetter: true }).promote, false);
  assert.equal(gateChallenger([0.8, 0.82, 0.81, 0.79, 0.8], [0.79, 0.81, 0.8, 0.78, 0.79], { ...opts, greaterIsBetter: true }).promote, false);
});

test("losses: lower is better, and the margin is in metric units", () => {
  const champion = [0.5, 0.52, 0.49, 0.51, 0.5];
  const challenger = [0.45, 0.47, 0.44, 0.46, 0.45];
  const d = gateChallenger(champion, challenger, { ...opts, greaterIsBetter: false });
  assert.equal(d.promote, true);
  assert.ok(Math.abs(d.improvement - 0.05) < 1e-12);
  assert.equal(gateChallenger(champion, challenger, { ...opts, greaterIsBetter: false, margin: 0.06 }).promote, false);
  assert.equal(gateChallenger(challenger, champion, { ...opts, greaterIsBetter: false }).promote, false);
});

test("the bootstrap gate promotes a clearly better out-of-fold prediction and refuses an equal one", async () => {
  const { getMetric } = await import("../evaluate/metrics/registry.js");
  const n = 200;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  const y = { task: "binary" as const, classes: ["n", "y"], labels };
  const pred = (p: (i: number) => number) => ({ task: "binary" as const, classes: ["n", "y"], proba: Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 === 1 ? p(k >> 1) : 1 - p(k >> 1))) });
  const weak = pred((i) => (labels[i] === 1 ? 0.6 : 0.4));
  const strong = pred((i) => (labels[i] === 1 ? 0.8 : 0.2));
  const metric = getMetric("log_loss");
  const folds = [0, 0, 0, 0, 0];
  const d = gateChallenger(folds, folds, { ...opts, greaterIsBetter: false, test: "bootstrap", bootstrap: { y, champion: weak, challenger: strong, metric, seed: 1 } });
  assert.equal(d.promote, true);
  assert.ok(d.ci[0] > 0.2, `improvement CI ${d.ci.join(", ")}`);
  assert.match(d.test, /bootstrap/);
  assert.equal(gateChallenger(folds, folds, { ...opts, greaterIsBetter: false, test: "bootstrap", bootstrap: { y, champion: strong, challenger: strong, metric, seed: 1 } }).promote, false);
  assert.equal(gateChallenger(folds, folds, { ...opts, greaterIsBetter: false, test: "bootstrap", bootstrap: { y, champion: strong, challenger: weak, metric, seed: 1 } }).promote, false);
});
