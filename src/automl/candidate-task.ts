/**
 * The unit of work the improvement loop sends to a worker thread: load the run's data (cached per
 * worker), rebuild the learner from `{kind, params}`, evaluate it on the run's folds, and send
 * progress back with `context.report` so the main thread's pruner can stop it. Only JSON goes in;
 * fold scores and out-of-fold predictions (typed arrays) come back.
 */
import { statSync } from "node:fs";
import { TrialPruned } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";
import type { Dataset } from "../data/dataset.js";
import { loadCsvDataset } from "../data/load-dataset.js";
import type { Fold } from "../data/splits.js";
import { fitOnFold } from "../evaluate/fit-fold.js";
import { getMetric } from "../evaluate/metrics/registry.js";
import "../learners/index.js";
import { encodeArtifact, type EncodedArtifact } from "../learners/artifact.js";
import { CrossFitBagModel, type CrossFitBagParams } from "../learners/bag/cross-fit-bag.js";
import type { Learner, Model, Predictions } from "../learners/learner.js";
import { createLearner } from "../learners/registry.js";
import type { TaskContext } from "./runner/task.js";
import { evaluateCandidate } from "./evaluate-candidate.js";
import { crossValidationFolds } from "../data/cv-folds.js";

/** Input of {@link runCandidateTask} (JSON). */
export interface CandidateTaskInput {
  readonly dataPath: string;
  readonly target: string;
  readonly task: string;
  readonly folds: number;
  readonly foldSeed: number;
  readonly spec: { readonly kind: string; readonly params: Readonly<Record<string, JsonValue>> };
  readonly metric: string;
  readonly seed: number;
  /** Modules (absolute URLs) that register extra learner kinds; imported before the learner is built. */
  readonly learnerModules?: readonly string[];
  /** Send the fold models back as one cross-fitted bag (the model a run promotes). */
  readonly keepModels?: boolean;
  /**
   * With `keepModels`: send them only when the mean score reaches this bar (the run's ensemble
   * library admission score; encoding deep forests costs tens of MB), in the metric's direction.
   */
  readonly keepModelsBar?: { readonly score: number; readonly greaterIsBetter: boolean };
}

/** Imports the modules that register user-defined learners (once per thread: ESM caches them). */
export async function importLearnerModules(urls: readonly string[] | undefined): Promise<void> {
  for (const url of urls ?? []) await import(url);
}

/** What comes back from the worker. */
export interface CandidateTaskOutput {
  readonly foldScores: number[];
  readonly mean: number;
  readonly ci: [number, number];
  readonly oof: Predictions;
  readonly stepsReached?: number;
  readonly fitSeconds: number;
  /** Where each fold's training settled on the learner's resource (see `Model.resourceUsed`). */
  readonly stoppedAt?: readonly number[];
  /**
   * The fold models as an encoded cross-fitted bag (when `keepModels`): a `"bag"` whose spec
   * (base spec, folds, fold seed, candidate seed) rebuilds exactly these models.
   */
  readonly bag?: EncodedArtifact;
}

/** The cross-fitted bag spec that rebuilds a candidate's fold models (see `CrossFitBagLearner`). */
export function bagSpecOf(input: BagSource): CandidateTaskInput["spec"] & { kind: "bag" } {
  return { kind: "bag", params: bagParamsOf(input) as unknown as Record<string, JsonValue> };
}

type BagSource = Pick<CandidateTaskInput, "spec" | "folds" | "foldSeed" | "seed">;

function bagParamsOf(input: BagSource): CrossFitBagParams {
  return { base: input.spec, folds: input.folds, foldSeed: input.foldSeed, seed: input.seed, validationFraction: VALIDATION_FRACTION };
}

/** Fraction of each training fold held out for early stopping, for candidates and bags alike. */
const VALIDATION_FRACTION = 0.1;

/** The last dataset loaded in this thread; one entry only, so a thread holds one dataset at most. */
let cached: { key: string; data: Dataset; folds: readonly Fold[] } | undefined;

/**
 * Loads the run's dataset and folds once per worker thread (or process): a reused worker thread
 * parses the CSV for its first candidate only. The cache key holds the file's size and mtime, so an
 * edited file is read again.
 */
export function loadRunData(input: Pick<CandidateTaskInput, "dataPath" | "target" | "task" | "folds" | "foldSeed">): { data: Dataset; folds: readonly Fold[] } {
  let stamp: [number, number] | null = null;
  try {
    const st = statSync(input.dataPath);
    stamp = [st.size, st.mtimeMs];
  } catch {
    // Unreadable: never a cache hit; loadCsvDataset reports the error with the path.
  }
  const key = JSON.stringify([input.dataPath, stamp, input.target, input.task, input.folds, input.foldSeed]);
  if (stamp === null || cached?.key !== key) {
    cached = undefined; // let the old dataset be collected while the new one is parsed
    const loaded = loadCsvDataset(input.dataPath, { target: input.target, task: input.task as "binary" | "multiclass" | "regression" });
    cached = { key, data: loaded.dataset, folds: crossValidationFolds(loaded.dataset, input.folds, input.foldSeed) };
  }
  return { data: cached.data, folds: cached.folds };
}

/** In-process hooks (the worker path uses `context.report` instead). */
export interface CandidateTaskHooks {
  readonly signal?: AbortSignal;
  readonly onStep?: (step: number, loss: number) => void | Promise<void>;
}

/** Evaluates one candidate (the worker entry point; `hooks` serve in-process runs). */
export async function runCandidateTask(input: CandidateTaskInput, context?: TaskContext, hooks: CandidateTaskHooks = {}): Promise<CandidateTaskOutput> {
  await importLearnerModules(input.learnerModules);
  const { data, folds } = loadRunData(input);
  const learner = createLearner(input.spec);
  const stop = context ? watchStop(context) : undefined;
  const onStep =
    hooks.onStep ??
    (context
      ? (step: number, loss: number): void => {
          // Stop between steps, never inside native code (see TaskContext.shouldStop).
          if (context.shouldStop()) throw new TrialPruned("stopped by the run");
          context.report({ step, loss });
        }
      : undefined);
  const signal = hooks.signal ?? stop?.signal;
  let result: Awaited<ReturnType<typeof evaluateCandidate>>;
  try {
    result = await evaluateCandidate(learner, data, {
      folds,
      metric: getMetric(input.metric),
      seed: input.seed,
      validationFraction: VALIDATION_FRACTION,
      ...(input.keepModels ? { keepModels: true } : {}),
      ...(onStep ? { onStep } : {}),
      ...(signal ? { signal } : {}),
    });
  } finally {
    stop?.dispose();
  }
  return {
    foldScores: [...result.foldScores],
    mean: result.mean,
    ci: [result.ci[0], result.ci[1]],
    oof: result.oof,
    ...(result.stepsReached !== undefined ? { stepsReached: result.stepsReached } : {}),
    fitSeconds: result.fitSeconds,
    ...(result.stoppedAt ? { stoppedAt: [...result.stoppedAt] } : {}),
    ...(result.models && reachesBar(result.mean, input.keepModelsBar) ? { bag: encodeArtifact(new CrossFitBagModel(data.y.task, result.models, bagParamsOf(input)).save()) } : {}),
  };
}

function reachesBar(score: number, bar: CandidateTaskInput["keepModelsBar"]): boolean {
  if (bar === undefined) return true;
  return bar.greaterIsBetter ? score >= bar.score : score <= bar.score;
}

/** Input of {@link refitCandidateTask}: the candidate and the run's data. */
export type RefitTaskInput = Omit<CandidateTaskInput, "metric"> & {
  /**
   * For a learner with a resource: train on all rows for exactly this many rounds/epochs, with
   * no holdout (the cross-validated fits' stopping point). Without it, a tenth of the rows is held
   * out for early stopping.
   */
  readonly resourceValue?: number;
};

/** A refitted model as an encoded artifact (plain data, so it crosses threads). */
export interface RefitTaskOutput extends EncodedArtifact {
  readonly fitSeconds: number;
}

/**
 * Refits a candidate on all rows (the worker entry point for promotions with `finalFit: "refit"`,
 * and for rebuilding a cross-fitted bag whose fold models were not kept). Learners with a resource
 * keep the procedure they were evaluated with: 10% of the rows (stratified, seeded) are held out
 * for early stopping, so the refitted model stops where the cross-validated ones did.
 */
export async function refitCandidateTask(input: RefitTaskInput, context?: TaskContext): Promise<RefitTaskOutput> {
  await importLearnerModules(input.learnerModules);
  const { data } = loadRunData(input);
  const learner = createLearner(input.spec);
  const t0 = performance.now();
  const stop = context ? watchStop(context) : undefined;
  let model: Model;
  try {
    const resource = learner.capabilities.resource;
    model =
      input.resourceValue !== undefined && resource !== undefined
        ? await createLearner({ kind: input.spec.kind, params: { ...input.spec.params, [resource]: input.resourceValue } }).fit(data, { seed: input.seed, ...(stop ? { signal: stop.signal } : {}) })
        : await fitOnAll(learner, data, input.seed, stop?.signal);
  } finally {
    stop?.dispose();
  }
  const enc = encodeArtifact(model.save());
  return { json: enc.json, weights: enc.weights, digest: enc.digest, fitSeconds: (performance.now() - t0) / 1000 };
}

/** An AbortSignal that fires when the caller asks the task to stop (polled every 50 ms). */
function watchStop(context: TaskContext): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const timer = setInterval(() => {
    if (context.shouldStop()) controller.abort("stopped by the run");
  }, 50);
  return { signal: controller.signal, dispose: () => clearInterval(timer) };
}

/** Fits on every row, with the inner early-stopping split a fold fit uses (`fitOnFold`). */
function fitOnAll(learner: Learner, data: Dataset, seed: number, signal?: AbortSignal): Promise<Model> {
  const all = Int32Array.from({ length: data.x.nRows }, (_, i) => i);
  return fitOnFold(learner, data, all, { seed, validationFraction: VALIDATION_FRACTION, ...(signal ? { signal } : {}) });
}
