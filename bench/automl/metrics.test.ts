/**
 * The `ouro run` benchmark's own pieces (no Python, no runs): metrics against scikit-learn, ranks,
 * the outer split, and scoring/summary. Reference numbers were produced once with Debian's
 * scikit-learn 1.2.1 (`log_loss`, `roc_auc_score`, `accuracy_score`, `mean_squared_error`,
 * `r2_score`) on the inputs below and are fixed here; the test does not need Python.
 * Run: node --import tsx --test bench/automl/metrics.test.ts
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { classScores, ranks, regressionScores, rocAuc } from "./metrics.js";
import { scoreDataset, summarize } from "./report.js";
import { makeOuterSplit, parseCsvFields, splitCsvRecords } from "./split.js";
import type { SystemId, SystemOutput } from "./systems.js";

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test("multiclass log-loss and accuracy match scikit-learn (clipping, renormalising, arg-max ties to the first class)", () => {
  const y = ["b", "a", "c", "a", "b", "c", "a", "a"];
  const proba = [0.2, 0.5, 0.3, 0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.3, 0.4, 0.3, 0.0, 1.0, 0.0, 0.5, 0.25, 0.25, 0.6, 0.3, 0.1, 0.4, 0.4, 0.2];
  const s = classScores(y, { classes: ["a", "b", "c"], proba }, ["a", "b", "c"]);
  close(s.logLoss, 0.6612936496123575);
  close(s.accuracy, 0.75);
  assert.equal(s.rocAuc, undefined);
});

test("binary log-loss, accuracy and ROC AUC (with tied scores) match scikit-learn", () => {
  const y = ["no", "yes", "yes", "no", "yes", "no", "no", "yes", "no"];
  const pb = [0.1, 0.8, 0.4, 0.4, 0.9, 0.2, 0.4, 0.65, 0.7];
  const s = classScores(y, { classes: ["no", "yes"], proba: pb.flatMap((p) => [1 - p, p]) }, ["no", "yes"]);
  close(s.logLoss, 0.46996731486317755);
  close(s.rocAuc!, 0.85);
  close(s.accuracy, 0.7777777777777778);
  // Class order of the system does not matter.
  const swapped = classScores(y, { classes: ["yes", "no"], proba: pb.flatMap((p) => [p, 1 - p]) }, ["no", "yes"]);
  close(swapped.logLoss, s.logLoss);
  close(swapped.rocAuc!, s.rocAuc!);
  assert.ok(Number.isNaN(rocAuc([true, true], [0.1, 0.2])));
});

test("a true label the system never predicts costs log(1e15) and counts as wrong", () => {
  const s = classScores(["a", "z"], { classes: ["a", "b"], proba: [0.9, 0.1, 0.9, 0.1] }, ["a", "z"]);
  close(s.logLoss, (-Math.log(0.9) - Math.log(1e-15)) / 2, 1e-9);
  close(s.accuracy, 0.5);
});

test("RMSE and R² match scikit-learn", () => {
  const s = regressionScores([3, -1, 2.5, 7, 0], [2.5, 0, 2, 8, -0.5]);
  close(s.rmse, 0.7416198487095663);
  close(s.r2, 0.9291237113402062);
});

test("ranks: 1 = best, ties share the mean rank, failures rank last", () => {
  assert.deepEqual(ranks([0.3, 0.1, 0.3, 0.2], false), [3.5, 1, 3.5, 2]);
  assert.deepEqual(ranks([0.3, 0.1, 0.3, 0.2], true), [1.5, 4, 1.5, 3]);
  assert.deepEqual(ranks([undefined, 0.5, undefined, 0.7], false), [3.5, 1, 3.5, 2]);
});

test("CSV records keep their text, quoted commas and line breaks; fields are unquoted", () => {
  const text = '\uFEFFa,"b c",y\r\n1,"x, ""q""",yes\n2,"two\nlines",no\n\n3,,yes\n';
  const csv = splitCsvRecords(text);
  assert.deepEqual(csv.columns, ["a", "b c", "y"]);
  assert.deepEqual(csv.records, ['1,"x, ""q""",yes', '2,"two\nlines",no', "3,,yes"]);
  assert.deepEqual(parseCsvFields(csv.records[0]!), ["1", 'x, "q"', "yes"]);
});

test("the outer split is seeded, stratified, disjoint, drops empty targets and copies record text", () => {
  const dir = mkdtempSync(join(os.tmpdir(), "automl-split-"));
  try {
    const rows = Array.from({ length: 100 }, (_, i) => `${i},"v ${i}",${i < 70 ? "no" : "yes"}`);
    rows.push('100,"v 100",');
    const src = join(dir, "src.csv");
    writeFileSync(src, `id,text,label\n${rows.join("\n")}\n`);
    const a = makeOuterSplit(src, "label", join(dir, "a"), { seed: 3, stratify: true });
    const b = makeOuterSplit(src, "label", join(dir, "b"), { seed: 3, stratify: true });
    assert.equal(readFileSync(a.testPath, "utf8"), readFileSync(b.testPath, "utf8"));
    assert.equal(a.droppedMissingTarget, 1);
    assert.equal(a.nTrain + a.nTest, 100);
    assert.equal(a.nTest, 20);
    assert.equal(a.testTargets.filter((t) => t === "yes").length, 6);
    const train = splitCsvRecords(readFileSync(a.trainPath, "utf8"));
    const testRows = splitCsvRecords(readFileSync(a.testPath, "utf8"));
    assert.equal(train.header, "id,text,label");
    const all = new Set([...train.records, ...testRows.records]);
    assert.equal(all.size, 100);
    for (const r of all) assert.ok(rows.includes(r), r);
    assert.deepEqual(testRows.records.map((r) => parseCsvFields(r)[2]), a.testTargets);
    assert.throws(() => makeOuterSplit(src, "nope", join(dir, "c"), { seed: 1, stratify: false }), /no column "nope"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("scoring ranks by log-loss, keeps accuracy ranks, and the summary counts wins over Optuna", () => {
  const truth = ["a", "b", "a", "b"];
  const out = (p: number[], extra: Partial<SystemOutput> = {}): SystemOutput => ({ classes: ["a", "b"], proba: Float64Array.from(p.flatMap((x) => [1 - x, x])), wallSeconds: 1, info: {}, ...extra });
  const outputs: Record<SystemId, SystemOutput> = {
    ouro: out([0.1, 0.9, 0.2, 0.8]),
    hgb: out([0.4, 0.6, 0.4, 0.6]),
    xgboost: { wallSeconds: 1, error: "boom", info: {} },
    optuna_xgboost: out([0.2, 0.9, 0.2, 0.8]),
  };
  const r = scoreDataset({ name: "toy", task: "binary", source: "x", target: "y", nTrain: 4, nTest: 4 }, truth, outputs);
  assert.deepEqual(r.rank, { ouro: 1, optuna_xgboost: 2, hgb: 3, xgboost: 4 });
  assert.deepEqual(r.rankAccuracy, { ouro: 2, hgb: 2, optuna_xgboost: 2, xgboost: 4 });
  assert.equal(r.systems.xgboost.error, "boom");
  const reg = scoreDataset({ name: "r", task: "regression", source: "x", target: "y", nTrain: 4, nTest: 2 }, ["1", "2"], {
    ouro: { values: Float64Array.of(1.5, 2.5), wallSeconds: 1, info: {} },
    hgb: { values: Float64Array.of(1, 2), wallSeconds: 1, info: {} },
    xgboost: { values: Float64Array.of(1, 3), wallSeconds: 1, info: {} },
    optuna_xgboost: { classes: ["1", "2"], proba: Float64Array.of(1, 0, 0, 1), wallSeconds: 1, info: {} },
  });
  assert.deepEqual(reg.rank, { hgb: 1, ouro: 2, xgboost: 3, optuna_xgboost: 4 });
  assert.match(reg.systems.optuna_xgboost.error!, /no regression predictions/);
  const s = summarize([r, reg]);
  assert.equal(s.winsVsOptuna, 2);
  assert.equal(s.meanRank.ouro, 1.5);
  // ouro 1.5, hgb (3 + 1) / 2 = 2, Optuna 3, XGBoost 3.5.
  assert.equal(s.bestMeanRank, true);
  assert.equal(s.winRateTarget, true);
});
