/**
 * A weighted average of member models, the form greedy ensemble selection produces (Caruana et al.
 * 2004): class probabilities (or regression values) are averaged with fixed weights. As a learner
 * it fits every member spec on the same data; as a model it saves its members' artifacts inside
 * its own, so the whole ensemble is still one digest-verified artifact with no code.
 */
import { OuroborosError } from "../../core/errors.js";
import { deriveSeed } from "../../core/rng.js";
import type { Dataset, Task } from "../../data/dataset.js";
import type { Table } from "../../data/table.js";
import { decodeArtifact, encodeArtifact, type Artifact } from "../artifact.js";
import type { Capabilities, FitContext, Learner, LearnerSpec, Model, Predictions } from "../learner.js";
import { createLearner, loadModel, type LearnerFactory } from "../registry.js";

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
    const preds = this.members.map((m) => m.predict(x));
    const first = preds[0]!;
    const values = (p: Predictions): Float64Array => (p.task === "regression" ? p.values : p.proba);
    const out = new Float64Array(values(first).length);
    let total = 0;
    preds.forEach((p, i) => {
      const w = this.weights[i]!;
      total += w;
      const v = values(p);
      for (let j = 0; j < out.length; j++) out[j]! += w * v[j]!;
    });
    for (let j = 0; j < out.length; j++) out[j]! /= total;
    return first.task === "regression" ? { task: "regression", values: out } : { task: first.task, classes: first.classes, proba: out };
  }

  save(): Artifact {
    const encoded = this.members.map((m) => encodeArtifact(m.save()));
    const blob = new Uint8Array(encoded.reduce((s, e) => s + e.weights.length, 0));
    let offset = 0;
    const members = encoded.map((e, i) => {
      blob.set(e.weights, offset);
      const entry = { json: e.json, offset, length: e.weights.length, weight: this.weights[i]! };
      offset += e.weights.length;
      return entry;
    });
    return { kind: this.kind, task: this.task, spec: { kind: this.kind, params: { ...this.params } }, state: { members }, arrays: { blob } };
  }
}

/** Registry entry of the weighted ensemble. */
export const weightedEnsembleFactory: LearnerFactory = {
  kind: "ensemble",
  create: (params) => new WeightedEnsembleLearner(params),
  load: (a: Artifact) => {
    const state = a.state as { members?: { json: string; offset: number; length: number; weight: number }[] };
    const blob = a.arrays.blob;
    if (!Array.isArray(state.members) || !(blob instanceof Uint8Array)) throw new OuroborosError("artifact-corrupt", "ensemble: the artifact has no members");
    const models = state.members.map((m, i) => loadModel(decodeArtifact(m.json, blob.subarray(m.offset, m.offset + m.length), `ensemble member ${i}`)));
    const params = checkParams(a.spec.params as Record<string, unknown>);
    return new WeightedEnsembleModel(a.task, models, state.members.map((m) => m.weight), params);
  },
};
