/**
 * Our learners against scikit-learn 1.2, XGBoost 1.7 and PyTorch 1.13 (Debian's packages under
 * /usr/bin/python3), issue 3's "Benchmarks": on breast_cancer, digits, wa_churn (mixed types,
 * missing values) and ames (regression), the same seeded 5 folds on both sides. For each pair of
 * learners it reports the CV score ± 95% CI of each side (Nadeau–Bengio corrected), the corrected
 * resampled t-test of ours − theirs (within noise / ours better / ours worse), and fit-time ratios
 * (ours ÷ theirs, median over folds, and the fit on all rows). It also times MLP training steps
 * (ms per Adam step at batch 256) against PyTorch, measured alternately in the same run.
 * Everything runs on one thread per side, one side at a time.
 *
 *   node --import tsx bench/learners.ts [--quick] [--datasets a,b] [--pairs id,id] [--rounds N] [--repeats N] [--out NAME]
 *
 * `--repeats N` fits every fold N times on both sides and keeps the fastest time (for a loaded
 * machine; default 1). `--rounds N`: alternating rounds of the step timing (default 3). `--out NAME`
 * writes bench/results/NAME.{json,md} instead (use it for partial runs with --datasets/--pairs).
 *
 * `--quick` (smoke run): at most 400 rows per dataset, 100-step timings, one round; writes
 * bench/results/learners-quick.*. Otherwise writes bench/results/learners.{json,md}.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs, provenance, writeResults } from "./lib/env.js";
import { DATASETS, anchorJob, loadBenchData, type BenchData } from "./learners/data.js";
import { findFactory, ourStepMs, runOurs, type OurKind, type OurResult } from "./learners/ours.js";
import { anchorVersions, ensureAnchors, runAnchors, torchStepMs, type AnchorResult } from "./learners/python.js";
import { compareSides, pairTable, stepTable, type ComparisonRow, type PairSpec, type StepRow } from "./learners/report.js";
import { mean, median } from "./lib/stats.js";

const args = parseArgs(process.argv.slice(2), { quick: "flag", datasets: "string", pairs: "string", rounds: "number", repeats: "number", out: "string" });
const quick = args["quick"] === true;
const SEED = 0;
const K = 5;
const MAX_ROWS = quick ? 400 : undefined;
/** Results go to bench/results/<OUT>.{json,md}. */
const OUT = typeof args["out"] === "string" ? args["out"] : quick ? "learners-quick" : "learners";
if (!/^[\w.-]+$/.test(OUT)) throw new Error(`--out must be a plain file stem (letters, digits, ., _, -), but got ${JSON.stringify(OUT)}`);
/** Each fit runs this many times on both sides and the fastest counts (scores are unaffected). */
const REPEATS = typeof args["repeats"] === "number" ? Math.floor(args["repeats"]) : 1;
const ROUNDS = typeof args["rounds"] === "number" ? Math.floor(args["rounds"]) : quick ? 1 : 3;
/** Timed steps per side per round (quick: enough to get past ORT's and PyTorch's first-call costs). */
const STEPS = quick ? 100 : 200;
const STEP_BATCH = 256;
const STEP_NETS: readonly (readonly number[])[] = [
  [64, 128, 128, 10],
  [784, 256, 256, 10],
];
const STEP_MAX_RATIO = 1.0;
/** Epochs for our MLP when scikit-learn's count is unavailable (its `max_iter`). */
const MLP_EPOCHS_FALLBACK = 200;

const PAIRS: readonly PairSpec[] = [
  {
    id: "gbdt-xgboost",
    title: "GBDT vs XGBoost 1.7 `hist` (100 trees, depth 6, learning rate 0.3, 1 thread)",
    ours: { kind: "gbdt", params: { nEstimators: 100, maxDepth: 6, learningRate: 0.3 }, label: "ours gbdt" },
    theirs: { model: "xgboost", label: "XGBoost" },
    target: { kind: "score-and-time", maxRatio: 1.5, text: "score within noise or better, and fit time ≤ 1.5× XGBoost" },
  },
  {
    id: "gbdt-hgb",
    title: "GBDT defaults vs scikit-learn HistGradientBoosting defaults",
    ours: { kind: "gbdt", params: {}, label: "ours gbdt (defaults)" },
    theirs: { model: "hgb", label: "sklearn HGB" },
    target: { kind: "score-and-time", maxRatio: 1.0, text: "at least as accurate (not worse beyond noise), and faster (ratio ≤ 1)" },
  },
  {
    id: "random-forest",
    title: "Random forest (100 trees) vs scikit-learn RandomForest(100)",
    ours: { kind: "random-forest", params: { nEstimators: 100 }, label: "ours random-forest" },
    theirs: { model: "random_forest", label: "sklearn RF" },
    target: { kind: "score", text: "score within noise or better; time ratio reported" },
  },
  {
    id: "linear",
    title: "Linear (L2, C = 1) vs scikit-learn LogisticRegression / Ridge(alpha = 1), scaled",
    ours: { kind: "linear", params: { maxIter: 1000 }, label: "ours linear" },
    theirs: { model: "linear", label: "sklearn LR / Ridge" },
    target: { kind: "score", text: "score within noise or better; time ratio reported" },
  },
  {
    id: "knn",
    title: "kNN (k = 5) vs scikit-learn KNeighbors(5), scaled",
    ours: { kind: "knn", params: { nNeighbors: 5 }, label: "ours knn" },
    theirs: { model: "knn", label: "sklearn kNN" },
    target: { kind: "score", text: "score within noise or better; time ratio reported" },
  },
  {
    id: "mlp",
    title: "MLP (one hidden layer of 100, Adam, lr 1e-3, batch 200, as many epochs as scikit-learn ran) vs scikit-learn MLPClassifier defaults, scaled",
    ours: { kind: "mlp", params: { hiddenLayers: [100], batchSize: 200, learningRate: 1e-3, optimizer: "adam" }, label: "ours mlp" },
    theirs: { model: "mlp", label: "sklearn MLP" },
    datasets: ["digits"],
    target: { kind: "score-and-time", maxRatio: 1.0, text: "same accuracy (within noise or better), and less time (ratio ≤ 1)" },
  },
];

const pickList = (v: unknown, all: readonly string[], what: string): readonly string[] => {
  if (typeof v !== "string") return all;
  const picked = v.split(",").map((s) => s.trim());
  for (const p of picked) if (!all.includes(p)) throw new Error(`--${what}: unknown "${p}"; expected some of ${all.join(", ")}`);
  return picked;
};
const datasetNames = pickList(args["datasets"], DATASETS.map((d) => d.name), "datasets");
const pairIds = pickList(args["pairs"], [...PAIRS.map((p) => p.id), "mlp-step"], "pairs");
const pairs = PAIRS.filter((p) => pairIds.includes(p.id));
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const loadavg = (): number[] => os.loadavg().map((x) => Number(x.toFixed(2)));

/** Provenance from bench/lib/env.ts (commit, machine, Node); it probes Optuna, so fall back to the commit alone without it. */
async function environment(): Promise<Record<string, unknown>> {
  const versions = await anchorVersions();
  try {
    const { python: _optunaSide, ...p } = await provenance();
    return { ...p, python: versions };
  } catch {
    let commit = "unknown";
    try {
      commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" }).trim();
    } catch {
      // not a git checkout
    }
    return { date: new Date().toISOString(), commit, machine: { cpuModel: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) }, node: process.version, python: versions };
  }
}

async function benchDataset(b: BenchData, rowsOut: ComparisonRow[], raw: Record<string, unknown>): Promise<void> {
  const here = pairs.filter((p) => p.datasets === undefined || p.datasets.includes(b.name));
  if (here.length === 0) return;
  const models = [...new Set(here.map((p) => p.theirs.model))];
  log(`${b.name}: ${b.data.x.nRows} rows, ${b.nFeatures} features (${b.nCategorical} categorical), ${b.task}; anchors: ${models.join(", ")}`);
  let theirs: Record<string, AnchorResult>;
  try {
    theirs = await runAnchors(anchorJob(b, models, REPEATS));
  } catch (e) {
    const error = e instanceof Error ? e.message.split("\n")[0]! : String(e);
    theirs = Object.fromEntries(models.map((m) => [m, { error }]));
  }
  // One run per distinct (kind, resolved params): gbdt's defaults are XGBoost's settings, so the two gbdt pairs share it.
  const ours = new Map<string, OurResult>();
  const oursRaw: Record<string, OurResult> = {};
  for (const p of here) {
    const factory = await findFactory(p.ours.kind);
    let params = p.ours.params;
    if (p.ours.kind === "mlp") {
      const nIter = theirs[p.theirs.model]?.n_iter;
      params = { ...params, epochs: nIter && nIter.length > 0 ? Math.round(mean(nIter)) : MLP_EPOCHS_FALLBACK };
    }
    let key = `${p.ours.kind}:${JSON.stringify(params)}`;
    if (typeof factory !== "string") {
      try {
        key = `${p.ours.kind}:${JSON.stringify(factory.create(params).params)}`;
      } catch {
        // runOurs reports the bad params
      }
    }
    let r = ours.get(key);
    if (r === undefined) {
      log(`  ours: ${p.ours.kind} ${JSON.stringify(params)}`);
      r = await runOurs(b, p.ours.kind as OurKind, factory, params, REPEATS);
      ours.set(key, r);
      if (r.error !== undefined) log(`  ours: ${p.ours.kind} failed: ${r.error}`);
    }
    oursRaw[p.id] = r;
    rowsOut.push(compareSides(p, b, r, theirs[p.theirs.model] ?? { error: "no result" }));
  }
  raw[b.name] = { rows: b.data.x.nRows, features: b.nFeatures, categorical: b.nCategorical, task: b.task, metric: b.metric, nTrain: b.nTrain, nTest: b.nTest, ours: oursRaw, theirs };
}

async function benchSteps(): Promise<StepRow[]> {
  const out: StepRow[] = [];
  for (const sizes of STEP_NETS) {
    const oursMs: number[] = [];
    const torchMs: number[] = [];
    try {
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate which side goes first, so drifting machine load hits both alike.
        const order = r % 2 === 0 ? ["torch", "ours"] : ["ours", "torch"];
        for (const side of order) {
          if (side === "torch") torchMs.push((await torchStepMs(sizes, STEP_BATCH, STEPS)).msPerStep);
          else oursMs.push(await ourStepMs(sizes, STEP_BATCH, STEPS));
        }
        log(`  step ${sizes.join("-")} round ${r + 1}: ours ${oursMs.at(-1)?.toFixed(3)} ms, PyTorch ${torchMs.at(-1)?.toFixed(3)} ms`);
      }
      out.push({ sizes, batch: STEP_BATCH, oursMs, torchMs });
    } catch (e) {
      out.push({ sizes, batch: STEP_BATCH, oursMs, torchMs, error: e instanceof Error ? e.message.split("\n")[0]! : String(e) });
    }
  }
  return out;
}

function targetSummary(rows: readonly ComparisonRow[], steps: readonly StepRow[] | undefined): string[] {
  const lines: string[] = [];
  for (const p of pairs) {
    const rs = rows.filter((r) => r.pair === p.id);
    if (rs.length === 0) continue;
    const met = rs.filter((r) => r.targetMet === true).map((r) => r.dataset);
    const missed = rs.filter((r) => r.targetMet !== true).map((r) => {
      if (r.error !== undefined) return `${r.dataset} (error)`;
      const why = [r.verdict === "ours worse" ? "score worse" : "", p.target.kind === "score-and-time" && r.fitMs!.ratio > p.target.maxRatio ? `time ${r.fitMs!.ratio.toFixed(2)}×` : ""].filter(Boolean);
      return `${r.dataset} (${why.join(", ")})`;
    });
    lines.push(`- **${p.title.split(" (")[0]}** — target: ${p.target.text}. Met on ${met.length}/${rs.length}${met.length ? ` (${met.join(", ")})` : ""}${missed.length ? `; not met: ${missed.join(", ")}` : ""}.`);
  }
  if (steps) {
    const parts = steps.map((s) => {
      if (s.error !== undefined || s.oursMs.length === 0 || s.torchMs.length === 0) return `${s.sizes.join("-")}: error`;
      const r = median(s.oursMs) / median(s.torchMs);
      return `${s.sizes.join("-")}: ${r.toFixed(2)}× (${r <= STEP_MAX_RATIO ? "met" : "not met"})`;
    });
    lines.push(`- **MLP step vs PyTorch** — target: ≤ ${STEP_MAX_RATIO.toFixed(1)}× PyTorch's ms per Adam step. ${parts.join("; ")}.`);
  }
  return lines;
}

async function main(): Promise<void> {
  const loadStart = loadavg();
  const started = Date.now();
  ensureAnchors();
  const env = await environment();
  const rows: ComparisonRow[] = [];
  const raw: Record<string, unknown> = {};
  for (const name of datasetNames) {
    const spec = DATASETS.find((d) => d.name === name)!;
    await benchDataset(loadBenchData(spec, { k: K, seed: SEED, maxRows: MAX_ROWS }), rows, raw);
  }
  const steps = pairIds.includes("mlp-step") ? await benchSteps() : undefined;
  const loadEnd = loadavg();
  const minutes = (Date.now() - started) / 60000;

  const v = env["python"] as Record<string, string>;
  const machine = env["machine"] as { cpuModel: string; cores: number; memoryGiB: number } | undefined;
  const commit = String(env["commit"] ?? "unknown");
  const md: string[] = [];
  md.push(`# Learners vs scikit-learn, XGBoost and PyTorch${quick ? " (quick smoke run: ≤ 400 rows per dataset, not for quoting)" : ""}`, "");
  md.push(
    `Command: \`npm run bench:learners${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\`. ` +
      `Same seeded ${K}-fold CV (stratified for classes, seed ${SEED}) on both sides; one thread per side, one side at a time. ` +
      `Score: mean over folds ± half-width of the 95% CI (Nadeau–Bengio corrected); ours − theirs: corrected resampled t-test, 95% CI ` +
      `("within noise" when it contains 0). Fit ms: median over the ${K} folds${REPEATS > 1 ? ` of the fastest of ${REPEATS} repeats of each fit` : ""}; ratios are ours ÷ theirs (< 1 = ours faster); full-fit ratio: one fit on all rows; predict ratio: median time to predict one test fold (where kNN spends its time).`,
    "",
  );
  md.push(
    `Measured ${String(env["date"]).slice(0, 16).replace("T", " ")} UTC on ${machine?.cpuModel ?? "?"} (${machine?.cores ?? "?"} cores, ${machine?.memoryGiB ?? "?"} GiB), ` +
      `Node ${process.version}, Python ${v["python"]}, scikit-learn ${v["sklearn"]}, XGBoost ${v["xgboost"]}, PyTorch ${v["torch"]}, numpy ${v["numpy"]}; ` +
      `commit ${commit.slice(0, 10)}${env["dirty"] === true ? " + uncommitted changes in src/" : ""}. ` +
      `Load average (1/5/15 min) at start ${loadStart.join(" / ")}, at end ${loadEnd.join(" / ")}; run took ${minutes.toFixed(1)} min.` +
      (loadStart[0]! > os.cpus().length * 0.5 ? ` **The machine was loaded (load > half its ${os.cpus().length} cores): timings are noisy.**` : ""),
    "",
  );
  md.push("## Targets", "", ...targetSummary(rows, steps), "");
  for (const p of pairs) {
    const rs = rows.filter((r) => r.pair === p.id);
    if (rs.length === 0) continue;
    md.push(`## ${p.title}`, "", pairTable(p, rs), "");
  }
  const epochs = mlpEpochNote(raw);
  if (epochs !== undefined) md.push(epochs, "");
  if (steps) {
    md.push(`## MLP training step vs PyTorch (1 thread, Adam, batch ${STEP_BATCH})`, "");
    md.push(`Median over ${ROUNDS} alternating round${ROUNDS === 1 ? "" : "s"}; each round: PyTorch's median of 5 runs of ${STEPS} steps after 50 warm-up steps, ours the mean of ${STEPS} steps after ${Math.min(50, STEPS)} warm-up steps (\`mlpStepTimer\`).`, "");
    md.push(stepTable(steps, STEP_MAX_RATIO), "");
  }
  const markdown = md.join("\n");
  const json = { provenance: env, loadAverage: { start: loadStart, end: loadEnd }, minutes, settings: { quick, k: K, seed: SEED, maxRows: MAX_ROWS ?? null, repeats: REPEATS, rounds: ROUNDS, steps: STEPS, stepBatch: STEP_BATCH }, pairs, rows, steps: steps ?? null, raw };
  const paths = writeResults(OUT, json, markdown);
  process.stdout.write(`${markdown}\n`);
  log(`wrote ${paths.json} and ${paths.md}`);
}

/** A note on how many epochs each MLP ran (ours copies scikit-learn's mean). */
function mlpEpochNote(raw: Record<string, unknown>): string | undefined {
  const d = raw["digits"] as { ours?: Record<string, OurResult>; theirs?: Record<string, AnchorResult> } | undefined;
  const theirs = d?.theirs?.["mlp"]?.n_iter;
  const ours = d?.ours?.["mlp"]?.params["epochs"];
  if (!theirs || ours === undefined) return undefined;
  return `MLP epochs: scikit-learn stopped after ${theirs.join(", ")} epochs on the ${theirs.length} folds (its tolerance rule on the training loss); ours ran ${String(ours)} epochs on every fold.`;
}

await main();
