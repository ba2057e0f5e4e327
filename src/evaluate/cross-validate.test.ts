import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../core/rng.js";
import { classTarget, type Dataset, makeDataset, regressionTarget, selectDatasetRows } from "../data/dataset.js";
import { timeSeriesSplit } from "../data/splits.js";
import { makeTable, numericColumn } from "../data/table.js";
import { ConstantLearner } from "../learners/baseline/constant.js";
import { studentTQuantile } from "../numeric/stats.js";
import { crossValidate, type FoldReport } from "./cross-validate.js";
import { getMetric } from "./metrics/registry.js";
import { OneFeatureLearner } from "./test-learners.js";

/** Binary data where `x` separates the classes fairly well; `id` is the row number. */
function binaryData(n: number, seed: number, weighted = false): Dataset {
  const rng = new Random(seed);
  const labels: string[] = [];
  const x: number[] = [];
  for (let i = 0; i < n; i++) {
    const pos = rng.next() < 0.4;
    labels.push(pos ? "yes" : "no");
    x.push((pos ? 1.5 : 0) + rng.normal());
  }
  const table = makeTable([numericColumn("id", Array.from({ length: n }, (_, i) => i)), numericColumn("x", x)]);
  return makeDataset(table, classTarget(labels), weighted ? Float64Array.from({ length: n }, () => rng.uniform(0.5, 2)) : undefined);
}

function regressionData(n: number, seed: number): Dataset {
  const rng = new Random(seed);
  const x = Array.from({ length: n }, () => rng.uniform(0, 10));
  const y = x.map((v) => 3 + 2 * v + rng.normal());
  return makeDataset(makeTable([numericColumn("id", Array.from({ length: n }, (_, i) => i)), numericColumn("x", x)]), regressionTarget(y));
}

test("fits never see their test rows, and each fold gets its own derived seed", async () => {
  const data = binaryData(60, 1);
  const learner = new OneFeatureLearner({ feature: "x" });
  const result = await crossValidate(learner, data, { k: 4, seed: 7, metrics: ["log_loss", "accuracy"] });
  assert.equal(learner.fits.length, 4);
  result.folds.forEach((fold, j) => {
    const trained = new Set(learner.fits[j]!.ids);
    assert.equal(trained.size, fold.train.length);
    for (const i of fold.test) assert.ok(!trained.has(i), `fold ${j}: test row ${i} was in the training data`);
  });
  const seeds = learner.fits.map((f) => f.seed);
  assert.equal(new Set(seeds).size, 4);
  // Same options → same folds, seeds and scores.
  const again = new OneFeatureLearner({ feature: "x" });
  const result2 = await crossValidate(again, data, { k: 4, seed: 7, metrics: ["log_loss", "accuracy"] });
  assert.deepEqual(
    again.fits.map((f) => f.seed),
    seeds,
  );
  assert.deepEqual(result2.metrics.log_loss!.scores, result.metrics.log_loss!.scores);
  assert.equal(result.primary, "log_loss");
  assert.equal(result.fitMs.length, 4);
  assert.ok(result.fitMs.every((t) => t >= 0) && result.predictMs.every((t) => t >= 0));
});

test("per-fold scores, mean, sd and the corrected t interval", async () => {
  const data = binaryData(50, 2);
  const result = await crossValidate(new ConstantLearner(), data, { k: 5, seed: 3, metrics: ["accuracy", "brier"] });
  const acc = result.metrics.accuracy!;
  assert.equal(acc.greaterIsBetter, true);
  assert.equal(result.metrics.brier!.greaterIsBetter, false);
  // Recompute fold 2 by hand: the constant model predicts the training majority class.
  const fold = result.folds[2]!;
  const model = await new ConstantLearner().fit(selectDatasetRows(data, fold.train), { seed: 0 });
  const test = selectDatasetRows(data, fold.test);
  assert.equal(acc.scores[2], getMetric("accuracy").compute(test.y, model.predict(test.x)));
  const m = acc.scores.reduce((a, b) => a + b, 0) / 5;
  const sd = Math.sqrt(acc.scores.reduce((a, b) => a + (b - m) ** 2, 0) / 4);
  assert.ok(Math.abs(acc.mean - m) < 1e-15);
  assert.ok(Math.abs(acc.sd - sd) < 1e-15);
  // 50 rows in 5 folds: nTrain 40, nTest 10 → variance factor 1/5 + 10/40.
  assert.equal(result.nTrain, 40);
  assert.equal(result.nTest, 10);
  const half = studentTQuantile(0.975, 4) * sd * Math.sqrt(0.2 + 0.25);
  assert.ok(Math.abs(acc.ci[0] - (m - half)) < 1e-12 && Math.abs(acc.ci[1] - (m + half)) < 1e-12);
  const naive = await crossValidate(new ConstantLearner(), data, { k: 5, seed: 3, metrics: ["accuracy"], correction: "none", confidence: 0.9 });
  const halfNaive = (studentTQuantile(0.95, 4) * sd) / Math.sqrt(5);
  assert.ok(Math.abs(naive.metrics.accuracy!.ci[1] - (m + halfNaive)) < 1e-12);
});

test("out-of-fold predictions: each row predicted by the model that did not train on it", async () => {
  const data = binaryData(40, 3);
  const folds: FoldReport[] = [];
  const result = await crossValidate(new ConstantLearner(), data, { k: 4, seed: 1, onFold: (f) => void folds.push(f) });
  assert.equal(folds.length, 4);
  assert.deepEqual(
    folds.map((f) => f.index),
    [0, 1, 2, 3],
  );
  assert.ok(result.oofCount.every((c) => c === 1));
  assert.equal(result.oof.task, "binary"); // narrows the type
  for (const f of folds) {
    // Constant model: P(yes) is the training share of "yes".
    const trainYes = Array.from(f.fold.train).filter((i) => data.y.task !== "regression" && data.y.labels[i] === 1).length / f.fold.train.length;
    for (const i of f.fold.test) assert.ok(Math.abs(result.oof.proba[2 * i + 1]! - trainYes) < 1e-15);
  }
  assert.equal(result.oofByRepeat, undefined);
});

test("repeats average the out-of-fold predictions and keep each round", async () => {
  const data = binaryData(30, 4);
  const result = await crossValidate(new OneFeatureLearner({ feature: "x" }), data, { k: 3, repeats: 2, seed: 5, metrics: ["roc_auc"] });
  assert.equal(result.folds.length, 6);
  assert.equal(result.repeats, 2);
  assert.ok(result.oofCount.every((c) => c === 2));
  const [r0, r1] = result.oofByRepeat!;
  assert.ok(r0 !== undefined && r1 !== undefined && r0.task !== "regression" && r1.task !== "regression" && result.oof.task !== "regression");
  for (let i = 0; i < result.oof.proba.length; i++) assert.ok(Math.abs(result.oof.proba[i]! - (r0.proba[i]! + r1.proba[i]!) / 2) < 1e-15);
  for (let i = 0; i < 30; i++) assert.ok(Math.abs(result.oof.proba[2 * i]! + result.oof.proba[2 * i + 1]! - 1) < 1e-12);
  assert.notDeepEqual(result.folds[0], result.folds[3]);
});

test("sample weights reach the fit and the scores", async () => {
  const data = binaryData(40, 5, true);
  const learner = new OneFeatureLearner({ feature: "x" });
  const result = await crossValidate(learner, data, { k: 4, seed: 2, metrics: ["log_loss"] });
  const fold = result.folds[1]!;
  assert.deepEqual(
    learner.fits[1]!.weights,
    Array.from(fold.train, (i) => data.weights![i]!),
  );
  const test = selectDatasetRows(data, fold.test);
  const model = await new OneFeatureLearner({ feature: "x" }).fit(selectDatasetRows(data, fold.train), { seed: 0 });
  const weighted = getMetric("log_loss").compute(test.y, model.predict(test.x), test.weights);
  assert.equal(result.metrics.log_loss!.scores[1], weighted);
  assert.equal(result.weights, data.weights);
  const unweighted = new ConstantLearner();
  Object.defineProperty(unweighted, "capabilities", { value: { ...unweighted.capabilities, sampleWeights: false } });
  await assert.rejects(crossValidate(unweighted, data), /the dataset has sample weights but learner "constant" does not support them/);
});

test("regression, explicit time-series folds and group folds", async () => {
  const data = regressionData(48, 6);
  const result = await crossValidate(new OneFeatureLearner({ feature: "x" }), data, { metrics: ["rmse", "r2"] });
  assert.equal(result.primary, "rmse");
  assert.ok(result.metrics.r2!.mean > 0.9, `r2 ${result.metrics.r2!.mean}`);
  assert.ok(result.metrics.rmse!.mean < 1.5);
  const ts = await crossValidate(new OneFeatureLearner({ feature: "x" }), data, { folds: timeSeriesSplit(48, 3) });
  assert.equal(ts.folds.length, 3);
  assert.equal(ts.oofCount.filter((c) => c === 0).length, 12); // the first block is never tested
  assert.ok(ts.oof.task === "regression" && Number.isNaN(ts.oof.values[0]!));
  const groups = Array.from({ length: 48 }, (_, i) => `g${i % 8}`);
  const learner = new OneFeatureLearner({ feature: "x" });
  const grouped = await crossValidate(learner, data, { k: 4, groups });
  grouped.folds.forEach((f, j) => {
    const trainGroups = new Set(learner.fits[j]!.ids.map((i) => groups[i]));
    for (const i of f.test) assert.ok(!trainGroups.has(groups[i]));
  });
});

test("clear errors for bad options", async () => {
  const data = binaryData(20, 7);
  const learner = new ConstantLearner();
  await assert.rejects(crossValidate(learner, data, { metrics: ["rmse"] }), /metric "rmse" applies to regression tasks, but the task is binary/);
  await assert.rejects(crossValidate(learner, data, { folds: timeSeriesSplit(20, 2), k: 3 }), /give either `folds` or `k`, not both/);
  await assert.rejects(crossValidate(learner, data, { metrics: ["accuracy", "accuracy"] }), /metric "accuracy" is listed twice/);
  await assert.rejects(crossValidate(learner, data, { folds: [{ train: Int32Array.of(0, 1), test: Int32Array.of(25) }] }), /fold 0 refers to row 25, but the data has 20 rows/);
  const tiny = makeDataset(makeTable([numericColumn("x", [1, 2, 3, 4, 5, 6])]), classTarget(["a", "a", "a", "a", "a", "b"]));
  await assert.rejects(crossValidate(learner, tiny, { k: 3 }), /class "b" has only 1 row, fewer than k=3 folds/);
  // A metric that is undefined on a fold says which fold.
  await assert.rejects(crossValidate(learner, tiny, { k: 3, stratify: false, metrics: ["roc_auc"] }), /crossValidate, fold \d: roc_auc.*only one class is present/);
  // An onFold callback can stop the run (as a pruner would).
  let calls = 0;
  await assert.rejects(
    crossValidate(learner, data, {
      k: 4,
      onFold: () => {
        calls++;
        throw new Error("pruned");
      },
    }),
    /pruned/,
  );
  assert.equal(calls, 1);
});
