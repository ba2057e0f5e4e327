/**
 * The constant baseline: predicts the (weighted) training class frequencies, or the training mean
 * for regression, whatever the features. Every other learner must beat it; the evaluator uses it to
 * say how much a model actually learned.
 */
import { OuroborosError } from "../../core/errors.js";
import type { Dataset, Task } from "../../data/dataset.js";
import type { Table } from "../../data/table.js";
import type { Artifact } from "../artifact.js";
import type { Capabilities, FitContext, Learner, Model, Predictions } from "../learner.js";
import { resolveParams } from "../params.js";
import type { LearnerFactory } from "../registry.js";

/** Hyperparameters of {@link ConstantLearner}. */
export interface ConstantParams {
  /** Regression only: predict the median instead of the mean. Default false. */
  readonly median: boolean;
}

const CAPABILITIES: Capabilities = { tasks: ["binary", "multiclass", "regression"], missingValues: true, categorical: true, sampleWeights: true, warmStart: false };

/** Predicts class priors or the mean: the floor every model must clear. */
export class ConstantLearner implements Learner<ConstantParams> {
  readonly kind = "constant";
  readonly params: ConstantParams;
  readonly capabilities = CAPABILITIES;

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = resolveParams("constant", { median: false }, { median: { type: "boolean" } }, params);
  }

  fit(data: Dataset, ctx: FitContext): Promise<Model> {
    ctx.signal?.throwIfAborted();
    const w = data.weights;
    const weight = (i: number): number => (w === undefined ? 1 : w[i]!);
    if (data.y.task === "regression") {
      const v = data.y.values;
      let value: number;
      if (this.params.median) {
        const order = Array.from(v.keys()).sort((a, b) => v[a]! - v[b]!);
        const total = order.reduce((s, i) => s + weight(i), 0);
        let acc = 0;
        value = v[order[order.length - 1]!] ?? 0;
        for (const i of order) {
          acc += weight(i);
          if (acc >= total / 2) {
            value = v[i]!;
            break;
          }
        }
      } else {
        let s = 0;
        let sw = 0;
        for (let i = 0; i < v.length; i++) {
          s += weight(i) * v[i]!;
          sw += weight(i);
        }
        if (!(sw > 0)) throw new OuroborosError("invalid-data", "constant: the sample weights sum to 0");
        value = s / sw;
      }
      return Promise.resolve(new ConstantModel("regression", [], Float64Array.of(value), this.params));
    }
    const k = data.y.classes.length;
    const p = new Float64Array(k);
    data.y.labels.forEach((l, i) => (p[l]! += weight(i)));
    const total = p.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new OuroborosError("invalid-data", "constant: the sample weights sum to 0");
    for (let j = 0; j < k; j++) p[j]! /= total;
    return Promise.resolve(new ConstantModel(data.y.task, data.y.classes, p, this.params));
  }
}

class ConstantModel implements Model {
  readonly kind = "constant";
  constructor(
    readonly task: Task,
    private readonly classes: readonly string[],
    private readonly value: Float64Array,
    private readonly params: ConstantParams,
  ) {}

  predict(x: Table): Predictions {
    if (this.task === "regression") return { task: "regression", values: new Float64Array(x.nRows).fill(this.value[0]!) };
    const k = this.classes.length;
    const proba = new Float64Array(x.nRows * k);
    for (let i = 0; i < x.nRows; i++) proba.set(this.value, i * k);
    return { task: this.task, classes: this.classes, proba };
  }

  save(): Artifact {
    return { kind: this.kind, task: this.task, spec: { kind: this.kind, params: { ...this.params } }, state: { classes: [...this.classes] }, arrays: { value: this.value } };
  }
}

/** Registry entry of the constant baseline. */
export const constantLearnerFactory: LearnerFactory = {
  kind: "constant",
  create: (params) => new ConstantLearner(params),
  load: (a: Artifact) => {
    const state = a.state as { classes: string[] };
    const value = a.arrays.value;
    if (!(value instanceof Float64Array)) throw new OuroborosError("artifact-corrupt", "constant: the artifact has no `value` array");
    return new ConstantModel(a.task, state.classes, value, new ConstantLearner(a.spec.params as Record<string, unknown>).params);
  },
};
