/**
 * Ablation of what `ouro run` saves at a promotion (`finalFit`, `src/automl/final-model.ts`): one
 * run per dataset on the `bench:automl` outer split, then its champion built every way and scored
 * on the held-out test rows — the cross-fitted bag, the refit on all rows, and a hybrid (boosted
 * members refitted, every other member bagged). Same candidates, same ensemble weights; only the
 * final fit differs, so the columns compare final fits and nothing else.
 *
 *   npm run bench:final-fit -- [--datasets a,b] [--budget 60] [--out NAME]
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { CandidateRunner } from "../src/automl/candidate-runner.js";
import { FinalModels, type FinalFit } from "../src/automl/final-model.js";
import { runImprovement } from "../src/automl/improvement-run.js";
import { predictFile } from "../src/automl/predict-file.js";
import { deriveSeed } from "../src/core/rng.js";
import { decodeArtifact, writeArtifact } from "../src/learners/artifact.js";
import { WeightedEnsembleModel } from "../src/learners/ensemble/weighted-ensemble.js";
import type { Model, Predictions } from "../src/learners/learner.js";
import { loadModel } from "../src/learners/registry.js";
import { DEFAULT_DATASETS, findDataset, locate } from "./automl/datasets.js";
import { classScores, regressionScores } from "./automl/metrics.js";
import { makeOuterSplit } from "./automl/split.js";
import { parseArgs, provenance, provenanceLine, writeResults } from "./lib/env.js";

const VARIANTS = ["bag", "refit", "hybrid"] as const;
type Variant = (typeof VARIANTS)[number];

interface Row {
  readonly dataset: string;
  readonly task: string;
  readonly metric: string;
  readonly champion: string;
  readonly scores: Record<Variant, number>;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { datasets: "string", budget: "number", out: "string" });
  const names = typeof args["datasets"] === "string" ? args["datasets"].split(",").map((s) => s.trim()) : DEFAULT_DATASETS;
  const budget = typeof args["budget"] === "number" ? args["budget"] : 60;
  const work = mkdtempSync(join(os.tmpdir(), "ouro-bench-final-fit-"));
  const rows: Row[] = [];
  try {
    for (const name of names) {
      const d = findDataset(name);
      const source = locate(d).path;
      if (source === undefined) throw new Error(`${name}: dataset not found`);
      const dir = join(work, name);
      const split = makeOuterSplit(source, d.target, dir, { seed: 0, stratify: d.task !== "regression" });
      process.stderr.write(`== ${name}: ouro run ${budget} s …\n`);
      const run = await runImprovement({ dataPath: split.trainPath, target: d.target, budgetSeconds: budget, seed: 0, jobs: 1, outDir: join(dir, "runs") });
      const rec = run.record;
      const champion = rec.candidates.find((c) => c.id === rec.champion!.candidate)!;
      const runner = new CandidateRunner({ isolation: "worker", jobs: 1, timeoutMs: 600_000 });
      const built: Partial<Record<FinalFit, Model>> = {};
      try {
        for (const mode of ["bag", "refit"] as const) {
          const finals = new FinalModels({ mode, runner, task: rec.task, runSeed: 0, taskInput: { dataPath: split.trainPath, target: d.target, task: rec.task, folds: rec.folds, foldSeed: deriveSeed(0, "folds") } });
          const r = await finals.build(champion, (id) => rec.candidates.find((c) => c.id === id));
          if (!r.ok) throw new Error(`${name}: ${mode}: ${r.reason}`);
          built[mode] = loadModel(decodeArtifact(r.model.json, r.model.weights, mode));
        }
      } finally {
        await runner.close();
      }
      const models: Record<Variant, Model> = { bag: built.bag!, refit: built.refit!, hybrid: hybridOf(built.bag!, built.refit!) };
      const scores = {} as Record<Variant, number>;
      for (const v of VARIANTS) {
        const modelDir = join(dir, "variants", v);
        writeArtifact(modelDir, models[v].save());
        copyFileSync(join(run.runDir, "champion", "schema.json"), join(modelDir, "schema.json"));
        scores[v] = testScore(predictFile(modelDir, split.testPath).predictions, split.testTargets);
      }
      rows.push({ dataset: name, task: rec.task, metric: rec.task === "regression" ? "RMSE" : "log-loss", champion: `${champion.id} ${champion.family}`, scores });
      process.stderr.write(`  ${VARIANTS.map((v) => `${v} ${scores[v].toPrecision(5)}`).join(", ")}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const prov = await provenance();
  const lines = [
    "# What a promotion saves: bag vs refit vs hybrid (same champion, held-out test rows)",
    "",
    provenanceLine(prov),
    `Budget ${budget} s, seed 0, the \`bench:automl\` outer split. Lower is better; bold = best of the three. \`auto\` (the default) = bag for classification, refit for regression.`,
    "",
    "| dataset | task | metric | champion | bag | refit | hybrid (boosting refitted, rest bagged) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => {
      const best = Math.min(...VARIANTS.map((v) => r.scores[v]));
      const cell = (v: Variant): string => (r.scores[v] === best ? `**${r.scores[v].toPrecision(5)}**` : r.scores[v].toPrecision(5));
      return `| ${r.dataset} | ${r.task} | ${r.metric} | ${r.champion} | ${cell("bag")} | ${cell("refit")} | ${cell("hybrid")} |`;
    }),
  ];
  const out = writeResults(typeof args["out"] === "string" ? args["out"] : "final-fit", { provenance: prov, budget, rows }, lines.join("\n"));
  process.stderr.write(`wrote ${out.md}\n`);
}

/** The bag's ensemble with its boosted members replaced by their refits (same weights). */
function hybridOf(bag: Model, refit: Model): Model {
  if (!(bag instanceof WeightedEnsembleModel) || !(refit instanceof WeightedEnsembleModel)) return bag.kind === "bag" && isBoosted(refit) ? refit : bag;
  const members = bag.members.map((m, i) => (isBoosted(refit.members[i]!) ? refit.members[i]! : m));
  return new WeightedEnsembleModel(bag.task, members, bag.weights, { members: members.map((m, i) => ({ spec: m.save().spec, weight: bag.weights[i]! })) });
}

function isBoosted(m: Model): boolean {
  return m.kind === "gbdt";
}

function testScore(p: Predictions, truth: readonly string[]): number {
  if (p.task === "regression") return regressionScores(truth.map(Number), p.values).rmse;
  const labels = [...new Set([...truth, ...p.classes])].sort();
  return classScores(truth, { classes: p.classes, proba: p.proba }, labels).logLoss;
}

await main();
