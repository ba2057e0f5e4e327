/**
 * Gaussian-process Bayesian optimisation (GP-BO) as a sampler.
 */
import { containsInternal, isSingle, type Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { FrozenTrial, TrialState } from "../../core/frozen-trial.js";
import type { JsonValue } from "../../core/json.js";
import { Random, deriveSeed } from "../../core/rng.js";
import type { Sampler } from "../../core/sampler.js";
import type { StudyView } from "../../core/study-view.js";
import { intersectionSearchSpace } from "../intersection.js";
import { resolveSeed, uniformToInternal } from "../random.js";
import { optimizeAcquisition, type AcquisitionModel } from "./acquisition.js";
import type { GPPosterior } from "./gp.js";
import { StudyModels, type Observation } from "./observations.js";
import { GPSearchSpace } from "./search-space.js";

/** The system attribute holding a trial's constraint values (the same key TPE uses). */
export const GP_CONSTRAINTS_KEY = "constraints";

/** How running trials enter the model so parallel workers propose different points. */
export type PendingStrategy = "believer" | "liar" | "none";

/** Options of {@link GPSampler}. */
export interface GPSamplerOptions {
  /** Seed of every draw. Default: a fresh random seed, reported in `params`. */
  readonly seed?: number;
  /** Complete trials before the GP takes over; until then values are drawn uniformly. Default 10. */
  readonly nStartupTrials?: number;
  /** Treat the objective as noise-free (noise variance held at its floor, 1e-6). Default false. */
  readonly deterministicObjective?: boolean;
  /**
   * Running trials as fantasies: `"liar"` (constant liar: the worst observed value), `"believer"`
   * (kriging believer: the posterior mean at their point), or `"none"`. Default "liar": the
   * believer leaves the posterior mean unchanged and only shrinks the variance, so once the model
   * is confident it sends parallel workers to points a hair apart (1e-4 in `sampler.test.ts`);
   * the pessimistic lie pushes them apart.
   */
  readonly pendingStrategy?: PendingStrategy;
  /** Random candidates scored before the local searches. Default 1024. */
  readonly nPreliminarySamples?: number;
  /** Local searches of the acquisition function per trial. Default 6. */
  readonly nLocalSearch?: number;
  /**
   * Constraint values of a finished trial (each ≤ 0 means satisfied), called once per complete
   * trial and stored in its `"constraints"` system attribute (as TPE does).
   */
  readonly constraintsFunc?: (trial: FrozenTrial) => readonly number[];
}

const OPTION_NAMES: readonly string[] = [
  "seed",
  "nStartupTrials",
  "deterministicObjective",
  "pendingStrategy",
  "nPreliminarySamples",
  "nLocalSearch",
  "constraintsFunc",
];

/**
 * Bayesian optimisation with a Gaussian-process surrogate and log expected improvement.
 *
 * The complete trials of the parameters every complete trial shares (the intersection space,
 * single-value parameters left out) are modelled by a zero-mean GP with a Matérn-5/2 kernel with
 * one lengthscale per parameter (ARD), on inputs normalised to [0, 1]: log-scaled parameters in log
 * space, integers and stepped floats relaxed to continuous coordinates whose equal-width cells
 * round to their grid points, categoricals through a Hamming-distance term (one weight per
 * categorical; see `kernel.ts` for why not one-hot). Objective values are negated when minimising,
 * warped by a monotone log transform of the gap to the best value (relative to the median gap;
 * see `observations.ts`: it tames long tails such as Rosenbrock's) and standardised; constraint
 * values are standardised. The lengthscales, signal variance and noise variance
 * maximise the log marginal likelihood plus weak priors (the priors of Optuna 4's GPSampler), by
 * multi-start L-BFGS with analytic gradients.
 *
 * The next point maximises log EI (Ament et al. 2023) — computed so that it stays finite and
 * informative where EI underflows — plus, with `constraintsFunc`, the log probability that every
 * constraint holds under one GP per constraint (Gardner et al. 2014); before any feasible trial the
 * probability of feasibility alone is maximised. The acquisition is maximised by scoring
 * `nPreliminarySamples` random points, then L-BFGS local searches in the continuous relaxation
 * from the best of them and from the incumbent, alternated with enumeration of categorical
 * choices, and the winner snapped to the space.
 *
 * Parallel workers: running trials that have all the parameters enter as fantasy observations
 * (Ginsbourger et al. 2010), so simultaneous trials get distinct proposals: by default the constant
 * liar (the worst observed value, as TPE's `constantLiar`), or the kriging believer (the posterior
 * mean, which collapses the variance there; believed values join the incumbent). Warm start: every complete trial of the study is an observation, including enqueued
 * and manually added ones, so a study seeded with earlier results starts from them (they also count
 * towards `nStartupTrials`). Multi-objective studies are refused.
 *
 * Cost: with n complete trials, a refit is O(n³) per likelihood evaluation, so hyperparameters are
 * refitted for every trial up to 30 trials and then every 10% more trials (warm-started from the
 * previous fit); in between, the posterior grows by rank-one Cholesky extensions (O(n²) per trial)
 * and the acquisition search costs O((nPreliminarySamples + evaluations) · n²).
 *
 * Reproducible: a seeded sampler's proposal for a trial depends only on the seed, the trial
 * number and the trials the study shows (fits are a function of the ordered complete trials, never
 * of what this process computed before). Parameters outside the modelled space are drawn uniformly
 * from `deriveSeed(seed, trial.number, name)`.
 *
 * Options: `seed`; `nStartupTrials` (10); `deterministicObjective` (false); `pendingStrategy`
 * ("liar"); `nPreliminarySamples` (1024); `nLocalSearch` (6); `constraintsFunc`.
 *
 * @example
 * const study = await createStudy({ sampler: new GPSampler({ seed: 1 }) });
 * await study.optimize((t) => (t.suggestFloat("x", -5, 5) - 2) ** 2, { nTrials: 50 });
 *
 * @see J. Snoek, H. Larochelle and R. P. Adams, "Practical Bayesian Optimization of Machine
 *   Learning Algorithms", NeurIPS 2012.
 * @see S. Ament, S. Daulton, D. Eriksson, M. Balandat and E. Bakshy, "Unexpected Improvements to
 *   Expected Improvement for Bayesian Optimization", NeurIPS 2023.
 * @see J. R. Gardner et al., "Bayesian Optimization with Inequality Constraints", ICML 2014.
 * @see D. Ginsbourger, R. Le Riche and L. Carraro, "Kriging is well-suited to parallelize
 *   optimization", in Computational Intelligence in Expensive Optimization Problems, 2010.
 */
export class GPSampler implements Sampler {
  readonly kind = "gp";
  readonly params: Readonly<Record<string, JsonValue>>;
  private readonly seed: number;
  private readonly nStartupTrials: number;
  private readonly deterministic: boolean;
  private readonly pending: PendingStrategy;
  private readonly nPreliminarySamples: number;
  private readonly nLocalSearch: number;
  private readonly constraintsFunc: ((trial: FrozenTrial) => readonly number[]) | undefined;
  private models: { key: string; models: StudyModels } | undefined;

  constructor(options: GPSamplerOptions = {}) {
    const bad = (msg: string): never => {
      throw new OuroborosError("invalid-argument", `GPSampler: ${msg}`);
    };
    const unknown = Object.keys(options).filter((k) => !OPTION_NAMES.includes(k));
    if (unknown.length > 0) bad(`unknown option(s) ${unknown.map((k) => `"${k}"`).join(", ")}; expected some of ${OPTION_NAMES.join(", ")}`);
    if (options.constraintsFunc !== undefined && typeof options.constraintsFunc !== "function") {
      bad(`constraintsFunc must be a function, but got ${JSON.stringify(options.constraintsFunc)}`);
    }
    const posInt = (name: string, v: unknown, min: number): number => {
      if (!(typeof v === "number" && Number.isInteger(v) && v >= min)) bad(`${name} must be an integer ≥ ${min}, but got ${JSON.stringify(v)}`);
      return v as number;
    };
    this.seed = resolveSeed("GPSampler", options.seed);
    this.nStartupTrials = posInt("nStartupTrials", options.nStartupTrials ?? 10, 0);
    this.nPreliminarySamples = posInt("nPreliminarySamples", options.nPreliminarySamples ?? 1024, 1);
    this.nLocalSearch = posInt("nLocalSearch", options.nLocalSearch ?? 6, 0);
    const det = options.deterministicObjective ?? false;
    if (typeof det !== "boolean") bad(`deterministicObjective must be a boolean, but got ${JSON.stringify(det)}`);
    this.deterministic = det;
    const pending = options.pendingStrategy ?? "liar";
    if (pending !== "believer" && pending !== "liar" && pending !== "none") {
      bad(`pendingStrategy must be "believer", "liar" or "none", but got ${JSON.stringify(pending)}`);
    }
    this.pending = pending;
    this.constraintsFunc = options.constraintsFunc;
    this.params = {
      seed: this.seed,
      nStartupTrials: this.nStartupTrials,
      deterministicObjective: det,
      pendingStrategy: pending,
      nPreliminarySamples: this.nPreliminarySamples,
      nLocalSearch: this.nLocalSearch,
    };
  }

  /** The parameters every complete trial has with the same distribution (single values left out). */
  inferRelativeSearchSpace(study: StudyView, _trial: FrozenTrial): Record<string, Distribution> {
    this.checkDirections(study);
    const out: Record<string, Distribution> = {};
    for (const [name, d] of Object.entries(intersectionSearchSpace(study.getTrials()))) if (!isSingle(d)) out[name] = d;
    return out;
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: Record<string, Distribution>): Record<string, number> {
    this.checkDirections(study);
    if (Object.keys(space).length === 0) return {};
    const complete = study.getTrials({ states: ["complete"] });
    if (complete.length < this.nStartupTrials) return {};
    const models = this.modelsFor(space);
    const sign = study.directions[0] === "maximize" ? 1 : -1;
    const nConstraints = this.constraintsFunc === undefined ? 0 : constraintCount(complete);
    const observations: Observation[] = [];
    for (const t of complete) {
      const v = t.value;
      if (v === undefined || !Number.isFinite(v) || !inSpace(t, space)) continue;
      observations.push({ trial: t, score: sign * v, constraints: constraintValues(t, nConstraints) });
    }
    if (observations.length === 0 || observations.length < this.nStartupTrials) return {};
    fillMissingConstraints(observations, nConstraints);
    models.update(observations);
    const fitted = models.models();
    if (fitted === undefined) return {};
    const gps = fitted.gps.map((gp) => gp.clone(8));
    const objective = gps[0] as GPPosterior;
    const scores = fitted.targets[0] as Float64Array;
    const thresholds = fitted.scales.slice(1).map((s) => -s.mean / s.std);

    // The incumbent: the best feasible observation (standardised), and its coordinates.
    let best: number | undefined;
    let bestIndex = -1;
    observations.forEach((o, i) => {
      if (!o.constraints.every((c) => c <= 0)) return;
      const y = scores[i] as number;
      if (best === undefined || y > best) {
        best = y;
        bestIndex = i;
      }
    });

    if (this.pending !== "none") {
      const fantasyBest = this.addPending(study, trial, models.space, space, gps, scores, thresholds);
      // Believed fantasies are observations: one better than the incumbent becomes the incumbent,
      // or EI would still reward points right next to it.
      if (fantasyBest !== undefined && (best === undefined || fantasyBest > best)) best = fantasyBest;
    }

    const model: AcquisitionModel = { objective, best, constraints: gps.slice(1), thresholds };
    const rng = new Random(deriveSeed(this.seed, trial.number, "gp"));
    const starts = bestIndex >= 0 ? [models.coordinates(bestIndex)] : [];
    const { z } = optimizeAcquisition(model, models.space, rng, {
      nCandidates: this.nPreliminarySamples,
      nLocalSearch: this.nLocalSearch,
      starts,
    });
    const out = models.space.decode(z);
    for (const [name, d] of Object.entries(space)) {
      if (!containsInternal(d, out[name] as number)) delete out[name];
    }
    return out;
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    this.checkDirections(study);
    const rng = new Random(deriveSeed(this.seed, trial.number, name));
    return uniformToInternal(distribution, rng.next());
  }

  afterTrial(study: StudyView, trial: FrozenTrial, state: TrialState, values: readonly number[] | undefined): void {
    if (this.constraintsFunc === undefined || state !== "complete") return;
    const finished: FrozenTrial = { ...trial, state, values, value: values !== undefined && values.length === 1 ? values[0] : undefined };
    const c = this.constraintsFunc(finished);
    if (!Array.isArray(c) || c.some((x) => typeof x !== "number" || Number.isNaN(x))) {
      throw new OuroborosError(
        "invalid-value",
        `GPSampler: constraintsFunc must return an array of numbers (NaN not allowed), but got ${JSON.stringify(c) ?? String(c)} for trial ${trial.number}`,
      );
    }
    study.setTrialSystemAttr(trial.number, GP_CONSTRAINTS_KEY, [...c]);
  }

  private checkDirections(study: StudyView): void {
    if (study.directions.length !== 1) {
      throw new OuroborosError(
        "unsupported",
        `GPSampler supports single-objective studies only, but the study has ${study.directions.length} objectives; use TPESampler or an NSGA-II sampler`,
      );
    }
  }

  /** The models of this search space (kept while the space is unchanged). */
  private modelsFor(space: Record<string, Distribution>): StudyModels {
    const gpSpace = new GPSearchSpace(space);
    const key = JSON.stringify(gpSpace.params.map((p) => [p.name, p.distribution]));
    if (this.models?.key !== key) {
      this.models = { key, models: new StudyModels(gpSpace, { deterministic: this.deterministic }) };
    }
    return this.models.models;
  }

  /**
   * Adds running trials (other than `trial`) that have every parameter of the space as fantasy
   * observations, in number order: with the believer, each model's posterior mean at the point;
   * with the liar, the worst observed score (constraints still at their posterior mean). Returns
   * the best believed score among fantasies whose believed constraints hold (undefined if none).
   */
  private addPending(
    study: StudyView,
    trial: FrozenTrial,
    gpSpace: GPSearchSpace,
    space: Record<string, Distribution>,
    gps: GPPosterior[],
    scores: Float64Array,
    thresholds: readonly number[],
  ): number | undefined {
    let worst = Infinity;
    for (const y of scores) worst = Math.min(worst, y);
    let best: number | undefined;
    const z = new Float64Array(gpSpace.dim);
    for (const t of study.getTrials({ states: ["running"] })) {
      if (t.number === trial.number || !inSpace(t, space)) continue;
      gpSpace.encode(t.internalParams, z);
      const fantasies = gps.map((gp, k) => (k === 0 && this.pending === "liar" ? worst : gp.predict(z).mean));
      gps.forEach((gp, k) => gp.append(z, fantasies[k] as number));
      const feasible = thresholds.every((th, k) => (fantasies[k + 1] as number) <= th);
      if (this.pending === "believer" && feasible && (best === undefined || (fantasies[0] as number) > best)) best = fantasies[0] as number;
    }
    return best;
  }
}

/** Whether a trial has every parameter of the space, inside its distribution. */
function inSpace(t: FrozenTrial, space: Record<string, Distribution>): boolean {
  for (const [name, d] of Object.entries(space)) {
    const x = t.internalParams[name];
    if (x === undefined || !containsInternal(d, x)) return false;
  }
  return true;
}

/** The number of constraints recorded on the complete trials (the most any trial has). */
function constraintCount(trials: readonly FrozenTrial[]): number {
  let k = 0;
  for (const t of trials) {
    const c = t.systemAttrs[GP_CONSTRAINTS_KEY];
    if (Array.isArray(c)) k = Math.max(k, c.length);
  }
  return k;
}

/** A trial's constraint values (NaN where missing; see {@link fillMissingConstraints}). */
function constraintValues(t: FrozenTrial, n: number): number[] {
  const c = t.systemAttrs[GP_CONSTRAINTS_KEY];
  const arr = Array.isArray(c) ? (c as unknown[]) : [];
  return Array.from({ length: n }, (_, k) => {
    const v = arr[k];
    return typeof v === "number" && !Number.isNaN(v) ? v : NaN;
  });
}

/**
 * Missing or infinite constraint values (trials added without them) count as violated: the largest
 * finite value seen for that constraint, or 1 when none is larger.
 */
function fillMissingConstraints(observations: Observation[], n: number): void {
  if (n === 0) return;
  const worst = Array.from({ length: n }, (_, k) => {
    let w = 1;
    for (const o of observations) {
      const v = o.constraints[k] as number;
      if (Number.isFinite(v)) w = Math.max(w, v);
    }
    return w;
  });
  for (let i = 0; i < observations.length; i++) {
    const o = observations[i] as Observation;
    if (!o.constraints.every((v) => Number.isFinite(v))) {
      observations[i] = { ...o, constraints: o.constraints.map((v, k) => (Number.isFinite(v) ? v : (worst[k] as number))) };
    }
  }
}
