/**
 * One-hot encoding of categorical columns: each kept training category becomes a 0/1 numeric column
 * `<name>=<category>`, in the column's category order.
 *
 * Categories seen fewer than `minFrequency` times in training (a count, or a fraction of the rows
 * when below 1), and those beyond the `maxCategories` most frequent, share one rare bucket
 * `<name>=__rare__`; this keeps the width bounded and gives rare levels pooled evidence (as in
 * sklearn's `OneHotEncoder(min_frequency=…)`). A category never seen in training goes to the rare
 * bucket when there is one and `handleUnknown` is `"rare"`; otherwise it encodes as all zeros. A
 * missing cell encodes as all zeros.
 */
import type { JsonValue } from "../../core/json.js";
import { resolveParams } from "../../learners/params.js";
import type { Column, Table } from "../table.js";
import { checkColumnsParam, fittedCodes, fittedColumn, pickColumns, replaceColumns, stateArray, type FittedTransform, type Transform } from "./transform.js";

/** Hyperparameters of {@link OneHotEncoder}. */
export type OneHotParams = {
  /** Categories rarer than this (count ≥ 1, or fraction of rows < 1) go to the rare bucket. Default 1 (none). */
  readonly minFrequency: number;
  /** Keep at most this many categories per column, the most frequent. Default null (no limit). */
  readonly maxCategories: number | null;
  /** Unseen categories at transform time: `"rare"` (the rare bucket, if any) or `"zeros"`. Default `"rare"`. */
  readonly handleUnknown: "rare" | "zeros";
  /** Columns to encode. Default null: every categorical column. */
  readonly columns: readonly string[] | null;
};

/** Fitted encoding of one column: kept categories and whether a rare bucket exists. */
export type OneHotColumn = { readonly name: string; readonly categories: readonly string[]; readonly rare: readonly string[] };

const DEFAULTS: OneHotParams = { minFrequency: 1, maxCategories: null, handleUnknown: "rare", columns: null };

/** Name of the shared column of rare (and, by default, unseen) categories. */
export const RARE_CATEGORY = "__rare__";

/** One-hot encoder with rare-category bucketing (see the module comment). */
export class OneHotEncoder implements Transform {
  readonly kind = "one-hot";
  readonly params: OneHotParams;

  constructor(params: Partial<OneHotParams> = {}) {
    this.params = resolveParams("one-hot", DEFAULTS, { minFrequency: { type: "number", min: 0, exclusiveMin: true }, maxCategories: { type: "any" }, handleUnknown: { type: "enum", values: ["rare", "zeros"] }, columns: { type: "any" } }, params);
    checkColumnsParam("one-hot", this.params.columns);
    const m = this.params.maxCategories;
    if (m !== null) resolveParams("one-hot", { maxCategories: 1 }, { maxCategories: { type: "number", integer: true, min: 1 } }, { maxCategories: m });
  }

  fit(table: Table): FittedOneHot {
    const { minFrequency, maxCategories, columns } = this.params;
    const minCount = minFrequency < 1 ? Math.ceil(minFrequency * table.nRows) : minFrequency;
    const fitted = pickColumns("one-hot", table, columns, "categorical").map((c): OneHotColumn => {
      const counts = new Int32Array(c.categories.length);
      for (const k of c.codes) if (k >= 0) counts[k]!++;
      const seen = [...counts.keys()].filter((k) => counts[k]! > 0);
      const byCount = [...seen].sort((a, b) => counts[b]! - counts[a]! || a - b);
      const keep = new Set(byCount.filter((k, rank) => counts[k]! >= minCount && (maxCategories === null || rank < maxCategories)));
      return {
        name: c.name,
        categories: seen.filter((k) => keep.has(k)).map((k) => c.categories[k]!),
        rare: seen.filter((k) => !keep.has(k)).map((k) => c.categories[k]!),
      };
    });
    return new FittedOneHot(this.params, fitted);
  }
}

/** A {@link OneHotEncoder} with its categories learned. */
export class FittedOneHot implements FittedTransform {
  readonly kind = "one-hot";
  constructor(
    readonly params: OneHotParams,
    readonly columns: readonly OneHotColumn[],
  ) {}

  get state(): JsonValue {
    return { columns: this.columns };
  }

  /** Names of the output columns, in order, per encoded column. */
  outputNames(column: OneHotColumn): string[] {
    const names = column.categories.map((v) => `${column.name}=${v}`);
    if (column.rare.length > 0) names.push(`${column.name}=${RARE_CATEGORY}`);
    return names;
  }

  transform(table: Table): Table {
    const n = table.nRows;
    const replacements = new Map<string, Column[]>();
    for (const f of this.columns) {
      const c = fittedColumn("one-hot", table, f.name, "categorical");
      const hasRare = f.rare.length > 0;
      const all = [...f.categories, ...f.rare];
      const codes = fittedCodes(c, all);
      const width = f.categories.length + (hasRare ? 1 : 0);
      const unknownSlot = hasRare && this.params.handleUnknown === "rare" ? f.categories.length : -1;
      const outputs = Array.from({ length: width }, () => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const k = codes[i]!;
        const slot = k === -1 ? -1 : k === -2 ? unknownSlot : Math.min(k, f.categories.length);
        if (slot >= 0) outputs[slot]![i] = 1;
      }
      const names = this.outputNames(f);
      replacements.set(
        f.name,
        outputs.map((values, j): Column => ({ kind: "numeric", name: names[j]!, semantic: "boolean", values })),
      );
    }
    return replaceColumns(table, replacements);
  }

  /** Rebuilds a fitted encoder from {@link FittedOneHot.state}. */
  static load(params: Partial<OneHotParams>, state: JsonValue): FittedOneHot {
    return new FittedOneHot(new OneHotEncoder(params).params, stateArray("one-hot", state, "columns") as readonly OneHotColumn[]);
  }
}
