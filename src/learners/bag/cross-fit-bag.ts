/**
 * A cross-fitted bag (`"bag"`): the base learner fitted once per cross-validation fold, on that
 * fold's training rows, predicting the plain average of the k fold models. This is how AutoGluon
 * turns a cross-validated model into the model it deploys (Erickson et al. 2020, "AutoGluon-Tabular",
 * §3.3 k-fold bagging): every row trains k−1 of the k models, and averaging them lowers the
 * variance of a single model (Breiman 1996, "Bagging predictors") and smooths its probabilities.
 *
 * With `foldSeed` and `seed` set to a run's fold seed and a candidate's seed, fitting rebuilds
 * exactly the models whose out-of-fold predictions `ouro run` scored: the same folds
 * ({@link crossValidationFolds}) and the same per-fold fit ({@link fitOnFold}, seed
 * `deriveSeed(seed, "fold", j)`). The bag is then the very thing the gate judged.
 */
import { OuroborosError } from "../../core/errors.js";
import { deriveSeed } from "../../core/rng.js";
import { crossValidationFolds } from "../../data/cv-folds.js";
import type { Dataset, Task } from "../../data/dataset.js";
import type { Table } from "../../data/table.js";
import { fitOnFold } from "../../evaluate/fit-fold.js";
import type { Artifact } from "../artifact.js";
import { averagePredictions } from "../average-predictions.js";
import type { Capabilities, FitContext, Learner, LearnerSpec, Model, Predictions } from "../learner.js";
import { MLPModel } from "../mlp/mlp.js";
import { buildAveragedInferenceGraph, type InferenceNet } from "../mlp/network-graph.js";
import { packMembers, unpackMembers } from "../member-artifacts.js";
import { createLearner, type LearnerFactory } from "../registry.js";

/** Hyperparameters of {@link CrossFitBagLearner}. */
export interface CrossFitBagParams {
  /** The learner fitted on every fold. */
  readonly base: LearnerSpec;
  /** Number of folds (lowered, as cross-validation does, when a class has fewer rows). Default 5. */
  readonly folds: number;
  /** Seed of the folds; default derived from the fit's seed. */
  readonly foldSeed?: number;
  /** Seed of the fold fits, overriding the fit's seed (to rebuild a candidate's models exactly). */
  readonly seed?: number;
  /** Fraction of each fold's training rows held out for early stopping (base learners with a resource). Default 0.1. */
  readonly validationFraction: number;
}

const KNOWN = ["base", "folds", "foldSeed", "seed", "validationFraction"];

function checkParams(params: Readonly<Record<string, unknown>>): CrossFitBagParams {
  for (const k of Object.keys(params)) if (!KNOWN.includes(k)) throw new OuroborosError("invalid-argument", `bag: unknown hyperparameter "${k}"; known: ${KNOWN.join(", ")}`);
  const base = params.base as { kind?: unknown; params?: unknown } | undefined;
  if (typeof base?.kind !== "string" || typeof base.params !== "object" || base.params === null) throw new OuroborosError("invalid-argument", `bag: \`base\` must be a learner spec {kind, params}, but got ${JSON.stringify(params.base)}`);
  const folds = params.folds ?? 5;
  if (typeof folds !== "number" || !Number.isInteger(folds) || folds < 2) throw new OuroborosError("invalid-argument", `bag: \`folds\` must be an integer ≥ 2, but got ${JSON.stringify(params.folds)}`);
  for (const k of ["foldSeed", "seed"] as const) {
    const v = params[k];
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) throw new OuroborosError("invalid-argument", `bag: \`${k}\` must be a non-negative integer, but got ${JSON.stringify(v)}`);
  }
  const vf = params.validationFraction ?? 0.1;
  if (typeof vf !== "number" || !(vf > 0 && vf < 1)) throw new OuroborosError("invalid-argument", `bag: \`validationFraction\` must be in (0, 1), but got ${JSON.stringify(params.validationFraction)}`);
  return {
    base: { kind: base.kind, params: base.params as Record<string, unknown> },
    folds,
    ...(params.foldSeed !== undefined ? { foldSeed: params.foldSeed as number } : {}),
    ...(params.seed !== undefined ? { seed: params.seed as number } : {}),
    validationFraction: vf,
  };
}

/** Fits the base learner on each fold's training rows; see the module docs. */
export class CrossFitBagLearner implements Learner<CrossFitBagParams> {
  readonly kind = "bag";
  readonly params: CrossFitBagParams;
  readonly capabilities: Capabilities;
  private readonly base: Learner;

  constructor(params: Readonly<Record<string, unknown>>) {
    this.params = checkParams(params);
    this.base = createLearner(this.params.base);
    const c = this.base.capabilities;
    // The resource is used inside each fold (early stopping); the bag itself has none to raise.
    this.capabilities = { tasks: c.tasks, missingValues: c.missingValues, categorical: c.categorical, sampleWeights: c.sampleWeights, warmStart: false };
  }

  async fit(data: Dataset, ctx: FitContext): Promise<Model> {
    if (!this.capabilities.tasks.includes(data.y.task)) throw new OuroborosError("invalid-argument", `bag: the base learner "${this.params.base.kind}" cannot fit a ${data.y.task} target`);
    const seed = this.params.seed ?? ctx.seed;
    const folds = crossValidationFolds(data, this.params.folds, this.params.foldSeed ?? deriveSeed(seed, "folds"));
    const models: Model[] = [];
    for (const [j, fold] of folds.entries()) {
      ctx.signal?.throwIfAborted();
      models.push(await fitOnFold(this.base, data, fold.train, { seed: deriveSeed(seed, "fold", j), validationFraction: this.params.validationFraction, ...(ctx.signal ? { signal: ctx.signal } : {}) }));
    }
    return new CrossFitBagModel(data.y.task, models, this.params);
  }
}

/** A fitted cross-fitted bag: the fold models, fold `j`'s model at index `j`. */
export class CrossFitBagModel implements Model {
  readonly kind = "bag";
  constructor(
    readonly task: Task,
    readonly members: readonly Model[],
    readonly params: CrossFitBagParams,
  ) {
    if (members.length === 0) throw new OuroborosError("invalid-argument", "bag: at least one fold model is needed");
  }

  /** The plain average of the fold models' predictions, summed in fold order. */
  predict(x: Table): Predictions {
    return averagePredictions(
      this.members.map((m) => m.predict(x)),
      this.members.map(() => 1),
    );
  }

  /**
   * The bag as one standalone ONNX inference model, when every fold model is a neural network
   * (`"mlp"`); undefined otherwise. Inputs `features_0` … `features_{k−1}`: input `j` is
   * [batch, nFeatures_j], the encoded matrix of fold model `j` (`bag.members[j].encode(x)` — each
   * fold has its own encoder, so widths can differ). Output as for a single network:
   * `probabilities` [batch, nClasses] (the mean of the fold networks' softmax outputs) or `values`
   * [batch] (the mean of their values in target units) — the same average {@link predict} takes.
   */
  toOnnx(): Uint8Array | undefined {
    const nets = this.members.map((m) => (m instanceof MLPModel ? m.onnxNet() : undefined));
    if (nets.some((n) => n === undefined)) return undefined;
    return buildAveragedInferenceGraph(nets as InferenceNet[], this.task === "regression" ? "squared" : "softmax");
  }

  save(): Artifact {
    const { members, blob } = packMembers(this.members);
    return { kind: this.kind, task: this.task, spec: { kind: this.kind, params: { ...this.params } }, state: { members }, arrays: { blob } };
  }
}

/** Registry entry of the cross-fitted bag. */
export const crossFitBagFactory: LearnerFactory = {
  kind: "bag",
  create: (params) => new CrossFitBagLearner(params),
  load: (a: Artifact) => {
    const models = unpackMembers((a.state as { members?: unknown }).members, a.arrays.blob, "bag");
    return new CrossFitBagModel(a.task, models, checkParams(a.spec.params as Record<string, unknown>));
  },
};
