/**
 * Accuracy on bundled real datasets, with thresholds a broken booster would miss (a constant
 * predictor scores 0.63 on breast_cancer, 0.44 on penguins and R² = 0 on concrete). Reference:
 * XGBoost 1.7 `hist` (100 trees, depth 6, lr 0.3) reaches 0.975 on breast_cancer in 5-fold
 * stratified CV, measured with Python at development time; no Python is needed here.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { classTarget, makeDataset, selectDatasetRows, type Dataset } from "../../data/dataset.js";
import { categoricalColumn, makeTable, numericColumn } from "../../data/table.js";
import type { ClassPredictions, RegressionPredictions } from "../learner.js";
import { GBDTLearner } from "./gbdt.js";

/** A minimal reader for the bundled CSVs (quoted labels without commas, empty cell = missing). */
function loadCsv(name: string, target: string, regression = false): Dataset {
  const lines = readFileSync(new URL(`../../../data/${name}.csv`, import.meta.url), "utf8").trim().split(/\r?\n/);
  const unquote = (s: string): string => s.replace(/^"(.*)"$/, "$1");
  const header = lines[0]!.split(",").map(unquote);
  const cells = lines.slice(1).map((l) => l.split(",").map(unquote));
  const t = header.indexOf(target);
  const columns = header.flatMap((h, j) => {
    if (j === t) return [];
    const raw = cells.map((r) => r[j]!);
    const numeric = raw.every((v) => v === "" || Number.isFinite(Number(v)));
    return [numeric ? numericColumn(h, raw.map((v) => (v === "" ? NaN : Number(v)))) : categoricalColumn(h, raw.map((v) => (v === "" ? null : v)))];
  });
  const y = cells.map((r) => r[t]!);
  return makeDataset(makeTable(columns), regression ? { task: "regression", values: Float64Array.from(y, Number) } : classTarget(y));
}

/** Row indices of `k` folds: every k-th row of each class (stratified, deterministic). */
function folds(d: Dataset, k: number): number[][] {
  const out: number[][] = Array.from({ length: k }, () => []);
  const n = d.x.nRows;
  const order = d.y.task === "regression" ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: n }, (_, i) => i).sort((a, b) => (d.y as { labels: Int32Array }).labels[a]! - (d.y as { labels: Int32Array }).labels[b]! || a - b);
  order.forEach((row, i) => out[i % k]!.push(row));
  return out;
}

async function cvAccuracy(d: Dataset, k: number, params: Record<string, unknown>): Promise<number> {
  let correct = 0;
  const parts = folds(d, k);
  for (let f = 0; f < k; f++) {
    const train = selectDatasetRows(d, parts.flatMap((p, i) => (i === f ? [] : p)));
    const test = selectDatasetRows(d, parts[f]!);
    const m = await new GBDTLearner(params).fit(train, { seed: 1 });
    const p = m.predict(test.x) as ClassPredictions;
    const c = p.classes.length;
    const labels = (test.y as { labels: Int32Array }).labels;
    for (let i = 0; i < labels.length; i++) {
      let best = 0;
      for (let j = 1; j < c; j++) if (p.proba[i * c + j]! > p.proba[i * c + best]!) best = j;
      if (best === labels[i]) correct++;
    }
  }
  return correct / d.x.nRows;
}

test("breast_cancer: 5-fold accuracy close to XGBoost's 0.975", async () => {
  const acc = await cvAccuracy(loadCsv("breast_cancer", "target"), 5, {});
  assert.ok(acc >= 0.955, `accuracy ${acc}`);
});

test("penguins (categorical features, missing cells, 3 classes): 5-fold accuracy", async () => {
  const acc = await cvAccuracy(loadCsv("penguins", "species"), 5, { nEstimators: 30 });
  assert.ok(acc >= 0.96, `accuracy ${acc}`);
});

test("concrete (regression): held-out R² with squared and absolute error", async () => {
  const d = loadCsv("concrete", "compressive_strength", true);
  const [test1, ...rest] = folds(d, 5);
  const train = selectDatasetRows(d, rest.flat());
  const held = selectDatasetRows(d, test1!);
  const y = (held.y as { values: Float64Array }).values;
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const sst = y.reduce((a, b) => a + (b - mean) ** 2, 0);
  for (const [objective, min] of [["squared-error", 0.9], ["absolute-error", 0.88]] as const) {
    const m = await new GBDTLearner({ objective }).fit(train, { seed: 1 });
    const p = (m.predict(held.x) as RegressionPredictions).values;
    const r2 = 1 - p.reduce((a, v, i) => a + (v - y[i]!) ** 2, 0) / sst;
    assert.ok(r2 >= min, `${objective}: R² ${r2}`);
  }
});
