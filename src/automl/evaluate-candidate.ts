/**
 * Evaluates one candidate pipeline the way every candidate of a run is evaluated: on the run's
 * fixed folds (so paired tests compare like with like), keeping out-of-fold predictions.
 *
 * Each fold's model is fitted by `fitOnFold` (an inner validation split for learners with a
 * resource: early stopping and the multi-fidelity pruner watch it, never the test fold). Progress of
 * the first fold is reported to `onStep`, which may throw `TrialPruned` to stop the candidate.
 */
import { deriveSeed } from "../core/rng.js";
import { selectDatasetRows, type Dataset } from "../data/dataset.js";
import type { Fold } from "../data/splits.js";
import { fitOnFold } from "../evaluate/fit-fold.js";
import type { Metric } from "../evaluate/metrics/registry.js";
import { PredictionAccumulator } from "../evaluate/predictions.js";
import { summarizeScores } from "../evaluate/summary.js";
import type { Learner, Model, Predictions } from "../learners/learner.js";

/** Options of {@link evaluateCandidate}. */
export interface EvaluateCandidateOptions {
  readonly folds: readonly Fold[];
  readonly metric: Metric;
  readonly seed: number;
  /** Called with (step, validation loss) during the first fold; may throw to stop. */
  readonly onStep?: (step: number, loss: number) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Fraction of each training fold held out for early stopping (learners with a resource). Default 0.1. */
  readonly validationFraction?: number;
  /** Return the fold models too (the cross-fitted bag the run may promote). */
  readonly keepModels?: boolean;
}

/** What a candidate's evaluation yields. */
export interface CandidateEvaluation {
  readonly foldScores: readonly number[];
  readonly mean: number;
  readonly ci: readonly [number, number];
  readonly oof: Predictions;
  /** Highest step reported in the first fold (the fidelity reached), when the learner reports. */
  readonly stepsReached?: number;
  readonly fitSeconds: number;
  /** Fold `j`'s model, fitted on `folds[j].train` (when `keepModels`). */
  readonly models?: readonly Model[];
  /** Where each fold's training settled on the learner's resource (`Model.resourceUsed`), when it has one. */
  readonly stoppedAt?: readonly number[];
}

/** Runs the candidate on every fold; see the module docs. */
export async function evaluateCandidate(learner: Learner, data: Dataset, options: EvaluateCandidateOptions): Promise<CandidateEvaluation> {
  const n = data.x.nRows;
  const scores = new Float64Array(options.folds.length);
  const oof = new PredictionAccumulator(n);
  let steps: number | undefined;
  let fitMs = 0;
  let trainRows = 0;
  let testRows = 0;
  const models: Model[] = [];
  const stoppedAt: number[] = [];
  for (let j = 0; j < options.folds.length; j++) {
    options.signal?.throwIfAborted();
    const fold = options.folds[j]!;
    const report =
      j === 0
        ? async (step: number, loss: number): Promise<void> => {
            steps = step;
            await options.onStep?.(step, loss);
          }
        : undefined;
    const t0 = performance.now();
    const model = await fitOnFold(learner, data, fold.train, {
      seed: deriveSeed(options.seed, "fold", j),
      ...(options.validationFraction !== undefined ? { validationFraction: options.validationFraction } : {}),
      ...(report ? { report } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    fitMs += performance.now() - t0;
    if (options.keepModels) models.push(model);
    const used = model.resourceUsed?.();
    if (used !== undefined) stoppedAt.push(used);
    const test = selectDatasetRows(data, fold.test);
    const pred = model.predict(test.x);
    scores[j] = options.metric.compute(test.y, pred, test.weights);
    oof.add(fold.test, pred);
    trainRows += fold.train.length;
    testRows += fold.test.length;
  }
  const k = options.folds.length;
  const summary = summarizeScores(scores, trainRows / k, testRows / k);
  return {
    foldScores: Array.from(scores),
    mean: summary.mean,
    ci: summary.ci,
    oof: oof.result()!,
    ...(steps !== undefined ? { stepsReached: steps } : {}),
    fitSeconds: fitMs / 1000,
    ...(options.keepModels ? { models } : {}),
    ...(stoppedAt.length === k ? { stoppedAt } : {}),
  };
}
