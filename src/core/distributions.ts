/**
 * Search-space distributions and the two representations of a parameter value.
 *
 * External values are what the objective sees (a number, or one of a categorical's choices).
 * Internal values are always numbers, which is what samplers and storage work with: floats and ints
 * are themselves, a categorical value is the index of its choice. Distributions are plain data
 * (`{kind, ...}`) so they serialise into the journal unchanged.
 */
import { OuroborosError } from "./errors.js";

/** A categorical choice: anything that survives a JSON round trip as itself. */
export type CategoricalChoice = string | number | boolean | null;

/** A uniform or log-uniform float, optionally discretised by `step` (then `log` must be false). */
export interface FloatDistribution {
  readonly kind: "float";
  readonly low: number;
  readonly high: number;
  readonly log?: boolean;
  readonly step?: number;
}

/** An integer in [low, high] on a grid of `step` (default 1), optionally log-scaled (step 1 only). */
export interface IntDistribution {
  readonly kind: "int";
  readonly low: number;
  readonly high: number;
  readonly log?: boolean;
  readonly step?: number;
}

/** One of a fixed list of choices, without order. */
export interface CategoricalDistribution {
  readonly kind: "categorical";
  readonly choices: readonly CategoricalChoice[];
}

/** Any search-space dimension. */
export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

/** A parameter value as the objective sees it. */
export type ParamValue = number | CategoricalChoice;

const fmt = (x: unknown): string => JSON.stringify(x) ?? String(x);

/**
 * Checks a distribution and returns it in canonical form (defaults dropped, `high` adjusted down to
 * the last point of a stepped grid, as Optuna does). Throws an `invalid-distribution` error naming
 * the parameter and the rule broken.
 */
export function validateDistribution(name: string, d: Distribution): Distribution {
  const bad = (msg: string): never => {
    throw new OuroborosError("invalid-distribution", `parameter "${name}": ${msg}`);
  };
  if (d.kind === "categorical") {
    if (!Array.isArray(d.choices) || d.choices.length === 0) bad("categorical choices must be a non-empty array");
    for (const c of d.choices) {
      const t = typeof c;
      if (!(c === null || t === "string" || t === "boolean" || (t === "number" && Number.isFinite(c)))) {
        bad(`categorical choices must be strings, finite numbers, booleans or null, but got ${fmt(c)}`);
      }
    }
    const seen = new Set(d.choices.map((c) => fmt(c)));
    if (seen.size !== d.choices.length) bad(`categorical choices must be distinct, but got ${fmt(d.choices)}`);
    return { kind: "categorical", choices: [...d.choices] };
  }
  const { low, high } = d;
  if (!Number.isFinite(low) || !Number.isFinite(high)) bad(`low and high must be finite numbers, but got low=${low}, high=${high}`);
  if (low > high) bad(`low must be <= high, but got low=${low}, high=${high}`);
  const log = d.log === true;
  if (d.step !== undefined) {
    if (!(Number.isFinite(d.step) && d.step > 0)) bad(`step must be a positive number, but got step=${d.step}`);
    if (log && d.kind === "float") bad(`step and log cannot be used together for a float, but got step=${d.step}, log=true`);
    if (log && d.kind === "int" && d.step !== 1) bad(`an int with log=true needs step=1, but got step=${d.step}`);
  }
  if (log && low <= 0) bad(`log=true needs low > 0, but got low=${low}`);
  if (d.kind === "int") {
    if (!Number.isInteger(low) || !Number.isInteger(high)) bad(`int bounds must be integers, but got low=${low}, high=${high}`);
    const step = d.step ?? 1;
    if (!Number.isInteger(step)) bad(`int step must be an integer, but got step=${step}`);
    const top = low + Math.floor((high - low) / step) * step;
    const out: { kind: "int"; low: number; high: number; log?: boolean; step?: number } = { kind: "int", low, high: top };
    if (log) out.log = true;
    if (step !== 1) out.step = step;
    return out;
  }
  const out: { kind: "float"; low: number; high: number; log?: boolean; step?: number } = { kind: "float", low, high };
  if (log) out.log = true;
  if (d.step !== undefined) {
    const n = Math.floor((high - low) / d.step + 1e-9);
    out.high = roundToStep(low + n * d.step, low, d.step);
    out.step = d.step;
  }
  return out;
}

function roundToStep(x: number, low: number, step: number): number {
  // Decimal-safe rounding: 0.1 + 3 * 0.1 should print as 0.4, not 0.30000000000000004.
  const k = Math.round((x - low) / step);
  const decimals = Math.max(decimalPlaces(low), decimalPlaces(step));
  return Number((low + k * step).toFixed(Math.min(decimals, 15)));
}

function decimalPlaces(x: number): number {
  const s = String(x);
  if (s.includes("e-")) return Number(s.split("e-")[1]) + (s.split("e-")[0]?.split(".")[1]?.length ?? 0);
  return s.split(".")[1]?.length ?? 0;
}

/** Equality of two distributions (used to reject re-suggesting a name with another space). */
export function distributionsEqual(a: Distribution, b: Distribution): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "categorical" && b.kind === "categorical") {
    return a.choices.length === b.choices.length && a.choices.every((c, i) => fmt(c) === fmt(b.choices[i]));
  }
  if (a.kind === "categorical" || b.kind === "categorical") return false;
  return a.low === b.low && a.high === b.high && (a.log === true) === (b.log === true) && (a.step ?? null) === (b.step ?? null);
}

/** Whether the distribution admits exactly one value. */
export function isSingle(d: Distribution): boolean {
  return d.kind === "categorical" ? d.choices.length === 1 : d.low === d.high;
}

/** Whether the internal value lies in the distribution (on its grid, for stepped ones). */
export function containsInternal(d: Distribution, x: number): boolean {
  if (!Number.isFinite(x)) return false;
  if (d.kind === "categorical") return Number.isInteger(x) && x >= 0 && x < d.choices.length;
  if (x < d.low - 1e-12 * Math.abs(d.low) || x > d.high + 1e-12 * Math.abs(d.high)) return false;
  if (d.kind === "int" && !Number.isInteger(x)) return false;
  if (d.step !== undefined) {
    const k = (x - d.low) / d.step;
    return Math.abs(k - Math.round(k)) < 1e-8;
  }
  return true;
}

/** Internal (numeric) form of an external value; throws if the value is not in the space. */
export function toInternal(name: string, d: Distribution, value: ParamValue): number {
  if (d.kind === "categorical") {
    const key = fmt(value);
    const i = d.choices.findIndex((c) => fmt(c) === key);
    if (i < 0) throw new OuroborosError("invalid-value", `parameter "${name}": ${key} is not one of the choices ${fmt(d.choices)}`);
    return i;
  }
  if (typeof value !== "number" || !containsInternal(d, value)) {
    throw new OuroborosError(
      "invalid-value",
      `parameter "${name}": expected a ${d.kind} in [${d.low}, ${d.high}]${d.step !== undefined ? ` on step ${d.step}` : ""}, but got ${fmt(value)}`,
    );
  }
  return value;
}

/** External form of an internal value (the choice for a categorical, the number otherwise). */
export function toExternal(d: Distribution, x: number): ParamValue {
  if (d.kind === "categorical") {
    const c = d.choices[x];
    if (c === undefined) throw new OuroborosError("invalid-value", `categorical index ${x} is out of range 0..${d.choices.length - 1}`);
    return c;
  }
  return x;
}

/**
 * Snaps any real number into the distribution: clips to [low, high], rounds to the step grid (or
 * to an integer), and for categoricals rounds to a valid index. Samplers call this last so they
 * never return a value outside the space.
 */
export function snapInternal(d: Distribution, x: number): number {
  if (d.kind === "categorical") return Math.min(d.choices.length - 1, Math.max(0, Math.round(x)));
  let v = Math.min(d.high, Math.max(d.low, Number.isFinite(x) ? x : d.low));
  if (d.step !== undefined) {
    v = d.kind === "int" ? d.low + Math.round((v - d.low) / d.step) * d.step : roundToStep(v, d.low, d.step);
    v = Math.min(d.high, Math.max(d.low, v));
  } else if (d.kind === "int") {
    v = Math.round(v);
  }
  return v;
}

/** The number of points of a discrete distribution, or Infinity for a continuous float. */
export function cardinality(d: Distribution): number {
  if (d.kind === "categorical") return d.choices.length;
  if (d.kind === "int") return Math.floor((d.high - d.low) / (d.step ?? 1)) + 1;
  if (d.step !== undefined) return Math.round((d.high - d.low) / d.step) + 1;
  return d.low === d.high ? 1 : Infinity;
}
