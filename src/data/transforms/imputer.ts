/**
 * Fills missing cells with a value learned from the training rows.
 *
 * Strategies: `median` and `mean` (numeric columns), `most-frequent` (numeric or categorical; ties go
 * to the smaller number or the first-seen category) and `constant` (`fillValue` when it is a
 * number for numeric or a string for categorical columns; else 0 and `"missing"`; a new category is
 * added when needed). With
 * `addIndicator`, every fitted column that had missing training cells gets a 0/1 companion column
 * `<name>__missing` right after it, so a model can still see where values were filled
 * (sklearn's `SimpleImputer(add_indicator=True)` behaves the same way).
 *
 * A numeric column with no training values is filled with `fillValue` (or 0); a categorical one
 * stays missing.
 */
import type { JsonValue } from "../../core/json.js";
import { OuroborosError } from "../../core/errors.js";
import { resolveParams } from "../../learners/params.js";
import { MISSING_CODE, type Column, type Table } from "../table.js";
import { checkColumnsParam, fittedColumn, fromJsonNumber, pickColumns, replaceColumns, stateArray, toJsonNumber, type FittedTransform, type Transform } from "./transform.js";

/** Hyperparameters of {@link Imputer}. */
export type ImputerParams = {
  /** How the fill value is chosen. Default `"median"`. */
  readonly strategy: "median" | "mean" | "most-frequent" | "constant";
  /** The value for `constant` (a number fills numeric, a string categorical columns). Default null: 0 and `"missing"`. */
  readonly fillValue: number | string | null;
  /** Add a `<name>__missing` 0/1 column for columns with missing training cells. Default false. */
  readonly addIndicator: boolean;
  /** Columns to impute. Default null: numeric columns for median/mean, all columns otherwise. */
  readonly columns: readonly string[] | null;
};

/** Fitted fill of one column (`fill` null = nothing to fill with). */
export type ImputedColumn = { readonly name: string; readonly kind: "numeric" | "categorical"; readonly fill: number | string | null; readonly indicator: boolean };

const DEFAULTS: ImputerParams = { strategy: "median", fillValue: null, addIndicator: false, columns: null };

/** Missing-value imputation (see the module comment). */
export class Imputer implements Transform {
  readonly kind = "imputer";
  readonly params: ImputerParams;

  constructor(params: Partial<ImputerParams> = {}) {
    this.params = resolveParams("imputer", DEFAULTS, { strategy: { type: "enum", values: ["median", "mean", "most-frequent", "constant"] }, fillValue: { type: "any" }, addIndicator: { type: "boolean" }, columns: { type: "any" } }, params);
    checkColumnsParam("imputer", this.params.columns);
    const f = this.params.fillValue;
    if (f !== null && typeof f !== "number" && typeof f !== "string") throw new OuroborosError("invalid-argument", `imputer: \`fillValue\` must be a number, a string or null, but got ${JSON.stringify(f)}`);
  }

  fit(table: Table): FittedImputer {
    const { strategy, fillValue, addIndicator, columns } = this.params;
    const numericOnly = strategy === "median" || strategy === "mean";
    const fitted = pickColumns("imputer", table, columns, numericOnly ? "numeric" : undefined).map((c): ImputedColumn => {
      const hasMissing = countMissingCells(c) > 0;
      const indicator = addIndicator && hasMissing;
      if (c.kind === "numeric") {
        const constant = typeof fillValue === "number" ? fillValue : 0;
        let fill = strategy === "constant" ? constant : strategy === "median" ? median(c.values) : strategy === "mean" ? mean(c.values) : mostFrequentNumber(c.values);
        if (Number.isNaN(fill)) fill = constant;
        return { name: c.name, kind: "numeric", fill: toJsonNumber(fill), indicator };
      }
      if (strategy === "constant") return { name: c.name, kind: "categorical", fill: typeof fillValue === "string" ? fillValue : "missing", indicator };
      const counts = new Int32Array(c.categories.length);
      for (const k of c.codes) if (k >= 0) counts[k]!++;
      let best = -1;
      for (let k = 0; k < counts.length; k++) if (counts[k]! > 0 && (best < 0 || counts[k]! > counts[best]!)) best = k;
      return { name: c.name, kind: "categorical", fill: best < 0 ? null : c.categories[best]!, indicator };
    });
    return new FittedImputer(this.params, fitted);
  }
}

/** An {@link Imputer} with fill values learned. */
export class FittedImputer implements FittedTransform {
  readonly kind = "imputer";
  constructor(
    readonly params: ImputerParams,
    readonly columns: readonly ImputedColumn[],
  ) {}

  get state(): JsonValue {
    return { columns: this.columns };
  }

  transform(table: Table): Table {
    const replacements = new Map<string, Column[]>();
    for (const f of this.columns) {
      const c = fittedColumn("imputer", table, f.name, f.kind);
      const out: Column[] = [];
      let missingMask: Float64Array | undefined;
      if (f.indicator) missingMask = new Float64Array(table.nRows);
      if (c.kind === "numeric") {
        const fill = fromJsonNumber(f.fill);
        const values = Float64Array.from(c.values);
        for (let i = 0; i < values.length; i++) {
          if (Number.isNaN(values[i]!)) {
            values[i] = fill;
            if (missingMask !== undefined) missingMask[i] = 1;
          }
        }
        out.push({ ...c, values });
      } else {
        let categories = c.categories;
        let fillCode = MISSING_CODE;
        if (typeof f.fill === "string") {
          fillCode = categories.indexOf(f.fill);
          if (fillCode < 0) {
            categories = [...categories, f.fill];
            fillCode = categories.length - 1;
          }
        }
        const codes = Int32Array.from(c.codes);
        for (let i = 0; i < codes.length; i++) {
          if (codes[i]! === MISSING_CODE) {
            codes[i] = fillCode;
            if (missingMask !== undefined) missingMask[i] = 1;
          }
        }
        out.push({ ...c, categories, codes });
      }
      if (missingMask !== undefined) out.push({ kind: "numeric", name: `${f.name}__missing`, semantic: "boolean", values: missingMask });
      replacements.set(f.name, out);
    }
    return replaceColumns(table, replacements);
  }

  /** Rebuilds a fitted imputer from {@link FittedImputer.state}. */
  static load(params: Partial<ImputerParams>, state: JsonValue): FittedImputer {
    return new FittedImputer(new Imputer(params).params, stateArray("imputer", state, "columns") as readonly ImputedColumn[]);
  }
}

function countMissingCells(c: Column): number {
  let m = 0;
  if (c.kind === "numeric") for (const v of c.values) m += Number.isNaN(v) ? 1 : 0;
  else for (const k of c.codes) m += k === MISSING_CODE ? 1 : 0;
  return m;
}

function present(values: Float64Array): Float64Array {
  return values.filter((v) => !Number.isNaN(v));
}

/** Median of the non-missing values (NaN when none). */
export function median(values: Float64Array): number {
  const v = present(values).sort();
  if (v.length === 0) return Number.NaN;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

function mean(values: Float64Array): number {
  const v = present(values);
  let s = 0;
  for (const x of v) s += x;
  return v.length === 0 ? Number.NaN : s / v.length;
}

function mostFrequentNumber(values: Float64Array): number {
  const v = present(values).sort();
  let best = Number.NaN;
  let bestCount = 0;
  for (let i = 0; i < v.length; ) {
    let j = i;
    while (j < v.length && v[j] === v[i]) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      best = v[i]!;
    }
    i = j;
  }
  return best;
}
