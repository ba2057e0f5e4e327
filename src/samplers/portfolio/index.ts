/**
 * The self-selecting portfolio sampler, with its bandit pieces and default member rules.
 */
export { PortfolioSampler, PORTFOLIO_ARM_KEY, type PortfolioSamplerOptions } from "./sampler.js";
export { armStatistics, betaDraw, thompsonChoice, trialRewards, type ArmStatistics } from "./bandit.js";
export { DEFAULT_MEMBERS, defaultArms, type DefaultRuleLimits } from "./members.js";
