/**
 * Target encoding: replaces each category by the mean target of the training rows with that
 * category, shrunk toward the overall mean (the prior) so rare categories do not get extreme values:
 *
 *     encoding(c) = (sum of targets in c + m · prior) / (count of c + m),   m = `smoothing`.
 *
 * Regression encodes the mean value, binary the share of the positive class (`classes[1]`), both as
 * one numeric column keeping the column's name; multiclass gives one column per class,
 * `<name>__te_<class>`. A missing cell is its own category; a category unseen in training gets the
 * prior.
 *
 * Encoding training rows with statistics that include their own target leaks the target (a rare
 * category's encoding nearly equals its rows' labels), so {@link TargetEncoder.fitTransform} encodes
 * the training rows out of fold: the rows are split into `nFolds` shuffled folds and each fold is
 * encoded with statistics (and prior) of the other folds only. The returned fitted state, used for
 * every later `transform`, comes from all training rows.
 *
 * @see Micci-Barreca, "A preprocessing scheme for high-cardinality categorical attributes in
 *   classification and prediction problems", SIGKDD Explorations 3(1), 2001.
 */
import type { JsonValue } from "../../core/json.js";
import { OuroborosError } from "../../core/errors.js";
import { deriveSeed, Random } from "../../core/rng.js";
import { resolveParams } from "../../learners/params.js";
import { targetLength, type Target } from "../dataset.js";
import type { CategoricalColumn, Column, Table } from "../table.js";
import { checkColumnsParam, fittedCodes, fittedColumn, pickColumns, replaceColumns, stateArray, stateField, type FittedTransform, type Transform } from "./transform.js";

/** Hyperparameters of {@link TargetEncoder}. */
export type TargetEncoderParams = {
  /** Weight `m` of the prior, in rows. Default 10. */
  readonly smoothing: number;
  /** Folds for out-of-fold encoding of training rows in `fitTransform`. Default 5. */
  readonly nFolds: number;
  /** Seed of the fold assignment. Default 0. */
  readonly seed: number;
  /** Columns to encode. Default null: every categorical column. */
  readonly columns: readonly string[] | null;
};

/** Fitted encodings of one column: `encodings[k]` for `categories[k]`, `missing` for a missing cell. */
export type TargetEncodedColumn = { readonly name: string; readonly categories: readonly string[]; readonly encodings: readonly (readonly number[])[]; readonly missing: readonly number[] };

/** Fitted state of a {@link TargetEncoder}. */
export type TargetEncoderState = { readonly outputs: readonly string[]; readonly prior: readonly number[]; readonly columns: readonly TargetEncodedColumn[] };

const DEFAULTS: TargetEncoderParams = { smoothing: 10, nFolds: 5, seed: 0, columns: null };

/** Target encoder with smoothing and out-of-fold training encodings (see the module comment). */
export class TargetEncoder implements Transform {
  readonly kind = "target-encoder";
  readonly params: TargetEncoderParams;

  constructor(params: Partial<TargetEncoderParams> = {}) {
    this.params = resolveParams("target-encoder", DEFAULTS, { smoothing: { type: "number", min: 0 }, nFolds: { type: "number", integer: true, min: 2 }, seed: { type: "number", integer: true }, columns: { type: "any" } }, params);
    checkColumnsParam("target-encoder", this.params.columns);
  }

  /** Learns encodings from all training rows (use {@link TargetEncoder.fitTransform} to encode those rows). */
  fit(table: Table, target?: Target): FittedTargetEncoder {
    const y = checkTarget(table, target);
    const all = new Int32Array(table.nRows); // one fold: statistics of every row
    const columns = pickColumns("target-encoder", table, this.params.columns, "categorical").map((c) => {
      const stats = foldStats(c, y, all, 1);
      return { name: c.name, categories: [...c.categories], encodings: c.categories.map((_, k) => stats.encode(-1, k, this.params.smoothing)), missing: stats.encode(-1, c.categories.length, this.params.smoothing) };
    });
    return new FittedTargetEncoder(this.params, { outputs: outputNames(y.target), prior: priorOf(y), columns });
  }

  /** Fits on all rows, and encodes each training row with statistics from the other folds only. */
  fitTransform(table: Table, target?: Target): { fitted: FittedTargetEncoder; output: Table } {
    const fitted = this.fit(table, target);
    const y = checkTarget(table, target);
    const n = table.nRows;
    const k = Math.min(this.params.nFolds, n);
    const order = new Random(deriveSeed(this.params.seed, "target-encoder-folds")).shuffle(Array.from({ length: n }, (_, i) => i));
    const folds = new Int32Array(n);
    order.forEach((row, pos) => (folds[row] = pos % k));
    const replacements = new Map<string, Column[]>();
    for (const c of pickColumns("target-encoder", table, this.params.columns, "categorical")) {
      const stats = foldStats(c, y, folds, k);
      const levels = c.categories.length + 1;
      // Encoding of each (fold, level) pair, computed once: rows then only look it up.
      const lookup: number[][] = [];
      for (let f = 0; f < k; f++) for (let level = 0; level < levels; level++) lookup.push(stats.encode(f, level, this.params.smoothing));
      const outs = fitted.state.outputs.map(() => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const code = c.codes[i]!;
        const e = lookup[folds[i]! * levels + (code < 0 ? levels - 1 : code)]!;
        for (let o = 0; o < outs.length; o++) outs[o]![i] = e[o]!;
      }
      replacements.set(c.name, outputColumns(c.name, fitted.state.outputs, outs));
    }
    return { fitted, output: replaceColumns(table, replacements) };
  }
}

/** A {@link TargetEncoder} with encodings learned from all training rows. */
export class FittedTargetEncoder implements FittedTransform {
  readonly kind = "target-encoder";
  constructor(
    readonly params: TargetEncoderParams,
    readonly state: TargetEncoderState,
  ) {}

  transform(table: Table): Table {
    const n = table.nRows;
    const { outputs, prior } = this.state;
    const replacements = new Map<string, Column[]>();
    for (const f of this.state.columns) {
      const codes = fittedCodes(fittedColumn("target-encoder", table, f.name, "categorical"), f.categories);
      const outs = outputs.map(() => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const k = codes[i]!;
        const e = k >= 0 ? f.encodings[k]! : k === -1 ? f.missing : prior;
        for (let o = 0; o < outs.length; o++) outs[o]![i] = e[o]!;
      }
      replacements.set(f.name, outputColumns(f.name, outputs, outs));
    }
    return replaceColumns(table, replacements);
  }

  /** Rebuilds a fitted encoder from its state. */
  static load(params: Partial<TargetEncoderParams>, state: JsonValue): FittedTargetEncoder {
    stateField("target-encoder", state, "prior");
    stateArray("target-encoder", state, "outputs");
    stateArray("target-encoder", state, "columns");
    return new FittedTargetEncoder(new TargetEncoder(params).params, state as unknown as TargetEncoderState);
  }
}

/** The target as one row of numbers per training row: the value, the positive flag, or one-hot classes. */
interface TargetMatrix {
  readonly target: Target;
  readonly width: number;
  /** Row-major n × width. */
  readonly values: Float64Array;
}

function checkTarget(table: Table, target: Target | undefined): TargetMatrix {
  if (target === undefined) throw new OuroborosError("invalid-argument", "target-encoder: fitting needs the target; pass it as the second argument");
  const n = targetLength(target);
  if (n !== table.nRows) throw new OuroborosError("invalid-data", `target-encoder: the target has ${n} rows but the table has ${table.nRows}`);
  if (n < 2) throw new OuroborosError("invalid-data", `target-encoder: needs at least 2 training rows, got ${n}`);
  if (target.task === "regression") return { target, width: 1, values: target.values };
  if (target.task === "binary") return { target, width: 1, values: Float64Array.from(target.labels, (l) => (l === 1 ? 1 : 0)) };
  const width = target.classes.length;
  const values = new Float64Array(n * width);
  for (let i = 0; i < n; i++) values[i * width + target.labels[i]!] = 1;
  return { target, width, values };
}

function outputNames(target: Target): string[] {
  return target.task === "multiclass" ? [...target.classes] : [""];
}

function outputColumns(name: string, outputs: readonly string[], values: readonly Float64Array[]): Column[] {
  return values.map((v, o): Column => ({ kind: "numeric", name: outputs.length === 1 ? name : `${name}__te_${outputs[o]!}`, semantic: "numeric", values: v }));
}

function priorOf(y: TargetMatrix): number[] {
  const sums = new Float64Array(y.width);
  const n = y.values.length / y.width;
  for (let i = 0; i < n; i++) for (let o = 0; o < y.width; o++) sums[o]! += y.values[i * y.width + o]!;
  return Array.from(sums, (s) => s / n);
}

/**
 * Per-fold sums and counts of one column's levels (level `categories.length` = missing), with the
 * encoding of a level seen from outside fold `f` (`f = -1`: all rows).
 */
function foldStats(c: CategoricalColumn, y: TargetMatrix, folds: Int32Array, k: number) {
  const levels = c.categories.length + 1;
  const w = y.width;
  const sums = new Float64Array(k * levels * w);
  const counts = new Float64Array(k * levels);
  const foldSums = new Float64Array(k * w);
  const foldCounts = new Float64Array(k);
  for (let i = 0; i < c.codes.length; i++) {
    const f = folds[i]!;
    const code = c.codes[i]!;
    const level = code < 0 ? levels - 1 : code;
    counts[f * levels + level]!++;
    foldCounts[f]!++;
    for (let o = 0; o < w; o++) {
      const v = y.values[i * w + o]!;
      sums[(f * levels + level) * w + o]! += v;
      foldSums[f * w + o]! += v;
    }
  }
  return {
    encode(fold: number, level: number, m: number): number[] {
      let count = 0;
      let outCount = 0;
      const sum = new Float64Array(w);
      const outSum = new Float64Array(w);
      for (let f = 0; f < k; f++) {
        if (f === fold) continue;
        count += counts[f * levels + level]!;
        outCount += foldCounts[f]!;
        for (let o = 0; o < w; o++) {
          sum[o]! += sums[(f * levels + level) * w + o]!;
          outSum[o]! += foldSums[f * w + o]!;
        }
      }
      const out: number[] = [];
      for (let o = 0; o < w; o++) {
        const prior = outCount > 0 ? outSum[o]! / outCount : 0;
        out.push(count + m > 0 ? (sum[o]! + m * prior) / (count + m) : prior);
      }
      return out;
    },
  };
}
