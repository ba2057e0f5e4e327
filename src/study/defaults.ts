/** The sampler and pruner a study gets when none is given (Optuna's defaults: TPE and median). */
import type { Pruner } from "../core/pruner.js";
import type { Sampler } from "../core/sampler.js";
import { MedianPruner } from "../pruners/median.js";
import { TPESampler } from "../samplers/tpe/index.js";

/** The default sampler: TPE with default options (seeded if a seed is given). */
export function defaultSampler(seed?: number): Sampler {
  return new TPESampler(seed !== undefined ? { seed } : {});
}

/** The default pruner: median stopping. */
export function defaultPruner(): Pruner {
  return new MedianPruner();
}
