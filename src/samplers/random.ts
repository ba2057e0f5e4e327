/**
 * Random search: every parameter drawn independently and uniformly from its distribution.
 */
import { cardinality, snapInternal, type Distribution } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import { Random, deriveSeed, randomSeed } from "../core/rng.js";
import type { Sampler } from "../core/sampler.js";
import type { StudyView } from "../core/study-view.js";

/**
 * Maps a number in [0, 1) to an internal value of the distribution so that a uniform `u` gives the
 * distribution's uniform law: linear for floats, log-linear for `log: true`, each point of a stepped
 * or integer grid (and each categorical choice, as an index) with equal probability, and log-uniform
 * over [low − ½, high + ½] then rounded for a log-scaled int, as Optuna does. Equal-width cells for
 * discrete dimensions keep a quasi-random net balanced: 2^m Sobol points give each of 2^k choices
 * exactly 2^(m−k) times.
 */
export function uniformToInternal(d: Distribution, u: number): number {
  if (d.kind === "categorical") return Math.min(d.choices.length - 1, Math.floor(u * d.choices.length));
  if (d.low === d.high) return d.low;
  if (d.log === true) {
    if (d.kind === "int") {
      const lo = Math.log(d.low - 0.5);
      const hi = Math.log(d.high + 0.5);
      return snapInternal(d, Math.round(Math.exp(lo + u * (hi - lo))));
    }
    const lo = Math.log(d.low);
    const hi = Math.log(d.high);
    return snapInternal(d, Math.exp(lo + u * (hi - lo)));
  }
  if (d.kind === "int" || d.step !== undefined) {
    const n = cardinality(d);
    const k = Math.min(n - 1, Math.floor(u * n));
    return snapInternal(d, d.low + k * (d.step ?? 1));
  }
  return snapInternal(d, d.low + u * (d.high - d.low));
}

/** Options of {@link RandomSampler}. */
export interface RandomSamplerOptions {
  /** Seed of every draw. Default: a fresh random seed, reported in `params` so the run can be repeated. */
  readonly seed?: number;
}

/** Checks a `seed` option: a finite number, or undefined for a fresh one. */
export function resolveSeed(owner: string, seed: unknown): number {
  if (seed === undefined) return randomSeed();
  if (typeof seed !== "number" || !Number.isFinite(seed)) {
    throw new OuroborosError("invalid-argument", `${owner}: seed must be a finite number, but got ${JSON.stringify(seed) ?? String(seed)}`);
  }
  return seed;
}

/**
 * Samples each parameter independently and uniformly at random (log-uniformly for `log: true`,
 * uniformly over the points of a stepped or integer grid, uniformly over a categorical's choices).
 *
 * Random search is the baseline every other sampler must beat, and a strong one: when only a few of
 * many hyperparameters matter, random trials try many more distinct values of each than a grid of
 * the same size (Bergstra & Bengio 2012). Every draw comes from its own stream
 * `deriveSeed(seed, trial.number, name)`, so a trial's values depend only on the seed, its number
 * and the parameter's name: never on other trials, on how many were sampled before in this process,
 * or on the order in which parallel workers ask. It keeps no state.
 *
 * Options: `seed` (default: a fresh random seed, exposed in `params.seed`).
 *
 * @see J. Bergstra and Y. Bengio, "Random Search for Hyper-Parameter Optimization", JMLR 13:281–305, 2012.
 *
 * @example
 * const study = await createStudy({ sampler: new RandomSampler({ seed: 42 }) });
 */
export class RandomSampler implements Sampler {
  readonly kind = "random";
  readonly params: { readonly seed: number };

  constructor(options: RandomSamplerOptions = {}) {
    this.params = { seed: resolveSeed("RandomSampler", options.seed) };
  }

  /** Random search samples nothing jointly. */
  inferRelativeSearchSpace(): Record<string, Distribution> {
    return {};
  }

  /** Random search samples nothing jointly. */
  sampleRelative(): Record<string, number> {
    return {};
  }

  sampleIndependent(_study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    const rng = new Random(deriveSeed(this.params.seed, trial.number, name));
    return uniformToInternal(distribution, rng.next());
  }
}
