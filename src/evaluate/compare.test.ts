import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../core/rng.js";
import { classTarget, makeDataset, regressionTarget } from "../data/dataset.js";
import { makeTable, numericColumn } from "../data/table.js";
import { ConstantLearner } from "../learners/baseline/constant.js";
import type { RegressionPredictions } from "../learners/learner.js";
import { compareCrossValidation, correctedResampledTTest, pairedBootstrap } from "./compare.js";
import { crossValidate } from "./cross-validate.js";
import { OneFeatureLearner } from "./test-learners.js";

test("corrected resampled t-test: hand-computed example", () => {
  // d = b − a = [.02, .01, .03, .02, .02]: mean 0.02, sample variance 5e-5. With nTest/nTrain = 1/4
  // and J = 5 the corrected variance is (1/5 + 1/4)·5e-5 = 2.25e-5, so t = 0.02 / 0.0047434 = 4.21637
  // on 4 df. SciPy 1.10: 2·t.sf(4.21637, 4) = 0.01351688152181752 and the 95% half-width
  // t.ppf(0.975, 4)·√2.25e-5 = 0.013169835496276278.
  const a = [0.8, 0.82, 0.78, 0.81, 0.79];
  const d = [0.02, 0.01, 0.03, 0.02, 0.02];
  const b = a.map((v, i) => v + d[i]!);
  const r = correctedResampledTTest(a, b, { nTrain: 400, nTest: 100, greaterIsBetter: true, metric: "accuracy" });
  assert.equal(r.method, "corrected-t");
  assert.ok(Math.abs(r.difference - 0.02) < 1e-15);
  assert.ok(Math.abs(r.pValue - 0.01351688152181752) < 1e-12, `p = ${r.pValue}`);
  assert.ok(Math.abs(r.ci[1] - r.difference - 0.013169835496276278) < 1e-12);
  assert.ok(Math.abs(r.meanA - 0.8) < 1e-15 && Math.abs(r.meanB - 0.82) < 1e-15);
  assert.equal(r.improvement, r.difference);
  assert.equal(r.bBetter, true);
  // The uncorrected paired t-test is far more confident: SciPy 2·t.sf(0.02/√(5e-5/5), 4) = 0.0031982.
  const naive = correctedResampledTTest(a, b, { nTrain: 400, nTest: 100, greaterIsBetter: true, correction: "none" });
  assert.ok(Math.abs(naive.pValue - 0.0031982021523353056) < 1e-12);
  // Same numbers read as a loss: B's larger values are worse.
  const loss = correctedResampledTTest(a, b, { nTrain: 400, nTest: 100, greaterIsBetter: false });
  assert.ok(loss.improvement < 0);
  assert.equal(loss.bBetter, false);
  assert.equal(loss.pValue, r.pValue);
});

test("corrected t-test edge cases", () => {
  const same = correctedResampledTTest([1, 2, 3], [1, 2, 3], { nTrain: 2, nTest: 1, greaterIsBetter: true });
  assert.equal(same.pValue, 1);
  assert.deepEqual(same.ci, [0, 0]);
  const shifted = correctedResampledTTest([1, 2, 3], [2, 3, 4], { nTrain: 2, nTest: 1, greaterIsBetter: true });
  assert.equal(shifted.pValue, 0);
  assert.equal(shifted.bBetter, true);
  assert.throws(() => correctedResampledTTest([1], [2], { nTrain: 1, nTest: 1, greaterIsBetter: true }), /at least 2 folds, but got 1/);
  assert.throws(() => correctedResampledTTest([1, 2], [2], { nTrain: 1, nTest: 1, greaterIsBetter: true }), /A has 2 fold scores but B has 1/);
});

test("paired bootstrap: constant per-row improvement gives a degenerate interval", () => {
  // B's absolute error is A's minus 0.5 on every row, so every resample's MAE difference is −0.5.
  const y = regressionTarget([1, 2, 3, 4, 5, 6, 7, 8]);
  const a: RegressionPredictions = { task: "regression", values: Float64Array.of(2, 3, 4, 5, 4, 5, 6, 7) };
  const b: RegressionPredictions = { task: "regression", values: Float64Array.of(1.5, 2.5, 3.5, 4.5, 4.5, 5.5, 6.5, 7.5) };
  const r = pairedBootstrap(y, a, b, "mae", { nResamples: 200, seed: 1 });
  assert.equal(r.method, "bootstrap");
  assert.ok(Math.abs(r.difference + 0.5) < 1e-12);
  assert.ok(Math.abs(r.ci[0] + 0.5) < 1e-12 && Math.abs(r.ci[1] + 0.5) < 1e-12);
  assert.ok(Math.abs(r.improvement - 0.5) < 1e-12);
  assert.ok(Math.abs(r.pValue - 1 / 201) < 1e-15, `p = ${r.pValue}`);
  assert.equal(r.bBetter, true);
  const self = pairedBootstrap(y, a, a, "rmse", { nResamples: 100 });
  assert.equal(self.difference, 0);
  assert.equal(self.pValue, 1);
  assert.equal(self.bBetter, false);
  assert.deepEqual(pairedBootstrap(y, a, b, "mae", { nResamples: 50, seed: 9 }), pairedBootstrap(y, a, b, "mae", { nResamples: 50, seed: 9 }));
});

function binary(n: number, seed: number, signal: number) {
  const rng = new Random(seed);
  const labels: string[] = [];
  const x: number[] = [];
  for (let i = 0; i < n; i++) {
    const pos = rng.next() < 0.5;
    labels.push(pos ? "1" : "0");
    x.push((pos ? signal : 0) + rng.normal());
  }
  return makeDataset(makeTable([numericColumn("x", x)]), classTarget(labels));
}

test("a real signal beats the constant baseline on the same folds; no signal does not", async () => {
  const data = binary(200, 3, 2);
  const opts = { k: 5, seed: 11, metrics: ["log_loss", "roc_auc"] } as const;
  const base = await crossValidate(new ConstantLearner(), data, opts);
  const good = await crossValidate(new OneFeatureLearner({ feature: "x" }), data, opts);
  const t = compareCrossValidation(base, good);
  assert.equal(t.metric, "log_loss");
  assert.ok(t.difference < 0 && t.improvement > 0);
  assert.ok(t.pValue < 0.05 && t.bBetter, `p = ${t.pValue}`);
  assert.ok(t.ci[1] < 0);
  const boot = compareCrossValidation(base, good, { method: "bootstrap", metric: "roc_auc", nResamples: 300, seed: 2 });
  assert.equal(boot.metric, "roc_auc");
  assert.ok(boot.improvement > 0.2 && boot.bBetter && boot.ci[0] > 0, JSON.stringify(boot));
  // Reversed roles: A better than B, so B is not better.
  assert.equal(compareCrossValidation(good, base).bBetter, false);

  const noise = binary(120, 4, 0);
  const baseN = await crossValidate(new ConstantLearner(), noise, opts);
  const fitN = await crossValidate(new OneFeatureLearner({ feature: "x" }), noise, opts);
  const tn = compareCrossValidation(baseN, fitN);
  assert.equal(tn.bBetter, false);
  assert.ok(tn.pValue > 0.05, `p = ${tn.pValue}`);

  const other = await crossValidate(new ConstantLearner(), data, { ...opts, seed: 12 });
  assert.throws(() => compareCrossValidation(other, good), /same folds .*fold 0 tests different rows/);
  assert.throws(() => compareCrossValidation(base, good, { metric: "accuracy" }), /metric "accuracy" must be in both results/);
});

test("paired bootstrap: the row-value path of mean-type metrics gives exactly the metric-recomputing path's numbers", async () => {
  const { getMetric } = await import("./metrics/registry.js");
  const rng = new Random(3);
  const n = 157;
  const labels = Array.from({ length: n }, () => ["a", "b", "c"][rng.int(3)]!);
  const y = classTarget(labels);
  const probs = (): Float64Array => {
    const p = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) {
      const r = [rng.next(), rng.next(), rng.next()];
      const s = r[0]! + r[1]! + r[2]!;
      for (let j = 0; j < 3; j++) p[i * 3 + j] = r[j]! / s;
    }
    return p;
  };
  const a = { task: "multiclass" as const, classes: y.classes, proba: probs() };
  const b = { task: "multiclass" as const, classes: y.classes, proba: probs() };
  const weights = Float64Array.from({ length: n }, () => 0.5 + rng.next());
  const yr = regressionTarget(Array.from({ length: n }, () => rng.normal()));
  const ra: RegressionPredictions = { task: "regression", values: Float64Array.from({ length: n }, () => rng.normal()) };
  const rb: RegressionPredictions = { task: "regression", values: Float64Array.from({ length: n }, () => rng.normal() * 0.5) };
  const cases = [
    ["log_loss", y, a, b],
    ["accuracy", y, a, b],
    ["brier", y, a, b],
    ["rmse", yr, ra, rb],
    ["mae", yr, ra, rb],
  ] as const;
  for (const [name, target, pa, pb] of cases) {
    const m = getMetric(name);
    assert.ok(m.rows !== undefined, `${name} declares row values`);
    const { rows: _rows, ...generic } = m;
    for (const w of [undefined, weights]) {
      const opts = { nResamples: 300, seed: 5, ...(w ? { weights: w } : {}) };
      const fast = pairedBootstrap(target, pa, pb, m, opts);
      const slow = pairedBootstrap(target, pa, pb, generic, opts);
      for (const key of ["difference", "pValue"] as const) assert.ok(Math.abs(fast[key] - slow[key]) <= 1e-12 * Math.max(1, Math.abs(slow[key])), `${name} ${key}: ${fast[key]} vs ${slow[key]}`);
      for (const k of [0, 1]) assert.ok(Math.abs(fast.ci[k]! - slow.ci[k]!) <= 1e-12 * Math.max(1, Math.abs(slow.ci[k]!)), `${name} ci[${k}]: ${fast.ci[k]} vs ${slow.ci[k]}`);
      const values = m.rows!.values(target, pa);
      const mean = values.reduce((s, v, i) => s + (w ? w[i]! : 1) * v, 0) / (w ? w.reduce((s, x) => s + x, 0) : n);
      const expected = (m.rows!.ofMean ?? ((x: number) => x))(mean);
      assert.ok(Math.abs(m.compute(target, pa, w) - expected) < 1e-12, `${name}: compute is ofMean(weighted mean of the row values)`);
    }
  }
});
