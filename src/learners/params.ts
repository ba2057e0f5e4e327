/**
 * Checking learner hyperparameters: every learner validates its params the same way, so errors read
 * alike ("gbdt: `maxDepth` must be an integer ≥ 1, but got 0").
 */
import { OuroborosError } from "../core/errors.js";

/** One hyperparameter's rule. */
export type ParamRule =
  | { readonly type: "number"; readonly min?: number; readonly max?: number; readonly exclusiveMin?: boolean; readonly integer?: boolean }
  | { readonly type: "enum"; readonly values: readonly (string | number | boolean)[] }
  | { readonly type: "boolean" }
  | { readonly type: "int-array"; readonly min?: number }
  | { readonly type: "any" };

/**
 * Fills `defaults` with `given`, rejecting unknown names and values that break `rules`.
 * `kind` prefixes every message.
 */
export function resolveParams<P extends object>(kind: string, defaults: P, rules: { readonly [K in keyof P]: ParamRule }, given: Readonly<Record<string, unknown>>): P {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!(name in defaults)) {
      throw new OuroborosError("invalid-argument", `${kind}: unknown hyperparameter "${name}"; known: ${Object.keys(defaults).join(", ")}`);
    }
    checkRule(kind, name, (rules as Record<string, ParamRule>)[name]!, value);
    out[name] = value;
  }
  return out as P;
}

function checkRule(kind: string, name: string, rule: ParamRule, v: unknown): void {
  const bad = (expected: string): never => {
    throw new OuroborosError("invalid-argument", `${kind}: \`${name}\` must be ${expected}, but got ${JSON.stringify(v)}`);
  };
  switch (rule.type) {
    case "number": {
      if (typeof v !== "number" || Number.isNaN(v)) bad(rule.integer ? "an integer" : "a number");
      const x = v as number;
      const desc = `${rule.integer ? "an integer" : "a number"}${rule.min !== undefined ? (rule.exclusiveMin ? ` > ${rule.min}` : ` ≥ ${rule.min}`) : ""}${rule.max !== undefined ? ` ≤ ${rule.max}` : ""}`;
      if (rule.integer && !Number.isInteger(x)) bad(desc);
      if (rule.min !== undefined && (rule.exclusiveMin ? !(x > rule.min) : !(x >= rule.min))) bad(desc);
      if (rule.max !== undefined && !(x <= rule.max)) bad(desc);
      return;
    }
    case "enum":
      if (!rule.values.includes(v as string)) bad(`one of ${rule.values.map((x) => JSON.stringify(x)).join(", ")}`);
      return;
    case "boolean":
      if (typeof v !== "boolean") bad("true or false");
      return;
    case "int-array":
      if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && (rule.min === undefined || (x as number) >= rule.min))) bad(`an array of integers${rule.min !== undefined ? ` ≥ ${rule.min}` : ""}`);
      return;
    case "any":
      return;
  }
}
