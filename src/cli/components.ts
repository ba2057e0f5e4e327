/**
 * Samplers and pruners from command-line flags: a registry name (`tpe`, `random`, `median`,
 * `asha`, …) or a `{"kind": …, "params": {…}}` JSON object.
 */
import { OuroborosError } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";
import type { Pruner } from "../core/pruner.js";
import type { Sampler } from "../core/sampler.js";
import { createPruner } from "../pruners/registry.js";
import { createSampler } from "../samplers/registry.js";

const prunerAliases: Record<string, string> = { asha: "successive-halving", sha: "successive-halving", none: "nop" };

function parseSpec(flag: string, text: string): { kind: string; params: Record<string, JsonValue> } {
  const t = text.trim();
  if (t.startsWith("{")) {
    let spec: unknown;
    try {
      spec = JSON.parse(t);
    } catch (e) {
      throw new OuroborosError("cli", `${flag}: not valid JSON (${(e as Error).message}): ${t}`);
    }
    const s = spec as { kind?: unknown; params?: unknown };
    if (typeof s.kind !== "string") throw new OuroborosError("cli", `${flag}: JSON needs a string "kind", but got ${t}`);
    return { kind: s.kind, params: (s.params ?? {}) as Record<string, JsonValue> };
  }
  return { kind: t, params: {} };
}

/** The sampler a `--sampler` flag names; `--seed` fills in the seed when the spec has none. */
export function samplerFromFlag(text: string, seed: number | undefined): Sampler {
  const spec = parseSpec("--sampler", text);
  const params = seed !== undefined && spec.params["seed"] === undefined ? { ...spec.params, seed } : spec.params;
  return createSampler({ kind: spec.kind, params });
}

/** The pruner a `--pruner` flag names. */
export function prunerFromFlag(text: string): Pruner {
  const spec = parseSpec("--pruner", text);
  return createPruner({ kind: prunerAliases[spec.kind] ?? spec.kind, params: spec.params });
}
