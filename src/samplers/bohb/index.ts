/**
 * BOHB-style multi-fidelity search: the sampler, and the budget-level helpers it reads observations with.
 */
export { BOHBSampler, BOHB_MODEL_KEY, type BOHBSamplerOptions } from "./sampler.js";
export { BudgetLevels, LevelStudyView, hyperbandRungSteps, observationAt, valueAtRung, type BudgetLevel } from "./budget-levels.js";
