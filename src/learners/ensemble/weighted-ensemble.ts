/**
 * A weighted average of member models, the form greedy ensemble selection produces (Caruana et al.
 * 2004): class probabilities (or regression values) are averaged with fixed weights. As a learner
 * it fits every member spec on the same data; as a model it saves its members' artifacts inside
 * its own (`member-artifacts.ts`), so the whole ensemble is still one digest-verified artifact.
 */
import { OuroborosError } from "../../core/errors.js";
import { deriveSeed } from "../../core/rng.js";
import type { Dataset, Task } from "../../data/dataset.js";
import type { Table } from "../../data/table.js";
import type { Artifact } from "../artifact.js";
import { averagePredictions } from "../average-predictions.js";
import type { Capabilities, FitContext, Learner, LearnerSpec, Model, Predictions } from "../learner.js";
import { packMembers, unpackMembers } from "../member-artifacts.js";
import { createLearner, type LearnerFactory } from "../registry.js";

/** Hyperparameters of {@link WeightedEnsembleLearner}: member specs with their weights. */
export interface WeightedEnsembleParams {
  readonly members: readonly { readonly spec: LearnerSpec; readonly weight: number }[];
}

function checkParams(params: Readonly<Record<string, unknown>>): WeightedEnsembleParams {
  const known = new Set(["members"]);
  for (const k of Object.keys(params)) if (!known.has(k)) throw new OuroborosError("invalid-argument", `ensemble: unknown hyperparameter "${k}"; known: members`);
  const members = params.members;
  if (!Array.isArray(members) || members.length === 0) throw new OuroborosError("invalid-argument", "ensemble: `members` must be a non-empty array of {spec, weight}");
  let total = 0;
  for (const [i, m] of members.entries()) {
    const w = (m as { weight?: unknown }).weight;
    const spec = (m as { spec?: { kind?: unknown } }).spec;
    if (typeof w !== "number" || !(w >= 0) || !Number.isFinite(w)) throw new OuroborosError("invalid-argument", `ensemble: member ${i} must have a finite weight ≥ 0, but got ${JSON.stringify(w)}`);
    if (typeof spec?.kind !== "string") throw new OuroborosError("invalid-argument", `ensemble: member ${i} must have a spec {kind, params}`);
    total += w;
  }
  if (!(total > 0)) throw new OuroborosError("invalid-argument", "ensemble: member weights must not all be 0");
  return { members: members as WeightedEnsembleParams["members"] };
}

/** Fits each member spec on the data; predicts their weighted average. */
export class WeightedEnsembleLearner implements Learner<WeightedEnsembleParams> {
  readonly kind = "ensemble";
  readonly params: WeightedEnsembleParams;
  readonly capabilities: Capabilities;
  private readonly learners: readonly Learner[];

  constructor(params: Readonly<Record<string, unknown>>) {
    this.params = checkParams(params);
    this.learners = this.params.members.map((m) => createLearner(m.spec));
    const caps = this.learners.map((l) => l.capabilities);
    this.capabilities = {
      tasks: (["binary", "multiclass", "regression"] as const).filter((t) => caps.every((c) => c.tasks.includes(t))),
      missingValues: caps.every((c) => c.missingValues),
      categorical: caps.every((c) => c.categorical),
      sampleWeights: caps.every((c) => c.sampleWeights),
      warmStart: false,
    };
  }

  async fit(data: Dataset, ctx: FitContext): Promise<Model> {
    const models: Model[] = [];
    for (const [i, l] of this.learners.entries()) {
      ctx.signal?.throwIfAborted();
      models.push(await l.fit(data, { seed: deriveSeed(ctx.seed, "member", i), ...(ctx.signal ? { signal: ctx.signal } : {}) }));
    }
    return new WeightedEnsembleModel(data.y.task, models, this.params.members.map((m) => m.weight), this.params);
  }
}

/** A fitted weighted ensemble. */
export class WeightedEnsembleModel implements Model {
  readonly kind = "ensemble";
  constructor(
    readonly task: Task,
    /** The fitted members, in the order of `weights`. */
    readonly members: readonly Model[],
    readonly weights: readonly number[],
    private readonly params: WeightedEnsembleParams,
  ) {}

  predict(x: Table): Predictions {
    return averagePredictions(
      this.members.map((m) => m.predict(x)),
      this.weights,
    );
  }

  save(): Artifact {
    const { members, blob } = packMembers(this.members);
    const withWeights = members.map((m, i) => ({ ...m, weight: this.weights[i]! }));
    return { kind: this.kind, task: this.task, spec: { kind: this.kind, params: { ...this.params } }, state: { members: withWeights }, arrays: { blob } };
  }
}

/** Registry entry of the weighted ensemble. */
export const weightedEnsembleFactory: LearnerFactory = {
  kind: "ensemble",
  create: (params) => new WeightedEnsembleLearner(params),
  load: (a: Artifact) => {
    const state = a.state as { members?: { weight: number }[] };
    const models = unpackMembers(state.members, a.arrays.blob, "ensemble");
    const params = checkParams(a.spec.params as Record<string, unknown>);
    return new WeightedEnsembleModel(a.task, models, state.members!.map((m) => m.weight), params);
  },
};
