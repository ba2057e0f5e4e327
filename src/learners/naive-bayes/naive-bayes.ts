/**
 * Naive Bayes for mixed tables: Gaussian likelihoods on numeric columns and smoothed categorical
 * likelihoods on categorical columns, multiplied under the naive independence assumption.
 */
import { OuroborosError } from "../../core/errors.js";
import type { JsonValue } from "../../core/json.js";
import type { Dataset } from "../../data/dataset.js";
import { alignToSchema, tableSchema, type ColumnSchema, type Table } from "../../data/table.js";
import type { Artifact } from "../artifact.js";
import type { Capabilities, FitContext, Learner, Model, Predictions } from "../learner.js";
import { resolveParams, type ParamRule } from "../params.js";
import type { LearnerFactory } from "../registry.js";

/** Hyperparameters of {@link NaiveBayesLearner} (scikit-learn names in camelCase). */
export interface NaiveBayesParams {
  /** Added to every Gaussian variance, as a share of the largest feature variance (GaussianNB). Default 1e-9. */
  readonly varSmoothing: number;
  /** Additive (Laplace / Lidstone) smoothing of category counts (> 0; CategoricalNB). Default 1. */
  readonly alpha: number;
  /** Learn class priors from the (weighted) class frequencies; false: uniform priors. Default true. */
  readonly fitPrior: boolean;
}

const DEFAULTS: NaiveBayesParams = { varSmoothing: 1e-9, alpha: 1, fitPrior: true };
const RULES: { readonly [K in keyof NaiveBayesParams]: ParamRule } = {
  varSmoothing: { type: "number", min: 0 },
  alpha: { type: "number", min: 0, exclusiveMin: true },
  fitPrior: { type: "boolean" },
};

const CAPABILITIES: Capabilities = { tasks: ["binary", "multiclass"], missingValues: true, categorical: true, sampleWeights: true, warmStart: false };

/**
 * Gaussian + categorical naive Bayes classifier.
 *
 * For class c, log P(c | x) ∝ log π_c + Σ_numeric log N(x_j; μ_cj, σ²_cj + ε) + Σ_categorical log θ_cjv.
 * Means and variances are weighted per class over the rows where the feature is present;
 * ε = `varSmoothing` × the largest (unweighted) variance of any numeric feature, as in
 * scikit-learn's GaussianNB, so a feature constant within a class does not give infinite
 * densities. θ_cjv = (n_cjv + α) / (n_cj + α · V_j) over the V_j training categories, as in
 * CategoricalNB. A missing value (NaN, missing or unseen category) drops that feature's term from
 * the row's likelihood, which is exact marginalisation under the model. Probabilities come from a
 * log-sum-exp normalisation. Regression targets are refused: naive Bayes models P(x | class).
 *
 * @see G. H. John, P. Langley, "Estimating continuous distributions in Bayesian classifiers", UAI 1995.
 * @see D. D. Lewis, "Naive (Bayes) at forty: the independence assumption in information retrieval", ECML 1998.
 */
export class NaiveBayesLearner implements Learner<NaiveBayesParams> {
  readonly kind = "naive-bayes";
  readonly params: NaiveBayesParams;
  readonly capabilities = CAPABILITIES;

  /** Unknown names or out-of-range values are `invalid-argument` errors naming the parameter. */
  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = resolveParams("naive-bayes", DEFAULTS, RULES, params);
  }

  async fit(data: Dataset, ctx: FitContext): Promise<Model> {
    ctx.signal?.throwIfAborted();
    const y = data.y;
    if (y.task === "regression") {
      throw new OuroborosError("unsupported", "naive-bayes: got a regression target, but naive Bayes is a classifier (binary or multiclass targets only); use \"linear\" or \"knn\" for regression");
    }
    const n = data.x.nRows;
    if (n === 0) throw new OuroborosError("invalid-data", "naive-bayes: the training data has no rows");
    const K = y.classes.length;
    const w = data.weights;
    const weight = (i: number): number => (w === undefined ? 1 : w[i]!);
    const classWeight = new Float64Array(K);
    for (let i = 0; i < n; i++) classWeight[y.labels[i]!]! += weight(i);
    const total = classWeight.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new OuroborosError("invalid-data", "naive-bayes: the sample weights sum to 0");
    const logPrior = Float64Array.from(classWeight, (c) => (this.params.fitPrior ? Math.log(c / total) : -Math.log(K)));

    const schema = tableSchema(data.x);
    const numeric = data.x.columns.filter((c) => c.kind === "numeric");
    const m = numeric.length;
    const mean = new Float64Array(K * m);
    const variance = new Float64Array(K * m);
    let maxVar = 0;
    numeric.forEach((c, j) => {
      // Class-wise weighted moments over present values, two passes for accuracy.
      const sw = new Float64Array(K);
      const s = new Float64Array(K);
      let all = 0;
      let allSum = 0;
      for (let i = 0; i < n; i++) {
        const v = c.values[i]!;
        if (Number.isNaN(v)) continue;
        const l = y.labels[i]!;
        sw[l]! += weight(i);
        s[l]! += weight(i) * v;
        all++;
        allSum += v;
      }
      if (all === 0) throw new OuroborosError("invalid-data", `naive-bayes: column "${c.name}" has no values in the training rows`);
      const allMean = allSum / all;
      let allSs = 0;
      const ss = new Float64Array(K);
      for (let i = 0; i < n; i++) {
        const v = c.values[i]!;
        if (Number.isNaN(v)) continue;
        const l = y.labels[i]!;
        const mu = sw[l]! > 0 ? s[l]! / sw[l]! : 0;
        ss[l]! += weight(i) * (v - mu) ** 2;
        allSs += (v - allMean) ** 2;
      }
      const allVar = allSs / all;
      maxVar = Math.max(maxVar, allVar);
      for (let k = 0; k < K; k++) {
        // A class with no present value for this feature gets the pooled moments (a neutral term).
        mean[k * m + j] = sw[k]! > 0 ? s[k]! / sw[k]! : allMean;
        variance[k * m + j] = sw[k]! > 0 ? ss[k]! / sw[k]! : allVar;
      }
    });
    const eps = this.params.varSmoothing * maxVar;
    // The floor only matters with varSmoothing 0, where a constant feature would divide by zero.
    for (let q = 0; q < variance.length; q++) variance[q] = Math.max(variance[q]! + eps, 1e-300);

    const categorical = data.x.columns.filter((c) => c.kind === "categorical");
    const offsets: number[] = [];
    let width = 0;
    for (const c of categorical) {
      offsets.push(width);
      width += K * c.categories.length;
    }
    const logTheta = new Float64Array(width);
    categorical.forEach((c, j) => {
      const V = c.categories.length;
      const base = offsets[j]!;
      const counts = new Float64Array(K * V);
      const present = new Float64Array(K);
      for (let i = 0; i < n; i++) {
        const v = c.codes[i]!;
        if (v < 0) continue;
        const l = y.labels[i]!;
        counts[l * V + v]! += weight(i);
        present[l]! += weight(i);
      }
      for (let k = 0; k < K; k++) {
        const denom = Math.log(present[k]! + this.params.alpha * V);
        for (let v = 0; v < V; v++) logTheta[base + k * V + v] = Math.log(counts[k * V + v]! + this.params.alpha) - denom;
      }
    });
    return new NaiveBayesModel(y.task, y.classes, schema, logPrior, mean, variance, logTheta, this.params);
  }
}

/** A fitted naive Bayes model. */
export class NaiveBayesModel implements Model {
  readonly kind = "naive-bayes";

  constructor(
    readonly task: "binary" | "multiclass",
    readonly classes: readonly string[],
    private readonly schema: readonly ColumnSchema[],
    private readonly logPrior: Float64Array,
    /** `K × m` per-class means of the numeric columns (in schema order). */
    private readonly mean: Float64Array,
    /** `K × m` smoothed variances. */
    private readonly variance: Float64Array,
    /** Per categorical column (schema order), `K × V` log-probabilities, concatenated. */
    private readonly logTheta: Float64Array,
    private readonly params: NaiveBayesParams,
  ) {}

  /** Unnormalised per-class log-posteriors, row-major `n × K`. */
  jointLogLikelihood(table: Table): Float64Array {
    const x = alignToSchema(table, this.schema);
    const n = x.nRows;
    const K = this.classes.length;
    const m = this.variance.length / K;
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) out.set(this.logPrior, i * K);
    let j = 0;
    let offset = 0;
    for (const c of x.columns) {
      if (c.kind === "numeric") {
        for (let k = 0; k < K; k++) {
          const mu = this.mean[k * m + j]!;
          const v = this.variance[k * m + j]!;
          const norm = -0.5 * Math.log(2 * Math.PI * v);
          for (let i = 0; i < n; i++) {
            const xv = c.values[i]!;
            if (Number.isNaN(xv)) continue;
            out[i * K + k]! += norm - (0.5 * (xv - mu) ** 2) / v;
          }
        }
        j++;
      } else {
        const V = c.categories.length;
        for (let i = 0; i < n; i++) {
          const code = c.codes[i]!;
          if (code < 0) continue;
          for (let k = 0; k < K; k++) out[i * K + k]! += this.logTheta[offset + k * V + code]!;
        }
        offset += K * V;
      }
    }
    return out;
  }

  predict(table: Table): Predictions {
    const z = this.jointLogLikelihood(table);
    const K = this.classes.length;
    for (let i = 0; i < table.nRows; i++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) if (z[i * K + k]! > mx) mx = z[i * K + k]!;
      if (!Number.isFinite(mx)) {
        // Every class has zero density (possible only with varSmoothing 0): fall back to the priors.
        for (let k = 0; k < K; k++) z[i * K + k] = this.logPrior[k]!;
        mx = Math.max(...this.logPrior);
      }
      let s = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(z[i * K + k]! - mx);
        z[i * K + k] = e;
        s += e;
      }
      for (let k = 0; k < K; k++) z[i * K + k]! /= s;
    }
    return { task: this.task, classes: this.classes, proba: z };
  }

  save(): Artifact {
    return {
      kind: this.kind,
      task: this.task,
      spec: { kind: this.kind, params: { ...this.params } },
      state: { classes: [...this.classes], schema: this.schema as unknown as JsonValue },
      arrays: { logPrior: this.logPrior, mean: this.mean, variance: this.variance, logTheta: this.logTheta },
    };
  }
}

/** Registry entry of the `"naive-bayes"` learner. */
export const naiveBayesLearnerFactory: LearnerFactory = {
  kind: "naive-bayes",
  create: (params) => new NaiveBayesLearner(params),
  load: (a: Artifact) => {
    const state = a.state as { classes?: unknown; schema?: unknown } | null;
    if (state === null || typeof state !== "object" || !Array.isArray(state.classes) || !Array.isArray(state.schema)) {
      throw new OuroborosError("artifact-corrupt", "naive-bayes: the artifact state has no `classes` or `schema`");
    }
    if (a.task === "regression") throw new OuroborosError("artifact-corrupt", "naive-bayes: the artifact claims a regression task");
    const { logPrior, mean, variance, logTheta } = a.arrays;
    if (!(logPrior instanceof Float64Array) || !(mean instanceof Float64Array) || !(variance instanceof Float64Array) || !(logTheta instanceof Float64Array)) {
      throw new OuroborosError("artifact-corrupt", "naive-bayes: the artifact needs float64 `logPrior`, `mean`, `variance` and `logTheta` arrays");
    }
    const classes = state.classes as string[];
    const schema = state.schema as ColumnSchema[];
    const K = classes.length;
    const m = schema.filter((s) => s.kind === "numeric").length;
    const width = schema.reduce((acc, s) => acc + (s.kind === "categorical" ? K * (s.categories?.length ?? 0) : 0), 0);
    if (logPrior.length !== K || mean.length !== K * m || variance.length !== K * m || logTheta.length !== width) {
      throw new OuroborosError("artifact-corrupt", `naive-bayes: array lengths do not fit ${K} classes, ${m} numeric columns and ${width} category slots`);
    }
    return new NaiveBayesModel(a.task, classes, schema, logPrior, mean, variance, logTheta, new NaiveBayesLearner(a.spec.params as Record<string, unknown>).params);
  },
};
