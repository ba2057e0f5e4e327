/**
 * The Ouroboros side of the `ouro run` benchmark, run as its own process by `systems.ts`:
 * `runImprovement` on `train.csv` with the wall budget (default metric, `jobs: 1`), then the saved
 * champion predicts `test.csv` through `predictFile` (as `ouro predict` does). Writes the
 * predictions, the wall time (whole run including the final refit and the run's outputs, plus the
 * test prediction) and what the run did to `resultPath`.
 *
 *   node --import tsx bench/automl/ouro-child.ts '{"train":…,"test":…,"target":…,"seed":0,"budgetSeconds":60,"outDir":…,"resultPath":…}'
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runImprovement } from "../../src/automl/improvement-run.js";
import { predictFile } from "../../src/automl/predict-file.js";
import type { CandidateRecord } from "../../src/automl/run-record.js";
import type { OuroJob } from "./systems.js";

/** The result file's shape. */
export interface OuroChildResult {
  readonly classes?: readonly string[];
  readonly proba?: number[];
  readonly values?: number[];
  readonly wallSeconds: number;
  readonly error?: string;
  readonly info: Record<string, unknown>;
}

/** Runs Ouroboros on the job in this process. */
export async function runOuroInProcess(job: OuroJob): Promise<OuroChildResult> {
  const t0 = performance.now();
  let lastPromotion = "";
  try {
    const run = await runImprovement({
      dataPath: job.train,
      target: job.target,
      budgetSeconds: job.budgetSeconds,
      seed: job.seed,
      jobs: 1,
      outDir: job.outDir,
      ...(job.families !== undefined ? { families: job.families } : {}),
      onEvent: (e) => {
        if (e.type === "promotion") {
          lastPromotion = `generation ${e.generation.generation}: ${e.generation.candidate} ${e.generation.family} ${e.generation.score.toPrecision(4)}`;
          process.stderr.write(`  ouro ★ ${lastPromotion} (${e.generation.at.toFixed(1)} s)\n`);
        }
      },
    });
    const runSeconds = (performance.now() - t0) / 1000;
    const fp = predictFile(join(run.runDir, "champion"), job.test);
    const wallSeconds = (performance.now() - t0) / 1000;
    const rec = run.record;
    const c = rec.candidates;
    const best = bestCandidate(c, rec.metric.greaterIsBetter);
    const info: Record<string, unknown> = {
      runDir: run.runDir,
      task: rec.task,
      metric: rec.metric.name,
      champion: rec.champion,
      championSpec: c.find((x) => x.id === rec.champion?.candidate)?.spec,
      bestCvCandidate: best ? { id: best.id, family: best.family, score: best.score } : undefined,
      candidates: c.length,
      complete: c.filter((x) => x.state === "complete").length,
      pruned: c.filter((x) => x.state === "pruned").length,
      failed: c.filter((x) => x.state === "fail").length,
      cancelled: c.filter((x) => x.state === "cancelled").length,
      failures: c.filter((x) => x.state === "fail").map((x) => `${x.id} ${x.family}: ${x.error ?? ""}`.slice(0, 300)),
      generations: rec.generations.map((g) => ({ generation: g.generation, candidate: g.candidate, family: g.family, score: g.score, at: g.at })),
      bestByFamily: bestByFamily(c, rec.metric.greaterIsBetter),
      usedSeconds: rec.budget.usedSeconds,
      runSeconds,
      notes: rec.notes,
    };
    const p = fp.predictions;
    if (p.task === "regression") return { values: Array.from(p.values), wallSeconds, info };
    return { classes: p.classes, proba: Array.from(p.proba), wallSeconds, info };
  } catch (e) {
    return { wallSeconds: (performance.now() - t0) / 1000, error: e instanceof Error ? e.message : String(e), info: { lastPromotion } };
  }
}

function bestCandidate(candidates: readonly CandidateRecord[], greaterIsBetter: boolean): CandidateRecord | undefined {
  let best: CandidateRecord | undefined;
  for (const c of candidates) {
    if (c.state !== "complete" || c.score === undefined) continue;
    if (best === undefined || (greaterIsBetter ? c.score > best.score! : c.score < best.score!)) best = c;
  }
  return best;
}

function bestByFamily(candidates: readonly CandidateRecord[], greaterIsBetter: boolean): Record<string, { best: number; n: number }> {
  const out: Record<string, { best: number; n: number }> = {};
  for (const c of candidates) {
    if (c.state !== "complete" || c.score === undefined) continue;
    const cur = out[c.family];
    if (cur === undefined) out[c.family] = { best: c.score, n: 1 };
    else {
      cur.n++;
      if (greaterIsBetter ? c.score > cur.best : c.score < cur.best) cur.best = c.score;
    }
  }
  return out;
}

const arg = process.argv[2];
if (arg !== undefined && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const job = JSON.parse(arg) as OuroJob & { resultPath: string };
  const result = await runOuroInProcess(job);
  writeFileSync(job.resultPath, JSON.stringify(result));
  // Worker threads of a cancelled candidate may still be shutting down; the result is written, so leave now.
  process.exit(0);
}
