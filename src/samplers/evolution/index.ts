/**
 * Regularized (aging) evolution and its pieces: the aging population, tournament selection and the
 * pluggable mutation operator over mixed search spaces.
 */
export { RegularizedEvolutionSampler, PARENT_KEY, type RegularizedEvolutionSamplerOptions } from "./sampler.js";
export { gaussianMutation, type GaussianMutationOptions, type MutationOperator } from "./mutation.js";
export { agingPopulation, tournamentSelect } from "./population.js";
