/**
 * Option checks shared by the pruners: every failure is an `OuroborosError("invalid-argument")`
 * whose message names the pruner and the option, and says what was expected and what was got.
 */
import { OuroborosError } from "../core/errors.js";

/** How a value reads in an error message (`"abc"`, `1.5`, `undefined`, `[1,2]`). */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || value === undefined || value === null) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** An invalid-argument error for `owner`'s option `name`. */
export function invalidOption(owner: string, name: string, expected: string, got: unknown): OuroborosError {
  return new OuroborosError("invalid-argument", `${owner}: ${name} must be ${expected}, but got ${show(got)}`);
}

/** `value` if it is an integer >= `min`, else an invalid-argument error. */
export function checkInteger(owner: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw invalidOption(owner, name, `an integer >= ${min}`, value);
  }
  return value;
}

/** `value` if it is a number within [low, high], else an invalid-argument error. */
export function checkNumberIn(owner: string, name: string, value: unknown, low: number, high: number): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < low || value > high) {
    throw invalidOption(owner, name, `a number in [${low}, ${high}]`, value);
  }
  return value;
}

/** `value` if it is a non-negative finite number, else an invalid-argument error. */
export function checkNonNegative(owner: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw invalidOption(owner, name, "a finite number >= 0", value);
  }
  return value;
}
