/**
 * Turns a mixed table into a dense numeric matrix for learners that need one (linear models, kNN,
 * naive Bayes, neural networks): numeric columns are median-imputed (with an optional missing
 * indicator) and optionally standardised; categorical columns are one-hot encoded, categories seen
 * fewer than `minFrequency` times share one "rare" column, and missing or unseen categories encode
 * as all zeros. Fitted on training rows only; the fitted state is plain JSON.
 */
import { OuroborosError } from "../core/errors.js";
import { alignToSchema, tableSchema, type ColumnSchema, type Table } from "./table.js";

/** Options of {@link fitNumericEncoder}. */
export interface NumericEncoderOptions {
  /** Subtract the mean and divide by the standard deviation of numeric columns. Default true. */
  readonly standardize?: boolean;
  /** Add a 0/1 column per numeric column that had missing cells in training. Default true. */
  readonly missingIndicator?: boolean;
  /** Categories seen fewer times than this are bucketed into one rare column. Default 1 (none). */
  readonly minFrequency?: number;
  /** Categorical columns with more distinct categories than this keep only the most frequent. Default 100. */
  readonly maxCategories?: number;
}

/** Per-column fitted state. */
export type EncodedColumn =
  | { readonly kind: "numeric"; readonly name: string; readonly fill: number; readonly mean: number; readonly scale: number; readonly indicator: boolean }
  | { readonly kind: "categorical"; readonly name: string; readonly slots: readonly number[]; readonly width: number; readonly rareSlot: number };

/** A fitted encoder (JSON-serialisable). */
export interface NumericEncoderState {
  readonly schema: readonly ColumnSchema[];
  readonly columns: readonly EncodedColumn[];
  readonly featureNames: readonly string[];
}

/** Fits the encoder on a training table. */
export function fitNumericEncoder(table: Table, options: NumericEncoderOptions = {}): NumericEncoderState {
  const standardize = options.standardize ?? true;
  const useIndicator = options.missingIndicator ?? true;
  const minFrequency = options.minFrequency ?? 1;
  const maxCategories = options.maxCategories ?? 100;
  const columns: EncodedColumn[] = [];
  const names: string[] = [];
  for (const c of table.columns) {
    if (c.kind === "numeric") {
      const present = Array.from(c.values).filter((v) => !Number.isNaN(v));
      if (present.length === 0) throw new OuroborosError("invalid-data", `column "${c.name}" has no values in the training rows`);
      present.sort((a, b) => a - b);
      const mid = present.length >> 1;
      const fill = present.length % 2 === 1 ? present[mid]! : (present[mid - 1]! + present[mid]!) / 2;
      let mean = 0;
      let scale = 1;
      if (standardize) {
        let s = 0;
        for (let i = 0; i < c.values.length; i++) s += Number.isNaN(c.values[i]!) ? fill : c.values[i]!;
        mean = s / c.values.length;
        let ss = 0;
        for (let i = 0; i < c.values.length; i++) {
          const d = (Number.isNaN(c.values[i]!) ? fill : c.values[i]!) - mean;
          ss += d * d;
        }
        const sd = Math.sqrt(ss / c.values.length);
        scale = sd > 1e-12 ? sd : 1;
      }
      const indicator = useIndicator && present.length < c.values.length;
      columns.push({ kind: "numeric", name: c.name, fill, mean, scale, indicator });
      names.push(c.name);
      if (indicator) names.push(`${c.name}__missing`);
    } else {
      const counts = new Array<number>(c.categories.length).fill(0);
      for (const k of c.codes) if (k >= 0) counts[k]!++;
      const order = counts.map((n, k) => [n, k] as const).filter(([n]) => n > 0).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      const kept = order.filter(([n], rank) => n >= minFrequency && rank < maxCategories).map(([, k]) => k).sort((a, b) => a - b);
      const slots = new Array<number>(c.categories.length).fill(-1);
      kept.forEach((k, i) => (slots[k] = i));
      const hasRare = kept.length < order.length;
      const rareSlot = hasRare ? kept.length : -1;
      if (hasRare) for (const [, k] of order) if (slots[k] === -1) slots[k] = rareSlot;
      const width = kept.length + (hasRare ? 1 : 0);
      columns.push({ kind: "categorical", name: c.name, slots, width, rareSlot });
      for (const k of kept) names.push(`${c.name}=${c.categories[k]!}`);
      if (hasRare) names.push(`${c.name}=__rare`);
    }
  }
  return { schema: tableSchema(table), columns, featureNames: names };
}

/** Encodes a table (aligned to the training schema by name) into a row-major `nRows × nFeatures` matrix. */
export function encodeNumeric(state: NumericEncoderState, table: Table): Float64Array {
  const x = alignToSchema(table, state.schema);
  const p = state.featureNames.length;
  const n = x.nRows;
  const out = new Float64Array(n * p);
  let offset = 0;
  state.columns.forEach((enc, j) => {
    const c = x.columns[j]!;
    if (enc.kind === "numeric" && c.kind === "numeric") {
      for (let i = 0; i < n; i++) {
        const v = c.values[i]!;
        const missing = Number.isNaN(v);
        out[i * p + offset] = ((missing ? enc.fill : v) - enc.mean) / enc.scale;
        if (enc.indicator) out[i * p + offset + 1] = missing ? 1 : 0;
      }
      offset += enc.indicator ? 2 : 1;
    } else if (enc.kind === "categorical" && c.kind === "categorical") {
      for (let i = 0; i < n; i++) {
        const k = c.codes[i]!;
        const slot = k >= 0 ? enc.slots[k]! : -1;
        if (slot >= 0) out[i * p + offset + slot] = 1;
      }
      offset += enc.width;
    }
  });
  return out;
}
