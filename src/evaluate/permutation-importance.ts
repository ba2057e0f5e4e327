/**
 * Permutation feature importance: how much a fitted model's score drops when one column's values
 * are shuffled, breaking its link to the target while keeping its distribution.
 */
import { OuroborosError } from "../core/errors.js";
import { deriveSeed, Random } from "../core/rng.js";
import type { Dataset } from "../data/dataset.js";
import type { Column, Table } from "../data/table.js";
import type { Model } from "../learners/learner.js";
import { standardDeviation } from "../numeric/stats.js";
import { defaultMetric, type Metric, resolveMetric } from "./metrics/registry.js";

/** Options of {@link permutationImportance}. */
export interface PermutationImportanceOptions {
  /** Metric by name or object. Default: the task's default metric. */
  readonly metric?: string | Metric;
  /** Shuffles per column. Default 5. */
  readonly nRepeats?: number;
  /** Default 0. */
  readonly seed?: number;
  /** Columns to permute. Default: every column of `data.x`. */
  readonly columns?: readonly string[];
}

/** Importance of one column. */
export interface FeatureImportance {
  readonly name: string;
  /** Mean score drop over the repeats (positive = the model relies on the column). */
  readonly mean: number;
  /** Population standard deviation of the drops (NumPy's default, as scikit-learn reports). */
  readonly sd: number;
  /** The drop of each repeat. */
  readonly drops: Float64Array;
}

/** The outcome of {@link permutationImportance}. */
export interface PermutationImportanceResult {
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  /** Score on the unpermuted data. */
  readonly baseline: number;
  /** One entry per permuted column, in `data.x` (or `columns`) order. */
  readonly features: readonly FeatureImportance[];
}

/**
 * Permutation importance of each column on held-out `data` (scikit-learn's `permutation_importance`
 * semantics).
 *
 * The model is scored once on `data`; then, for each column and each of `nRepeats` seeded shuffles
 * of that column alone (missing cells move with their values), it is scored again. The drop is
 * baseline − permuted for scores and permuted − baseline for losses, so a positive importance
 * always means the score got worse without the column. Sample weights of `data` are used when
 * scoring. Use data the model was not fitted on, or importances reflect overfitting.
 * @see L. Breiman, "Random forests", Machine Learning 45 (2001); A. Fisher, C. Rudin, F. Dominici,
 *   "All models are wrong, but many are useful", JMLR 20 (2019).
 */
export function permutationImportance(model: Model, data: Dataset, options: PermutationImportanceOptions = {}): PermutationImportanceResult {
  const metric = resolveMetric(options.metric ?? defaultMetric(data.y.task), data.y.task);
  const nRepeats = options.nRepeats ?? 5;
  if (!Number.isInteger(nRepeats) || nRepeats < 1) throw new OuroborosError("invalid-argument", `permutationImportance: \`nRepeats\` must be an integer ≥ 1, but got nRepeats=${nRepeats}`);
  const seed = options.seed ?? 0;
  const names = options.columns ?? data.x.columns.map((c) => c.name);
  const score = (x: Table): number => metric.compute(data.y, model.predict(x), data.weights);
  const baseline = score(data.x);
  const sign = metric.greaterIsBetter ? 1 : -1;
  const n = data.x.nRows;
  const features = names.map((name): FeatureImportance => {
    const index = data.x.columns.findIndex((c) => c.name === name);
    if (index < 0) throw new OuroborosError("invalid-argument", `permutationImportance: no column "${name}"; the data has ${data.x.columns.map((c) => c.name).join(", ")}`);
    const column = data.x.columns[index]!;
    const rng = new Random(deriveSeed(seed, "permutation", name));
    const order = Array.from({ length: n }, (_, i) => i);
    const drops = new Float64Array(nRepeats);
    for (let r = 0; r < nRepeats; r++) {
      rng.shuffle(order);
      const columns = data.x.columns.slice();
      columns[index] = permuted(column, order);
      drops[r] = sign * (baseline - score({ nRows: n, columns }));
    }
    return { name, mean: drops.reduce((a, b) => a + b, 0) / nRepeats, sd: standardDeviation(drops, 0), drops };
  });
  return { metric: metric.name, greaterIsBetter: metric.greaterIsBetter, baseline, features };
}

function permuted(c: Column, order: readonly number[]): Column {
  if (c.kind === "numeric") return { ...c, values: Float64Array.from(order, (i) => c.values[i]!) };
  return { ...c, codes: Int32Array.from(order, (i) => c.codes[i]!) };
}
