/**
 * k nearest neighbours for classification (weighted votes → probabilities) and regression
 * (weighted mean), by brute force over the standardised training matrix.
 */
import { OuroborosError } from "../../core/errors.js";
import type { JsonValue } from "../../core/json.js";
import type { Dataset, Task } from "../../data/dataset.js";
import { encodeNumeric, fitNumericEncoder, type NumericEncoderState } from "../../data/numeric-encoder.js";
import type { Table } from "../../data/table.js";
import type { Artifact } from "../artifact.js";
import type { Capabilities, FitContext, Learner, Model, Predictions } from "../learner.js";
import { resolveParams, type ParamRule } from "../params.js";
import type { LearnerFactory } from "../registry.js";

/** Hyperparameters of {@link KNNLearner} (scikit-learn's `KNeighborsClassifier` names in camelCase). */
export interface KNNParams {
  /** Neighbours consulted per prediction (capped at the training row count). Default 5. */
  readonly nNeighbors: number;
  /** `"uniform"` votes, or `"distance"`: each neighbour weighs 1/d (exact matches take all the weight). Default `"uniform"`. */
  readonly weights: "uniform" | "distance";
  /** `"euclidean"` (default) or `"manhattan"` distance on the standardised encoded features. */
  readonly metric: "euclidean" | "manhattan";
}

const DEFAULTS: KNNParams = { nNeighbors: 5, weights: "uniform", metric: "euclidean" };
const RULES: { readonly [K in keyof KNNParams]: ParamRule } = {
  nNeighbors: { type: "number", min: 1, integer: true },
  weights: { type: "enum", values: ["uniform", "distance"] },
  metric: { type: "enum", values: ["euclidean", "manhattan"] },
};

const CAPABILITIES: Capabilities = { tasks: ["binary", "multiclass", "regression"], missingValues: true, categorical: true, sampleWeights: true, warmStart: false };

/**
 * k-nearest-neighbour classifier and regressor.
 *
 * Fitting stores the training rows encoded by the numeric encoder (median imputation with missing
 * indicators, one-hot categories, standardisation, so every feature counts on the same scale).
 * A prediction scans all training rows, keeps the k closest in a small sorted buffer, and
 * combines their targets: class votes normalised into probabilities, or a weighted mean. Each
 * neighbour's vote weighs its sample weight times 1 (`"uniform"`) or 1/distance (`"distance"`; when
 * some neighbours coincide with the query, only they vote, as in scikit-learn). Rows with weight 0
 * are dropped at fit time. Ties in distance go to the earlier training row, so predictions are
 * deterministic and independent of the seed.
 *
 * @see T. Cover, P. Hart, "Nearest neighbor pattern classification", IEEE Trans. Inf. Theory 13, 1967.
 */
export class KNNLearner implements Learner<KNNParams> {
  readonly kind = "knn";
  readonly params: KNNParams;
  readonly capabilities = CAPABILITIES;

  /** Unknown names or out-of-range values are `invalid-argument` errors naming the parameter. */
  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = resolveParams("knn", DEFAULTS, RULES, params);
  }

  async fit(data: Dataset, ctx: FitContext): Promise<Model> {
    ctx.signal?.throwIfAborted();
    const n = data.x.nRows;
    if (n === 0) throw new OuroborosError("invalid-data", "knn: the training data has no rows");
    const encoder = fitNumericEncoder(data.x);
    const all = encodeNumeric(encoder, data.x);
    const p = encoder.featureNames.length;
    const w = data.weights;
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (w === undefined || w[i]! > 0) keep.push(i);
    if (keep.length === 0) throw new OuroborosError("invalid-data", "knn: every sample weight is 0; at least one row needs a positive weight");
    const m = keep.length;
    const x = m === n ? all : new Float64Array(m * p);
    if (m !== n) keep.forEach((i, r) => x.set(all.subarray(i * p, (i + 1) * p), r * p));
    const weights = Float64Array.from(keep, (i) => (w === undefined ? 1 : w[i]!));
    const y = data.y;
    const target = y.task === "regression" ? Float64Array.from(keep, (i) => y.values[i]!) : Int32Array.from(keep, (i) => y.labels[i]!);
    return new KNNModel(y.task, y.task === "regression" ? [] : y.classes, encoder, x, target, weights, this.params);
  }
}

/** A fitted kNN model: the encoded training rows, their targets and weights. */
export class KNNModel implements Model {
  readonly kind = "knn";

  constructor(
    readonly task: Task,
    readonly classes: readonly string[],
    private readonly encoder: NumericEncoderState,
    /** Row-major `m × p` encoded training rows. */
    private readonly x: Float64Array,
    /** Class index (Int32Array) or value (Float64Array) per training row. */
    private readonly target: Int32Array | Float64Array,
    private readonly weights: Float64Array,
    private readonly params: KNNParams,
  ) {}

  predict(table: Table): Predictions {
    const q = encodeNumeric(this.encoder, table);
    const nq = table.nRows;
    const p = this.encoder.featureNames.length;
    const m = this.weights.length;
    const k = Math.min(this.params.nNeighbors, m);
    const manhattan = this.params.metric === "manhattan";
    const byDistance = this.params.weights === "distance";
    const K = this.task === "regression" ? 1 : this.classes.length;
    const out = new Float64Array(nq * K);
    const bestD = new Float64Array(k);
    const bestI = new Int32Array(k);
    const vote = new Float64Array(k);
    const { x, target, weights } = this;
    for (let r = 0; r < nq; r++) {
      const qo = r * p;
      let filled = 0;
      let worst = Infinity;
      for (let i = 0; i < m; i++) {
        const xo = i * p;
        // Partial distances only grow, so a row is abandoned once a block of 8 features puts it
        // past the current k-th best (exact: the same sums in the same order as a full pass).
        let d = 0;
        for (let j0 = 0; j0 < p && d < worst; j0 += 8) {
          const j1 = j0 + 8 < p ? j0 + 8 : p;
          if (manhattan) {
            for (let j = j0; j < j1; j++) d += Math.abs(q[qo + j]! - x[xo + j]!);
          } else {
            for (let j = j0; j < j1; j++) {
              const t = q[qo + j]! - x[xo + j]!;
              d += t * t;
            }
          }
        }
        // Strict comparison: an equal distance never displaces an earlier row (deterministic ties).
        if (filled === k && !(d < worst)) continue;
        let pos = filled < k ? filled++ : k - 1;
        while (pos > 0 && bestD[pos - 1]! > d) {
          bestD[pos] = bestD[pos - 1]!;
          bestI[pos] = bestI[pos - 1]!;
          pos--;
        }
        bestD[pos] = d;
        bestI[pos] = i;
        if (filled === k) worst = bestD[k - 1]!;
      }
      // Vote weights: sample weight × (1 or 1/distance); exact matches, if any, take all the weight.
      const exact = byDistance && bestD[0] === 0;
      let total = 0;
      for (let t = 0; t < k; t++) {
        const dist = manhattan ? bestD[t]! : Math.sqrt(bestD[t]!);
        const v = weights[bestI[t]!]! * (!byDistance ? 1 : exact ? (dist === 0 ? 1 : 0) : 1 / dist);
        vote[t] = v;
        total += v;
      }
      if (this.task === "regression") {
        let s = 0;
        for (let t = 0; t < k; t++) s += vote[t]! * target[bestI[t]!]!;
        out[r] = s / total;
      } else {
        const o = r * K;
        // Sum raw votes, then divide: a unanimous vote is exactly 1.
        for (let t = 0; t < k; t++) out[o + target[bestI[t]!]!]! += vote[t]!;
        for (let c = 0; c < K; c++) out[o + c]! /= total;
      }
    }
    if (this.task === "regression") return { task: "regression", values: out };
    return { task: this.task, classes: this.classes, proba: out };
  }

  save(): Artifact {
    return {
      kind: this.kind,
      task: this.task,
      spec: { kind: this.kind, params: { ...this.params } },
      state: { classes: [...this.classes], encoder: this.encoder as unknown as JsonValue },
      arrays: { x: this.x, target: this.target, weights: this.weights },
    };
  }
}

/** Registry entry of the `"knn"` learner. */
export const knnLearnerFactory: LearnerFactory = {
  kind: "knn",
  create: (params) => new KNNLearner(params),
  load: (a: Artifact) => {
    const state = a.state as { classes?: unknown; encoder?: unknown } | null;
    if (state === null || typeof state !== "object" || !Array.isArray(state.classes) || typeof state.encoder !== "object" || state.encoder === null) {
      throw new OuroborosError("artifact-corrupt", "knn: the artifact state has no `classes` or `encoder`");
    }
    const { x, target, weights } = a.arrays;
    const encoder = state.encoder as NumericEncoderState;
    const okTarget = a.task === "regression" ? target instanceof Float64Array : target instanceof Int32Array;
    if (!(x instanceof Float64Array) || !(weights instanceof Float64Array) || !okTarget || !(target instanceof Float64Array || target instanceof Int32Array)) {
      throw new OuroborosError("artifact-corrupt", "knn: the artifact needs float64 `x` and `weights` and a `target` array of the task's type");
    }
    const m = weights.length;
    if (target.length !== m || x.length !== m * encoder.featureNames.length || m === 0) {
      throw new OuroborosError("artifact-corrupt", `knn: array lengths disagree (x ${x.length}, target ${target.length}, weights ${m}, ${encoder.featureNames.length} features)`);
    }
    const classes = state.classes as string[];
    if (a.task !== "regression") for (const l of target) if (!(l >= 0 && l < classes.length)) throw new OuroborosError("artifact-corrupt", `knn: class index ${l} is outside the ${classes.length} classes`);
    return new KNNModel(a.task, classes, encoder, x, target, weights, new KNNLearner(a.spec.params as Record<string, unknown>).params);
  },
};
