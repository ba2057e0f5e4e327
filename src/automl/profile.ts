/**
 * The data profile the improvement loop starts from: task, size, column kinds, class balance and
 * missingness, plus simple meta-features (Brazdil et al. 2009, "Metalearning"; the auto-sklearn
 * set, Feurer et al. 2015) recorded with the run so later runs can warm-start from similar data.
 */
import type { Dataset, Task } from "../data/dataset.js";

/** What the loop knows about a dataset before training anything. */
export interface DataProfile {
  readonly task: Task;
  readonly nRows: number;
  readonly nFeatures: number;
  readonly nNumeric: number;
  readonly nCategorical: number;
  /** Fraction of feature cells that are missing. */
  readonly missingFraction: number;
  /** Columns with at least one missing cell. */
  readonly columnsWithMissing: readonly string[];
  /** Class names and counts (classification only). */
  readonly classCounts?: Readonly<Record<string, number>>;
  /** Smallest class count ÷ largest (1 = balanced; classification only). */
  readonly classBalance?: number;
  /** Meta-features (log sizes, dimensionality, class entropy, mean categorical cardinality …). */
  readonly metaFeatures: Readonly<Record<string, number>>;
}

/** Profiles a dataset (features and target). */
export function profileDataset(d: Dataset): DataProfile {
  const n = d.x.nRows;
  let missing = 0;
  let nNumeric = 0;
  let nCategorical = 0;
  let cardinality = 0;
  const columnsWithMissing: string[] = [];
  for (const c of d.x.columns) {
    let m = 0;
    if (c.kind === "numeric") {
      nNumeric++;
      for (const v of c.values) if (Number.isNaN(v)) m++;
    } else {
      nCategorical++;
      cardinality += c.categories.length;
      for (const k of c.codes) if (k < 0) m++;
    }
    missing += m;
    if (m > 0) columnsWithMissing.push(c.name);
  }
  const p = d.x.columns.length;
  const meta: Record<string, number> = {
    logRows: Math.log(Math.max(1, n)),
    logFeatures: Math.log(Math.max(1, p)),
    dimensionality: p / Math.max(1, n),
    fractionCategorical: p === 0 ? 0 : nCategorical / p,
    meanCardinality: nCategorical === 0 ? 0 : cardinality / nCategorical,
    missingFraction: n * p === 0 ? 0 : missing / (n * p),
  };
  const base = { task: d.y.task, nRows: n, nFeatures: p, nNumeric, nCategorical, missingFraction: meta.missingFraction!, columnsWithMissing };
  if (d.y.task === "regression") {
    const v = d.y.values;
    const mean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length));
    meta.targetSd = sd;
    return { ...base, metaFeatures: meta };
  }
  const counts = new Array<number>(d.y.classes.length).fill(0);
  for (const l of d.y.labels) counts[l]!++;
  const classCounts: Record<string, number> = {};
  d.y.classes.forEach((c, i) => (classCounts[c] = counts[i]!));
  const nonzero = counts.filter((c) => c > 0);
  meta.nClasses = d.y.classes.length;
  meta.classEntropy = -nonzero.reduce((s, c) => s + (c / n) * Math.log(c / n), 0);
  const classBalance = nonzero.length === 0 ? 1 : Math.min(...nonzero) / Math.max(...nonzero);
  meta.classBalance = classBalance;
  return { ...base, classCounts, classBalance, metaFeatures: meta };
}
