/**
 * Standardisation of numeric columns: `(x − mean) / sd`, with the mean and the (population)
 * standard deviation of the training rows' non-missing values. Missing cells stay missing; a
 * constant column gets scale 1 so it maps to zeros rather than dividing by zero.
 */
import type { JsonValue } from "../../core/json.js";
import { resolveParams } from "../../learners/params.js";
import type { Column, Table } from "../table.js";
import { checkColumnsParam, fittedColumn, pickColumns, replaceColumns, stateArray, type FittedTransform, type Transform } from "./transform.js";

/** Hyperparameters of {@link StandardScaler}. */
export type StandardScalerParams = {
  /** Subtract the mean. Default true. */
  readonly withMean: boolean;
  /** Divide by the standard deviation. Default true. */
  readonly withStd: boolean;
  /** Columns to scale. Default null: every numeric column. */
  readonly columns: readonly string[] | null;
};

/** Fitted shift and scale of one column. */
export type ScaledColumn = { readonly name: string; readonly mean: number; readonly scale: number };

const DEFAULTS: StandardScalerParams = { withMean: true, withStd: true, columns: null };

/** Standard scaler (see the module comment). */
export class StandardScaler implements Transform {
  readonly kind = "standard-scaler";
  readonly params: StandardScalerParams;

  constructor(params: Partial<StandardScalerParams> = {}) {
    this.params = resolveParams("standard-scaler", DEFAULTS, { withMean: { type: "boolean" }, withStd: { type: "boolean" }, columns: { type: "any" } }, params);
    checkColumnsParam("standard-scaler", this.params.columns);
  }

  fit(table: Table): FittedStandardScaler {
    const columns = pickColumns("standard-scaler", table, this.params.columns, "numeric").map((c): ScaledColumn => {
      let n = 0;
      let sum = 0;
      for (const v of c.values) {
        if (Number.isNaN(v)) continue;
        n++;
        sum += v;
      }
      const mean = n > 0 ? sum / n : 0;
      let ss = 0;
      for (const v of c.values) if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
      const sd = n > 0 ? Math.sqrt(ss / n) : 0;
      return { name: c.name, mean: this.params.withMean ? mean : 0, scale: this.params.withStd && sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1 };
    });
    return new FittedStandardScaler(this.params, columns);
  }
}

/** A {@link StandardScaler} with means and scales learned. */
export class FittedStandardScaler implements FittedTransform {
  readonly kind = "standard-scaler";
  constructor(
    readonly params: StandardScalerParams,
    readonly columns: readonly ScaledColumn[],
  ) {}

  get state(): JsonValue {
    return { columns: this.columns };
  }

  transform(table: Table): Table {
    const replacements = new Map<string, Column[]>();
    for (const f of this.columns) {
      const c = fittedColumn("standard-scaler", table, f.name, "numeric");
      const values = new Float64Array(c.values.length);
      for (let i = 0; i < values.length; i++) values[i] = (c.values[i]! - f.mean) / f.scale;
      replacements.set(f.name, [{ ...c, semantic: "numeric", values }]);
    }
    return replaceColumns(table, replacements);
  }

  /** Rebuilds a fitted scaler from {@link FittedStandardScaler.state}. */
  static load(params: Partial<StandardScalerParams>, state: JsonValue): FittedStandardScaler {
    return new FittedStandardScaler(new StandardScaler(params).params, stateArray("standard-scaler", state, "columns") as readonly ScaledColumn[]);
  }
}
