import assert from "node:assert/strict";
import { test } from "node:test";
import { OuroborosError } from "../../core/errors.js";
import { classTarget, makeDataset, selectDatasetRows, type Dataset } from "../../data/dataset.js";
import { categoricalColumn, makeTable, numericColumn } from "../../data/table.js";
import { conformanceData, runLearnerConformance } from "../../testing/learner-conformance.js";
import type { Model } from "../learner.js";
import { foldSplit, loadBundled, sklearnReference } from "../linear/fixtures/bundled.js";
import { NaiveBayesLearner, naiveBayesLearnerFactory } from "./naive-bayes.js";

runLearnerConformance("naive-bayes", naiveBayesLearnerFactory);
runLearnerConformance("naive-bayes (alpha 0.5, uniform prior)", naiveBayesLearnerFactory, { params: { alpha: 0.5, fitPrior: false, varSmoothing: 1e-6 } });

const ref = sklearnReference();

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

test("Gaussian part equals scikit-learn's GaussianNB: probabilities and 5-fold accuracy", async () => {
  // Reference: GaussianNB() on the raw features (sklearn_reference.py).
  for (const [name, min] of [["breast_cancer", 0.93], ["digits", 0.8]] as const) {
    const d = loadBundled(name, "target");
    const full = await new NaiveBayesLearner().fit(d, { seed: 0 });
    const p = full.predict(selectDatasetRows(d, [...Array(20).keys()]).x);
    assert.ok(p.task !== "regression");
    const K = p.classes.length;
    ref[name].gaussianNBProbaFirstRows.forEach((row, i) => row.forEach((v, k) => assert.ok(Math.abs(p.proba[i * K + k]! - v) < 1e-6, `${name} row ${i} class ${k}: ${p.proba[i * K + k]} vs ${v}`)));
    const accs: number[] = [];
    for (let k = 0; k < 5; k++) {
      const { train, test: held } = foldSplit(ref[name].folds, k);
      const m = await new NaiveBayesLearner().fit(selectDatasetRows(d, train), { seed: 0 });
      accs.push(accuracy(m, selectDatasetRows(d, held)));
    }
    ref[name].foldAccuracy.gaussianNB.forEach((r, k) => assert.ok(Math.abs(accs[k]! - r) < 1e-12, `${name} fold ${k}: ${accs[k]} vs scikit-learn ${r}`));
    assert.ok(accs.reduce((a, b) => a + b, 0) / 5 >= min, `${name}: mean accuracy below ${min}`);
  }
});

test("categorical part: Laplace-smoothed counts, computed by hand", async () => {
  const x = makeTable([categoricalColumn("c", ["u", "u", "v", "u", "v", "w"])]);
  const y = classTarget(["a", "a", "a", "b", "b", "b"]);
  const m = await new NaiveBayesLearner({ alpha: 1 }).fit(makeDataset(x, y), { seed: 0 });
  const p = m.predict(makeTable([categoricalColumn("c", ["u", "w", "zzz", null])]));
  assert.ok(p.task === "binary");
  // θ_a = (2+1, 1+1, 0+1)/6, θ_b = (1+1, 1+1, 1+1)/6; equal priors.
  const pu = 3 / (3 + 2);
  const pw = 1 / (1 + 2);
  assert.ok(Math.abs(p.proba[0]! - pu) < 1e-12);
  assert.ok(Math.abs(p.proba[2]! - pw) < 1e-12);
  // Unseen and missing categories drop the term: the priors remain.
  assert.equal(p.proba[4], 0.5);
  assert.equal(p.proba[6], 0.5);
});

test("a missing numeric value drops its term; weights equal duplicated rows", async () => {
  const d = conformanceData("multiclass", 150, 6, { missing: true });
  const m = await new NaiveBayesLearner().fit(d, { seed: 0 });
  // Predicting with column "a" all missing equals a model that never saw "a".
  const noA = makeTable(d.x.columns.filter((c) => c.name !== "a"));
  const allMissing = makeTable(d.x.columns.map((c) => (c.name === "a" ? numericColumn("a", new Float64Array(150).fill(Number.NaN)) : c)));
  const without = await new NaiveBayesLearner().fit(makeDataset(noA, d.y), { seed: 0 });
  const pa = m.predict(allMissing);
  const pb = without.predict(noA);
  assert.ok(pa.task !== "regression" && pb.task !== "regression");
  pa.proba.forEach((v, i) => assert.ok(Math.abs(v - pb.proba[i]!) < 1e-9, `entry ${i}: ${v} vs ${pb.proba[i]}`));

  const w = Float64Array.from({ length: 150 }, (_, i) => (i < 50 ? 2 : 1));
  const weighted = await new NaiveBayesLearner().fit(makeDataset(d.x, d.y, w), { seed: 0 });
  const dup = await new NaiveBayesLearner().fit(selectDatasetRows(d, [...Array(150).keys(), ...Array(50).keys()]), { seed: 0 });
  const pw = weighted.predict(d.x);
  const pd = dup.predict(d.x);
  assert.ok(pw.task !== "regression" && pd.task !== "regression");
  // Equal up to ε, which GaussianNB computes from unweighted variances (so duplicates shift it a hair).
  pw.proba.forEach((v, i) => assert.ok(Math.abs(v - pd.proba[i]!) < 1e-6));
});

test("refuses regression with a clear error; bad params are refused", async () => {
  await assert.rejects(new NaiveBayesLearner().fit(conformanceData("regression", 30, 1), { seed: 0 }), (e: unknown) => e instanceof OuroborosError && /regression/.test(e.message));
  for (const params of [{ alpha: 0 }, { varSmoothing: -1 }, { fitPrior: "yes" }]) {
    assert.throws(() => new NaiveBayesLearner(params), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument");
  }
});
