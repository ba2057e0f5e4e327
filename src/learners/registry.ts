/**
 * Learners as data: `{kind, params}` rebuilds a learner ({@link createLearner}) and an artifact's
 * `kind` finds the code that loads it ({@link loadModel}). Built-in learners are registered by
 * `src/learners/index.ts`; users may register their own kinds.
 */
import { OuroborosError } from "../core/errors.js";
import type { Artifact } from "./artifact.js";
import type { Learner, LearnerSpec, Model } from "./learner.js";

/** How the registry builds a learner kind and loads its saved models. */
export interface LearnerFactory {
  readonly kind: string;
  /** Builds the learner; unknown or out-of-range params are `invalid-argument` errors naming them. */
  create(params: Readonly<Record<string, unknown>>): Learner;
  /** Rebuilds a fitted model from an artifact this kind saved. */
  load(artifact: Artifact): Model;
}

const factories = new Map<string, LearnerFactory>();

/** Adds a learner kind. Registering a kind twice is an `invalid-argument` error. */
export function registerLearner(factory: LearnerFactory): void {
  if (factories.has(factory.kind)) throw new OuroborosError("invalid-argument", `a learner of kind "${factory.kind}" is already registered`);
  factories.set(factory.kind, factory);
}

/** The registered learner kinds, sorted. */
export function learnerKinds(): string[] {
  return [...factories.keys()].sort();
}

function factoryOf(kind: string): LearnerFactory {
  const f = factories.get(kind);
  if (f === undefined) throw new OuroborosError("invalid-argument", `unknown learner kind ${JSON.stringify(kind)}; known kinds: ${learnerKinds().join(", ") || "(none registered)"}`);
  return f;
}

/** Rebuilds a learner from `{kind, params}`. */
export function createLearner(spec: LearnerSpec): Learner {
  return factoryOf(spec.kind).create(spec.params as Readonly<Record<string, unknown>>);
}

/** Rebuilds a fitted model from its artifact. */
export function loadModel(artifact: Artifact): Model {
  return factoryOf(artifact.kind).load(artifact);
}
