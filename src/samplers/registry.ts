/**
 * Samplers as data: every sampler is `{ kind, params }`, and {@link createSampler} rebuilds it, so a
 * study's sampler can be written to a config file or a journal and restored in another worker.
 */
import { OuroborosError } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";
import type { Sampler } from "../core/sampler.js";
import { BOHBSampler, type BOHBSamplerOptions } from "./bohb/index.js";
import { CmaEsSampler, type CmaEsSamplerOptions } from "./cmaes/index.js";
import { RegularizedEvolutionSampler, type RegularizedEvolutionSamplerOptions } from "./evolution/index.js";
import { GPSampler, type GPSamplerOptions } from "./gp/index.js";
import { GridSampler, type GridSearchSpace } from "./grid.js";
import { NSGAIISampler, NSGAIIISampler, type NSGAIISamplerOptions, type NSGAIIISamplerOptions } from "./nsga/index.js";
import { PortfolioSampler, type PortfolioSamplerOptions } from "./portfolio/index.js";
import { QMCSampler, type QMCSamplerOptions } from "./qmc.js";
import { RandomSampler } from "./random.js";
import { TPESampler, type TPESamplerOptions } from "./tpe/index.js";

/** A serialised sampler: its registry kind and constructor options (a sampler's `kind` and `params`). */
export interface SamplerSpec {
  readonly kind: string;
  readonly params: Readonly<Record<string, JsonValue>>;
}

/** Builds a sampler from its `params`. */
export type SamplerFactory = (params: Readonly<Record<string, JsonValue>>) => Sampler;

const seedOf = (p: Readonly<Record<string, JsonValue>>): { seed?: number } => (p.seed === undefined ? {} : { seed: p.seed as number });

const factories = new Map<string, { factory: SamplerFactory; options: readonly string[] | undefined }>([
  ["random", { factory: (p) => new RandomSampler(seedOf(p)), options: ["seed"] }],
  ["grid", { factory: (p) => new GridSampler(p.searchSpace as GridSearchSpace, seedOf(p)), options: ["searchSpace", "seed"] }],
  ["qmc", { factory: (p) => new QMCSampler(p as QMCSamplerOptions), options: ["qmcType", "scramble", "seed"] }],
  // TPE checks its own options (and may gain some).
  ["tpe", { factory: (p) => new TPESampler(p as TPESamplerOptions), options: undefined }],
  // These samplers check their own options.
  ["cmaes", { factory: (p) => new CmaEsSampler(p as CmaEsSamplerOptions), options: undefined }],
  ["gp", { factory: (p) => new GPSampler(p as GPSamplerOptions), options: ["seed", "nStartupTrials", "deterministicObjective", "pendingStrategy", "nPreliminarySamples", "nLocalSearch"] }],
  ["regularized-evolution", { factory: (p) => new RegularizedEvolutionSampler(p as RegularizedEvolutionSamplerOptions), options: ["seed", "populationSize", "sampleSize", "nMutations", "sigma", "resampleProb"] }],
  ["bohb", { factory: (p) => new BOHBSampler(p as BOHBSamplerOptions), options: undefined }],
  ["portfolio", { factory: (p) => new PortfolioSampler(p as PortfolioSamplerOptions), options: undefined }],
  ["nsga2", { factory: (p) => new NSGAIISampler(p as NSGAIISamplerOptions), options: undefined }],
  ["nsga3", { factory: (p) => new NSGAIIISampler(p as NSGAIIISamplerOptions), options: undefined }],
]);

/**
 * Adds a sampler kind (a third-party sampler, say) so {@link createSampler} can rebuild it.
 * `options` lists the accepted parameter names (others are rejected); leave it out to accept any.
 * Registering a kind twice is an `invalid-argument` error.
 */
export function registerSampler(kind: string, factory: SamplerFactory, options?: readonly string[]): void {
  if (factories.has(kind)) throw new OuroborosError("invalid-argument", `a sampler of kind "${kind}" is already registered`);
  factories.set(kind, { factory, options });
}

/** The registered sampler kinds, sorted. */
export function samplerKinds(): string[] {
  return [...factories.keys()].sort();
}

/**
 * Rebuilds a sampler from `{ kind, params }` (for example `sampler.kind` and a JSON copy of
 * `sampler.params`): the result samples exactly as the original. Unknown kinds and unknown option
 * names are `invalid-argument` errors naming the known ones; option values are checked by the
 * sampler's constructor.
 *
 * @example
 * const copy = createSampler(JSON.parse(JSON.stringify({ kind: sampler.kind, params: sampler.params })));
 */
export function createSampler(spec: SamplerSpec): Sampler {
  const entry = factories.get(spec.kind);
  if (!entry) {
    throw new OuroborosError("invalid-argument", `unknown sampler kind ${JSON.stringify(spec.kind)}; known kinds: ${samplerKinds().join(", ")}`);
  }
  const params = spec.params ?? {};
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new OuroborosError("invalid-argument", `sampler "${spec.kind}": params must be an object, but got ${JSON.stringify(params)}`);
  }
  if (entry.options) {
    const allowed = entry.options;
    const unknown = Object.keys(params).filter((k) => !allowed.includes(k));
    if (unknown.length > 0) {
      throw new OuroborosError(
        "invalid-argument",
        `sampler "${spec.kind}": unknown option(s) ${unknown.map((k) => `"${k}"`).join(", ")}; expected some of ${allowed.join(", ")}`,
      );
    }
  }
  return entry.factory(params);
}
