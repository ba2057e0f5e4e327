/**
 * Histogram binning shared by every tree learner (gradient boosting, random forest, extra trees):
 * each feature is cut into at most 255 bins so a row fits in one byte per feature, and split finding
 * scans bins instead of sorted values (the "hist" method of LightGBM, Ke et al. 2017, and XGBoost).
 *
 * Numeric features: bin edges at distinct quantiles of the training values (a feature with fewer
 * distinct values than bins gets one bin per value, with edges at midpoints). Categorical features:
 * one bin per category (the most frequent 254 when there are more; the rest share the last bin).
 * Missing values (NaN, code -1, unseen categories) go to {@link MISSING_BIN}, which split finding
 * sends left or right, whichever gains more (native missing-value handling).
 */
import { alignToSchema, tableSchema, type ColumnSchema, type Table } from "../../data/table.js";

/** The bin of a missing value. Real bins are 0..nBins-1 ≤ 254. */
export const MISSING_BIN = 255;

/** Per-feature binning. */
export type FeatureBins =
  /** Value v goes to the first bin b with v ≤ upper[b]; the last bin is open above. */
  | { readonly kind: "numeric"; readonly name: string; readonly upper: readonly number[] }
  /** Category code k goes to bin `binOf[k]`. */
  | { readonly kind: "categorical"; readonly name: string; readonly binOf: readonly number[]; readonly nBins: number };

/** A fitted binner (JSON-serialisable). */
export interface Binner {
  readonly schema: readonly ColumnSchema[];
  readonly features: readonly FeatureBins[];
}

/** Binned rows: `bins[row * nFeatures + feature]`. */
export interface BinnedMatrix {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly bins: Uint8Array;
}

/** Number of real (non-missing) bins of a feature. */
export function binCount(f: FeatureBins): number {
  return f.kind === "numeric" ? f.upper.length + 1 : f.nBins;
}

/**
 * Fits bin edges on the training table. `maxBins` ≤ 255 (default 255); `sampleRows` caps the rows
 * read for quantiles (default 200 000, taken evenly spaced so the result is deterministic).
 */
export function fitBinner(table: Table, maxBins = 255, sampleRows = 200_000): Binner {
  const nb = Math.max(2, Math.min(255, Math.floor(maxBins)));
  const stride = Math.max(1, Math.floor(table.nRows / sampleRows));
  const features = table.columns.map((c): FeatureBins => {
    if (c.kind === "numeric") {
      const vals: number[] = [];
      for (let i = 0; i < c.values.length; i += stride) {
        const v = c.values[i]!;
        if (!Number.isNaN(v)) vals.push(v);
      }
      vals.sort((a, b) => a - b);
      const distinct: number[] = [];
      for (const v of vals) if (distinct.length === 0 || distinct[distinct.length - 1] !== v) distinct.push(v);
      const upper: number[] = [];
      if (distinct.length <= nb) {
        for (let i = 0; i + 1 < distinct.length; i++) upper.push((distinct[i]! + distinct[i + 1]!) / 2);
      } else {
        for (let b = 1; b < nb; b++) {
          const q = vals[Math.min(vals.length - 1, Math.floor((b * vals.length) / nb))]!;
          // Cut just above the quantile value, midway to the next distinct value, so ties stay together.
          const pos = upperBound(distinct, q);
          const edge = pos < distinct.length ? (q + distinct[pos]!) / 2 : q;
          if (pos < distinct.length && (upper.length === 0 || edge > upper[upper.length - 1]!)) upper.push(edge);
        }
      }
      return { kind: "numeric", name: c.name, upper };
    }
    const counts = new Array<number>(c.categories.length).fill(0);
    for (const k of c.codes) if (k >= 0) counts[k]!++;
    const order = counts.map((n, k) => [n, k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    const binOf = new Array<number>(c.categories.length).fill(nb - 1);
    const own = Math.min(order.length, nb - 1 + (order.length <= nb ? 1 : 0));
    order.slice(0, own).forEach(([, k], i) => (binOf[k] = i));
    return { kind: "categorical", name: c.name, binOf, nBins: Math.max(1, Math.min(nb, order.length)) };
  });
  return { schema: tableSchema(table), features };
}

/** Index of the first element > x in a sorted array. */
function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bins a table (aligned to the training schema by name) into a row-major byte matrix. */
export function applyBinner(binner: Binner, table: Table): BinnedMatrix {
  const x = alignToSchema(table, binner.schema);
  const n = x.nRows;
  const p = binner.features.length;
  const bins = new Uint8Array(n * p);
  binner.features.forEach((f, j) => {
    const c = x.columns[j]!;
    if (f.kind === "numeric" && c.kind === "numeric") {
      const upper = f.upper;
      for (let i = 0; i < n; i++) {
        const v = c.values[i]!;
        if (Number.isNaN(v)) {
          bins[i * p + j] = MISSING_BIN;
          continue;
        }
        let lo = 0;
        let hi = upper.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (v <= upper[mid]!) hi = mid;
          else lo = mid + 1;
        }
        bins[i * p + j] = lo;
      }
    } else if (f.kind === "categorical" && c.kind === "categorical") {
      for (let i = 0; i < n; i++) {
        const k = c.codes[i]!;
        bins[i * p + j] = k >= 0 && k < f.binOf.length ? f.binOf[k]! : MISSING_BIN;
      }
    }
  });
  return { nRows: n, nFeatures: p, bins };
}

/** The numeric threshold a split "bin ≤ b goes left" stands for (for export and readable trees). */
export function binThreshold(f: FeatureBins, b: number): number {
  return f.kind === "numeric" ? (f.upper[b] ?? Infinity) : b;
}
