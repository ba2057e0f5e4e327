/**
 * The regularized (aging) evolution sampler of Real et al. (2019).
 */
import { isSingle, snapInternal, containsInternal, type Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { JsonValue } from "../../core/json.js";
import { Random, deriveSeed } from "../../core/rng.js";
import type { Sampler } from "../../core/sampler.js";
import type { StudyView } from "../../core/study-view.js";
import { resolveSeed, uniformToInternal } from "../random.js";
import { gaussianMutation, resolveMutationOptions, type GaussianMutationOptions, type MutationOperator } from "./mutation.js";
import { agingPopulation, lossOf, tournamentSelect } from "./population.js";

/** The trial system attribute naming the parent a child was mutated from (its lineage). */
export const PARENT_KEY = "evolution:parent";

/** Options of {@link RegularizedEvolutionSampler}. */
export interface RegularizedEvolutionSamplerOptions extends GaussianMutationOptions {
  /** Seed of every draw. Default: a fresh random seed, reported in `params`. */
  readonly seed?: number;
  /** P: how many of the most recent complete trials form the population. Default 50. */
  readonly populationSize?: number;
  /** S: how many members a tournament draws; the best of them is the parent. Default 10. */
  readonly sampleSize?: number;
  /**
   * The mutation operator. Default: {@link gaussianMutation} with this sampler's `nMutations`,
   * `sigma` and `resampleProb`. A function cannot be serialised: pass it again when rebuilding the
   * sampler from its `params`.
   */
  readonly mutate?: MutationOperator;
}

const OPTION_NAMES = ["seed", "populationSize", "sampleSize", "nMutations", "sigma", "resampleProb", "mutate"];

/**
 * Regularized evolution: tournament selection from an aging population, one mutation per child.
 *
 * The first trials are sampled uniformly at random until `populationSize` (P) are complete. From
 * then on, trial n breeds from the population of the P most recent complete trials numbered below n
 * (oldest first): `sampleSize` (S) of them are drawn at random without replacement, the best of the
 * sample is the parent, and the child is the parent's parameters with `nMutations` of them mutated
 * (see {@link gaussianMutation}). Adding the child to the population retires the *oldest* member,
 * not the worst, so every configuration must keep being re-discovered to stay: this aging is what
 * distinguishes regularized evolution from the usual tournament-with-elitism and makes it robust to
 * noisy objectives. Define-by-run spaces work naturally: parameters the parent does not have (a
 * branch the mutation switched on) are sampled at random. Single objective only; `maximize` is
 * handled by negating values.
 *
 * Options (defaults): `seed` (fresh), `populationSize` (50), `sampleSize` (10), `nMutations` (1),
 * `sigma` (0.1), `resampleProb` (0.1), `mutate` (the Gaussian mutation with these settings).
 *
 * State: none beyond the trials. The population is a function of the trials in number order, so
 * another worker or a resumed process proposes exactly the same children; each child records its
 * parent's number in the `"evolution:parent"` system attribute for lineage.
 *
 * @example
 * const study = await createStudy({ sampler: new RegularizedEvolutionSampler({ seed: 1, populationSize: 20, sampleSize: 5 }) });
 *
 * @see E. Real, A. Aggarwal, Y. Huang & Q. V. Le, "Regularized evolution for image classifier
 *   architecture search", AAAI 2019.
 */
export class RegularizedEvolutionSampler implements Sampler {
  readonly kind = "regularized-evolution";
  readonly params: Readonly<Record<string, JsonValue>>;
  private readonly seed: number;
  private readonly populationSize: number;
  private readonly sampleSize: number;
  private readonly mutate: MutationOperator;

  constructor(options: RegularizedEvolutionSamplerOptions = {}) {
    const owner = "RegularizedEvolutionSampler";
    const bad = (msg: string): never => {
      throw new OuroborosError("invalid-argument", `${owner}: ${msg}`);
    };
    const unknown = Object.keys(options).filter((k) => !OPTION_NAMES.includes(k));
    if (unknown.length > 0) bad(`unknown option(s) ${unknown.map((k) => `"${k}"`).join(", ")}; expected some of ${OPTION_NAMES.join(", ")}`);
    const populationSize = options.populationSize ?? 50;
    const sampleSize = options.sampleSize ?? 10;
    if (!(Number.isInteger(populationSize) && populationSize >= 1)) bad(`populationSize must be an integer >= 1, but got ${populationSize}`);
    if (!(Number.isInteger(sampleSize) && sampleSize >= 1 && sampleSize <= populationSize)) {
      bad(`sampleSize must be an integer in [1, populationSize=${populationSize}], but got ${sampleSize}`);
    }
    if (options.mutate !== undefined && typeof options.mutate !== "function") bad(`mutate must be a function, but got ${JSON.stringify(options.mutate)}`);
    const mutation = resolveMutationOptions(owner, options);
    this.seed = resolveSeed(owner, options.seed);
    this.populationSize = populationSize;
    this.sampleSize = sampleSize;
    this.mutate = options.mutate ?? gaussianMutation(mutation);
    this.params = { seed: this.seed, populationSize, sampleSize, ...mutation };
  }

  /** The parent's parameters (those with more than one value): the child is mutated from them jointly. */
  inferRelativeSearchSpace(study: StudyView, trial: FrozenTrial): Record<string, Distribution> {
    const parent = this.parentOf(study, trial);
    const out: Record<string, Distribution> = {};
    if (parent === undefined) return out;
    for (const [name, d] of Object.entries(parent.distributions)) if (!isSingle(d)) out[name] = d;
    return out;
  }

  /** The mutated copy of the tournament winner (empty during the random start-up phase). */
  sampleRelative(study: StudyView, trial: FrozenTrial, space: Record<string, Distribution>): Record<string, number> {
    const parent = this.parentOf(study, trial);
    if (parent === undefined) return {};
    const values: Record<string, number> = {};
    for (const name of Object.keys(space)) {
      const x = parent.internalParams[name];
      if (x !== undefined) values[name] = x;
    }
    const child = this.mutate(values, space, new Random(deriveSeed(this.seed, trial.number, "evolution", "mutation")));
    const out: Record<string, number> = {};
    // A user's operator may return anything: keep names of the space, and snap values into it.
    for (const [name, x] of Object.entries(child)) {
      const d = space[name];
      if (d !== undefined && typeof x === "number") out[name] = containsInternal(d, x) ? x : snapInternal(d, x);
    }
    return out;
  }

  /** Uniformly at random, as `RandomSampler` (start-up trials, and parameters the parent lacks). */
  sampleIndependent(_study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    return uniformToInternal(distribution, new Random(deriveSeed(this.seed, trial.number, name)).next());
  }

  /** Refuses multi-objective studies, and records the trial's parent (if it has one). */
  beforeTrial(study: StudyView, trial: FrozenTrial): void {
    const parent = this.parentOf(study, trial);
    if (parent !== undefined && trial.systemAttrs[PARENT_KEY] !== parent.number) study.setTrialSystemAttr(trial.number, PARENT_KEY, parent.number);
  }

  /** The tournament winner trial `trial` is bred from, or undefined while the population is not full. */
  private parentOf(study: StudyView, trial: FrozenTrial): FrozenTrial | undefined {
    const direction = study.directions[0];
    if (study.directions.length !== 1 || direction === undefined) {
      throw new OuroborosError(
        "invalid-argument",
        `RegularizedEvolutionSampler optimises a single objective, but study "${study.studyName}" has ${study.directions.length} directions`,
      );
    }
    const population = agingPopulation(study.getTrials(), trial.number, this.populationSize);
    if (population === undefined) return undefined;
    const losses = Float64Array.from(population, (t) => lossOf(t, direction));
    const rng = new Random(deriveSeed(this.seed, trial.number, "evolution", "tournament"));
    return population[tournamentSelect(losses, this.sampleSize, rng).winner];
  }
}
