/**
 * The datasets of the learner benchmark and the one set of folds both sides use: each bundled CSV is
 * loaded with `loadCsvDataset`, optionally cut to a seeded subsample (`--quick`), split into seeded
 * 5-fold CV (stratified for classes), and written as the JSON job `anchors.py` reads, so scikit-learn
 * and XGBoost see exactly our rows, columns and folds.
 */
import { fileURLToPath } from "node:url";
import { Random } from "../../src/core/rng.js";
import { selectDatasetRows, type Dataset, type Task } from "../../src/data/dataset.js";
import { loadCsvDataset } from "../../src/data/load-dataset.js";
import { kFold, stratifiedKFold, type Fold } from "../../src/data/splits.js";

const DATA = fileURLToPath(new URL("../../data/", import.meta.url));

/** A bundled dataset of the benchmark: file stem and target column. */
export interface DatasetSpec {
  readonly name: string;
  readonly target: string;
}

/** The four datasets of issue 3, in report order. */
export const DATASETS: readonly DatasetSpec[] = [
  { name: "breast_cancer", target: "target" },
  { name: "digits", target: "target" },
  { name: "wa_churn", target: "churn" },
  { name: "ames", target: "Sale_Price" },
];

/** A dataset ready for both sides. */
export interface BenchData {
  readonly name: string;
  readonly task: Task;
  /** `accuracy` for classes, `rmse` for regression. */
  readonly metric: "accuracy" | "rmse";
  readonly data: Dataset;
  readonly folds: readonly Fold[];
  readonly nFeatures: number;
  readonly nCategorical: number;
  /** Mean training and test rows per fold (for the Nadeau–Bengio correction). */
  readonly nTrain: number;
  readonly nTest: number;
}

/**
 * Loads `spec`, subsamples to at most `maxRows` rows (seeded; all rows when undefined), and makes
 * `k` folds with `seed` (stratified k-fold for class targets, shuffled k-fold for regression).
 */
export function loadBenchData(spec: DatasetSpec, options: { readonly k: number; readonly seed: number; readonly maxRows?: number | undefined }): BenchData {
  const loaded = loadCsvDataset(`${DATA}${spec.name}.csv`, { target: spec.target });
  let data = loaded.dataset;
  if (options.maxRows !== undefined && data.x.nRows > options.maxRows) {
    const order = new Random(options.seed).shuffle(Array.from({ length: data.x.nRows }, (_, i) => i));
    data = selectDatasetRows(data, order.slice(0, options.maxRows).sort((a, b) => a - b));
  }
  const y = data.y;
  const folds = y.task === "regression" ? kFold(data.x.nRows, options.k, options.seed) : stratifiedKFold(y.labels, options.k, options.seed);
  let nTrain = 0;
  let nTest = 0;
  for (const f of folds) {
    nTrain += f.train.length / folds.length;
    nTest += f.test.length / folds.length;
  }
  return {
    name: spec.name,
    task: y.task,
    metric: y.task === "regression" ? "rmse" : "accuracy",
    data,
    folds,
    nFeatures: data.x.columns.length,
    nCategorical: data.x.columns.filter((c) => c.kind === "categorical").length,
    nTrain,
    nTest,
  };
}

/**
 * The `anchors.py` job for `models`: one list per feature column (numbers, or category codes, with
 * `null` for missing since JSON has no NaN), the categorical column indices, the target (class codes
 * or values), the folds, and how often to repeat each fit (the fastest time is kept).
 */
export function anchorJob(b: BenchData, models: readonly string[], repeats = 1): Record<string, unknown> {
  const columns = b.data.x.columns.map((c) =>
    c.kind === "numeric" ? Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)) : Array.from(c.codes, (v) => (v < 0 ? null : v)),
  );
  const cat: number[] = [];
  b.data.x.columns.forEach((c, j) => {
    if (c.kind === "categorical") cat.push(j);
  });
  const y = b.data.y;
  return {
    task: b.task,
    columns,
    cat,
    y: y.task === "regression" ? Array.from(y.values) : Array.from(y.labels),
    folds: b.folds.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) })),
    models,
    threads: 1,
    repeats,
  };
}
