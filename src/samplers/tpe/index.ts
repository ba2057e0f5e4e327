/**
 * Tree-structured Parzen Estimator: the sampler, and the pieces a user or another sampler may reuse
 * (default γ and weights, the constraints attribute key, exact hypervolume helpers of MOTPE).
 */
export { TPESampler, defaultGamma, defaultWeights, hyperoptGamma, type TPESamplerOptions } from "./sampler.js";
export { CONSTRAINTS_KEY } from "./split.js";
export { nonDominatedRanks } from "../../core/pareto.js";
export { greedyHypervolumeSubset, hypervolume, hypervolumeContributions } from "./multi-objective.js";
