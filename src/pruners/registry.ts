/**
 * Pruners by name: `createPruner({ kind, params })` rebuilds any pruner from the `kind` and `params`
 * it exposes, so a pruner can be stored, sent to a worker, or given on the command line.
 */
import { OuroborosError } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";
import type { Pruner } from "../core/pruner.js";
import { HyperbandPruner } from "./hyperband.js";
import { MedianPruner } from "./median.js";
import { NopPruner } from "./nop.js";
import { PatientPruner } from "./patient.js";
import { PercentilePruner } from "./percentile.js";
import { SuccessiveHalvingPruner } from "./successive-halving.js";
import { ThresholdPruner } from "./threshold.js";
import { show } from "./validation.js";

/** A serialised pruner: its registry `kind` and constructor `params` (what `pruner.kind` / `pruner.params` give). */
export interface PrunerSpec {
  readonly kind: string;
  readonly params?: Readonly<Record<string, JsonValue>>;
}

type Factory = (params: Readonly<Record<string, JsonValue>>) => Pruner;

/**
 * Checks `params` against the names a pruner accepts and returns them as its options object (the
 * constructor then checks each value's type and range).
 */
function options<T>(kind: string, params: Readonly<Record<string, JsonValue>>, allowed: readonly string[]): T {
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) {
      throw new OuroborosError(
        "invalid-argument",
        `pruner "${kind}": unknown parameter "${key}"; expected one of ${allowed.map((a) => `"${a}"`).join(", ")}`,
      );
    }
  }
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(params)) if (v !== null || kind === "threshold") out[k] = v;
  return out as T;
}

const factories: Readonly<Record<string, Factory>> = {
  nop: (p) => {
    options("nop", p, []);
    return new NopPruner();
  },
  percentile: (p) =>
    new PercentilePruner(options("percentile", p, ["percentile", "nStartupTrials", "nWarmupSteps", "intervalSteps", "nMinTrials"])),
  median: (p) => new MedianPruner(options("median", p, ["nStartupTrials", "nWarmupSteps", "intervalSteps", "nMinTrials"])),
  patient: (p) => {
    const o = options<{ wrapped?: JsonValue; patience: number; minDelta?: number }>("patient", p, [
      "wrapped",
      "patience",
      "minDelta",
    ]);
    const w = o.wrapped;
    let wrapped: Pruner | null = null;
    if (w !== undefined && w !== null) {
      if (typeof w !== "object" || Array.isArray(w) || typeof (w as Record<string, JsonValue>)["kind"] !== "string") {
        throw new OuroborosError(
          "invalid-argument",
          `pruner "patient": wrapped must be a { kind, params } object or null, but got ${show(w)}`,
        );
      }
      const spec = w as { kind: string; params?: Record<string, JsonValue> };
      wrapped = createPruner(spec.params === undefined ? { kind: spec.kind } : { kind: spec.kind, params: spec.params });
    }
    return new PatientPruner(wrapped, o.minDelta === undefined ? { patience: o.patience } : { patience: o.patience, minDelta: o.minDelta });
  },
  threshold: (p) => new ThresholdPruner(options("threshold", p, ["lower", "upper", "nWarmupSteps", "intervalSteps"])),
  "successive-halving": (p) =>
    new SuccessiveHalvingPruner(
      options("successive-halving", p, ["minResource", "reductionFactor", "minEarlyStoppingRate", "bootstrapCount", "minCompetitors"]),
    ),
  hyperband: (p) =>
    new HyperbandPruner(options("hyperband", p, ["minResource", "maxResource", "reductionFactor", "bootstrapCount"])),
};

/** The kinds {@link createPruner} knows. */
export const prunerKinds: readonly string[] = Object.keys(factories);

/**
 * Builds a pruner from its `{ kind, params }` (the inverse of reading `pruner.kind` and
 * `pruner.params`); `params` defaults to `{}`, so `{ kind: "median" }` is a default median pruner.
 *
 * @throws OuroborosError `invalid-argument` for an unknown kind, an unknown parameter, or an invalid value.
 * @example
 * ```ts
 * const pruner = createPruner({ kind: "successive-halving", params: { minResource: 1, reductionFactor: 3 } });
 * const copy = createPruner({ kind: pruner.kind, params: pruner.params });
 * ```
 */
export function createPruner(spec: PrunerSpec): Pruner {
  const factory = Object.hasOwn(factories, spec.kind) ? factories[spec.kind] : undefined;
  if (!factory) {
    throw new OuroborosError(
      "invalid-argument",
      `pruner kind must be one of ${prunerKinds.map((k) => `"${k}"`).join(", ")}, but got ${show(spec.kind)}`,
    );
  }
  const params = spec.params ?? {};
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new OuroborosError("invalid-argument", `pruner "${spec.kind}": params must be an object, but got ${show(params)}`);
  }
  return factory(params);
}
