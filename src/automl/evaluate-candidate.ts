/**
 * Evaluates one candidate pipeline the way every candidate of a run is evaluated: on the run's
 * fixed folds (so paired tests compare like with like), keeping out-of-fold predictions.
 *
 * Learners with a training resource (boosting rounds, epochs) get an inner validation split carved
 * from each training fold (10%, stratified, seeded): early stopping and the multi-fidelity pruner
 * watch that split, never the test fold, so the cross-validated score stays honest. Progress of
 * the first fold is reported to `onStep`, which may throw `TrialPruned` to stop the candidate.
 */
import { deriveSeed } from "../core/rng.js";
import { selectDatasetRows, type Dataset } from "../data/dataset.js";
import { holdout, type Fold } from "../data/splits.js";
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
}

/** Runs the candidate on every fold; see the module docs. */
export async function evaluateCandidate(learner: Learner, data: Dataset, options: EvaluateCandidateOptions): Promise<CandidateEvaluation> {
  const n = data.x.nRows;
  const scores = new Float64Array(options.folds.length);
  const oof = new PredictionAccumulator(n);
  const useValidation = learner.capabilities.resource !== undefined;
  let steps: number | undefined;
  let fitMs = 0;
  let trainRows = 0;
  let testRows = 0;
  for (let j = 0; j < options.folds.length; j++) {
    options.signal?.throwIfAborted();
    const fold = options.folds[j]!;
    const seed = deriveSeed(options.seed, "fold", j);
    let train = selectDatasetRows(data, fold.train);
    let validation: Dataset | undefined;
    if (useValidation && fold.train.length >= 20) {
      const stratify = train.y.task === "regression" ? undefined : Array.from(train.y.labels, (l) => String(l));
      const inner = innerSplit(fold.train.length, options.validationFraction ?? 0.1, deriveSeed(seed, "validation"), stratify);
      validation = selectDatasetRows(train, inner.test);
      train = selectDatasetRows(train, inner.train);
    }
    const report =
      j === 0
        ? async (step: number, loss: number): Promise<void> => {
            steps = step;
            await options.onStep?.(step, loss);
          }
        : undefined;
    const t0 = performance.now();
    const model: Model = await learner.fit(train, {
      seed,
      ...(validation ? { validation } : {}),
      ...(report ? { report } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    fitMs += performance.now() - t0;
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
  };
}

function innerSplit(n: number, fraction: number, seed: number, stratify: readonly string[] | undefined): Fold {
  try {
    return holdout(n, fraction, seed, stratify);
  } catch {
    // A class too small to stratify: fall back to a plain random split.
    return holdout(n, fraction, seed);
  }
}
