/**
 * The shipped sampler conformance suite over the genetic samplers: the default settings (whose 40
 * trials stay in generation 0) and small populations that run several generations with every
 * crossover operator, so crossover, mutation and survival meet every distribution kind.
 */
import { runSamplerConformance } from "../../testing/sampler-conformance.js";
import { NSGAIISampler, NSGAIIISampler } from "./index.js";

runSamplerConformance("NSGAIISampler", (seed) => new NSGAIISampler({ seed }), { multiObjective: true });
runSamplerConformance("NSGAIISampler (population 6, uniform)", (seed) => new NSGAIISampler({ seed, populationSize: 6 }), { multiObjective: true });
for (const crossover of ["blx-alpha", "sbx", "spx", "undx"] as const) {
  runSamplerConformance(`NSGAIISampler (population 6, ${crossover})`, (seed) => new NSGAIISampler({ seed, populationSize: 6, crossover, mutationProb: 0.2 }), {
    multiObjective: true,
  });
}
runSamplerConformance("NSGAIIISampler", (seed) => new NSGAIIISampler({ seed }), { multiObjective: true });
runSamplerConformance("NSGAIIISampler (population 6, sbx, 2 divisions)", (seed) => new NSGAIIISampler({ seed, populationSize: 6, crossover: "sbx", dividingParameter: 2 }), {
  multiObjective: true,
});
