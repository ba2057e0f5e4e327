/**
 * Thresholds: stop a trial whose intermediate value leaves a fixed range or becomes NaN.
 */
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { Pruner } from "../core/pruner.js";
import type { StudyView } from "../core/study-view.js";
import { isFirstInInterval, readReports } from "./reports.js";
import { checkInteger, invalidOption, show } from "./validation.js";

/** One bound for every objective, or one per objective (`null`: unbounded). */
export type ThresholdBound = number | readonly (number | null)[];

/** Options of {@link ThresholdPruner}; at least one of `lower` and `upper` is required. */
export interface ThresholdPrunerOptions {
  /** Prune when a value is smaller. A number applies to every objective; an array to each in turn. */
  readonly lower?: ThresholdBound | null;
  /** Prune when a value is larger. A number applies to every objective; an array to each in turn. */
  readonly upper?: ThresholdBound | null;
  /** Pruning is off before this step. Default 0. */
  readonly nWarmupSteps?: number;
  /** Steps between pruning checks, counted from `nWarmupSteps`. Default 1. */
  readonly intervalSteps?: number;
}

const OWNER = "ThresholdPruner";

/** A bound normalised for JSON: `null` for none, infinite bounds dropped to `null`. */
function normaliseBound(name: string, bound: ThresholdBound | null | undefined, sign: 1 | -1): JsonValue {
  if (bound === undefined || bound === null) return null;
  const one = (b: unknown, where: string): number | null => {
    if (b === null) return null;
    if (typeof b !== "number" || Number.isNaN(b)) throw invalidOption(OWNER, where, "a number or null", b);
    // A bound at -Infinity (lower) or +Infinity (upper) bounds nothing.
    return b === sign * Infinity ? null : b;
  };
  if (typeof bound === "number") return one(bound, name);
  if (!Array.isArray(bound) || bound.length === 0) {
    throw invalidOption(OWNER, name, "a number or a non-empty array of numbers (null: unbounded)", bound);
  }
  return bound.map((b, i) => one(b, `${name}[${i}]`));
}

/**
 * Prunes a trial whose latest intermediate value is below `lower`, above `upper`, or NaN: a guard
 * against diverging or hopeless runs that needs no other trial.
 *
 * The algorithm (Optuna's `ThresholdPruner`): no pruning before step `nWarmupSteps` or off the
 * `intervalSteps` grid; otherwise the value at the trial's latest step is checked against the
 * bounds. The bounds are absolute and ignore the study direction.
 *
 * Multi-objective studies: the trial's latest vector is checked component-wise, against one bound
 * for every objective (`lower: 0`) or one per objective (`upper: [1, null]`, `null` meaning
 * unbounded); any component out of bounds, or NaN, prunes. An array whose length differs from the
 * number of objectives makes `prune` throw `OuroborosError("invalid-argument")`.
 *
 * Options: `lower` = none, `upper` = none (at least one required, `lower <= upper`),
 * `nWarmupSteps` = 0, `intervalSteps` = 1.
 *
 * @example
 * ```ts
 * // stop runs whose loss explodes past 10 or turns NaN
 * const pruner = new ThresholdPruner({ upper: 10 });
 * ```
 */
export class ThresholdPruner implements Pruner {
  readonly kind = "threshold";
  readonly lower: number | readonly (number | null)[] | null;
  readonly upper: number | readonly (number | null)[] | null;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;

  constructor(options: ThresholdPrunerOptions) {
    const lower = normaliseBound("lower", options.lower, -1) as number | (number | null)[] | null;
    const upper = normaliseBound("upper", options.upper, 1) as number | (number | null)[] | null;
    const bounds = (b: number | (number | null)[] | null): boolean =>
      b !== null && (typeof b === "number" || b.some((x) => x !== null));
    if (!bounds(lower) && !bounds(upper)) {
      throw new OuroborosError(
        "invalid-argument",
        `${OWNER}: lower or upper must bound something (a finite number), but got lower=${show(options.lower)}, upper=${show(options.upper)}`,
      );
    }
    if (Array.isArray(lower) && Array.isArray(upper) && lower.length !== upper.length) {
      throw new OuroborosError(
        "invalid-argument",
        `${OWNER}: lower and upper must have one bound per objective each, but got ${lower.length} lower and ${upper.length} upper bounds`,
      );
    }
    const n = Math.max(Array.isArray(lower) ? lower.length : 1, Array.isArray(upper) ? upper.length : 1);
    for (let i = 0; i < n; i++) {
      const lo = boundAt(lower, i, -Infinity);
      const hi = boundAt(upper, i, Infinity);
      if (lo > hi) {
        throw new OuroborosError(
          "invalid-argument",
          `${OWNER}: lower must be <= upper, but got lower=${show(options.lower)}, upper=${show(options.upper)}`,
        );
      }
    }
    this.lower = lower;
    this.upper = upper;
    this.nWarmupSteps = checkInteger(OWNER, "nWarmupSteps", options.nWarmupSteps ?? 0, 0);
    this.intervalSteps = checkInteger(OWNER, "intervalSteps", options.intervalSteps ?? 1, 1);
  }

  get params(): Readonly<Record<string, JsonValue>> {
    return {
      lower: this.lower,
      upper: this.upper,
      nWarmupSteps: this.nWarmupSteps,
      intervalSteps: this.intervalSteps,
    };
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const reports = readReports(study, trial, OWNER);
    const step = reports.steps[reports.steps.length - 1];
    if (step === undefined) return false;
    const m = study.directions.length;
    for (const [name, bound] of [
      ["lower", this.lower],
      ["upper", this.upper],
    ] as const) {
      if (Array.isArray(bound) && bound.length !== m) {
        throw new OuroborosError(
          "invalid-argument",
          `${OWNER}: ${name} must have one bound per objective (${m}), but got ${bound.length}: ${show(bound)}`,
        );
      }
    }
    if (step < this.nWarmupSteps) return false;
    if (!isFirstInInterval(step, reports.steps, this.nWarmupSteps, this.intervalSteps)) return false;
    const latest: readonly number[] =
      reports.kind === "scalar" ? [reports.values.get(step) as number] : (reports.values.get(step) as readonly number[]);
    return latest.some((v, i) => Number.isNaN(v) || v < boundAt(this.lower, i, -Infinity) || v > boundAt(this.upper, i, Infinity));
  }
}

/** Bound for objective `i`; `none` where there is no bound. */
function boundAt(bound: number | readonly (number | null)[] | null, i: number, none: number): number {
  if (bound === null) return none;
  if (typeof bound === "number") return bound;
  return bound[i] ?? none;
}
