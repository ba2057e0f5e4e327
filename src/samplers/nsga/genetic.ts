/**
 * The generational machinery NSGA-II and NSGA-III share: generations recorded on trials, parent
 * populations rebuilt from the study, tournament selection, crossover and mutation over mixed
 * spaces. The two samplers differ only in how a parent population survives (crowding distance or
 * reference-point niching) and how the tournament compares two parents.
 */
import { isSingle, type Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { FrozenTrial, TrialState } from "../../core/frozen-trial.js";
import type { JsonValue } from "../../core/json.js";
import { Random, deriveSeed } from "../../core/rng.js";
import type { Sampler } from "../../core/sampler.js";
import type { StudyView } from "../../core/study-view.js";
import { intersectionSearchSpace } from "../intersection.js";
import { resolveSeed, uniformToInternal } from "../random.js";
import { CONSTRAINTS_KEY, totalViolation } from "./constraints.js";
import { CROSSOVER_KINDS, crossover, crossoverParents, insideUnitCube, type CrossoverKind, type CrossoverSettings } from "./crossover.js";
import type { Individual } from "./elite.js";
import { fromUnit, isNumeric, toUnit } from "./unit-space.js";

/** Options shared by {@link NSGAIISampler} and {@link NSGAIIISampler}; names and defaults follow Optuna. */
export interface GeneticSamplerOptions {
  /** Seed of every draw. Default: a fresh random seed, reported in `params`. */
  readonly seed?: number;
  /** Trials per generation (the parent population's size). Default 50. */
  readonly populationSize?: number;
  /** Probability of re-sampling each parameter of a child at random. Default 1 / (number of parameters). */
  readonly mutationProb?: number;
  /** Operator for numeric parameters (categorical ones always use uniform crossover). Default `"uniform"`. */
  readonly crossover?: CrossoverKind;
  /** Probability that a child is a crossover of parents rather than a copy of one. Default 0.9. */
  readonly crossoverProb?: number;
  /** Uniform crossover's probability of taking each value from the second parent. Default 0.5. */
  readonly swappingProb?: number;
  /** BLX-α's α. Default 0.5. */
  readonly blxAlpha?: number;
  /** SBX's distribution index η. Default 20, or 2 for a single objective (as Optuna). */
  readonly sbxEta?: number;
  /** SPX's expansion rate ε. Default √(parents + 1) = 2. */
  readonly spxEpsilon?: number;
  /** UNDX's σ_ξ. Default 0.5. */
  readonly undxSigmaXi?: number;
  /** UNDX's σ_η. Default 0.35 / √n for n numeric parameters. */
  readonly undxSigmaEta?: number;
  /**
   * Constraint values of a finished trial (each ≤ 0 means satisfied), called once per complete or
   * pruned trial and stored in its `"constraints"` system attribute (as `TPESampler` does). Feasible
   * trials then dominate infeasible ones, and infeasible ones compare by total violation.
   */
  readonly constraintsFunc?: (trial: FrozenTrial) => readonly number[];
}

/** The option names every genetic sampler accepts. */
export const GENETIC_OPTION_NAMES: readonly string[] = [
  "seed",
  "populationSize",
  "mutationProb",
  "crossover",
  "crossoverProb",
  "swappingProb",
  "blxAlpha",
  "sbxEta",
  "spxEpsilon",
  "undxSigmaXi",
  "undxSigmaEta",
  "constraintsFunc",
];

/** A parent population: its members and how the tournament compares two of them. */
export interface ParentPopulation {
  readonly generation: number;
  readonly members: readonly FrozenTrial[];
  /** < 0 when member i wins against member j, > 0 when j wins, 0 for a tie (decided at random). */
  readonly compare: (i: number, j: number) => number;
}

interface MemoEntry {
  readonly directionsKey: string;
  readonly candidates: readonly FrozenTrial[];
  readonly population: ParentPopulation;
}

/**
 * The shared part of the generational samplers. A subclass names its registry kind and generation
 * attribute and supplies survival (`selectElite`) and the tournament order (`tournamentOrder`).
 */
export abstract class GeneticSampler implements Sampler {
  abstract readonly kind: string;
  readonly params: Readonly<Record<string, JsonValue>>;
  protected readonly seed: number;
  protected readonly populationSize: number;
  private readonly mutationProb: number | undefined;
  private readonly crossoverKind: CrossoverKind;
  private readonly crossoverProb: number;
  private readonly settings: Omit<CrossoverSettings, "sbxEta" | "spxEpsilon"> & { sbxEta: number | undefined; spxEpsilon: number | undefined };
  private readonly constraintsFunc: ((trial: FrozenTrial) => readonly number[]) | undefined;
  private readonly memo = new Map<number, MemoEntry>();

  /** The trial system attribute holding a trial's generation. */
  protected abstract readonly generationKey: string;

  /** Indices of the members of `pop` that survive into the next parent population. */
  protected abstract selectElite(pop: readonly Individual[], generation: number, nObjectives: number): number[];

  /** The tournament's comparison of the members of a parent population (see {@link ParentPopulation.compare}). */
  protected abstract tournamentOrder(pop: readonly Individual[]): (i: number, j: number) => number;

  protected constructor(owner: string, options: GeneticSamplerOptions, allowed: readonly string[], extraParams: Readonly<Record<string, JsonValue>> = {}) {
    const bad = (msg: string): never => {
      throw new OuroborosError("invalid-argument", `${owner}: ${msg}`);
    };
    const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
    if (unknown.length > 0) bad(`unknown option(s) ${unknown.map((k) => `"${k}"`).join(", ")}; expected some of ${allowed.join(", ")}`);
    if (options.constraintsFunc !== undefined && typeof options.constraintsFunc !== "function") {
      bad(`constraintsFunc must be a function, but got ${JSON.stringify(options.constraintsFunc)}`);
    }
    const kind = options.crossover ?? "uniform";
    if (!CROSSOVER_KINDS.includes(kind)) bad(`crossover must be one of ${CROSSOVER_KINDS.join(", ")}, but got ${JSON.stringify(kind)}`);
    const populationSize = options.populationSize ?? 50;
    const nParents = crossoverParents(kind);
    if (!(Number.isInteger(populationSize) && populationSize >= nParents)) {
      bad(`populationSize must be an integer >= ${nParents} (the parents "${kind}" crossover needs), but got ${populationSize}`);
    }
    const prob = (name: string, v: number | undefined): void => {
      if (v !== undefined && !(typeof v === "number" && v >= 0 && v <= 1)) bad(`${name} must be a probability in [0, 1], but got ${v}`);
    };
    const positive = (name: string, v: number | undefined): void => {
      if (v !== undefined && !(typeof v === "number" && v > 0 && Number.isFinite(v))) bad(`${name} must be a positive finite number, but got ${v}`);
    };
    prob("mutationProb", options.mutationProb);
    prob("crossoverProb", options.crossoverProb);
    prob("swappingProb", options.swappingProb);
    positive("blxAlpha", options.blxAlpha);
    positive("sbxEta", options.sbxEta);
    positive("spxEpsilon", options.spxEpsilon);
    positive("undxSigmaXi", options.undxSigmaXi);
    positive("undxSigmaEta", options.undxSigmaEta);
    this.seed = resolveSeed(owner, options.seed);
    this.populationSize = populationSize;
    this.mutationProb = options.mutationProb;
    this.crossoverKind = kind;
    this.crossoverProb = options.crossoverProb ?? 0.9;
    this.settings = {
      swappingProb: options.swappingProb ?? 0.5,
      blxAlpha: options.blxAlpha ?? 0.5,
      sbxEta: options.sbxEta,
      spxEpsilon: options.spxEpsilon,
      undxSigmaXi: options.undxSigmaXi ?? 0.5,
      undxSigmaEta: options.undxSigmaEta,
    };
    this.constraintsFunc = options.constraintsFunc;
    // Only JSON-able options, and only those given or defaulted to a constant, so createSampler
    // rebuilds an equal sampler (constraintsFunc cannot be serialised and must be passed again).
    const params: Record<string, JsonValue> = {
      seed: this.seed,
      populationSize,
      crossover: kind,
      crossoverProb: this.crossoverProb,
      swappingProb: this.settings.swappingProb,
      blxAlpha: this.settings.blxAlpha,
      undxSigmaXi: this.settings.undxSigmaXi,
    };
    if (options.mutationProb !== undefined) params.mutationProb = options.mutationProb;
    if (options.sbxEta !== undefined) params.sbxEta = options.sbxEta;
    if (options.spxEpsilon !== undefined) params.spxEpsilon = options.spxEpsilon;
    if (options.undxSigmaEta !== undefined) params.undxSigmaEta = options.undxSigmaEta;
    this.params = { ...params, ...extraParams };
  }

  /** The parameters every complete trial shares (single-value ones left to `sampleIndependent`). */
  inferRelativeSearchSpace(study: StudyView, _trial: FrozenTrial): Record<string, Distribution> {
    const out: Record<string, Distribution> = {};
    for (const [name, d] of Object.entries(intersectionSearchSpace(study.getTrials()))) if (!isSingle(d)) out[name] = d;
    return out;
  }

  /** Records the trial's generation: one past the last generation with a full population. */
  beforeTrial(study: StudyView, trial: FrozenTrial): void {
    this.generationOf(study, trial);
  }

  /**
   * A child of the parent population: with probability `crossoverProb` a crossover of parents chosen
   * by binary tournament, otherwise a copy of one; then each parameter is left out (so
   * `sampleIndependent` re-samples it at random) with probability `mutationProb`. Empty in
   * generation 0, which is sampled at random.
   */
  sampleRelative(study: StudyView, trial: FrozenTrial, space: Record<string, Distribution>): Record<string, number> {
    const generation = this.generationOf(study, trial);
    if (generation === 0) return {};
    const parents = this.parentPopulation(study, generation - 1);
    if (parents === undefined || parents.members.length === 0) return {};
    const names = Object.keys(space)
      .filter((n) => parents.members.every((t) => t.internalParams[n] !== undefined))
      .sort();
    if (names.length === 0) return {};
    const rng = new Random(deriveSeed(this.seed, trial.number, "nsga", "relative"));
    let child: Record<string, number>;
    if (rng.next() < this.crossoverProb) {
      const picked = this.pickParents(parents, crossoverParents(this.crossoverKind), rng);
      child = this.cross(picked, names, space, rng, study.directions.length);
    } else {
      const p = parents.members[this.tournament(parents, rng)] as FrozenTrial;
      child = {};
      for (const n of names) child[n] = p.internalParams[n] as number;
    }
    const mutationProb = this.mutationProb ?? 1 / Math.max(1, names.length);
    const out: Record<string, number> = {};
    for (const n of names) if (!(rng.next() < mutationProb)) out[n] = child[n] as number;
    return out;
  }

  /** Uniformly at random, as `RandomSampler` (generation 0, mutated and non-shared parameters). */
  sampleIndependent(_study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    return uniformToInternal(distribution, new Random(deriveSeed(this.seed, trial.number, name)).next());
  }

  /** Stores the trial's constraint values when a `constraintsFunc` is set. */
  afterTrial(study: StudyView, trial: FrozenTrial, state: TrialState, values: readonly number[] | undefined): void {
    if (this.constraintsFunc === undefined || (state !== "complete" && state !== "pruned")) return;
    const finished: FrozenTrial = { ...trial, state, values, value: values !== undefined && values.length === 1 ? values[0] : undefined };
    const c = this.constraintsFunc(finished);
    if (!Array.isArray(c) || c.some((x) => typeof x !== "number" || Number.isNaN(x))) {
      throw new OuroborosError(
        "invalid-value",
        `${this.constructor.name}: constraintsFunc must return an array of numbers (NaN not allowed), but got ${JSON.stringify(c) ?? String(c)} for trial ${trial.number}`,
      );
    }
    study.setTrialSystemAttr(trial.number, CONSTRAINTS_KEY, [...c]);
  }

  /** The trial's recorded generation, recording it first if the trial has none. */
  private generationOf(study: StudyView, trial: FrozenTrial): number {
    const recorded = trial.systemAttrs[this.generationKey];
    if (typeof recorded === "number") return recorded;
    const generation = this.lastFullGeneration(study) + 1;
    study.setTrialSystemAttr(trial.number, this.generationKey, generation);
    return generation;
  }

  /** Complete trials by recorded generation, in trial-number order. */
  private byGeneration(study: StudyView): Map<number, FrozenTrial[]> {
    const out = new Map<number, FrozenTrial[]>();
    for (const t of study.getTrials()) {
      if (t.state !== "complete" || t.values === undefined) continue;
      const g = t.systemAttrs[this.generationKey];
      if (typeof g !== "number") continue;
      const list = out.get(g);
      if (list) list.push(t);
      else out.set(g, [t]);
    }
    return out;
  }

  /** The last generation g such that generations 0..g all have populationSize complete trials (−1 if none). */
  private lastFullGeneration(study: StudyView): number {
    const byGen = this.byGeneration(study);
    let g = -1;
    while ((byGen.get(g + 1)?.length ?? 0) >= this.populationSize) g++;
    return g;
  }

  /**
   * The parent population after generation `target`: generation 0's survivors among its complete
   * trials, then each next generation's survivors among its complete trials and the previous
   * parents (elitism). Rebuilt from the study (so any worker, or a resumed process, gets the same),
   * and memoised per generation while the candidate trials are the same objects. Undefined when
   * generation `target` is not full.
   */
  protected parentPopulation(study: StudyView, target: number): ParentPopulation | undefined {
    const byGen = this.byGeneration(study);
    const directions = study.directions;
    const directionsKey = directions.join();
    let parents: readonly FrozenTrial[] = [];
    let population: ParentPopulation | undefined;
    for (let g = 0; g <= target; g++) {
      const own = byGen.get(g) ?? [];
      if (own.length < this.populationSize) return undefined;
      const candidates = [...own, ...parents];
      const hit = this.memo.get(g);
      if (hit && hit.directionsKey === directionsKey && sameRefs(hit.candidates, candidates)) {
        population = hit.population;
      } else {
        const individuals = candidates.map((t) => this.individual(t, directions));
        const keep = this.selectElite(individuals, g, directions.length);
        const members = keep.map((i) => candidates[i] as FrozenTrial);
        const compare = this.tournamentOrder(keep.map((i) => individuals[i] as Individual));
        population = { generation: g, members, compare };
        this.memo.set(g, { directionsKey, candidates, population });
      }
      parents = population.members;
    }
    return population;
  }

  private individual(t: FrozenTrial, directions: readonly string[]): Individual {
    const values = t.values ?? [];
    return {
      losses: values.map((v, i) => (directions[i] === "maximize" ? -v : v)),
      violation: this.constraintsFunc === undefined ? 0 : totalViolation(t),
    };
  }

  /** Binary tournament: two distinct members at random, the better one by `compare` (ties at random). */
  private tournament(pop: ParentPopulation, rng: Random): number {
    const n = pop.members.length;
    if (n === 1) return 0;
    const i = rng.int(n);
    let j = rng.int(n - 1);
    if (j >= i) j++;
    const c = pop.compare(i, j);
    const coin = rng.next() < 0.5;
    if (c < 0) return i;
    if (c > 0) return j;
    return coin ? i : j;
  }

  /** `k` distinct parents by tournament (repeats allowed only when the population has too few members). */
  private pickParents(pop: ParentPopulation, k: number, rng: Random): FrozenTrial[] {
    const chosen: number[] = [];
    for (let tries = 0; chosen.length < k && tries < 20 * k; tries++) {
      const p = this.tournament(pop, rng);
      if (!chosen.includes(p)) chosen.push(p);
    }
    while (chosen.length < k) chosen.push(this.tournament(pop, rng));
    return chosen.map((i) => pop.members[i] as FrozenTrial);
  }

  /** Crossover of the parents' values: numeric ones by the chosen operator in the unit cube, categorical ones uniformly. */
  private cross(parents: readonly FrozenTrial[], names: readonly string[], space: Record<string, Distribution>, rng: Random, nObjectives: number): Record<string, number> {
    const out: Record<string, number> = {};
    // Uniform crossover copies values, so it needs no round trip through the unit cube.
    const uniform = this.crossoverKind === "uniform";
    const numeric = uniform ? [] : names.filter((n) => isNumeric(space[n] as Distribution));
    const swap = this.settings.swappingProb;
    for (const n of names) {
      if (!uniform && isNumeric(space[n] as Distribution)) continue;
      const from = rng.next() < swap ? parents[1] : parents[0];
      out[n] = (from as FrozenTrial).internalParams[n] as number;
    }
    if (numeric.length === 0) return out;
    const vectors = parents.map((p) => {
      const v = new Float64Array(numeric.length);
      numeric.forEach((n, i) => {
        const d = space[n] as Distribution;
        if (isNumeric(d)) v[i] = toUnit(d, p.internalParams[n] as number);
      });
      return v;
    });
    const settings: CrossoverSettings = {
      ...this.settings,
      sbxEta: this.settings.sbxEta ?? (nObjectives === 1 ? 2 : 20),
      spxEpsilon: this.settings.spxEpsilon ?? Math.sqrt(crossoverParents(this.crossoverKind) + 1),
    };
    // Operators with unbounded support may step outside the cube; a few fresh tries keep the
    // child's law close to the operator's, and clipping guarantees a valid value after that.
    let child = crossover(this.crossoverKind, vectors, rng, settings);
    for (let tries = 0; tries < 10 && !insideUnitCube(child); tries++) child = crossover(this.crossoverKind, vectors, rng, settings);
    numeric.forEach((n, i) => {
      const d = space[n] as Distribution;
      if (isNumeric(d)) out[n] = fromUnit(d, child[i] as number);
    });
    return out;
  }
}

function sameRefs(a: readonly FrozenTrial[], b: readonly FrozenTrial[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
