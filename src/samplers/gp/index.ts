/**
 * Gaussian-process Bayesian optimisation: the sampler, and the pieces another sampler may reuse
 * (the kernel, the growable posterior, the marginal-likelihood fit and log EI).
 */
export { GPSampler, GP_CONSTRAINTS_KEY, type GPSamplerOptions, type PendingStrategy } from "./sampler.js";
export { GPPosterior } from "./gp.js";
export { matern52, type KernelParams } from "./kernel.js";
export { logExpectedImprovement, logProbabilityFeasible, logH } from "./log-ei.js";
export { fitKernelParams, logMarginalLikelihood } from "./marginal-likelihood.js";
