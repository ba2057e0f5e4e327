/**
 * Tiny learners for the evaluator's own tests (not exported from the package): a spy that records
 * what each fit saw, and a one-feature probabilistic classifier / linear regressor that actually
 * learn, so comparisons against the constant baseline have something to detect.
 */
import type { Dataset, Task } from "../data/dataset.js";
import { getColumn, type Table } from "../data/table.js";
import type { Capabilities, FitContext, Learner, Model, Predictions } from "../learners/learner.js";

const CAPS: Capabilities = { tasks: ["binary", "multiclass", "regression"], missingValues: false, categorical: false, sampleWeights: true, warmStart: false };

function numeric(table: Table, name: string): Float64Array {
  const c = getColumn(table, name);
  if (c.kind !== "numeric") throw new Error(`test learner: column ${name} must be numeric`);
  return c.values;
}

/**
 * Fits class-conditional Gaussians with a shared variance on column `feature` (weighted), and
 * predicts posteriors; for regression, weighted least squares on that column.
 */
export class OneFeatureLearner implements Learner<{ feature: string }> {
  readonly kind = "one-feature";
  readonly capabilities = CAPS;
  /** Seeds and training-row ids (column `id`, when present) of every fit, in call order. */
  readonly fits: { seed: number; ids: number[]; weights: number[] | undefined }[] = [];

  constructor(readonly params: { feature: string }) {}

  fit(data: Dataset, ctx: FitContext): Promise<Model> {
    const hasId = data.x.columns.some((c) => c.name === "id");
    this.fits.push({ seed: ctx.seed, ids: hasId ? Array.from(numeric(data.x, "id")) : [], weights: data.weights === undefined ? undefined : Array.from(data.weights) });
    const x = numeric(data.x, this.params.feature);
    const w = (i: number): number => (data.weights === undefined ? 1 : data.weights[i]!);
    if (data.y.task === "regression") {
      let sw = 0;
      let sx = 0;
      let sy = 0;
      for (let i = 0; i < x.length; i++) {
        sw += w(i);
        sx += w(i) * x[i]!;
        sy += w(i) * data.y.values[i]!;
      }
      const mx = sx / sw;
      const my = sy / sw;
      let sxy = 0;
      let sxx = 0;
      for (let i = 0; i < x.length; i++) {
        sxy += w(i) * (x[i]! - mx) * (data.y.values[i]! - my);
        sxx += w(i) * (x[i]! - mx) ** 2;
      }
      const slope = sxx > 0 ? sxy / sxx : 0;
      return Promise.resolve(new OneFeatureModel("regression", this.params.feature, [], [my - slope * mx, slope], 0, []));
    }
    const k = data.y.classes.length;
    const sum = new Float64Array(k);
    const cnt = new Float64Array(k);
    for (let i = 0; i < x.length; i++) {
      sum[data.y.labels[i]!]! += w(i) * x[i]!;
      cnt[data.y.labels[i]!]! += w(i);
    }
    const means = Array.from(sum, (s, j) => (cnt[j]! > 0 ? s / cnt[j]! : 0));
    let ss = 0;
    let total = 0;
    for (let i = 0; i < x.length; i++) {
      ss += w(i) * (x[i]! - means[data.y.labels[i]!]!) ** 2;
      total += w(i);
    }
    const priors = Array.from(cnt, (c) => (c + 1) / (total + k));
    return Promise.resolve(new OneFeatureModel(data.y.task, this.params.feature, data.y.classes, means, Math.max(ss / total, 1e-6), priors));
  }
}

class OneFeatureModel implements Model {
  readonly kind = "one-feature";
  constructor(
    readonly task: Task,
    private readonly feature: string,
    private readonly classes: readonly string[],
    private readonly coef: number[],
    private readonly variance: number,
    private readonly priors: number[],
  ) {}

  predict(table: Table): Predictions {
    const x = numeric(table, this.feature);
    if (this.task === "regression") return { task: "regression", values: Float64Array.from(x, (v) => this.coef[0]! + this.coef[1]! * v) };
    const k = this.classes.length;
    const proba = new Float64Array(x.length * k);
    for (let i = 0; i < x.length; i++) {
      let max = -Infinity;
      const logp = this.coef.map((m, j) => Math.log(this.priors[j]!) - (x[i]! - m) ** 2 / (2 * this.variance));
      for (const l of logp) max = Math.max(max, l);
      let z = 0;
      for (let j = 0; j < k; j++) z += Math.exp(logp[j]! - max);
      for (let j = 0; j < k; j++) proba[i * k + j] = Math.exp(logp[j]! - max) / z;
    }
    return { task: this.task as "binary" | "multiclass", classes: this.classes, proba };
  }

  save(): never {
    throw new Error("test learner: not saveable");
  }
}
