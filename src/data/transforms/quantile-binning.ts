/**
 * Discretisation of numeric columns into `nBins` bins; each value is replaced by its bin index
 * (0 … bins−1) in a numeric column of the same name, and missing cells stay missing.
 *
 * Edges come from the training rows' non-missing values: `uniform` cuts the range [min, max] into
 * equal widths; `quantile` puts the cuts at the i/nBins quantiles (linear interpolation between order
 * statistics), so bins hold about equal counts; repeated cuts (heavy ties) are merged, so a column
 * may get fewer bins. A value equal to a cut goes to the upper bin; values outside the training range
 * go to the first or last bin.
 */
import type { JsonValue } from "../../core/json.js";
import { resolveParams } from "../../learners/params.js";
import type { Column, Table } from "../table.js";
import { checkColumnsParam, fittedColumn, pickColumns, replaceColumns, stateArray, type FittedTransform, type Transform } from "./transform.js";

/** Hyperparameters of {@link QuantileBinning}. */
export type BinningParams = {
  /** Number of bins (at most). Default 10. */
  readonly nBins: number;
  /** Where the cuts go. Default `"quantile"`. */
  readonly strategy: "quantile" | "uniform";
  /** Columns to bin. Default null: every numeric column. */
  readonly columns: readonly string[] | null;
};

/** Fitted interior cut points of one column, ascending. */
export type BinnedColumn = { readonly name: string; readonly edges: readonly number[] };

const DEFAULTS: BinningParams = { nBins: 10, strategy: "quantile", columns: null };

/** Quantile or uniform binning (see the module comment). */
export class QuantileBinning implements Transform {
  readonly kind = "quantile-binning";
  readonly params: BinningParams;

  constructor(params: Partial<BinningParams> = {}) {
    this.params = resolveParams("quantile-binning", DEFAULTS, { nBins: { type: "number", integer: true, min: 2 }, strategy: { type: "enum", values: ["quantile", "uniform"] }, columns: { type: "any" } }, params);
    checkColumnsParam("quantile-binning", this.params.columns);
  }

  fit(table: Table): FittedQuantileBinning {
    const { nBins, strategy } = this.params;
    const columns = pickColumns("quantile-binning", table, this.params.columns, "numeric").map((c): BinnedColumn => {
      const v = c.values.filter((x) => !Number.isNaN(x)).sort();
      if (v.length === 0) return { name: c.name, edges: [] };
      const lo = v[0]!;
      const hi = v[v.length - 1]!;
      const cuts: number[] = [];
      for (let b = 1; b < nBins; b++) {
        const q = b / nBins;
        cuts.push(strategy === "uniform" ? lo + (hi - lo) * q : quantileSorted(v, q));
      }
      // Cuts at the extremes or repeated make empty bins: keep strictly increasing interior cuts.
      const edges = cuts.filter((x, i) => x > lo && x <= hi && (i === 0 || x > cuts[i - 1]!));
      return { name: c.name, edges: [...new Set(edges)] };
    });
    return new FittedQuantileBinning(this.params, columns);
  }
}

/** A {@link QuantileBinning} with its cut points learned. */
export class FittedQuantileBinning implements FittedTransform {
  readonly kind = "quantile-binning";
  constructor(
    readonly params: BinningParams,
    readonly columns: readonly BinnedColumn[],
  ) {}

  get state(): JsonValue {
    return { columns: this.columns };
  }

  transform(table: Table): Table {
    const replacements = new Map<string, Column[]>();
    for (const f of this.columns) {
      const c = fittedColumn("quantile-binning", table, f.name, "numeric");
      const edges = Float64Array.from(f.edges);
      const values = new Float64Array(c.values.length);
      for (let i = 0; i < values.length; i++) {
        const x = c.values[i]!;
        values[i] = Number.isNaN(x) ? Number.NaN : upperBound(edges, x);
      }
      replacements.set(f.name, [{ kind: "numeric", name: f.name, semantic: "numeric", values }]);
    }
    return replaceColumns(table, replacements);
  }

  /** Rebuilds fitted binning from {@link FittedQuantileBinning.state}. */
  static load(params: Partial<BinningParams>, state: JsonValue): FittedQuantileBinning {
    return new FittedQuantileBinning(new QuantileBinning(params).params, stateArray("quantile-binning", state, "columns") as readonly BinnedColumn[]);
  }
}

/** Number of edges ≤ x (binary search). */
function upperBound(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Quantile `q` of ascending `v` by linear interpolation between order statistics (type 7). */
function quantileSorted(v: Float64Array, q: number): number {
  const h = (v.length - 1) * q;
  const i = Math.floor(h);
  const next = v[Math.min(i + 1, v.length - 1)]!;
  return v[i]! + (h - i) * (next - v[i]!);
}
