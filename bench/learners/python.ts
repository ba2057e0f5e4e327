/**
 * The Python side of the learner benchmark: Debian's scikit-learn, XGBoost and PyTorch run by
 * `/usr/bin/python3` (never the `python3` first on PATH), one thread each.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PYTHON } from "../lib/env.js";

const ANCHORS = fileURLToPath(new URL("./anchors.py", import.meta.url));
const TORCH_STEP = fileURLToPath(new URL("./torch_mlp_step.py", import.meta.url));
const PACKAGES = ["python3-sklearn", "python3-xgboost", "python3-torch"];
/** One thread everywhere: the comparison is single-core on both sides. */
const ENV = { ...process.env, PYTHONWARNINGS: "ignore", OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

/** Versions on the anchor side. */
export interface AnchorVersions {
  readonly python: string;
  readonly numpy: string;
  readonly sklearn: string;
  readonly xgboost: string;
  readonly torch: string;
}

/** One anchor model's results over the folds (seconds). */
export interface AnchorResult {
  readonly scores?: number[];
  readonly fit_s?: number[];
  readonly fit_all_s?: number;
  /** Seconds `predict` took on each test fold. */
  readonly predict_s?: number[];
  /** Epochs the MLP ran per fold. */
  readonly n_iter?: number[];
  readonly error?: string;
}

/** Makes sure scikit-learn, XGBoost and PyTorch import under /usr/bin/python3; installs the Debian packages with apt-get (root only) if not. */
export function ensureAnchors(): void {
  const probe = (): boolean => spawnSync(PYTHON, ["-c", "import sklearn, xgboost, torch"], { stdio: "ignore" }).status === 0;
  if (probe()) return;
  process.stderr.write(`scikit-learn/XGBoost/PyTorch missing for ${PYTHON}: running apt-get install -y ${PACKAGES.join(" ")}\n`);
  if (process.getuid?.() !== 0) throw new Error(`the anchors are not installed and this is not root; run: sudo apt-get update && sudo apt-get install -y ${PACKAGES.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", ...PACKAGES]]) {
    const r = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed with status ${r.status}`);
  }
  if (!probe()) throw new Error(`${PACKAGES.join(", ")} were installed but \`${PYTHON} -c 'import sklearn, xgboost, torch'\` still fails`);
}

function runScript<T>(script: string, args: readonly string[], stdin: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script, ...args], { stdio: ["pipe", "pipe", "pipe"], env: ENV });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
      process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code}:\n${err.slice(-2000)}`));
        return;
      }
      try {
        resolve(JSON.parse(out) as T);
      } catch (e) {
        reject(new Error(`${script} printed no JSON (${String(e)}):\n${out.slice(0, 500)}`));
      }
    });
    child.stdin.end(stdin);
  });
}

/** Runs one `anchors.py` job (see `data.ts` `anchorJob`) and returns each model's results. */
export async function runAnchors(job: Record<string, unknown>): Promise<Record<string, AnchorResult>> {
  const r = await runScript<{ models: Record<string, AnchorResult> }>(ANCHORS, [], JSON.stringify(job));
  return r.models;
}

/** Versions of Python and the anchor libraries. */
export function anchorVersions(): Promise<AnchorVersions> {
  return runScript<AnchorVersions>(ANCHORS, [], JSON.stringify({ mode: "versions" }));
}

/** PyTorch's ms per Adam step (median of 5 runs of `steps` steps) for `sizes` at `batch` rows, 1 thread. */
export async function torchStepMs(sizes: readonly number[], batch: number, steps: number): Promise<{ msPerStep: number; runs: number[] }> {
  const r = await runScript<{ ms_per_step: number; ms_runs: number[] }>(TORCH_STEP, [sizes.join(","), String(batch), String(steps)], "");
  return { msPerStep: r.ms_per_step, runs: r.ms_runs };
}
