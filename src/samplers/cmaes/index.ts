/** CMA-ES: the sampler and the pieces it is built from. */
export { CmaEsSampler, CMAES_GENERATION_KEY, CMAES_STATE_KEY, CMAES_X_KEY, type CmaEsSamplerOptions, type WarmStartTrial } from "./sampler.js";
export { defaultPopsize, strategyParams, type StrategyParams } from "./strategy.js";
export type { RestartStrategy } from "./restart.js";
