/**
 * Genetic multi-objective samplers (NSGA-II, NSGA-III) and the pieces they are made of: constraint
 * domination, survival by crowding distance or reference points, and crossover operators.
 */
export { NSGAIISampler, NSGAIIISampler, type NSGAIISamplerOptions, type NSGAIIISamplerOptions } from "./sampler.js";
export { type GeneticSamplerOptions } from "./genetic.js";
export { CROSSOVER_KINDS, crossover, crossoverParents, type CrossoverKind, type CrossoverSettings } from "./crossover.js";
export { constrainedDominates, constrainedRanks, totalViolation } from "./constraints.js";
export { rankAndCrowding, selectEliteNSGAII, type Individual } from "./elite.js";
export { dasDennisPoints, defaultDivisions, selectEliteNSGAIII } from "./reference-points.js";
