/**
 * The four systems of the `ouro run` benchmark, each producing test-set predictions from the same
 * `train.csv`/`test.csv`: Ouroboros (`runImprovement` in this process, candidates in worker
 * threads, `jobs: 1`) and the Python anchors (`anchors.py` with /usr/bin/python3, one thread).
 */
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensurePythonModules, runPythonJson } from "../lib/python.js";

/** System ids, in table order. */
export const SYSTEMS = ["ouro", "hgb", "xgboost", "optuna_xgboost"] as const;
export type SystemId = (typeof SYSTEMS)[number];

/** Column titles of the systems. */
export const SYSTEM_LABELS: Record<SystemId, string> = {
  ouro: "Ouroboros `ouro run`",
  hgb: "sklearn HGB defaults",
  xgboost: "XGBoost defaults",
  optuna_xgboost: "Optuna TPE + XGBoost",
};

/** What the Ouroboros side is given. */
export interface OuroJob {
  readonly train: string;
  readonly test: string;
  readonly target: string;
  readonly seed: number;
  readonly budgetSeconds: number;
  /** Parent folder of the run directory; the result file goes here too. */
  readonly outDir: string;
  /** Learner families to search (default: all that apply, as `ouro run`). */
  readonly families?: readonly string[];
}

/** Test-set predictions of one system (classes: probabilities over `classes`; regression: values). */
export interface SystemOutput {
  readonly classes?: readonly string[];
  readonly proba?: Float64Array;
  readonly values?: Float64Array;
  /** Wall seconds from start to test predictions. */
  readonly wallSeconds: number;
  readonly error?: string;
  /** What the system did (champion, trials, …). */
  readonly info: Record<string, unknown>;
}

const ANCHORS = fileURLToPath(new URL("./anchors.py", import.meta.url));
const CHILD = fileURLToPath(new URL("./ouro-child.ts", import.meta.url));
const PACKAGES = ["python3-sklearn", "python3-xgboost", "python3-optuna"];

/** Makes sure scikit-learn, XGBoost and Optuna import under /usr/bin/python3; installs the Debian packages (root only) if not. */
export function ensureAnchors(): void {
  ensurePythonModules(["sklearn", "xgboost", "optuna"], PACKAGES);
}

function runAnchorScript<T>(job: Record<string, unknown>): Promise<T> {
  return runPythonJson<T>(ANCHORS, [], JSON.stringify(job));
}

/** Versions on the anchor side. */
export function anchorVersions(): Promise<Record<string, string>> {
  return runAnchorScript<Record<string, string>>({ mode: "versions" });
}

interface AnchorJson {
  readonly classes?: string[];
  readonly proba?: number[][];
  readonly values?: number[];
  readonly wall_s: number;
  readonly error?: string;
  readonly info?: Record<string, unknown>;
}

/** Runs the Python systems one after another in one process (imports paid once, not timed). */
export async function runAnchors(job: { train: string; test: string; target: string; task: string; seed: number; budgetSeconds: number; systems: readonly SystemId[] }): Promise<Partial<Record<SystemId, SystemOutput>>> {
  const r = await runAnchorScript<{ systems: Record<string, AnchorJson> }>({ train: job.train, test: job.test, target: job.target, task: job.task, seed: job.seed, budget_seconds: job.budgetSeconds, folds: 5, systems: job.systems });
  const out: Partial<Record<SystemId, SystemOutput>> = {};
  for (const id of job.systems) {
    const s = r.systems[id];
    if (s === undefined) {
      out[id] = { wallSeconds: NaN, error: "anchors.py returned nothing", info: {} };
      continue;
    }
    out[id] = {
      ...(s.classes ? { classes: s.classes } : {}),
      ...(s.proba ? { proba: Float64Array.from(s.proba.flat()) } : {}),
      ...(s.values ? { values: Float64Array.from(s.values) } : {}),
      wallSeconds: s.wall_s,
      ...(s.error !== undefined ? { error: s.error } : {}),
      info: s.info ?? {},
    };
  }
  return out;
}

/**
 * Ouroboros in a child process (`ouro-child.ts`), one per dataset, as a user runs `ouro run`: a
 * crash of one run (a native abort, say) is recorded as that run's failure with its last stderr
 * lines, and the benchmark goes on. `childScript` is `ouro-child.ts` here or in a source snapshot
 * (see `snapshotSources`). The reported wall time is measured inside the child, from
 * `runImprovement` to the test predictions, so Node start-up is not charged (nor are Python's imports).
 */
export function runOuro(job: OuroJob, childScript: string = CHILD): Promise<SystemOutput> {
  const resultPath = join(job.outDir, "ouro-result.json");
  mkdirSync(job.outDir, { recursive: true });
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", childScript, JSON.stringify({ ...job, resultPath })], { stdio: ["ignore", "inherit", "pipe"] });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err = (err + d).slice(-4000);
      process.stderr.write(d);
    });
    const fail = (why: string): void => resolve({ wallSeconds: (performance.now() - t0) / 1000, error: why, info: { stderrTail: err.slice(-1500) } });
    child.on("error", (e) => fail(`could not start ouro-child.ts: ${e.message}`));
    child.on("close", (code, signal) => {
      if (code !== 0) {
        fail(`the ouro run process ${signal ? `was killed by ${signal}` : `exited with ${code}`}${code === 134 || signal === "SIGABRT" ? " (native abort)" : ""}: ${err.trim().split("\n").filter((l) => !/^\s+at /.test(l)).slice(-3).join(" | ").slice(0, 400)}`);
        return;
      }
      try {
        const r = JSON.parse(readFileSync(resultPath, "utf8")) as { classes?: string[]; proba?: number[]; values?: number[]; wallSeconds: number; error?: string; info: Record<string, unknown> };
        resolve({
          ...(r.classes ? { classes: r.classes } : {}),
          ...(r.proba ? { proba: Float64Array.from(r.proba) } : {}),
          ...(r.values ? { values: Float64Array.from(r.values) } : {}),
          wallSeconds: r.wallSeconds,
          ...(r.error !== undefined ? { error: r.error } : {}),
          info: { ...r.info, processSeconds: (performance.now() - t0) / 1000 },
        });
      } catch (e) {
        fail(`no result from the ouro run process: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  });
}

/**
 * Copies `src/` and `ouro-child.ts` into `dir` (with links to `node_modules` and `package.json`),
 * so that every dataset of a long run measures the same code even when the checkout changes
 * meanwhile. Returns the snapshot's `ouro-child.ts`.
 */
export function snapshotSources(dir: string): string {
  const repo = fileURLToPath(new URL("../../", import.meta.url));
  cpSync(join(repo, "src"), join(dir, "src"), { recursive: true });
  mkdirSync(join(dir, "bench", "automl"), { recursive: true });
  const child = join(dir, "bench", "automl", "ouro-child.ts");
  copyFileSync(CHILD, child);
  symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
  copyFileSync(join(repo, "package.json"), join(dir, "package.json"));
  return child;
}
