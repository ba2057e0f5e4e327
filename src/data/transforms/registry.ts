/**
 * Transforms as data: `{kind, params}` builds a step ({@link createTransform}) and a saved
 * `{kind, params, state}` rebuilds a fitted one ({@link loadTransform}) that gives the same output as
 * the step that was saved. The built-in kinds are registered here; users may add their own.
 */
import type { JsonValue } from "../../core/json.js";
import { OuroborosError } from "../../core/errors.js";
import { FittedImputer, Imputer } from "./imputer.js";
import { FittedOneHot, OneHotEncoder } from "./one-hot.js";
import { FittedOrdinal, OrdinalEncoder } from "./ordinal.js";
import { FittedPipeline, Pipeline } from "./pipeline.js";
import { FittedQuantileBinning, QuantileBinning } from "./quantile-binning.js";
import { FittedStandardScaler, StandardScaler } from "./standard-scaler.js";
import { FittedTargetEncoder, TargetEncoder } from "./target-encoder.js";
import { stateArray, type FittedTransform, type Transform, type TransformSpec } from "./transform.js";

/** How the registry builds a transform kind and loads its fitted state. */
export interface TransformFactory {
  readonly kind: string;
  /** Builds the step; bad params are `invalid-argument` errors naming them. */
  create(params: Readonly<Record<string, unknown>>): Transform;
  /** Rebuilds a fitted step from its params and JSON state. */
  load(params: Readonly<Record<string, unknown>>, state: JsonValue): FittedTransform;
}

const factories = new Map<string, TransformFactory>();

/** Adds a transform kind. Registering a kind twice is an `invalid-argument` error. */
export function registerTransform(factory: TransformFactory): void {
  if (factories.has(factory.kind)) throw new OuroborosError("invalid-argument", `a transform of kind "${factory.kind}" is already registered`);
  factories.set(factory.kind, factory);
}

/** The registered transform kinds, sorted. */
export function transformKinds(): string[] {
  return [...factories.keys()].sort();
}

function factoryOf(kind: string): TransformFactory {
  const f = factories.get(kind);
  if (f === undefined) throw new OuroborosError("invalid-argument", `unknown transform kind ${JSON.stringify(kind)}; known kinds: ${transformKinds().join(", ")}`);
  return f;
}

/** Builds a step from `{kind, params}` (params default to the kind's defaults). */
export function createTransform(spec: { readonly kind: string; readonly params?: JsonValue }): Transform {
  return factoryOf(spec.kind).create(asRecord(spec.kind, spec.params ?? {}));
}

/** Rebuilds a fitted step from what {@link transformSpec} saved. */
export function loadTransform(spec: TransformSpec): FittedTransform {
  return factoryOf(spec.kind).load(asRecord(spec.kind, spec.params), spec.state);
}

function asRecord(kind: string, params: JsonValue): Readonly<Record<string, unknown>> {
  if (params === null || typeof params !== "object" || Array.isArray(params)) throw new OuroborosError("invalid-argument", `${kind}: params must be an object, but got ${JSON.stringify(params)}`);
  return params as Readonly<Record<string, unknown>>;
}

function stepsOf(kind: string, params: Readonly<Record<string, unknown>>): readonly { kind: string; params?: JsonValue }[] {
  const steps = params["steps"];
  if (!Array.isArray(steps) || !steps.every((s) => s !== null && typeof s === "object" && typeof (s as { kind?: unknown }).kind === "string")) {
    throw new OuroborosError("invalid-argument", `${kind}: \`steps\` must be an array of {kind, params}, but got ${JSON.stringify(steps)}`);
  }
  return steps as { kind: string; params?: JsonValue }[];
}

registerTransform({ kind: "imputer", create: (p) => new Imputer(p), load: (p, s) => FittedImputer.load(p, s) });
registerTransform({ kind: "one-hot", create: (p) => new OneHotEncoder(p), load: (p, s) => FittedOneHot.load(p, s) });
registerTransform({ kind: "ordinal", create: (p) => new OrdinalEncoder(p), load: (p, s) => FittedOrdinal.load(p, s) });
registerTransform({ kind: "target-encoder", create: (p) => new TargetEncoder(p), load: (p, s) => FittedTargetEncoder.load(p, s) });
registerTransform({ kind: "standard-scaler", create: (p) => new StandardScaler(p), load: (p, s) => FittedStandardScaler.load(p, s) });
registerTransform({ kind: "quantile-binning", create: (p) => new QuantileBinning(p), load: (p, s) => FittedQuantileBinning.load(p, s) });
registerTransform({
  kind: "pipeline",
  create: (p) => new Pipeline(stepsOf("pipeline", p).map((s) => createTransform(s))),
  load: (_p, s) => new FittedPipeline(stateArray("pipeline", s, "steps").map((step) => loadTransform(step as unknown as TransformSpec))),
});
