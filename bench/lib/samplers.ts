/**
 * Our samplers, loaded by path at run time so the bench type-checks and runs even while a sampler
 * is still being written (a missing one is reported and its rows are left out).
 */
import type { Sampler } from "../../src/index.js";

/** The samplers the benchmarks compare. */
export type OurSamplerKind = "tpe" | "tpe-mv" | "random";

export const SAMPLER_LABELS: Readonly<Record<OurSamplerKind, string>> = {
  tpe: "TPE",
  "tpe-mv": "TPE (multivariate)",
  random: "Random",
};

type Factory = (seed: number) => Sampler;

const MODULES = {
  tpe: { path: "../../src/samplers/tpe/index.js", export: "TPESampler" },
  random: { path: "../../src/samplers/random.js", export: "RandomSampler" },
} as const;

async function loadClass(which: keyof typeof MODULES): Promise<(new (options: Record<string, unknown>) => Sampler) | string> {
  const m = MODULES[which];
  const url = new URL(m.path, import.meta.url).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    return `${m.path.replace("../../", "")} could not be loaded (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`;
  }
  const cls = mod[m.export];
  if (typeof cls !== "function") return `${m.path.replace("../../", "")} does not export ${m.export}`;
  return cls as new (options: Record<string, unknown>) => Sampler;
}

/** Factories for the samplers that exist now, and why the others are missing. `tpeOptions` are added to both TPE variants (for A/B runs). */
export async function loadOurSamplers(tpeOptions: Readonly<Record<string, unknown>> = {}): Promise<{ factories: Partial<Record<OurSamplerKind, Factory>>; missing: Partial<Record<OurSamplerKind, string>> }> {
  const factories: Partial<Record<OurSamplerKind, Factory>> = {};
  const missing: Partial<Record<OurSamplerKind, string>> = {};
  const tpe = await loadClass("tpe");
  if (typeof tpe === "string") {
    missing.tpe = tpe;
    missing["tpe-mv"] = tpe;
  } else {
    factories.tpe = (seed) => new tpe({ ...tpeOptions, seed });
    // The warning only reports conditional parameters sampled independently (Optuna logs the same; the bench silences its logs).
    factories["tpe-mv"] = (seed) => new tpe({ warnIndependentSampling: false, ...tpeOptions, seed, multivariate: true });
  }
  const random = await loadClass("random");
  if (typeof random === "string") missing.random = random;
  else factories.random = (seed) => new random({ seed });
  return { factories, missing };
}
