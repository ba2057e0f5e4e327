/**
 * Tree-structured Parzen Estimator: the sampler, and the pieces a user or another sampler may reuse.
 */
export { TPESampler, defaultGamma, defaultWeights, hyperoptGamma, type TPESamplerOptions } from "./sampler.js";
export { CONSTRAINTS_KEY } from "./split.js";
export { dominates, hypervolume, hypervolumeContributions, nonDominatedRanks, greedyHypervolumeSubset } from "./multi-objective.js";
