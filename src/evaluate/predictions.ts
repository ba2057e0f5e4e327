/**
 * Row operations on {@link Predictions}: selecting rows (for bootstrap resamples) and assembling
 * out-of-fold predictions from per-fold pieces.
 */
import { OuroborosError } from "../core/errors.js";
import type { Predictions } from "../learners/learner.js";

/** Number of rows of a prediction. */
export function predictionRows(p: Predictions): number {
  return p.task === "regression" ? p.values.length : p.proba.length / p.classes.length;
}

/** The prediction rows at `indices` (repeats allowed). */
export function selectPredictionRows(p: Predictions, indices: ArrayLike<number>): Predictions {
  const n = indices.length;
  if (p.task === "regression") {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = p.values[indices[i]!]!;
    return { task: "regression", values: v };
  }
  const k = p.classes.length;
  const proba = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const src = indices[i]! * k;
    for (let j = 0; j < k; j++) proba[i * k + j] = p.proba[src + j]!;
  }
  return { task: p.task, classes: p.classes, proba };
}

/**
 * Accumulates predictions for subsets of `nRows` rows and averages them per row: the out-of-fold
 * prediction of cross-validation. Rows never added stay `NaN`.
 */
export class PredictionAccumulator {
  /** How many predictions each row received. */
  readonly counts: Int32Array;
  private template: Predictions | undefined;
  private width = 0;
  private data = new Float64Array(0);

  constructor(readonly nRows: number) {
    this.counts = new Int32Array(nRows);
  }

  /** Adds `p`, whose row `r` is row `rows[r]` of the full data. */
  add(rows: Int32Array, p: Predictions): void {
    const width = p.task === "regression" ? 1 : p.classes.length;
    if (this.template === undefined) {
      this.template = p;
      this.width = width;
      this.data = new Float64Array(this.nRows * width);
    } else if (p.task !== this.template.task || width !== this.width) {
      throw new OuroborosError("invalid-argument", `cannot average ${p.task} predictions with ${width} columns into ${this.template.task} predictions with ${this.width}`);
    }
    const values = p.task === "regression" ? p.values : p.proba;
    if (values.length !== rows.length * width) throw new OuroborosError("invalid-argument", `a fold's predictions have ${values.length / width} rows but its test part has ${rows.length}`);
    for (let r = 0; r < rows.length; r++) {
      const dst = rows[r]! * width;
      for (let j = 0; j < width; j++) this.data[dst + j]! += values[r * width + j]!;
      this.counts[rows[r]!]!++;
    }
  }

  /** The per-row average (`NaN` for rows with no prediction); undefined when nothing was added. */
  result(): Predictions | undefined {
    const t = this.template;
    if (t === undefined) return undefined;
    const out = new Float64Array(this.data.length);
    for (let i = 0; i < this.nRows; i++) {
      const c = this.counts[i]!;
      for (let j = 0; j < this.width; j++) out[i * this.width + j] = c === 0 ? NaN : this.data[i * this.width + j]! / c;
    }
    return t.task === "regression" ? { task: "regression", values: out } : { task: t.task, classes: t.classes, proba: out };
  }
}
