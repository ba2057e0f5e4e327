// Reference curves from scikit-learn 1.2.1's calibration_curve, produced at development time by
// metrics/fixtures/gen_sklearn_metrics.py into metrics/fixtures/sklearn-metrics.json (no Python needed here).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { ClassTarget } from "../data/dataset.js";
import type { ClassPredictions } from "../learners/learner.js";
import { calibrationCurve } from "./calibration.js";

interface Fixture {
  classification: { name: string; labels: number[]; proba: number[] }[];
  calibration: { case: string; strategy: "uniform" | "quantile"; nBins: number; fractionPositive: number[]; meanPredicted: number[] }[];
}
const fixture = JSON.parse(readFileSync(new URL("./metrics/fixtures/sklearn-metrics.json", import.meta.url), "utf8")) as Fixture;
const classes = ["c0", "c1"];

test("calibration curves match scikit-learn (uniform and quantile bins)", () => {
  assert.ok(fixture.calibration.length >= 12);
  for (const ref of fixture.calibration) {
    const c = fixture.classification.find((x) => x.name === ref.case)!;
    const y: ClassTarget = { task: "binary", classes, labels: Int32Array.from(c.labels) };
    const pred: ClassPredictions = { task: "binary", classes, proba: Float64Array.from(c.proba) };
    const bins = calibrationCurve(y, pred, { nBins: ref.nBins, strategy: ref.strategy });
    const what = `${ref.case} ${ref.strategy} ${ref.nBins}`;
    assert.equal(bins.length, ref.fractionPositive.length, what);
    bins.forEach((b, i) => {
      assert.ok(Math.abs(b.fractionPositive - ref.fractionPositive[i]!) < 1e-12, `${what} bin ${i} fraction`);
      assert.ok(Math.abs(b.meanPredicted - ref.meanPredicted[i]!) < 1e-12, `${what} bin ${i} mean`);
      assert.ok(b.count > 0 && b.lower <= b.meanPredicted && b.meanPredicted <= b.upper);
    });
    assert.equal(
      bins.reduce((s, b) => s + b.count, 0),
      c.labels.length,
    );
  }
});

test("calibration bins: edges, inner-edge ties and multiclass one-vs-rest", () => {
  const y: ClassTarget = { task: "binary", classes, labels: Int32Array.of(0, 1, 1, 0, 1) };
  const p = [0, 0.5, 0.5, 0.6, 1];
  const pred: ClassPredictions = { task: "binary", classes, proba: Float64Array.from(p.flatMap((v) => [1 - v, v])) };
  // 0.5 is an inner edge with 2 bins, so both 0.5s go to the lower bin with 0.
  assert.deepEqual(calibrationCurve(y, pred, { nBins: 2 }), [
    { lower: 0, upper: 0.5, meanPredicted: 1 / 3, fractionPositive: 2 / 3, count: 3 },
    { lower: 0.5, upper: 1, meanPredicted: 0.8, fractionPositive: 0.5, count: 2 },
  ]);
  const y3: ClassTarget = { task: "multiclass", classes: ["a", "b", "c"], labels: Int32Array.of(2, 0, 2) };
  const p3: ClassPredictions = { task: "multiclass", classes: ["a", "b", "c"], proba: Float64Array.of(0.1, 0.1, 0.8, 0.7, 0.2, 0.1, 0.2, 0.1, 0.7) };
  const bins = calibrationCurve(y3, p3, { nBins: 5, classIndex: 2 });
  assert.deepEqual(
    bins.map((b) => [b.count, b.fractionPositive]),
    [
      [1, 0],
      [2, 1],
    ],
  );
  assert.throws(() => calibrationCurve(y3, p3, { classIndex: 3 }), /classIndex` must be an integer in \[0, 2\], but got 3/);
  assert.throws(() => calibrationCurve(y, pred, { nBins: 0 }), /nBins` must be an integer ≥ 1, but got nBins=0/);
});
