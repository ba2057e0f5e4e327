/**
 * The `ouro run` benchmark (issue 4): Ouroboros' improvement loop with a wall budget against
 * scikit-learn HistGradientBoosting defaults, XGBoost defaults and Optuna TPE tuning XGBoost for
 * the same budget, on the same seeded outer train/test split of each dataset.
 *
 *   npm run bench:automl        # = node --import tsx bench/automl.ts
 *   node --import tsx bench/automl.ts [--quick] [--datasets a,b] [--budget 60] [--seed 0] [--families a,b] [--out NAME] [--keep]
 *
 * `--quick`: 2 small datasets with 15 s budgets, written to `results/automl-quick.*`. A run with
 * `--datasets`, another `--budget` or `--seed` writes `results/automl-partial.*` unless `--out`
 * names it, so the full result is only replaced by a full run. `--families` restricts the learner
 * families `ouro run` searches (default: all, as a user gets; also a partial run). `--keep` leaves
 * the temporary split files and run directories in place (their folder is printed). Ouroboros runs
 * from a copy of `src/` taken at the start (`--live` runs the checkout itself), because other work
 * may commit while a 25-minute run goes on; the report records the state that was copied.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs, provenance, provenanceLine, writeResults } from "./lib/env.js";
import { DEFAULT_DATASETS, findDataset, locate, QUICK_DATASETS } from "./automl/datasets.js";
import { markdownReport, scoreDataset, summarize, type DatasetResult } from "./automl/report.js";
import { makeOuterSplit } from "./automl/split.js";
import { anchorVersions, ensureAnchors, runAnchors, runOuro, snapshotSources, SYSTEMS, type SystemId, type SystemOutput } from "./automl/systems.js";

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { quick: "flag", datasets: "string", budget: "number", seed: "string", families: "string", out: "string", keep: "flag", live: "flag" });
  const quick = args["quick"] === true;
  const budgetSeconds = (args["budget"] as number | undefined) ?? (quick ? 15 : 60);
  const seed = args["seed"] === undefined ? 0 : Number(args["seed"]);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be an integer ≥ 0, but got ${String(args["seed"])}`);
  const names = typeof args["datasets"] === "string" ? args["datasets"].split(",").map((s) => s.trim()).filter(Boolean) : quick ? QUICK_DATASETS : DEFAULT_DATASETS;
  const datasets = names.map(findDataset);
  const families = typeof args["families"] === "string" ? args["families"].split(",").map((f) => f.trim()).filter(Boolean) : undefined;
  const partial = !quick && (args["datasets"] !== undefined || budgetSeconds !== 60 || seed !== 0 || families !== undefined);
  const outName = typeof args["out"] === "string" ? args["out"] : quick ? "automl-quick" : partial ? "automl-partial" : "automl";

  ensureAnchors();
  const prov = await provenance();
  const versions = await anchorVersions();
  const loadStart = os.loadavg();
  const work = mkdtempSync(join(os.tmpdir(), "ouro-bench-automl-"));
  process.stderr.write(`ouro run benchmark: ${datasets.length} datasets, ${budgetSeconds} s budgets, seed ${seed}${families ? `, ouro families ${families.join(",")}` : ""}; load average ${loadStart.map((x) => x.toFixed(2)).join(" ")}; work dir ${work}\n`);

  const live = args["live"] === true;
  const childScript = live ? undefined : snapshotSources(join(work, "snapshot"));
  const snapshotState = srcState();
  const results: DatasetResult[] = [];
  const codeStates: string[] = [];
  const skipped: string[] = [];
  for (const d of datasets) {
    const where = locate(d);
    if (where.path === undefined) {
      const msg = `${d.name}: not found (looked in ${where.tried.join(", ")}); skipped`;
      process.stderr.write(`${msg}\n`);
      skipped.push(msg);
      continue;
    }
    const dir = join(work, d.name);
    const split = makeOuterSplit(where.path, d.target, dir, { seed, stratify: d.task !== "regression" });
    process.stderr.write(`\n== ${d.name} (${d.task}): ${split.nTrain} train / ${split.nTest} test rows${split.droppedMissingTarget > 0 ? `, ${split.droppedMissingTarget} rows without a target dropped` : ""}\n`);
    // One system at a time: Ouroboros first, then the Python anchors in one process (one after another).
    const code = live ? srcState() : snapshotState;
    codeStates.push(code);
    process.stderr.write(`  ouro run (${budgetSeconds} s, src ${code}) …\n`);
    const ouro = await runOuro({ train: split.trainPath, test: split.testPath, target: d.target, seed, budgetSeconds, outDir: join(dir, "runs"), ...(families ? { families } : {}) }, childScript);
    process.stderr.write(`  ouro: ${ouro.wallSeconds.toFixed(1)} s${ouro.error ? ` (error: ${ouro.error})` : ""}\n`);
    const anchorIds: SystemId[] = ["hgb", "xgboost", "optuna_xgboost"];
    let anchors: Partial<Record<SystemId, SystemOutput>>;
    try {
      anchors = await runAnchors({ train: split.trainPath, test: split.testPath, target: d.target, task: d.task, seed, budgetSeconds, systems: anchorIds });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      anchors = Object.fromEntries(anchorIds.map((id) => [id, { wallSeconds: NaN, error, info: {} }]));
    }
    const outputs = Object.fromEntries(SYSTEMS.map((id) => [id, id === "ouro" ? ouro : (anchors[id] ?? { wallSeconds: NaN, error: "missing", info: {} })])) as Record<SystemId, SystemOutput>;
    const r = scoreDataset({ name: d.name, task: d.task, source: where.path, target: d.target, nTrain: split.nTrain, nTest: split.nTest }, split.testTargets, outputs);
    (r.systems.ouro.info as Record<string, unknown>)["src"] = code;
    results.push(r);
    const ouroTask = (ouro.info as { task?: string }).task;
    if (ouroTask !== undefined && ouroTask !== d.task) process.stderr.write(`  note: ouro run treated ${d.name} as ${ouroTask}, the benchmark as ${d.task}\n`);
    process.stderr.write(`  ranks: ${SYSTEMS.map((id) => `${id} ${r.rank[id]}`).join(", ")}\n`);
    // Partial results after every dataset, so an interrupted run still leaves its numbers.
    writeResults(`${outName}`, resultJson(results, { prov, versions, budgetSeconds, seed, loadStart, quick, skipped, codeStates, ...(families ? { families } : {}), done: false }), report(results, { prov, versions, budgetSeconds, seed, loadStart, quick, skipped, codeStates, ...(families ? { families } : {}) }));
  }
  const md = report(results, { prov, versions, budgetSeconds, seed, loadStart, quick, skipped, codeStates, ...(families ? { families } : {}) });
  const files = writeResults(outName, resultJson(results, { prov, versions, budgetSeconds, seed, loadStart, quick, skipped, codeStates, ...(families ? { families } : {}), done: true }), md);
  process.stdout.write(`\n${md}\n`);
  process.stderr.write(`wrote ${files.md} and ${files.json}\n`);
  if (args["keep"] === true) process.stderr.write(`split files and run directories kept in ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}

/**
 * The state of `src/` (commit + a digest of uncommitted changes), read with read-only git commands.
 * Other work may commit while a 25-minute run goes on; each dataset records the state its
 * Ouroboros process started from, and the report flags a run whose datasets saw different code.
 */
function srcState(): string {
  const git = (args: string[]): string => {
    try {
      return execFileSync("git", args, { cwd: new URL("..", import.meta.url), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 << 20 });
    } catch {
      return "";
    }
  };
  const head = git(["rev-parse", "--short=10", "HEAD"]).trim() || "unknown";
  const dirty = git(["diff", "HEAD", "--", "src"]) + git(["ls-files", "--others", "--exclude-standard", "--", "src"]);
  return dirty === "" ? head : `${head}+${createHash("sha256").update(dirty).digest("hex").slice(0, 8)}`;
}

interface Ctx {
  readonly prov: Awaited<ReturnType<typeof provenance>>;
  readonly versions: Record<string, string>;
  readonly budgetSeconds: number;
  readonly seed: number;
  readonly loadStart: readonly number[];
  readonly quick: boolean;
  readonly skipped: readonly string[];
  readonly families?: readonly string[];
  /** The src/ state each dataset's Ouroboros run started from (see srcState). */
  readonly codeStates?: readonly string[];
}

function report(results: readonly DatasetResult[], c: Ctx): string {
  let md = markdownReport(results, { provenance: provenanceLine(c.prov), budgetSeconds: c.budgetSeconds, seed: c.seed, loadStart: c.loadStart, loadEnd: os.loadavg(), quick: c.quick, anchorVersions: c.versions, ...(c.families ? { families: c.families } : {}) });
  if (c.skipped.length > 0) md += `\nSkipped: ${c.skipped.join("; ")}\n`;
  const states = [...new Set(c.codeStates ?? [])];
  if (states.length > 1) md += `\n**Warning: src/ changed during this run** (Ouroboros ran from ${states.join(", ")}); its datasets did not all measure the same code.\n`;
  return md;
}

function resultJson(results: readonly DatasetResult[], c: Ctx & { done: boolean }): unknown {
  return {
    benchmark: "automl",
    complete: c.done,
    provenance: c.prov,
    anchorVersions: c.versions,
    budgetSeconds: c.budgetSeconds,
    seed: c.seed,
    loadAverage: { start: c.loadStart, end: os.loadavg() },
    quick: c.quick,
    families: c.families ?? "all",
    skipped: c.skipped,
    srcStates: c.codeStates ?? [],
    summary: summarize(results),
    datasets: results,
  };
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
