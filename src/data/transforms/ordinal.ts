/**
 * Ordinal encoding: each categorical column becomes one numeric column (same name) holding the
 * category's position in a fitted order. Useful for tree learners, which split on the positions, and
 * for categories with a natural order given explicitly (`categories: {size: ["S", "M", "L"]}`).
 *
 * Order when not given: `lexical` (sorted labels, numerically when all labels are numbers),
 * `frequency` (most frequent first) or `first-seen`. A missing cell stays missing (NaN); an unseen
 * category becomes `unknownValue` (default NaN, i.e. missing).
 */
import type { JsonValue } from "../../core/json.js";
import { OuroborosError } from "../../core/errors.js";
import { resolveParams } from "../../learners/params.js";
import type { Column, Table } from "../table.js";
import { checkColumnsParam, fittedCodes, fittedColumn, fromJsonNumber, pickColumns, replaceColumns, stateArray, type FittedTransform, type Transform } from "./transform.js";

/** Hyperparameters of {@link OrdinalEncoder}. */
export type OrdinalParams = {
  /** Order of categories not listed in `categories`. Default `"lexical"`. */
  readonly order: "lexical" | "frequency" | "first-seen";
  /** Explicit order per column; training categories not listed are an error. Default null. */
  readonly categories: { readonly [column: string]: readonly string[] } | null;
  /** Output for a category unseen in training. Default null (NaN, missing). */
  readonly unknownValue: number | null;
  /** Columns to encode. Default null: every categorical column. */
  readonly columns: readonly string[] | null;
};

/** Fitted order of one column. */
export type OrdinalColumn = { readonly name: string; readonly categories: readonly string[] };

const DEFAULTS: OrdinalParams = { order: "lexical", categories: null, unknownValue: null, columns: null };

/** Ordinal encoder (see the module comment). */
export class OrdinalEncoder implements Transform {
  readonly kind = "ordinal";
  readonly params: OrdinalParams;

  constructor(params: Partial<OrdinalParams> = {}) {
    this.params = resolveParams("ordinal", DEFAULTS, { order: { type: "enum", values: ["lexical", "frequency", "first-seen"] }, categories: { type: "any" }, unknownValue: { type: "any" }, columns: { type: "any" } }, params);
    checkColumnsParam("ordinal", this.params.columns);
    const u = this.params.unknownValue;
    if (u !== null && typeof u !== "number") throw new OuroborosError("invalid-argument", `ordinal: \`unknownValue\` must be a number or null, but got ${JSON.stringify(u)}`);
  }

  fit(table: Table): FittedOrdinal {
    const { order, categories: explicit } = this.params;
    const fitted = pickColumns("ordinal", table, this.params.columns, "categorical").map((c): OrdinalColumn => {
      const counts = new Int32Array(c.categories.length);
      for (const k of c.codes) if (k >= 0) counts[k]!++;
      const seen = [...counts.keys()].filter((k) => counts[k]! > 0);
      const given = explicit?.[c.name];
      if (given !== undefined) {
        const missingFromOrder = seen.map((k) => c.categories[k]!).filter((v) => !given.includes(v));
        if (missingFromOrder.length > 0) {
          throw new OuroborosError("invalid-data", `ordinal: column "${c.name}" has categories not in the given order: ${missingFromOrder.slice(0, 10).join(", ")}`);
        }
        return { name: c.name, categories: [...given] };
      }
      if (order === "frequency") seen.sort((a, b) => counts[b]! - counts[a]! || a - b);
      let labels = seen.map((k) => c.categories[k]!);
      if (order === "lexical") labels = sortLabels(labels);
      return { name: c.name, categories: labels };
    });
    return new FittedOrdinal(this.params, fitted);
  }
}

/** An {@link OrdinalEncoder} with its orders learned. */
export class FittedOrdinal implements FittedTransform {
  readonly kind = "ordinal";
  constructor(
    readonly params: OrdinalParams,
    readonly columns: readonly OrdinalColumn[],
  ) {}

  get state(): JsonValue {
    return { columns: this.columns };
  }

  transform(table: Table): Table {
    const unknown = fromJsonNumber(this.params.unknownValue);
    const replacements = new Map<string, Column[]>();
    for (const f of this.columns) {
      const c = fittedColumn("ordinal", table, f.name, "categorical");
      const codes = fittedCodes(c, f.categories);
      const values = new Float64Array(table.nRows);
      for (let i = 0; i < values.length; i++) {
        const k = codes[i]!;
        values[i] = k >= 0 ? k : k === -1 ? Number.NaN : unknown;
      }
      replacements.set(f.name, [{ kind: "numeric", name: f.name, semantic: "numeric", values }]);
    }
    return replaceColumns(table, replacements);
  }

  /** Rebuilds a fitted encoder from {@link FittedOrdinal.state}. */
  static load(params: Partial<OrdinalParams>, state: JsonValue): FittedOrdinal {
    return new FittedOrdinal(new OrdinalEncoder(params).params, stateArray("ordinal", state, "columns") as readonly OrdinalColumn[]);
  }
}

function sortLabels(labels: string[]): string[] {
  const numeric = labels.every((v) => v.trim() !== "" && Number.isFinite(Number(v)));
  return labels.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
