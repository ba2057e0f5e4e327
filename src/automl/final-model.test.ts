/**
 * What a promotion saves. By default the champion is the cross-fitted bag of the candidate's fold
 * models: fold j's model, applied to fold j's test rows, gives exactly the out-of-fold predictions
 * the gate judged, for single candidates and ensembles alike; a bag rebuilt from its spec (a
 * resumed run) is byte-identical to the kept one; `finalFit: "refit"` saves one model on all rows.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { deriveSeed } from "../core/rng.js";
import { crossValidationFolds } from "../data/cv-folds.js";
import { selectDatasetRows } from "../data/dataset.js";
import { loadCsvDataset } from "../data/load-dataset.js";
import { getMetric } from "../evaluate/metrics/registry.js";
import { readArtifact, type EncodedArtifact } from "../learners/artifact.js";
import { CrossFitBagModel } from "../learners/bag/cross-fit-bag.js";
import { GBDTModel } from "../learners/gbdt/model.js";
import { WeightedEnsembleModel } from "../learners/ensemble/weighted-ensemble.js";
import type { Model, Predictions } from "../learners/learner.js";
import { loadModel } from "../learners/registry.js";
import { CandidateRunner } from "./candidate-runner.js";
import { FinalModels } from "./final-model.js";
import { runImprovement } from "./improvement-run.js";
import { foldModelOf } from "./run-outputs.js";
import { RunState, loadOof } from "./run-state.js";

const out = (): string => mkdtempSync(join(tmpdir(), "ouro-final-"));
const values = (p: Predictions): Float64Array => (p.task === "regression" ? p.values : p.proba);

function maxOofGap(model: Model, runDir: string, candidate: string, dataPath: string, target: string, seed: number): number {
  const data = loadCsvDataset(dataPath, { target }).dataset;
  const folds = crossValidationFolds(data, 5, deriveSeed(seed, "folds"));
  const oof = loadOof(runDir, candidate)!;
  const width = values(oof).length / data.x.nRows;
  let gap = 0;
  for (const [j, fold] of folds.entries()) {
    const m = foldModelOf(model, j);
    assert.ok(m !== undefined, `fold ${j} model`);
    const p = values(m.predict(selectDatasetRows(data, fold.test).x));
    fold.test.forEach((row, i) => {
      for (let c = 0; c < width; c++) gap = Math.max(gap, Math.abs(p[i * width + c]! - values(oof)[row * width + c]!));
    });
  }
  return gap;
}

test("the champion is the bag of the fold models the gate judged: they reproduce its out-of-fold predictions", async () => {
  // GBDT with row and column subsampling and early stopping: any difference in seeds, folds or
  // inner validation split would change these predictions.
  const promoted: string[] = [];
  for (const [dataPath, target, families] of [
    ["data/penguins.csv", "species", ["gbdt", "linear"]],
    ["data/concrete.csv", "compressive_strength", ["gbdt", "knn"]],
  ] as const) {
    const r = await runImprovement({ dataPath, target, budgetTrials: 8, outDir: out(), seed: 4, isolation: "none", families, finalFit: "bag" });
    const model = loadModel(readArtifact(join(r.runDir, "champion")));
    const champ = r.record.champion!;
    promoted.push(...r.record.generations.map((g) => g.family));
    assert.equal(r.record.finalFit, "bag");
    assert.ok(model instanceof CrossFitBagModel || (model instanceof WeightedEnsembleModel && model.members.every((m) => m instanceof CrossFitBagModel)), `${dataPath}: champion is a bag or an ensemble of bags, got ${model.kind}`);
    assert.ok(maxOofGap(model, r.runDir, champ.candidate, dataPath, target, 4) < 1e-9, `${dataPath}: fold models reproduce the OOF predictions of ${champ.candidate}`);
    // Every generation saved is such a bag too, and the lineage records its digest.
    for (const g of r.record.generations) {
      const gm = loadModel(readArtifact(join(r.runDir, "generations", String(g.generation))));
      assert.ok(maxOofGap(gm, r.runDir, g.candidate, dataPath, target, 4) < 1e-9, `generation ${g.generation}`);
    }
  }
  assert.ok(promoted.includes("ensemble") && promoted.includes("gbdt"), `both single candidates and ensembles were promoted: ${promoted.join(", ")}`);
});

test("a bag rebuilt from its spec (nothing kept, as after --resume) is byte-identical to the kept one; refit mode saves one model", async () => {
  const dataPath = "data/penguins.csv";
  const r = await runImprovement({ dataPath, target: "species", budgetTrials: 5, outDir: out(), seed: 9, isolation: "none", families: ["gbdt", "linear"] });
  assert.equal(r.record.finalFit, "bag", "auto: a bag for classification");
  // Generation 0 is always a proposed candidate (the first to finish), promoted from kept fold models.
  const g0 = r.record.generations[0]!;
  const trial = r.record.candidates.find((c) => c.id === g0.candidate)!;
  assert.ok(trial.trial !== undefined);
  const data = loadCsvDataset(dataPath, { target: "species" }).dataset;
  const runner = new CandidateRunner({ isolation: "none", jobs: 1, timeoutMs: 60_000 });
  try {
    const taskInput = { dataPath, target: "species", task: data.y.task, folds: 5, foldSeed: deriveSeed(9, "folds") };
    const finals = new FinalModels({ mode: "bag", runner, task: data.y.task, runSeed: 9, taskInput });
    assert.equal(finals.keptCount, 0);
    const rebuilt = await finals.build(trial, () => undefined);
    assert.ok(rebuilt.ok);
    assert.equal(rebuilt.model.digest, g0.artifactDigest, "the rebuilt bag has the digest of the one kept at promotion");
    const refit = await new FinalModels({ mode: "refit", runner, task: data.y.task, runSeed: 9, taskInput }).build(trial, () => undefined);
    assert.ok(refit.ok);
    assert.notEqual(refit.model.digest, g0.artifactDigest);
  } finally {
    await runner.close();
  }
  const refitRun = await runImprovement({ dataPath, target: "species", budgetTrials: 5, outDir: out(), seed: 9, isolation: "none", families: ["gbdt", "linear"], finalFit: "refit" });
  assert.equal(refitRun.record.finalFit, "refit");
  const champion = loadModel(readArtifact(join(refitRun.runDir, "champion")));
  assert.ok(!(champion instanceof CrossFitBagModel) && foldModelOf(champion, 0) === undefined, `refit mode saves a single model, got ${champion.kind}`);
  // The same candidates were evaluated either way; only what is saved differs.
  assert.deepEqual(refitRun.record.candidates.map((c) => c.score), r.record.candidates.map((c) => c.score));
});

test("auto on regression refits each member on all rows, boosting for the folds' mean stopping round × 1.1", async () => {
  const r = await runImprovement({ dataPath: "data/concrete.csv", target: "compressive_strength", budgetTrials: 8, outDir: out(), seed: 4, isolation: "none", families: ["gbdt", "knn"] });
  assert.equal(r.record.finalFit, "refit");
  const model = loadModel(readArtifact(join(r.runDir, "champion")));
  assert.equal(foldModelOf(model, 0), undefined, "no fold models: one model per member");
  const champ = r.record.candidates.find((c) => c.id === r.record.champion!.candidate)!;
  const members = model instanceof WeightedEnsembleModel ? model.members.map((m, i) => ({ m, id: champ.parents[i]! })) : [{ m: model, id: champ.id }];
  let boosted = 0;
  for (const { m, id } of members) {
    if (!(m instanceof GBDTModel)) continue;
    const rec = r.record.candidates.find((c) => c.id === id)!;
    assert.equal(rec.stoppedAt?.length, 5, `${id}: a stopping round per fold`);
    const want = FinalModels.refitResource(rec.stoppedAt, 1000)!;
    assert.equal(want, Math.min(1000, Math.max(1, Math.round((rec.stoppedAt!.reduce((a, b) => a + b, 0) / 5) * 1.1))));
    assert.equal(m.nRounds, want, `${id}: trained ${m.nRounds} rounds on all rows, want ${want}`);
    assert.equal(m.bestIteration, undefined, "no holdout, no early stopping");
    boosted++;
  }
  assert.ok(boosted >= 1, "the champion holds a GBDT");
});

test("the refit resource: mean stopping point × 1.1, at least 1, never past the candidate's maximum", () => {
  assert.equal(FinalModels.refitResource([100, 120, 140]), 132);
  assert.equal(FinalModels.refitResource([100, 100], 100), 100);
  assert.equal(FinalModels.refitResource([0, 0]), 1);
  assert.equal(FinalModels.refitResource(undefined), undefined);
  assert.equal(FinalModels.refitResource([]), undefined);
});

test("fold models are held only while a candidate can join the library, within a byte cap", async () => {
  // The admission bar: the worse of the 8th best overall and the family's 2nd best (log-loss: lower is better).
  const data = loadCsvDataset("data/iris.csv", { target: "target" }).dataset;
  const state = new RunState(getMetric("log_loss"), crossValidationFolds(data, 5, 1), data);
  const add = (id: string, family: string, score: number): void => {
    state.trials.push({ record: { id, family, spec: { kind: family, params: {} }, state: "complete", reason: "", parents: [], score, seconds: 0, finishedAt: 0 }, foldScores: [], oof: { task: "regression", values: new Float64Array() } });
  };
  for (let i = 0; i < 7; i++) add(`g${i}`, "gbdt", 0.1 + i / 100);
  assert.equal(state.libraryBar("gbdt", 8, 2), undefined, "room in the top 8");
  add("l0", "linear", 0.5);
  assert.equal(state.libraryBar("gbdt", 8, 2), 0.5, "8th best overall is worse than gbdt's 2nd best");
  assert.equal(state.libraryBar("linear", 8, 2), undefined, "linear has room for a 2nd member");
  add("l1", "linear", 0.4);
  assert.equal(state.libraryBar("linear", 8, 2), 0.5, "linear's 2nd best");
  assert.equal(state.libraryBar("gbdt", 8, 2), 0.4);

  const runner = new CandidateRunner({ isolation: "none", jobs: 1, timeoutMs: 10_000 });
  const finals = new FinalModels({ mode: "bag", runner, task: "multiclass", runSeed: 1, taskInput: { dataPath: "data/iris.csv", target: "target", task: "multiclass", folds: 5, foldSeed: 1 }, maxKeptBytes: 250 });
  const fake = (n: number): EncodedArtifact => ({ json: "{}", weights: new Uint8Array(n), digest: String(n) });
  finals.keep("a", fake(100));
  finals.keep("b", fake(60));
  assert.equal(finals.keptCount, 2);
  finals.keep("c", fake(120)); // 282 bytes: the largest other bag ("a") goes
  assert.equal(finals.keptCount, 2);
  finals.retain(["c"]);
  assert.equal(finals.keptCount, 1);
  await runner.close();
});
