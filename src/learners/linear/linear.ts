/**
 * Penalised generalised linear models, one learner kind `"linear"` whose loss follows the task:
 * logistic regression for binary targets, multinomial (softmax) logistic regression for multiclass
 * targets, and least squares for regression.
 */
import { OuroborosError } from "../../core/errors.js";
import type { JsonValue } from "../../core/json.js";
import type { Dataset, Task } from "../../data/dataset.js";
import { encodeNumeric, fitNumericEncoder, type NumericEncoderState } from "../../data/numeric-encoder.js";
import type { Table } from "../../data/table.js";
import { sigmoid } from "../../numeric/dense.js";
import { LBFGS } from "../../numeric/lbfgs.js";
import type { Artifact } from "../artifact.js";
import type { Capabilities, FitContext, Learner, Model, Predictions } from "../learner.js";
import { resolveParams, type ParamRule } from "../params.js";
import type { LearnerFactory } from "../registry.js";
import { linearObjective, linearScores, parameterCount, solveLeastSquares, type LinearLoss } from "./objective.js";

/** Regression without L1 is solved in closed form up to this many encoded features. */
const MAX_DIRECT_FEATURES = 600;

/**
 * Hyperparameters of {@link LinearLearner}; names are scikit-learn's `LogisticRegression` ones in
 * camelCase, with the same meaning for every task.
 */
export interface LinearParams {
  /** `"l2"` (default), `"l1"`, `"elasticnet"` or `"none"`. */
  readonly penalty: "l2" | "l1" | "elasticnet" | "none";
  /** Inverse regularisation strength (> 0). Default 1. Ridge's `alpha` is 1/C; Lasso's is 1/(C·n). */
  readonly C: number;
  /** Elastic-net mixing in [0, 1]: share of the L1 term (only with `penalty: "elasticnet"`). Default 0.5. */
  readonly l1Ratio: number;
  /** Fit unpenalised intercepts. Default true. */
  readonly fitIntercept: boolean;
  /** Classification: `"balanced"` reweights classes by n / (K · n_class). Default `"none"`. */
  readonly classWeight: "none" | "balanced";
  /** Most L-BFGS / OWL-QN iterations (the learner's resource). Default 100. */
  readonly maxIter: number;
  /** Stop when the largest gradient entry of the mean-scaled objective is ≤ tol. Default 1e-4. */
  readonly tol: number;
}

const DEFAULTS: LinearParams = { penalty: "l2", C: 1, l1Ratio: 0.5, fitIntercept: true, classWeight: "none", maxIter: 100, tol: 1e-4 };
const RULES: { readonly [K in keyof LinearParams]: ParamRule } = {
  penalty: { type: "enum", values: ["l2", "l1", "elasticnet", "none"] },
  C: { type: "number", min: 0, exclusiveMin: true },
  l1Ratio: { type: "number", min: 0, max: 1 },
  fitIntercept: { type: "boolean" },
  classWeight: { type: "enum", values: ["none", "balanced"] },
  maxIter: { type: "number", min: 1, integer: true },
  tol: { type: "number", min: 0, exclusiveMin: true },
};

const CAPABILITIES: Capabilities = {
  tasks: ["binary", "multiclass", "regression"],
  missingValues: true,
  categorical: true,
  sampleWeights: true,
  warmStart: true,
  resource: "maxIter",
};

/**
 * Logistic / multinomial / least-squares regression with L2, L1 or elastic-net penalties.
 *
 * Features go through the numeric encoder (median imputation with missing indicators, one-hot
 * categories, standardisation), fitted on the training rows and saved with the model. The
 * objective, in scikit-learn's form, is
 *
 *   C · Σ_i w_i ℓ_i + (1 − ρ)/2 ‖β‖² + ρ ‖β‖₁
 *
 * with ρ = 0 for `"l2"`, 1 for `"l1"`, `l1Ratio` for `"elasticnet"` (no penalty for `"none"`), ℓ the
 * log-loss of the sigmoid (binary) or softmax over all K classes (multiclass), or ½(y − ŷ)²
 * (regression), and w the sample weights times the class weights. Intercepts are not penalised.
 * It is minimised divided by C·Σw. Least squares without an L1 term (up to 600 encoded features) is
 * solved exactly from the normal equations by Cholesky; other smooth problems use L-BFGS with a
 * strong-Wolfe line search; problems with an L1 term use OWL-QN, which yields exact zeros.
 * Regression targets are centred and scaled internally (the L1 weight is rescaled so the optimum is
 * that of the objective above).
 *
 * Warm start (`ctx.initModel`, a linear model for the same task and classes) reuses its encoder and
 * starts from its coefficients. Progress is reported each iteration: the validation loss (log-loss
 * or mean squared error) when `ctx.validation` is given, else the unpenalised training loss.
 *
 * @see S. le Cessie, J. C. van Houwelingen, "Ridge estimators in logistic regression", Appl. Stat. 41, 1992.
 * @see D. C. Liu, J. Nocedal, "On the limited memory BFGS method for large scale optimization", Math. Prog. 45, 1989.
 * @see G. Andrew, J. Gao, "Scalable training of L1-regularized log-linear models", ICML 2007.
 */
export class LinearLearner implements Learner<LinearParams> {
  readonly kind = "linear";
  readonly params: LinearParams;
  readonly capabilities = CAPABILITIES;

  /** Unknown names or out-of-range values are `invalid-argument` errors naming the parameter. */
  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = resolveParams("linear", DEFAULTS, RULES, params);
  }

  async fit(data: Dataset, ctx: FitContext): Promise<Model> {
    ctx.signal?.throwIfAborted();
    const P = this.params;
    const y = data.y;
    const n = data.x.nRows;
    if (n === 0) throw new OuroborosError("invalid-data", "linear: the training data has no rows");
    const init = warmStartModel(ctx.initModel, y.task, y.task === "regression" ? [] : y.classes);
    const encoder = init?.encoder ?? fitNumericEncoder(data.x);
    const x = encodeNumeric(encoder, data.x);
    const p = encoder.featureNames.length;
    const weights = rowWeights(data, P.classWeight);

    let loss: LinearLoss;
    let K: number;
    let yMean = 0;
    let yScale = 1;
    let labels: Int32Array | undefined;
    let targets: Float64Array | undefined;
    if (y.task === "regression") {
      loss = "squared";
      K = 1;
      [yMean, yScale] = targetScaling(y.values, weights, P.fitIntercept);
      targets = Float64Array.from(y.values, (v) => (v - yMean) / yScale);
    } else {
      loss = y.task === "binary" ? "logistic" : "multinomial";
      K = y.task === "binary" ? 1 : y.classes.length;
      labels = y.labels;
    }
    let sw = 0;
    for (const v of weights) sw += v;
    if (!(sw > 0)) throw new OuroborosError("invalid-data", "linear: the sample weights sum to 0");
    const rho = P.penalty === "l1" ? 1 : P.penalty === "elasticnet" ? P.l1Ratio : 0;
    const strength = P.penalty === "none" ? 0 : 1 / (P.C * sw);
    const problem = { loss, x, nRows: n, nFeatures: p, nOutputs: K, weights, l2: strength * (1 - rho), fitIntercept: P.fitIntercept, ...(labels ? { labels } : {}), ...(targets ? { targets } : {}) };
    const objective = linearObjective(problem);
    let l1: Float64Array | undefined;
    if (strength * rho > 0) {
      // Coefficients only; in scaled-target units the L1 weight shrinks by the target scale.
      l1 = new Float64Array(parameterCount(p, K));
      l1.fill((strength * rho) / yScale, 0, K * p);
    }
    const theta0 = new Float64Array(parameterCount(p, K));
    if (init !== undefined) {
      theta0.set(init.coef);
      theta0.set(init.intercept, K * p);
      if (loss === "squared") {
        for (let q = 0; q < K * p; q++) theta0[q]! /= yScale;
        theta0[K * p] = (theta0[K * p]! - yMean) / yScale;
      }
    }
    // Least squares without an L1 term has a closed form; it is exact and, for the few hundred
    // features a table yields, faster than iterating (one-hot columns make the problem ill-conditioned).
    const direct = loss === "squared" && l1 === undefined && p <= MAX_DIRECT_FEATURES ? solveLeastSquares(problem) : undefined;
    if (direct !== undefined) theta0.set(direct);
    const opt = new LBFGS(objective.fg, theta0, { gtol: P.tol, ...(l1 ? { l1 } : {}) });
    const validation = ctx.validation;
    const xVal = validation === undefined ? undefined : encodeNumeric(encoder, validation.x);
    let reported = 0;
    const makeModel = (): LinearModel => {
      const theta = opt.x;
      const coef = theta.slice(0, K * p);
      const intercept = theta.slice(K * p);
      if (loss === "squared") {
        for (let q = 0; q < coef.length; q++) coef[q]! *= yScale;
        intercept[0] = intercept[0]! * yScale + yMean;
      }
      return new LinearModel(y.task, y.task === "regression" ? [] : y.classes, encoder, coef, intercept, this.params);
    };
    if (direct !== undefined && ctx.report !== undefined) {
      // The solution is final: one report, so multi-fidelity search sees a finished curve.
      reported = 1;
      const value = validation !== undefined && xVal !== undefined ? makeModel().lossOn(xVal, validation) : 2 * objective.lastDataLoss() * yScale * yScale;
      const r = ctx.report(1, value);
      if (r instanceof Promise) await r;
    }
    while (opt.iterations < P.maxIter) {
      const running = opt.step();
      ctx.signal?.throwIfAborted();
      // A failed line search leaves the point (and the iteration count) unchanged: nothing to report.
      if (ctx.report !== undefined && opt.iterations > reported) {
        reported = opt.iterations;
        let value: number;
        if (validation !== undefined && xVal !== undefined) value = makeModel().lossOn(xVal, validation);
        else value = loss === "squared" ? 2 * objective.lastDataLoss() * yScale * yScale : objective.lastDataLoss();
        const r = ctx.report(opt.iterations, value);
        if (r instanceof Promise) await r;
      }
      if (!running) break;
    }
    return makeModel();
  }
}

/** Sample weights (1 when absent) times the "balanced" class weights n / (K · n_c). */
function rowWeights(data: Dataset, classWeight: LinearParams["classWeight"]): Float64Array {
  const n = data.x.nRows;
  const w = data.weights ? Float64Array.from(data.weights) : new Float64Array(n).fill(1);
  if (classWeight === "balanced" && data.y.task !== "regression") {
    const K = data.y.classes.length;
    const counts = new Float64Array(K);
    for (const l of data.y.labels) counts[l]!++;
    let present = 0;
    for (const c of counts) if (c > 0) present++;
    // Like scikit-learn: computed from label counts, not from the sample weights.
    for (let i = 0; i < n; i++) w[i]! *= n / (present * counts[data.y.labels[i]!]!);
  }
  return w;
}

/** Weighted mean (0 without intercept) and scale of a regression target. */
function targetScaling(v: Float64Array, w: Float64Array, center: boolean): [number, number] {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    sw += w[i]!;
    s += w[i]! * v[i]!;
  }
  const mean = center && sw > 0 ? s / sw : 0;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += w[i]! * (v[i]! - mean) ** 2;
  const sd = sw > 0 ? Math.sqrt(ss / sw) : 0;
  return [mean, sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1];
}

function warmStartModel(m: Model | undefined, task: Task, classes: readonly string[]): LinearModel | undefined {
  if (m === undefined) return undefined;
  if (!(m instanceof LinearModel)) throw new OuroborosError("invalid-argument", `linear: warm start needs a "linear" model, but got a "${m.kind}" model`);
  if (m.task !== task) throw new OuroborosError("invalid-argument", `linear: warm start needs a ${task} model, but the initial model is ${m.task}`);
  if (m.classes.length !== classes.length || m.classes.some((c, i) => c !== classes[i])) {
    throw new OuroborosError("invalid-argument", `linear: warm start needs the classes [${classes.join(", ")}], but the initial model has [${m.classes.join(", ")}]`);
  }
  return m;
}

/** A fitted linear model: encoder state plus coefficients `K × p` and `K` intercepts. */
export class LinearModel implements Model {
  readonly kind = "linear";

  constructor(
    readonly task: Task,
    readonly classes: readonly string[],
    readonly encoder: NumericEncoderState,
    /** Row-major `K × p`, on the standardised encoded features (K = 1 unless multiclass). */
    readonly coef: Float64Array,
    readonly intercept: Float64Array,
    private readonly params: LinearParams,
  ) {}

  /** The iteration cap: the solver stops on convergence, never on a validation set, so a refit keeps the cap. */
  resourceUsed(): number {
    return this.params.maxIter;
  }

  predict(x: Table): Predictions {
    return this.fromEncoded(encodeNumeric(this.encoder, x), x.nRows);
  }

  /** Mean log-loss (classes) or mean squared error (regression) on already-encoded rows. */
  lossOn(xEnc: Float64Array, d: Dataset): number {
    const pred = this.fromEncoded(xEnc, d.x.nRows);
    const n = d.x.nRows;
    let s = 0;
    if (pred.task === "regression" && d.y.task === "regression") {
      for (let i = 0; i < n; i++) s += (pred.values[i]! - d.y.values[i]!) ** 2;
    } else if (pred.task !== "regression" && d.y.task !== "regression") {
      const K = pred.classes.length;
      for (let i = 0; i < n; i++) s -= Math.log(Math.max(1e-15, pred.proba[i * K + d.y.labels[i]!]!));
    }
    return n > 0 ? s / n : 0;
  }

  private fromEncoded(xEnc: Float64Array, n: number): Predictions {
    const p = this.encoder.featureNames.length;
    const K = this.intercept.length;
    const theta = new Float64Array(K * (p + 1));
    theta.set(this.coef);
    theta.set(this.intercept, K * p);
    const z = linearScores(theta, xEnc, n, p, K);
    if (this.task === "regression") return { task: "regression", values: z };
    if (this.task === "binary") {
      const proba = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const q = sigmoid(z[i]!);
        proba[2 * i] = 1 - q;
        proba[2 * i + 1] = q;
      }
      return { task: "binary", classes: this.classes, proba };
    }
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = Math.max(m, z[i * K + k]!);
      let s = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(z[i * K + k]! - m);
        z[i * K + k] = e;
        s += e;
      }
      for (let k = 0; k < K; k++) z[i * K + k]! /= s;
    }
    return { task: "multiclass", classes: this.classes, proba: z };
  }

  /**
   * |coef| summed over each input column's encoded features (one-hot slots, missing indicator) and
   * averaged over outputs; on standardised features, so columns are comparable.
   */
  featureImportance(): ReadonlyMap<string, number> {
    const p = this.encoder.featureNames.length;
    const K = this.intercept.length;
    const out = new Map<string, number>();
    let offset = 0;
    for (const c of this.encoder.columns) {
      const width = c.kind === "numeric" ? (c.indicator ? 2 : 1) : c.width;
      let s = 0;
      for (let k = 0; k < K; k++) for (let j = offset; j < offset + width; j++) s += Math.abs(this.coef[k * p + j]!);
      out.set(c.name, s / K);
      offset += width;
    }
    return out;
  }

  save(): Artifact {
    return {
      kind: this.kind,
      task: this.task,
      spec: { kind: this.kind, params: { ...this.params } },
      state: { classes: [...this.classes], encoder: this.encoder as unknown as JsonValue },
      arrays: { coef: this.coef, intercept: this.intercept },
    };
  }
}

/** Registry entry of the `"linear"` learner. */
export const linearLearnerFactory: LearnerFactory = {
  kind: "linear",
  create: (params) => new LinearLearner(params),
  load: (a: Artifact) => {
    const state = a.state as { classes?: unknown; encoder?: unknown } | null;
    const { coef, intercept } = a.arrays;
    if (state === null || typeof state !== "object" || !Array.isArray(state.classes) || typeof state.encoder !== "object" || state.encoder === null) {
      throw new OuroborosError("artifact-corrupt", "linear: the artifact state has no `classes` or `encoder`");
    }
    if (!(coef instanceof Float64Array) || !(intercept instanceof Float64Array)) throw new OuroborosError("artifact-corrupt", "linear: the artifact has no float64 `coef` and `intercept` arrays");
    const encoder = state.encoder as NumericEncoderState;
    const K = intercept.length;
    if (coef.length !== K * encoder.featureNames.length) {
      throw new OuroborosError("artifact-corrupt", `linear: \`coef\` has ${coef.length} entries but ${K} outputs × ${encoder.featureNames.length} features need ${K * encoder.featureNames.length}`);
    }
    return new LinearModel(a.task, state.classes as string[], encoder, coef, intercept, new LinearLearner(a.spec.params as Record<string, unknown>).params);
  },
};
