/**
 * The pruners: early stopping of unpromising trials from their intermediate values.
 */
export { NopPruner } from "./nop.js";
export { PercentilePruner, type PercentilePrunerOptions } from "./percentile.js";
export { MedianPruner, type MedianPrunerOptions } from "./median.js";
export { PatientPruner, type PatientPrunerOptions } from "./patient.js";
export { ThresholdPruner, type ThresholdPrunerOptions, type ThresholdBound } from "./threshold.js";
export {
  SuccessiveHalvingPruner,
  type SuccessiveHalvingPrunerOptions,
  completedRungKey,
  SHA_MIN_RESOURCE_KEY,
} from "./successive-halving.js";
export {
  HyperbandPruner,
  type HyperbandPrunerOptions,
  type HyperbandConfig,
  hyperbandBracketOf,
  hyperbandBracketCount,
  hyperbandBracketBudgets,
  HYPERBAND_BRACKET_KEY,
  HYPERBAND_CONFIG_KEY,
} from "./hyperband.js";
export { createPruner, prunerKinds, type PrunerSpec } from "./registry.js";
