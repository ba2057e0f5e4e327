/**
 * The Python side of the learner benchmark: Debian's scikit-learn, XGBoost and PyTorch run by
 * `/usr/bin/python3` (never the `python3` first on PATH), one thread each.
 */
import { fileURLToPath } from "node:url";
import { ensurePythonModules, runPythonJson } from "../lib/python.js";

const ANCHORS = fileURLToPath(new URL("./anchors.py", import.meta.url));
const TORCH_STEP = fileURLToPath(new URL("./torch_mlp_step.py", import.meta.url));
const PACKAGES = ["python3-sklearn", "python3-xgboost", "python3-torch"];

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
  ensurePythonModules(["sklearn", "xgboost", "torch"], PACKAGES);
}

/** Runs one `anchors.py` job (see `data.ts` `anchorJob`) and returns each model's results. */
export async function runAnchors(job: Record<string, unknown>): Promise<Record<string, AnchorResult>> {
  const r = await runPythonJson<{ models: Record<string, AnchorResult> }>(ANCHORS, [], JSON.stringify(job));
  return r.models;
}

/** Versions of Python and the anchor libraries. */
export function anchorVersions(): Promise<AnchorVersions> {
  return runPythonJson<AnchorVersions>(ANCHORS, [], JSON.stringify({ mode: "versions" }));
}

/** PyTorch's ms per Adam step (median of 5 runs of `steps` steps) for `sizes` at `batch` rows, 1 thread. */
export async function torchStepMs(sizes: readonly number[], batch: number, steps: number): Promise<{ msPerStep: number; runs: number[] }> {
  const r = await runPythonJson<{ ms_per_step: number; ms_runs: number[] }>(TORCH_STEP, [sizes.join(","), String(batch), String(steps)], "");
  return { msPerStep: r.ms_per_step, runs: r.ms_runs };
}
