/**
 * Trial states and the immutable snapshot of a trial that samplers, pruners and users read.
 */
import type { Distribution, ParamValue } from "./distributions.js";
import type { JsonValue } from "./json.js";

/**
 * `waiting`: enqueued, not yet claimed by a worker. `running`: being evaluated. `complete`: has
 * values. `pruned`: stopped early by a pruner. `fail`: the objective threw, returned NaN/Infinity,
 * or its worker died (stale heartbeat).
 */
export type TrialState = "running" | "complete" | "pruned" | "fail" | "waiting";

/** Whether a state is final (the trial will never change again). */
export function isFinished(state: TrialState): boolean {
  return state === "complete" || state === "pruned" || state === "fail";
}

/** Optimisation direction of one objective. */
export type StudyDirection = "minimize" | "maximize";

/** An immutable snapshot of a trial. Plain data: it serialises with `JSON.stringify`. */
export interface FrozenTrial {
  /** 0-based index of the trial within its study, in creation order. */
  readonly number: number;
  readonly state: TrialState;
  /** The objective value of a single-objective study (undefined unless complete). */
  readonly value: number | undefined;
  /** All objective values (undefined unless complete). */
  readonly values: readonly number[] | undefined;
  /** Parameters as the objective saw them. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Parameters in internal form (categorical index), what samplers model. */
  readonly internalParams: Readonly<Record<string, number>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** Scalar intermediate values by step, in ascending step order. */
  readonly intermediateValues: Readonly<Record<number, number>>;
  /** Vector intermediate values by step (multi-objective reports), in ascending step order. */
  readonly intermediateVectors: Readonly<Record<number, readonly number[]>>;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  /** Attributes written by samplers, pruners and the study machinery (durable algorithm state). */
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  /** Epoch milliseconds. */
  readonly datetimeStart: number | undefined;
  readonly datetimeComplete: number | undefined;
  /** Epoch milliseconds of the last heartbeat of a running trial. */
  readonly lastHeartbeat: number | undefined;
  /** Why a failed trial failed (error message, "value is NaN", "stale heartbeat", ...). */
  readonly failReason: string | undefined;
}

/** The last reported step of a trial, or undefined if it reported nothing. */
export function lastStep(trial: FrozenTrial): number | undefined {
  let last: number | undefined;
  for (const k of Object.keys(trial.intermediateValues)) {
    const s = Number(k);
    if (last === undefined || s > last) last = s;
  }
  for (const k of Object.keys(trial.intermediateVectors)) {
    const s = Number(k);
    if (last === undefined || s > last) last = s;
  }
  return last;
}
