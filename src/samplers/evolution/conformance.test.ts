/**
 * The shipped sampler conformance suite over regularized evolution: the default settings (whose 40
 * trials stay in the random start-up phase) and small populations that evolve for most of the run,
 * with one and with several mutations per child, so mutation meets every distribution kind.
 */
import { runSamplerConformance } from "../../testing/sampler-conformance.js";
import { RegularizedEvolutionSampler } from "./index.js";

runSamplerConformance("RegularizedEvolutionSampler", (seed) => new RegularizedEvolutionSampler({ seed }));
runSamplerConformance("RegularizedEvolutionSampler (population 6, sample 3)", (seed) => new RegularizedEvolutionSampler({ seed, populationSize: 6, sampleSize: 3 }));
runSamplerConformance(
  "RegularizedEvolutionSampler (population 4, sample 4, 3 mutations, resampleProb 0.5)",
  (seed) => new RegularizedEvolutionSampler({ seed, populationSize: 4, sampleSize: 4, nMutations: 3, resampleProb: 0.5 }),
);
