/**
 * A supervised dataset: features, a target and optional sample weights. The target's task decides
 * which learners, losses and metrics apply.
 */
import { OuroborosError } from "../core/errors.js";
import { selectRows, type Table } from "./table.js";

/** The supervised task. Binary is kept apart from multiclass because losses and metrics differ. */
export type Task = "binary" | "multiclass" | "regression";

/** A class target: `labels[i]` indexes `classes` (never missing). */
export interface ClassTarget {
  readonly task: "binary" | "multiclass";
  /** Class names; for binary, `classes[1]` is the positive class. */
  readonly classes: readonly string[];
  readonly labels: Int32Array;
}

/** A real-valued target (never missing). */
export interface RegressionTarget {
  readonly task: "regression";
  readonly values: Float64Array;
}

/** The target of a {@link Dataset}. */
export type Target = ClassTarget | RegressionTarget;

/** Features `x`, target `y` (same number of rows) and optional non-negative `weights`. */
export interface Dataset {
  readonly x: Table;
  readonly y: Target;
  readonly weights?: Float64Array;
}

/** Number of rows of a target. */
export function targetLength(y: Target): number {
  return y.task === "regression" ? y.values.length : y.labels.length;
}

/** Builds a dataset, checking that lengths agree and weights are finite and non-negative. */
export function makeDataset(x: Table, y: Target, weights?: Float64Array): Dataset {
  const n = targetLength(y);
  if (n !== x.nRows) throw new OuroborosError("invalid-data", `the target has ${n} rows but the features have ${x.nRows}`);
  if (weights !== undefined) {
    if (weights.length !== n) throw new OuroborosError("invalid-data", `weights have ${weights.length} entries but the data has ${n} rows`);
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) throw new OuroborosError("invalid-data", `weight of row ${i} must be finite and ≥ 0, but got ${w}`);
    }
    return { x, y, weights };
  }
  return { x, y };
}

/** A class target from labels; classes are sorted (numerically when all labels are numbers). */
export function classTarget(labels: ArrayLike<string | number>): ClassTarget {
  const texts = Array.from(labels, (v) => String(v));
  const distinct = [...new Set(texts)];
  const numeric = distinct.every((v) => v.trim() !== "" && Number.isFinite(Number(v)));
  distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(distinct.map((v, i) => [v, i] as const));
  const codes = Int32Array.from(texts, (v) => index.get(v)!);
  return { task: distinct.length === 2 ? "binary" : "multiclass", classes: distinct, labels: codes };
}

/** A regression target from numbers. */
export function regressionTarget(values: ArrayLike<number>): RegressionTarget {
  return { task: "regression", values: Float64Array.from(values) };
}

/** The target rows at `indices`. */
export function selectTargetRows(y: Target, indices: ArrayLike<number>): Target {
  const n = indices.length;
  if (y.task === "regression") {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = y.values[indices[i]!]!;
    return { task: "regression", values: v };
  }
  const l = new Int32Array(n);
  for (let i = 0; i < n; i++) l[i] = y.labels[indices[i]!]!;
  return { task: y.task, classes: y.classes, labels: l };
}

/** The dataset rows at `indices` (features, target and weights together). */
export function selectDatasetRows(d: Dataset, indices: ArrayLike<number>): Dataset {
  const x = selectRows(d.x, indices);
  const y = selectTargetRows(d.y, indices);
  if (d.weights === undefined) return { x, y };
  const w = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) w[i] = d.weights[indices[i]!]!;
  return { x, y, weights: w };
}

/** Number of classes (1 for regression, where a prediction has one column). */
export function nOutputs(y: Target): number {
  return y.task === "regression" ? 1 : y.classes.length;
}
