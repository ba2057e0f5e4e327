/** The sampler and pruner a study gets when none is given. TEMPORARY until TPE and Median land. */
import type { Distribution } from "../core/distributions.js";
import { snapInternal } from "../core/distributions.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { Pruner } from "../core/pruner.js";
import { MedianPruner } from "../pruners/median.js";
import { Random, deriveSeed, randomSeed } from "../core/rng.js";
import type { Sampler } from "../core/sampler.js";
import type { StudyView } from "../core/study-view.js";

class UniformSampler implements Sampler {
  readonly kind = "uniform";
  readonly params: { seed: number };
  constructor(seed = randomSeed()) {
    this.params = { seed };
  }
  inferRelativeSearchSpace(): Record<string, Distribution> {
    return {};
  }
  sampleRelative(): Record<string, number> {
    return {};
  }
  sampleIndependent(_s: StudyView, trial: FrozenTrial, name: string, d: Distribution): number {
    const r = new Random(deriveSeed(this.params.seed, trial.number, name));
    if (d.kind === "categorical") return r.int(d.choices.length);
    if (d.log) return snapInternal(d, Math.exp(r.uniform(Math.log(d.low), Math.log(d.high))));
    return snapInternal(d, r.uniform(d.low, d.high));
  }
}

/** The default sampler. */
export function defaultSampler(seed?: number): Sampler {
  return new UniformSampler(seed);
}

/** The default pruner: median stopping (Optuna's default too). */
export function defaultPruner(): Pruner {
  return new MedianPruner();
}
