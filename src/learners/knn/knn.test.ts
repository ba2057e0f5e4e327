import assert from "node:assert/strict";
import { test } from "node:test";
import { OuroborosError } from "../../core/errors.js";
import { makeDataset, regressionTarget, selectDatasetRows, type Dataset } from "../../data/dataset.js";
import { makeTable, numericColumn } from "../../data/table.js";
import { runLearnerConformance } from "../../testing/learner-conformance.js";
import type { Model } from "../learner.js";
import { foldSplit, loadBundled, sklearnReference } from "../linear/fixtures/bundled.js";
import { KNNLearner, knnLearnerFactory } from "./knn.js";

runLearnerConformance("knn", knnLearnerFactory);
// Not `weights: "distance"` here: predicting a training row, its exact match takes every vote, so the
// suite's "weights change the fit" check cannot hold for any distance-weighted kNN (tested below).
runLearnerConformance("knn (manhattan, k=3)", knnLearnerFactory, { params: { nNeighbors: 3, metric: "manhattan" } });

function accuracy(m: Model, d: Dataset): number {
  const p = m.predict(d.x);
  if (p.task === "regression" || d.y.task === "regression") throw new Error("classification expected");
  const K = p.classes.length;
  let ok = 0;
  for (let i = 0; i < d.x.nRows; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (p.proba[i * K + k]! > p.proba[i * K + best]!) best = k;
    if (best === d.y.labels[i]) ok++;
  }
  return ok / d.x.nRows;
}

test("5-fold accuracy on standardised breast cancer and digits matches scikit-learn (same folds)", async () => {
  // Reference: make_pipeline(StandardScaler(), KNeighborsClassifier(...)) per fold (sklearn_reference.py).
  const ref = sklearnReference();
  for (const [name, min] of [["breast_cancer", 0.96], ["digits", 0.94]] as const) {
    const d = loadBundled(name, "target");
    for (const [variant, params] of [["knn", {}], ["knnDistanceManhattan", { weights: "distance", metric: "manhattan" }]] as const) {
      const accs: number[] = [];
      for (let k = 0; k < 5; k++) {
        const { train, test: held } = foldSplit(ref[name].folds, k);
        const m = await new KNNLearner(params).fit(selectDatasetRows(d, train), { seed: 0 });
        accs.push(accuracy(m, selectDatasetRows(d, held)));
      }
      const mean = accs.reduce((a, b) => a + b, 0) / 5;
      assert.ok(mean >= min, `${name} ${variant}: mean accuracy ${mean} < ${min}`);
      // Same neighbours, same votes: every fold's accuracy is scikit-learn's (only tie-breaking among
      // equidistant neighbours could differ, and it does not on these data).
      ref[name].foldAccuracy[variant].forEach((r, k) => assert.ok(Math.abs(accs[k]! - r) < 1e-12, `${name} ${variant} fold ${k}: ${accs[k]} vs scikit-learn ${r}`));
    }
  }
});

test("hand-checked neighbours: votes, distance weights, exact matches, ties and regression", async () => {
  // One feature; standardisation is monotone so neighbours are those of the raw values.
  const xs = [0, 1, 2, 3, 10, 11];
  const x = makeTable([numericColumn("v", xs)]);
  const labels = { task: "binary" as const, classes: ["a", "b"], labels: Int32Array.of(0, 0, 1, 1, 1, 1) };
  const q = makeTable([numericColumn("v", [1.4, 2, 6.5])]);
  const uni = await new KNNLearner({ nNeighbors: 3 }).fit(makeDataset(x, labels), { seed: 0 });
  const pu = uni.predict(q);
  assert.ok(pu.task === "binary");
  // 1.4 → rows 1, 0|2 (0.4, 0.6 apart → 1, 2, 0): votes a, b, a → P(b) = 1/3.
  assert.ok(Math.abs(pu.proba[1]! - 1 / 3) < 1e-12);
  // 6.5 → rows 3 (3.5 away) then 4 (3.5 away: tie, earlier row first) then 2 → b, b, b.
  assert.equal(pu.proba[5], 1);
  const dist = await new KNNLearner({ nNeighbors: 3, weights: "distance" }).fit(makeDataset(x, labels), { seed: 0 });
  const pd = dist.predict(q);
  assert.ok(pd.task === "binary");
  // 1.4: a at 0.4 and 1.4, b at 0.6 (in raw units; the common scale cancels).
  const wa = 1 / 0.4 + 1 / 1.4;
  const wb = 1 / 0.6;
  assert.ok(Math.abs(pd.proba[1]! - wb / (wa + wb)) < 1e-9, `${pd.proba[1]}`);
  // 2 is a training row: only the exact match votes.
  assert.equal(pd.proba[3], 1);
  const reg = await new KNNLearner({ nNeighbors: 2 }).fit(makeDataset(x, regressionTarget([1, 2, 3, 4, 5, 6])), { seed: 0 });
  const pr = reg.predict(q);
  assert.ok(pr.task === "regression");
  // 1.4 → rows 1, 2; 2 → row 2, then rows 1 and 3 tie (earlier wins); 6.5 → rows 3 and 4 tie at 3.5.
  assert.deepEqual(Array.from(pr.values), [2.5, 2.5, 4.5]);
  // Sample weights scale votes; zero-weight rows never vote.
  const wm = await new KNNLearner({ nNeighbors: 3 }).fit(makeDataset(x, labels, Float64Array.of(0, 3, 1, 1, 1, 1)), { seed: 0 });
  const pw = wm.predict(q);
  assert.ok(pw.task === "binary");
  // 1.4 → rows 1 (a, w 3), 2 (b), 3 (b): P(b) = 2/5.
  assert.ok(Math.abs(pw.proba[1]! - 2 / 5) < 1e-12);
});

test("nNeighbors larger than the training set uses every row; bad params are refused", async () => {
  const x = makeTable([numericColumn("v", [0, 1, 2])]);
  const m = await new KNNLearner({ nNeighbors: 50 }).fit(makeDataset(x, regressionTarget([3, 6, 9])), { seed: 0 });
  const p = m.predict(x);
  assert.ok(p.task === "regression");
  assert.deepEqual(Array.from(p.values), [6, 6, 6]);
  for (const params of [{ nNeighbors: 0 }, { nNeighbors: 2.5 }, { weights: "gaussian" }, { metric: "cosine" }]) {
    assert.throws(() => new KNNLearner(params), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument");
  }
  await assert.rejects(new KNNLearner().fit(makeDataset(x, regressionTarget([1, 2, 3]), new Float64Array(3)), { seed: 0 }), /every sample weight is 0/);
});
