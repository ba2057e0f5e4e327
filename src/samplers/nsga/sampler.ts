/**
 * The NSGA-II and NSGA-III samplers: generational multi-objective evolution over any search space.
 */
import type { JsonValue } from "../../core/json.js";
import { deriveSeed, Random } from "../../core/rng.js";
import { OuroborosError } from "../../core/errors.js";
import { GENETIC_OPTION_NAMES, GeneticSampler, type GeneticSamplerOptions } from "./genetic.js";
import { rankAndCrowding, selectEliteNSGAII, type Individual } from "./elite.js";
import { constrainedRanks } from "./constraints.js";
import { dasDennisPoints, defaultDivisions, selectEliteNSGAIII } from "./reference-points.js";

/** Options of {@link NSGAIISampler}: those of every genetic sampler. */
export type NSGAIISamplerOptions = GeneticSamplerOptions;

/**
 * NSGA-II: a fast, elitist multi-objective genetic algorithm, following Optuna's `NSGAIISampler`.
 *
 * Trials come in generations of `populationSize`; each trial records its generation in the
 * `"nsga2:generation"` system attribute when it starts (one past the last generation with
 * `populationSize` complete trials). Generation 0 is sampled at random. After that, the parent
 * population is rebuilt from the study: the complete trials of a generation together with the
 * previous parents are sorted into constrained non-domination fronts, and whole fronts are kept
 * while they fit, the last one cut by crowding distance (Deb et al. 2002). Each new trial is, with
 * probability `crossoverProb`, a crossover of parents chosen by binary tournament (lower rank wins,
 * then larger crowding distance), otherwise a copy of one; then each parameter is re-sampled at random
 * with probability `mutationProb`. Numeric parameters are crossed in the unit cube (log-scaled ones
 * in log space; ints and steps snapped back) by `crossover`: `"uniform"` (default), `"blx-alpha"`,
 * `"sbx"`, `"spx"` or `"undx"`; categorical ones always by uniform crossover. With a
 * `constraintsFunc`, feasible trials dominate infeasible ones, which compare by total violation.
 * Works with one objective too (ranks are then the order of the values). Only parameters every
 * complete trial has are evolved; the others are sampled at random.
 *
 * Options (defaults): `seed` (fresh), `populationSize` (50), `mutationProb` (1 / #parameters),
 * `crossover` ("uniform"), `crossoverProb` (0.9), `swappingProb` (0.5), `blxAlpha` (0.5), `sbxEta`
 * (20; 2 for one objective), `spxEpsilon` (2), `undxSigmaXi` (0.5), `undxSigmaEta` (0.35/√n),
 * `constraintsFunc` (none).
 *
 * Reproducible: a trial's values depend only on the seed, its number and the trials the study
 * shows. All durable state is the generation attribute on each trial; parent populations are a
 * function of the trials, so any worker or a resumed process continues the same run.
 *
 * @example
 * const study = await createStudy({ directions: ["minimize", "minimize"], sampler: new NSGAIISampler({ seed: 1 }) });
 *
 * @see K. Deb, A. Pratap, S. Agarwal & T. Meyarivan, "A fast and elitist multiobjective genetic
 *   algorithm: NSGA-II", IEEE Trans. Evolutionary Computation 6(2):182–197, 2002.
 */
export class NSGAIISampler extends GeneticSampler {
  readonly kind = "nsga2";
  protected readonly generationKey = "nsga2:generation";

  constructor(options: NSGAIISamplerOptions = {}) {
    super("NSGAIISampler", options, GENETIC_OPTION_NAMES);
  }

  protected selectElite(pop: readonly Individual[]): number[] {
    return selectEliteNSGAII(pop, this.populationSize);
  }

  protected tournamentOrder(pop: readonly Individual[]): (i: number, j: number) => number {
    const { ranks, crowding } = rankAndCrowding(pop);
    return (i, j) => {
      const d = (ranks[i] as number) - (ranks[j] as number);
      if (d !== 0) return d;
      const ci = crowding[i] as number;
      const cj = crowding[j] as number;
      return ci > cj ? -1 : ci < cj ? 1 : 0;
    };
  }
}

/** Options of {@link NSGAIIISampler}. */
export interface NSGAIIISamplerOptions extends GeneticSamplerOptions {
  /**
   * Reference points (each a vector of non-negative weights, one per objective). Default: the
   * Das–Dennis points with `dividingParameter` divisions.
   */
  readonly referencePoints?: readonly (readonly number[])[];
  /**
   * Divisions of each objective axis for the default reference points. Default: the largest number
   * whose Das–Dennis set has at most `populationSize` points (8 for 3 objectives and 50 trials).
   */
  readonly dividingParameter?: number;
}

/**
 * NSGA-III: NSGA-II with reference-point niching instead of crowding distance, for 3 or more
 * objectives (following Optuna's `NSGAIIISampler`).
 *
 * Everything is as in {@link NSGAIISampler} (generations, recorded in `"nsga3:generation"`;
 * crossover, mutation and constraint domination with the same options) except survival: when a
 * front does not fit, the objectives of the kept fronts and that front are normalised (ideal point
 * and the intercepts of the extreme points' hyperplane), every member is associated with the
 * nearest reference line, and members of the last front are added one at a time to the least
 * crowded reference point (Deb & Jain 2014). Reference points are the Das–Dennis points on the unit
 * simplex unless given. The tournament compares constrained ranks only (ties at random).
 *
 * Options: those of {@link NSGAIISampler}, plus `referencePoints` and `dividingParameter`.
 *
 * @see K. Deb & H. Jain, "An evolutionary many-objective optimization algorithm using
 *   reference-point-based nondominated sorting approach, part I: solving problems with box
 *   constraints", IEEE Trans. Evolutionary Computation 18(4):577–601, 2014.
 */
export class NSGAIIISampler extends GeneticSampler {
  readonly kind = "nsga3";
  protected readonly generationKey = "nsga3:generation";
  private readonly referencePoints: readonly (readonly number[])[] | undefined;
  private readonly dividingParameter: number | undefined;

  constructor(options: NSGAIIISamplerOptions = {}) {
    super("NSGAIIISampler", options, [...GENETIC_OPTION_NAMES, "referencePoints", "dividingParameter"], referenceParams(options));
    this.referencePoints = options.referencePoints?.map((r) => [...r]);
    this.dividingParameter = options.dividingParameter;
  }

  protected selectElite(pop: readonly Individual[], generation: number, nObjectives: number): number[] {
    let refs = this.referencePoints;
    if (refs !== undefined && (refs[0] as readonly number[]).length !== nObjectives) {
      throw new OuroborosError("invalid-argument", `NSGAIIISampler: referencePoints have ${(refs[0] as readonly number[]).length} coordinates, but the study has ${nObjectives} objectives`);
    }
    refs ??= dasDennisPoints(nObjectives, this.dividingParameter ?? defaultDivisions(nObjectives, this.populationSize));
    const rng = new Random(deriveSeed(this.seed, "nsga3", "survival", generation));
    return selectEliteNSGAIII(pop, this.populationSize, refs, rng);
  }

  protected tournamentOrder(pop: readonly Individual[]): (i: number, j: number) => number {
    const ranks = constrainedRanks(
      pop.map((p) => p.losses),
      pop.map((p) => p.violation),
    );
    return (i, j) => (ranks[i] as number) - (ranks[j] as number);
  }
}

/** Checks NSGA-III's own options and returns them as JSON `params`. */
function referenceParams(options: NSGAIIISamplerOptions): Record<string, JsonValue> {
  const bad = (msg: string): never => {
    throw new OuroborosError("invalid-argument", `NSGAIIISampler: ${msg}`);
  };
  const out: Record<string, JsonValue> = {};
  const refs = options.referencePoints;
  if (refs !== undefined) {
    const m = Array.isArray(refs) ? refs[0]?.length : undefined;
    const ok =
      Array.isArray(refs) &&
      refs.length > 0 &&
      refs.every((r) => Array.isArray(r) && r.length === m && r.every((x) => Number.isFinite(x) && x >= 0) && r.some((x) => x > 0));
    if (!ok) bad(`referencePoints must be a non-empty array of equal-length vectors of non-negative numbers (not all 0), but got ${JSON.stringify(refs)}`);
    out.referencePoints = refs.map((r) => [...r]);
  }
  const p = options.dividingParameter;
  if (p !== undefined) {
    if (!(Number.isInteger(p) && p >= 1)) bad(`dividingParameter must be a positive integer, but got ${p}`);
    out.dividingParameter = p;
  }
  return out;
}
