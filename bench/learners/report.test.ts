/**
 * The learner benchmark's comparison logic (no Python, no fitting): verdicts, targets, ratios and
 * number formatting. Run: node --import tsx --test bench/learners/report.test.ts
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BenchData } from "./data.js";
import { compareSides, formatScore, pairTable, stepTable, type PairSpec } from "./report.js";

const bench = (metric: "accuracy" | "rmse"): BenchData =>
  ({
    name: "toy",
    task: metric === "accuracy" ? "binary" : "regression",
    metric,
    folds: Array.from({ length: 5 }, () => ({ train: new Int32Array(80), test: new Int32Array(20) })),
    nTrain: 80,
    nTest: 20,
  }) as unknown as BenchData;

const pair: PairSpec = {
  id: "p",
  title: "P vs Q",
  ours: { kind: "gbdt", params: {}, label: "ours" },
  theirs: { model: "q", label: "Q" },
  target: { kind: "score-and-time", maxRatio: 1.5, text: "t" },
};

test("identical fold scores are within noise; the time ratio is the ratio of median fold fits", () => {
  const scores = [0.9, 0.92, 0.88, 0.91, 0.9];
  const r = compareSides(pair, bench("accuracy"), { scores, fit_s: [1, 2, 2, 2, 9], fit_all_s: 3 }, { scores, fit_s: [1, 1, 1, 1, 1], fit_all_s: 2 });
  assert.equal(r.verdict, "within noise");
  assert.equal(r.difference!.mean, 0);
  assert.equal(r.fitMs!.ratio, 2);
  assert.equal(r.fullFitMs!.ratio, 1.5);
  assert.equal(r.targetMet, false, "2× is over the 1.5× limit");
});

test("a consistent accuracy gain is 'ours better'; a consistent RMSE gain too (lower is better)", () => {
  const theirs = [0.8, 0.82, 0.79, 0.81, 0.8];
  const ours = theirs.map((s, i) => s + 0.05 + 0.001 * i);
  const acc = compareSides(pair, bench("accuracy"), { scores: ours, fit_s: [1] }, { scores: theirs, fit_s: [1] });
  assert.equal(acc.verdict, "ours better");
  assert.equal(acc.targetMet, true);
  const rm = compareSides(pair, bench("rmse"), { scores: ours, fit_s: [1] }, { scores: theirs, fit_s: [1] });
  assert.equal(rm.verdict, "ours worse");
  assert.equal(rm.targetMet, false);
});

test("a side's error becomes the row's error, and the tables show it", () => {
  const r = compareSides(pair, bench("accuracy"), { error: "boom" }, { scores: [1, 1, 1, 1, 1], fit_s: [1] });
  assert.match(r.error!, /ours: boom/);
  assert.match(pairTable(pair, [r]), /error: ours: boom/);
  assert.match(stepTable([{ sizes: [4, 2], batch: 8, oursMs: [], torchMs: [1], error: "no torch" }], 1), /error: no torch/);
  assert.match(stepTable([{ sizes: [4, 2], batch: 8, oursMs: [3, 1, 2], torchMs: [4] }], 1), /\| 4-2 \| 8 \| 2\.00 \| 4\.00 \| 0\.50× \| met \| 3\.00, 1\.00, 2\.00 \/ 4\.00 \|/);
});

test("scores print in the units of what they compare", () => {
  assert.equal(formatScore("accuracy", 0.95), "0.9500");
  assert.equal(formatScore("rmse", 32630.4), "32,630");
  assert.equal(formatScore("rmse", 1.446, 32630), "1");
  assert.equal(formatScore("rmse", 2.9e-12, 40418), "0");
  assert.equal(formatScore("rmse", 0.5432), "0.5432");
});
