/**
 * Our samplers for the samplers benchmark, built from `{ kind, params }` with the registry's
 * `createSampler`, so the bench measures exactly what a user (or a journal) gets. A kind that is not
 * registered yet (a sampler still being written, e.g. `portfolio`) is looked up by folder
 * (`src/samplers/<kind>/index.ts`, its first export named `…Sampler`); when that fails too the
 * caller gets the reason and shows `—` for its rows.
 */
import type { JsonValue } from "../../src/core/json.js";
import type { Sampler } from "../../src/core/sampler.js";
import { createSampler, samplerKinds } from "../../src/samplers/registry.js";

/** Builds a seeded sampler. */
export type SamplerFactory = (seed: number) => Sampler;

/** Our sampler kinds the benchmark knows, with their display names. */
export const OUR_LABELS: Readonly<Record<string, string>> = {
  gp: "GP-BO",
  cmaes: "CMA-ES",
  nsga2: "NSGA-II",
  tpe: "TPE",
  "tpe-mv": "TPE (multivariate)",
  random: "Random",
  portfolio: "Portfolio",
  bohb: "BOHB",
};

/** The label of a sampler kind. */
export const labelOf = (kind: string): string => OUR_LABELS[kind] ?? kind;

type Ctor = new (options: Record<string, unknown>) => Sampler;

/** A class from `src/samplers/<kind>/index.ts` when the registry does not know the kind yet. */
async function classFromFolder(kind: string): Promise<Ctor | string> {
  const rel = `src/samplers/${kind}/index.js`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(new URL(`../../${rel}`, import.meta.url).href)) as Record<string, unknown>;
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return `not registered in src/samplers/registry.ts, and ${rel.replace(/\.js$/, ".ts")} could not be loaded (${why})`;
  }
  const entry = Object.entries(mod).find(([name, v]) => name.endsWith("Sampler") && typeof v === "function");
  if (!entry) return `not registered, and ${rel.replace(/\.js$/, ".ts")} exports no …Sampler class`;
  return entry[1] as Ctor;
}

/**
 * A factory for our sampler `kind` with extra constructor `params` (the seed is added per run), or
 * the reason it cannot be built. The factory is tried once with seed 0, so a sampler whose
 * constructor throws is reported here rather than in the middle of a run.
 */
export async function ourSampler(kind: string, params: Readonly<Record<string, JsonValue>> = {}): Promise<SamplerFactory | string> {
  let factory: SamplerFactory;
  if (samplerKinds().includes(kind)) {
    factory = (seed) => createSampler({ kind, params: { ...params, seed } });
  } else {
    // Not registered yet: registering kinds is the sampler author's (or the lead's) change.
    const cls = await classFromFolder(kind);
    if (typeof cls === "string") return cls;
    factory = (seed) => new cls({ ...params, seed });
  }
  try {
    factory(0);
  } catch (e) {
    return `could not be built: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
  }
  return factory;
}
