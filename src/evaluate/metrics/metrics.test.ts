// Every metric is checked against scikit-learn 1.2.1 on fixed vectors. The reference values were
// produced at development time by fixtures/gen_sklearn_metrics.py (committed beside its output,
// fixtures/sklearn-metrics.json); the tests read only the JSON and never need Python.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { ClassTarget, RegressionTarget } from "../../data/dataset.js";
import type { ClassPredictions, RegressionPredictions } from "../../learners/learner.js";
import { accuracy, logLoss } from "./classification.js";
import { defaultMetric, getMetric, listMetrics, pinballMetric, resolveMetric } from "./registry.js";
import { binaryRocAuc } from "./roc-auc.js";

interface ClassCase {
  name: string;
  k: number;
  labels: number[];
  proba: number[];
  weights: number[] | null;
  expected: Record<string, number | null>;
}
interface RegressionCase {
  name: string;
  y: number[];
  pred: number[];
  weights: number[] | null;
  expected: Record<string, number>;
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/sklearn-metrics.json", import.meta.url), "utf8")) as {
  sklearn: string;
  classification: ClassCase[];
  regression: RegressionCase[];
};

const TOL = 1e-9;

function classInputs(c: ClassCase): { y: ClassTarget; pred: ClassPredictions; w: Float64Array | undefined } {
  const classes = Array.from({ length: c.k }, (_, j) => `c${j}`);
  const task = c.k === 2 ? "binary" : "multiclass";
  return {
    y: { task, classes, labels: Int32Array.from(c.labels) },
    pred: { task, classes, proba: Float64Array.from(c.proba) },
    w: c.weights === null ? undefined : Float64Array.from(c.weights),
  };
}

function near(got: number, want: number, what: string): void {
  assert.ok(Math.abs(got - want) <= TOL * Math.max(1, Math.abs(want)), `${what}: got ${got}, scikit-learn ${want}`);
}

test(`classification metrics match scikit-learn ${fixture.sklearn}`, () => {
  let checked = 0;
  for (const c of fixture.classification) {
    const { y, pred, w } = classInputs(c);
    for (const [name, want] of Object.entries(c.expected)) {
      const metric = getMetric(name);
      if (want === null) {
        assert.throws(() => metric.compute(y, pred, w), /only one class is present/, `${c.name} / ${name} should throw`);
      } else {
        near(metric.compute(y, pred, w), want, `${c.name} / ${name}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 120, `checked ${checked} values`);
});

test(`regression metrics match scikit-learn ${fixture.sklearn}`, () => {
  for (const c of fixture.regression) {
    const y: RegressionTarget = { task: "regression", values: Float64Array.from(c.y) };
    const pred: RegressionPredictions = { task: "regression", values: Float64Array.from(c.pred) };
    const w = c.weights === null ? undefined : Float64Array.from(c.weights);
    for (const [name, want] of Object.entries(c.expected)) {
      const metric = name.startsWith("pinball_") ? pinballMetric(Number(name.slice("pinball_".length))) : getMetric(name);
      assert.equal(metric.name, name);
      near(metric.compute(y, pred, w), want, `${c.name} / ${name}`);
    }
  }
});

test("ROC AUC counts a tied positive–negative pair as one half", () => {
  // Positives at 0.8 and 0.5, negatives at 0.5 and 0.2: pairs (0.8>0.5, 0.8>0.2, 0.5=0.5, 0.5>0.2) = 3.5 / 4.
  const auc = binaryRocAuc(Float64Array.of(0.8, 0.5, 0.5, 0.2), Uint8Array.of(1, 1, 0, 0));
  assert.equal(auc, 0.875);
  // All scores tied: 0.5.
  assert.equal(binaryRocAuc(Float64Array.of(0.3, 0.3, 0.3), Uint8Array.of(1, 0, 1)), 0.5);
});

test("log-loss clips certainty at machine epsilon instead of returning infinity", () => {
  const y: ClassTarget = { task: "binary", classes: ["no", "yes"], labels: Int32Array.of(1) };
  const pred: ClassPredictions = { task: "binary", classes: ["no", "yes"], proba: Float64Array.of(1, 0) };
  near(logLoss(y, pred), -Math.log(2.220446049250313e-16), "clipped log-loss");
});

test("metrics reject mismatched inputs with clear messages", () => {
  const y: ClassTarget = { task: "binary", classes: ["no", "yes"], labels: Int32Array.of(0, 1) };
  const wrongClasses: ClassPredictions = { task: "binary", classes: ["a", "b"], proba: Float64Array.of(0.5, 0.5, 0.5, 0.5) };
  assert.throws(() => accuracy(y, wrongClasses), /predictions are for classes \[a, b\] but the target has classes \[no, yes\]/);
  const short: ClassPredictions = { task: "binary", classes: ["no", "yes"], proba: Float64Array.of(0.5, 0.5) };
  assert.throws(() => accuracy(y, short), /expected 2 rows × 2 classes = 4 probabilities, but got 2/);
  const reg: RegressionPredictions = { task: "regression", values: Float64Array.of(1, 2) };
  assert.throws(() => getMetric("rmse").compute(y, reg), /rmse needs a regression target and predictions, but got a binary target/);
  const ok: ClassPredictions = { task: "binary", classes: ["no", "yes"], proba: Float64Array.of(0.5, 0.5, 0.5, 0.5) };
  assert.throws(() => accuracy(y, ok, Float64Array.of(1)), /weights have 1 entries but there are 2 rows/);
  assert.throws(() => accuracy(y, ok, Float64Array.of(0, 0)), /weights sum to 0/);
  assert.throws(() => getMetric("f1").compute({ ...y, task: "multiclass", classes: ["a", "b", "c"] }, { ...ok, task: "multiclass", classes: ["a", "b", "c"], proba: new Float64Array(6).fill(1 / 3) }), /f1 \(binary\) needs a binary target, but got 3 classes/);
});

test("registry: names, directions, tasks and defaults", () => {
  const names = listMetrics().map((m) => m.name);
  for (const n of ["accuracy", "balanced_accuracy", "log_loss", "roc_auc", "roc_auc_ovr_weighted", "f1", "f1_macro", "f1_weighted", "mcc", "brier", "rmse", "mae", "r2", "pinball"]) {
    assert.ok(names.includes(n), `missing ${n}`);
  }
  assert.equal(getMetric("log_loss").greaterIsBetter, false);
  assert.equal(getMetric("roc_auc").greaterIsBetter, true);
  assert.equal(getMetric("r2").greaterIsBetter, true);
  assert.equal(getMetric("pinball").greaterIsBetter, false);
  assert.deepEqual(getMetric("f1").tasks, ["binary"]);
  assert.equal(defaultMetric("binary").name, "log_loss");
  assert.equal(defaultMetric("multiclass").name, "log_loss");
  assert.equal(defaultMetric("regression").name, "rmse");
  assert.throws(() => getMetric("auc"), /unknown metric "auc"; expected one of: accuracy, /);
  assert.throws(() => resolveMetric("rmse", "binary"), /metric "rmse" applies to regression tasks, but the task is binary/);
  assert.throws(() => pinballMetric(1.5), /alpha` must be in \(0, 1\), but got alpha=1.5/);
});
