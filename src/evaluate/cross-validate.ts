/**
 * Cross-validation: fit a learner on each training part, score it on the held-out part, and collect
 * per-fold scores, their summary, timings and the out-of-fold predictions of every row.
 */
import { OuroborosError } from "../core/errors.js";
import { deriveSeed } from "../core/rng.js";
import { type Dataset, selectDatasetRows, type Target, targetLength, type Task } from "../data/dataset.js";
import { type Fold, groupKFold, kFold, repeatedKFold, repeatedStratifiedKFold, stratifiedKFold } from "../data/splits.js";
import type { FitContext, Learner, Model, Predictions } from "../learners/learner.js";
import { defaultMetric, type Metric, resolveMetric } from "./metrics/registry.js";
import { PredictionAccumulator } from "./predictions.js";
import { type ScoreSummary, summarizeScores, type VarianceCorrection } from "./summary.js";

/** What `fit` receives besides the fold seed (no `validation` or `initModel`: folds stay independent). */
export type CrossValidateFitContext = Omit<FitContext, "seed" | "validation" | "initModel">;

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  /** Explicit folds (e.g. from `timeSeriesSplit`); excludes `k`, `repeats`, `stratify` and `groups`. */
  readonly folds?: readonly Fold[];
  /** Number of folds. Default 5. */
  readonly k?: number;
  /** Rounds of k-fold, each reshuffled. Default 1. */
  readonly repeats?: number;
  /** Seed of the split and of every fit (fold `j` fits with `deriveSeed(seed, "fold", j)`). Default 0. */
  readonly seed?: number;
  /** Keep class proportions in every fold (classification only). Default true for classification. */
  readonly stratify?: boolean;
  /** Group of each row: folds never split a group (group k-fold; deterministic, no repeats). */
  readonly groups?: ArrayLike<number | string>;
  /** Metrics by name or object; the first is the primary one. Default: the task's default metric. */
  readonly metrics?: readonly (string | Metric)[];
  /** Level of the confidence intervals. Default 0.95. */
  readonly confidence?: number;
  /** Widening of the intervals for overlapping training sets. Default `nadeau-bengio`. */
  readonly correction?: VarianceCorrection;
  /** Passed to every `fit` (progress reports, abort signal). */
  readonly fitContext?: CrossValidateFitContext;
  /** Called after each fold in order; may throw (e.g. `TrialPruned`) to stop. */
  readonly onFold?: (fold: FoldReport) => void | Promise<void>;
}

/** What {@link CrossValidateOptions.onFold} receives. */
export interface FoldReport {
  /** Fold index over all rounds. */
  readonly index: number;
  /** Round of repeated k-fold (0 with explicit folds). */
  readonly repeat: number;
  readonly fold: Fold;
  /** The seed the fold's fit received. */
  readonly seed: number;
  readonly scores: Readonly<Record<string, number>>;
  readonly fitMs: number;
  readonly predictMs: number;
  readonly model: Model;
  /** Predictions for `fold.test`, in its order. */
  readonly predictions: Predictions;
}

/** Scores of one metric across folds, with its direction. */
export interface MetricResult extends ScoreSummary {
  readonly name: string;
  readonly greaterIsBetter: boolean;
}

/** The outcome of {@link crossValidate}. */
export interface CrossValidationResult {
  readonly task: Task;
  readonly folds: readonly Fold[];
  /** Rounds (1 with explicit or group folds). */
  readonly repeats: number;
  /** Name of the primary (first) metric. */
  readonly primary: string;
  /** Per-metric results, keyed by metric name, in the requested order. */
  readonly metrics: Readonly<Record<string, MetricResult>>;
  /** Fit and predict wall times per fold, milliseconds. */
  readonly fitMs: Float64Array;
  readonly predictMs: Float64Array;
  /** Mean training and test sizes over folds (what the variance correction used). */
  readonly nTrain: number;
  readonly nTest: number;
  /**
   * Out-of-fold predictions of every row. With repeats (or explicit folds that test a row more than
   * once) each row's predictions are averaged (probabilities stay normalised); rows in no test part
   * are `NaN`.
   */
  readonly oof: Predictions;
  /** How many folds predicted each row. */
  readonly oofCount: Int32Array;
  /** With `repeats > 1`: the out-of-fold predictions of each round separately. */
  readonly oofByRepeat?: readonly Predictions[];
  /** The target and weights that were scored (references to the dataset's, for paired tests). */
  readonly y: Target;
  readonly weights?: Float64Array;
}

/**
 * Cross-validates `learner` on `data`.
 *
 * Folds come from `options.folds`, or `groups` (group k-fold), or (repeated) k-fold, stratified by
 * class for classification unless `stratify: false`. For each fold the learner is fitted on the
 * training rows only (with their sample weights and a fold-derived seed), so any preprocessing it
 * learns never sees the test rows; then it predicts the test rows, which are scored with every
 * metric (test weights applied). Folds run one after another.
 *
 * Each metric is summarised by its mean, sample sd and a t interval that by default carries the
 * Nadeau–Bengio correction (see {@link summarizeScores}).
 * @see R. Kohavi, "A study of cross-validation and bootstrap for accuracy estimation and model
 *   selection", IJCAI 1995.
 */
export async function crossValidate(learner: Learner, data: Dataset, options: CrossValidateOptions = {}): Promise<CrossValidationResult> {
  const n = targetLength(data.y);
  const task = data.y.task;
  const seed = options.seed ?? 0;
  const metrics = (options.metrics ?? [defaultMetric(task)]).map((m) => resolveMetric(m, task));
  if (metrics.length === 0) throw new OuroborosError("invalid-argument", "crossValidate: `metrics` is empty; give at least one metric");
  const names = metrics.map((m) => m.name);
  const dup = names.find((m, i) => names.indexOf(m) !== i);
  if (dup !== undefined) throw new OuroborosError("invalid-argument", `crossValidate: metric "${dup}" is listed twice`);
  if (!learner.capabilities.tasks.includes(task)) throw new OuroborosError("invalid-argument", `crossValidate: learner "${learner.kind}" supports ${learner.capabilities.tasks.join(" / ")} tasks, but the task is ${task}`);
  if (data.weights !== undefined && !learner.capabilities.sampleWeights) {
    throw new OuroborosError("invalid-argument", `crossValidate: the dataset has sample weights but learner "${learner.kind}" does not support them`);
  }

  const { folds, repeats, k } = makeFolds(data, n, seed, options);
  const perMetric = metrics.map(() => new Float64Array(folds.length));
  const fitMs = new Float64Array(folds.length);
  const predictMs = new Float64Array(folds.length);
  const all = new PredictionAccumulator(n);
  const byRepeat = repeats > 1 ? Array.from({ length: repeats }, () => new PredictionAccumulator(n)) : [];
  let trainRows = 0;
  let testRows = 0;

  for (let j = 0; j < folds.length; j++) {
    const fold = folds[j]!;
    const foldSeed = deriveSeed(seed, "fold", j);
    const train = selectDatasetRows(data, fold.train);
    const test = selectDatasetRows(data, fold.test);
    const t0 = performance.now();
    const model = await learner.fit(train, { ...options.fitContext, seed: foldSeed });
    const t1 = performance.now();
    const predictions = model.predict(test.x);
    const t2 = performance.now();
    fitMs[j] = t1 - t0;
    predictMs[j] = t2 - t1;
    trainRows += fold.train.length;
    testRows += fold.test.length;
    const scores: Record<string, number> = {};
    metrics.forEach((m, mi) => {
      let s: number;
      try {
        s = m.compute(test.y, predictions, test.weights);
      } catch (e) {
        if (e instanceof OuroborosError) throw new OuroborosError(e.code, `crossValidate, fold ${j}: ${e.message}`, { cause: e });
        throw e;
      }
      perMetric[mi]![j] = s;
      scores[m.name] = s;
    });
    all.add(fold.test, predictions);
    if (repeats > 1) byRepeat[Math.floor(j / k)]!.add(fold.test, predictions);
    await options.onFold?.({ index: j, repeat: repeats > 1 ? Math.floor(j / k) : 0, fold, seed: foldSeed, scores, fitMs: fitMs[j]!, predictMs: predictMs[j]!, model, predictions });
  }

  const nTrain = trainRows / folds.length;
  const nTest = testRows / folds.length;
  const results: Record<string, MetricResult> = {};
  metrics.forEach((m, mi) => {
    const summary = summarizeScores(perMetric[mi]!, nTrain, nTest, options.confidence ?? 0.95, options.correction ?? "nadeau-bengio");
    results[m.name] = { name: m.name, greaterIsBetter: m.greaterIsBetter, ...summary };
  });
  const oofByRepeat = byRepeat.map((acc) => acc.result()!);
  return {
    task,
    folds,
    repeats,
    primary: metrics[0]!.name,
    metrics: results,
    fitMs,
    predictMs,
    nTrain,
    nTest,
    oof: all.result()!,
    oofCount: all.counts,
    ...(repeats > 1 ? { oofByRepeat } : {}),
    y: data.y,
    ...(data.weights === undefined ? {} : { weights: data.weights }),
  };
}

function makeFolds(data: Dataset, n: number, seed: number, options: CrossValidateOptions): { folds: readonly Fold[]; repeats: number; k: number } {
  if (options.folds !== undefined) {
    const conflicting = (["k", "repeats", "stratify", "groups"] as const).filter((o) => options[o] !== undefined);
    if (conflicting.length > 0) throw new OuroborosError("invalid-argument", `crossValidate: give either \`folds\` or ${conflicting.map((c) => `\`${c}\``).join(", ")}, not both`);
    if (options.folds.length === 0) throw new OuroborosError("invalid-argument", "crossValidate: `folds` is empty");
    options.folds.forEach((f, j) => {
      if (f.train.length === 0 || f.test.length === 0) throw new OuroborosError("invalid-argument", `crossValidate: fold ${j} has ${f.train.length} training and ${f.test.length} test rows; both must be non-empty`);
      for (const part of [f.train, f.test]) {
        for (const i of part) if (!(i >= 0 && i < n)) throw new OuroborosError("invalid-argument", `crossValidate: fold ${j} refers to row ${i}, but the data has ${n} rows`);
      }
    });
    return { folds: options.folds, repeats: 1, k: options.folds.length };
  }
  const k = options.k ?? 5;
  const repeats = options.repeats ?? 1;
  if (options.groups !== undefined) {
    if (repeats !== 1) throw new OuroborosError("invalid-argument", `crossValidate: group k-fold is deterministic, so \`repeats\` must be 1, but got repeats=${repeats}`);
    if (options.groups.length !== n) throw new OuroborosError("invalid-argument", `crossValidate: \`groups\` has ${options.groups.length} entries but the data has ${n} rows`);
    return { folds: groupKFold(options.groups, k), repeats: 1, k };
  }
  const y = data.y;
  const stratify = options.stratify ?? y.task !== "regression";
  if (stratify) {
    if (y.task === "regression") throw new OuroborosError("invalid-argument", "crossValidate: `stratify` needs a class target, but the task is regression");
    const names = Array.from(y.labels, (l) => y.classes[l]!);
    return { folds: repeats === 1 ? stratifiedKFold(names, k, seed) : repeatedStratifiedKFold(names, k, repeats, seed), repeats, k };
  }
  return { folds: repeats === 1 ? kFold(n, k, seed) : repeatedKFold(n, k, repeats, seed), repeats, k };
}
