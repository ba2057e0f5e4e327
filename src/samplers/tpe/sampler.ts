/**
 * The Tree-structured Parzen Estimator sampler (TPE), following Optuna 3.x's `TPESampler`.
 */
import { isSingle, type Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { FrozenTrial, TrialState } from "../../core/frozen-trial.js";
import type { JsonValue } from "../../core/json.js";
import { Random, deriveSeed } from "../../core/rng.js";
import type { Sampler } from "../../core/sampler.js";
import type { StudyView } from "../../core/study-view.js";
import { groupDecomposedSearchSpace, intersectionSearchSpace } from "../intersection.js";
import { resolveSeed, uniformToInternal } from "../random.js";
import { ParzenEstimator, fromModelSpace, paramSpace, toModelSpace, type ParamSpace, type ParzenEstimatorOptions } from "./parzen-estimator.js";
import { CONSTRAINTS_KEY, splitTrials, type TrialSplit } from "./split.js";
import { IncrementalSplit } from "./split-cache.js";
import { IncrementalMixture } from "./incremental-mixture.js";

/** Optuna's default γ: the best 10% of the finished trials, at most 25. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Hyperopt's γ: ⌈¼ √n⌉, at most 25 (for `gamma: hyperoptGamma`). */
export function hyperoptGamma(n: number): number {
  return Math.min(Math.ceil(0.25 * Math.sqrt(n)), 25);
}

/**
 * Optuna's default observation weights, oldest first: all 1 up to 25 observations; beyond, the 25
 * newest weigh 1 and the older ones ramp linearly from 1/n up to 1 (Bergstra et al. 2013).
 */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (n < 25) return w;
  const ramp = n - 25;
  for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / n : 1 / n + (i * (1 - 1 / n)) / (ramp - 1);
  return w;
}

/** Options of {@link TPESampler}; names and defaults follow Optuna's `TPESampler`. */
export interface TPESamplerOptions {
  /** Seed of every draw. Default: a fresh random seed, reported in `params`. */
  readonly seed?: number;
  /** Trials sampled at random before TPE starts (counting complete and pruned trials). Default 10. */
  readonly nStartupTrials?: number;
  /** Candidates drawn from l(x) per sample; the one maximising l(x)/g(x) wins. Default 24. */
  readonly nEICandidates?: number;
  /** Weight of the prior component (and the smoothing of categorical kernels). Default 1. */
  readonly priorWeight?: number;
  /** Add a wide prior component at the centre of the range. Default true. */
  readonly considerPrior?: boolean;
  /** Keep kernel widths at least range / min(100, n + 2) ("magic clip"). Default true. */
  readonly considerMagicClip?: boolean;
  /** Let the outermost kernels' widths reach the range ends. Default false. */
  readonly considerEndpoints?: boolean;
  /** Number of "good" trials (modelled by l) given the number of finished trials. Default {@link defaultGamma}. */
  readonly gamma?: (nFinished: number) => number;
  /** Weights of n observations, oldest first. Default {@link defaultWeights}. */
  readonly weights?: (n: number) => ArrayLike<number>;
  /** Model the intersection search space jointly (multivariate TPE). Default false. */
  readonly multivariate?: boolean;
  /** With `multivariate`, model each group of parameters that always appear together jointly. Default false. */
  readonly group?: boolean;
  /** Count running trials as bad ones, so parallel workers spread out. Default false. */
  readonly constantLiar?: boolean;
  /**
   * Constraint values of a finished trial (each ≤ 0 means satisfied), called once per complete or
   * pruned trial and stored in its `"constraints"` system attribute. Infeasible trials rank after
   * feasible ones, by total violation.
   */
  readonly constraintsFunc?: (trial: FrozenTrial) => readonly number[];
  /** With `multivariate`, warn (once per parameter) when a parameter is sampled independently. Default true. */
  readonly warnIndependentSampling?: boolean;
  /**
   * Weigh each continuous kernel by its bandwidth σ when evaluating l(x) and g(x), as Optuna 3.1–3.4
   * do (their truncated-normal log density omits log σ; Optuna 3.5 normalised it). Wide kernels (the
   * prior, isolated observations) then count for more, so TPE explores more. Default true: on the
   * benchmark suite (8 problems, 60 seeds, univariate) it gave lower median regret than exactly
   * normalised kernels in 12 of 16 problem × budget cells; `false` gives Optuna ≥ 3.5's densities.
   * Sampling from l(x) is the same either way.
   */
  readonly widthWeightedKernels?: boolean;
  /**
   * With `multivariate`, the kernels' bandwidths. `"scott"`: one σ = 0.2 n^(−1/(d+4)) × range for
   * every kernel (Optuna 3.1's rule, after BOHB). `"neighbour"`: per dimension, each kernel's gap to
   * its sorted neighbours, magic-clipped (the univariate rule, Hyperopt's; the bandwidth of the
   * recommended setting of Watanabe 2023). Default `"scott"`. In an A/B on the benchmark suite
   * (seeds 100–199 against 100–159, outside the reported ones) `"neighbour"` gave lower median
   * regret in 13 of 16 problem × budget cells, often by several times (Branin, Hartmann-6,
   * Ackley-5D, the mixed and conditional spaces), but was about 2× worse on Levy-10D at 300 trials,
   * and on a small mixed problem it settled on a wrong categorical choice within 50 trials in 4 of
   * 100 seeds (`"scott"`: 0): narrow per-dimension kernels exploit more.
   */
  readonly multivariateBandwidth?: "scott" | "neighbour";
}

const OPTION_NAMES: readonly string[] = [
  "seed",
  "nStartupTrials",
  "nEICandidates",
  "priorWeight",
  "considerPrior",
  "considerMagicClip",
  "considerEndpoints",
  "gamma",
  "weights",
  "multivariate",
  "group",
  "constantLiar",
  "constraintsFunc",
  "warnIndependentSampling",
  "widthWeightedKernels",
  "multivariateBandwidth",
];

interface StudyCache {
  /**
   * The trials TPE reads (complete and pruned, plus running ones with the constant liar), in
   * number order; the cache is kept while exactly these trial objects are shown.
   */
  readonly trials: readonly FrozenTrial[];
  readonly directionsKey: string;
  readonly directions: StudyView["directions"];
  readonly nFinished: number;
  split: TrialSplit | undefined;
}

/**
 * Tree-structured Parzen Estimator: Bayesian optimisation with density ratios instead of a
 * surrogate of the objective.
 *
 * The finished trials are split into the γ(n) best ("below") and the rest ("above"); a Parzen
 * estimator (mixture of truncated-normal and categorical kernels, one per trial, plus a prior) is
 * fitted to each: l(x) and g(x). `nEICandidates` points are drawn from l, and the one with the
 * largest log l(x) − log g(x) is returned; maximising l/g maximises expected improvement under the
 * TPE model (Bergstra et al. 2011). Parameters are modelled one at a time by default (as Optuna);
 * `multivariate` models the parameters all trials share jointly, and `group` extends that to
 * conditional spaces, one joint model per group of parameters that always appear together.
 *
 * Details match Optuna 3.x: pruned trials count, ranked after complete ones by their last reported
 * step then value; failed trials are ignored; with `constantLiar` running trials count as bad;
 * with `constraintsFunc` infeasible trials rank after feasible ones; with several objectives the
 * split is by non-dominated sorting with hypervolume subset selection and the good trials are
 * weighted by hypervolume contribution (MOTPE). Before `nStartupTrials` trials finished, values are
 * drawn uniformly (in log space for `log: true`). Univariate Parzen estimators give the same
 * densities as Optuna 3.1's (conditional parameters included: the split is over all trials, each
 * parameter's l and g see the trials where it is active; pinned in `conditional.test.ts`), with its
 * bandwidth-weighted continuous kernels (`widthWeightedKernels`), and so do multivariate ones
 * (Optuna's Scott-like bandwidths; per-dimension neighbour bandwidths are an option,
 * `multivariateBandwidth`). Two arbitrary choices differ: equal observations get
 * the neighbour-gap bandwidths in a fixed pseudo-random order (not by age, which would skew grid
 * parameters), and exactly tied candidates resolve to the first drawn.
 *
 * Work per trial is O(n · nEICandidates) per parameter with typed arrays, and what can be carried
 * from one trial to the next exactly is: each trial's value of a parameter is extracted once; the
 * split is updated by insertion while the trials only grow (`split-cache.ts`); and the "above"
 * density g(x) of a continuous parameter keeps each observation's bandwidth and normaliser,
 * recomputing only those an insertion changes (`incremental-mixture.ts`). Every cache gives bit for
 * bit what a fresh sampler computes on the same trials (tested in `incremental.test.ts`).
 *
 * Reproducible: a seeded sampler's values for a trial depend only on the seed, the trial number,
 * the parameter (or "relative" group) and the trials the study shows.
 *
 * @example
 * const study = await createStudy({ sampler: new TPESampler({ seed: 1, multivariate: true }) });
 * await study.optimize((t) => (t.suggestFloat("x", -5, 5) - 2) ** 2, { nTrials: 100 });
 *
 * @see Bergstra et al., "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011.
 * @see Bergstra, Yamins and Cox, "Making a Science of Model Search", ICML 2013 (weights).
 * @see Falkner, Klein and Hutter, "BOHB", ICML 2018 (multivariate kernels).
 * @see Ozaki et al., "Multiobjective Tree-Structured Parzen Estimator", GECCO 2020 / JAIR 2022.
 * @see Watanabe, "Tree-structured Parzen Estimator: Understanding Its Algorithm Components and
 *   Their Roles for Better Empirical Performance", 2023.
 */
export class TPESampler implements Sampler {
  readonly kind = "tpe";
  readonly params: Readonly<Record<string, JsonValue>>;
  private readonly seed: number;
  private readonly nStartupTrials: number;
  private readonly nEICandidates: number;
  private readonly estimatorOptions: ParzenEstimatorOptions;
  private readonly gamma: (n: number) => number;
  private readonly weights: (n: number) => ArrayLike<number>;
  private readonly multivariate: boolean;
  private readonly group: boolean;
  private readonly constantLiar: boolean;
  private readonly constraintsFunc: ((trial: FrozenTrial) => readonly number[]) | undefined;
  private readonly warnIndependentSampling: boolean;
  private readonly warned = new Set<string>();
  private cache: StudyCache | undefined;
  /** The study's trial array as of the last {@link TPESampler.context} check (element references). */
  private seen: FrozenTrial[] = [];
  private readonly incrementalSplit = new IncrementalSplit();
  private readonly columns = new Map<string, Column>();
  private readonly weightMemo = new Map<number, { w: Float64Array; logW: Float64Array }>();

  constructor(options: TPESamplerOptions = {}) {
    const bad = (msg: string): never => {
      throw new OuroborosError("invalid-argument", `TPESampler: ${msg}`);
    };
    const unknown = Object.keys(options).filter((k) => !OPTION_NAMES.includes(k));
    if (unknown.length > 0) bad(`unknown option(s) ${unknown.map((k) => `"${k}"`).join(", ")}; expected some of ${OPTION_NAMES.join(", ")}`);
    for (const k of ["gamma", "weights", "constraintsFunc"] as const) {
      if (options[k] !== undefined && typeof options[k] !== "function") bad(`${k} must be a function, but got ${JSON.stringify(options[k])}`);
    }
    this.seed = resolveSeed("TPESampler", options.seed);
    const nStartupTrials = options.nStartupTrials ?? 10;
    if (!(Number.isInteger(nStartupTrials) && nStartupTrials >= 0)) bad(`nStartupTrials must be a non-negative integer, but got ${nStartupTrials}`);
    const nEICandidates = options.nEICandidates ?? 24;
    if (!(Number.isInteger(nEICandidates) && nEICandidates >= 1)) bad(`nEICandidates must be a positive integer, but got ${nEICandidates}`);
    const mb = options.multivariateBandwidth;
    if (mb !== undefined && mb !== "scott" && mb !== "neighbour") bad(`multivariateBandwidth must be "scott" or "neighbour", but got ${JSON.stringify(mb)}`);
    const priorWeight = options.priorWeight ?? 1;
    if (!(priorWeight > 0 && Number.isFinite(priorWeight))) bad(`priorWeight must be a positive finite number, but got ${priorWeight}`);
    const multivariate = options.multivariate ?? false;
    const group = options.group ?? false;
    if (group && !multivariate) bad("group: true needs multivariate: true");
    this.nStartupTrials = nStartupTrials;
    this.nEICandidates = nEICandidates;
    this.estimatorOptions = {
      considerPrior: options.considerPrior ?? true,
      priorWeight,
      considerMagicClip: options.considerMagicClip ?? true,
      considerEndpoints: options.considerEndpoints ?? false,
      multivariate,
      widthWeightedKernels: options.widthWeightedKernels ?? true,
      multivariateBandwidth: options.multivariateBandwidth ?? "scott",
    };
    this.gamma = options.gamma ?? defaultGamma;
    this.weights = options.weights ?? defaultWeights;
    this.multivariate = multivariate;
    this.group = group;
    this.constantLiar = options.constantLiar ?? false;
    this.constraintsFunc = options.constraintsFunc;
    this.warnIndependentSampling = options.warnIndependentSampling ?? true;
    this.params = {
      seed: this.seed,
      nStartupTrials,
      nEICandidates,
      priorWeight,
      considerPrior: this.estimatorOptions.considerPrior,
      considerMagicClip: this.estimatorOptions.considerMagicClip,
      considerEndpoints: this.estimatorOptions.considerEndpoints,
      multivariate,
      group,
      constantLiar: this.constantLiar,
      warnIndependentSampling: this.warnIndependentSampling,
      widthWeightedKernels: this.estimatorOptions.widthWeightedKernels === true,
      multivariateBandwidth: this.estimatorOptions.multivariateBandwidth ?? "scott",
    };
  }

  inferRelativeSearchSpace(study: StudyView, _trial: FrozenTrial): Record<string, Distribution> {
    if (!this.multivariate) return {};
    const trials = study.getTrials();
    const out: Record<string, Distribution> = {};
    if (this.group) {
      for (const g of groupDecomposedSearchSpace(trials, { includePruned: true })) {
        for (const [name, d] of Object.entries(g)) if (!isSingle(d)) out[name] = d;
      }
      return out;
    }
    for (const [name, d] of Object.entries(intersectionSearchSpace(trials, { includePruned: true }))) {
      if (!isSingle(d)) out[name] = d;
    }
    return out;
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: Record<string, Distribution>): Record<string, number> {
    const names = Object.keys(space);
    if (names.length === 0) return {};
    const ctx = this.context(study);
    if (ctx.nFinished < this.nStartupTrials) return {};
    const out: Record<string, number> = {};
    const groups: string[][] = [];
    if (this.group) {
      for (const g of groupDecomposedSearchSpace(study.getTrials(), { includePruned: true })) {
        const sub = Object.keys(g).filter((n) => space[n] !== undefined);
        if (sub.length > 0) groups.push(sub);
      }
    } else {
      groups.push([...names].sort());
    }
    for (const g of groups) {
      const spaces = g.map((n) => paramSpace(n, space[n] as Distribution));
      const rng = new Random(deriveSeed(this.seed, trial.number, "relative", g.join("\u0000")));
      const values = this.sampleTPE(ctx, spaces, rng);
      for (let i = 0; i < g.length; i++) out[g[i] as string] = values[i] as number;
    }
    return out;
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    if (isSingle(distribution)) return distribution.kind === "categorical" ? 0 : distribution.low;
    const ctx = this.context(study);
    const rng = new Random(deriveSeed(this.seed, trial.number, name));
    if (ctx.nFinished < this.nStartupTrials) return uniformToInternal(distribution, rng.next());
    if (this.multivariate && this.warnIndependentSampling && !this.warned.has(name)) {
      if (ctx.trials.some((t) => (t.state === "complete" || t.state === "pruned") && t.internalParams[name] !== undefined)) {
        this.warned.add(name);
        console.warn(
          `TPESampler: parameter "${name}" in trial ${trial.number} is sampled independently instead of by the multivariate model ` +
            "(its distribution changed, or it is not in every trial: consider group: true). Pass warnIndependentSampling: false to silence this.",
        );
      }
    }
    return this.sampleTPE(ctx, [paramSpace(name, distribution)], rng)[0] as number;
  }

  afterTrial(study: StudyView, trial: FrozenTrial, state: TrialState, values: readonly number[] | undefined): void {
    if (this.constraintsFunc === undefined || (state !== "complete" && state !== "pruned")) return;
    const finished: FrozenTrial = { ...trial, state, values, value: values !== undefined && values.length === 1 ? values[0] : undefined };
    const c = this.constraintsFunc(finished);
    if (!Array.isArray(c) || c.some((x) => typeof x !== "number" || Number.isNaN(x))) {
      throw new OuroborosError(
        "invalid-value",
        `TPESampler: constraintsFunc must return an array of numbers (NaN not allowed), but got ${JSON.stringify(c) ?? String(c)} for trial ${trial.number}`,
      );
    }
    study.setTrialSystemAttr(trial.number, CONSTRAINTS_KEY, [...c]);
  }

  /**
   * The trials TPE reads and their split, rebuilt only when one of them changed: trials that are
   * running (without the constant liar), waiting or failed may change freely. Trial objects are
   * immutable, so comparing references is enough. The check compares the study's trial array
   * with the one seen last, element by element: an unchanged element needs no property read, so a
   * trial's several suggests cost one cheap pass each.
   */
  private context(study: StudyView): StudyCache {
    const all = study.getTrials();
    const directionsKey = study.directions.join();
    const liar = this.constantLiar;
    const read = (t: FrozenTrial | undefined): boolean =>
      t !== undefined && (t.state === "complete" || t.state === "pruned" || (liar && t.state === "running"));
    const c = this.cache;
    const seen = this.seen;
    if (c && c.directionsKey === directionsKey) {
      let same = true;
      const n = all.length;
      const m = seen.length;
      for (let i = 0; i < n; i++) {
        const t = all[i] as FrozenTrial;
        if (i < m) {
          const old = seen[i];
          if (old === t) continue;
          if (read(old) || read(t)) {
            same = false;
            break;
          }
          seen[i] = t;
        } else {
          if (read(t)) {
            same = false;
            break;
          }
          seen.push(t);
        }
      }
      if (same && m > n) {
        for (let i = n; i < m; i++) if (read(seen[i])) same = false;
        if (same) seen.length = n;
      }
      if (same) return c;
    }
    const trials: FrozenTrial[] = [];
    let nFinished = 0;
    for (const t of all) {
      const s = t.state;
      if (s === "complete" || s === "pruned") {
        trials.push(t);
        nFinished++;
      } else if (liar && s === "running") trials.push(t);
    }
    this.seen = all.slice();
    const fresh: StudyCache = { trials, directionsKey, directions: study.directions, nFinished, split: undefined };
    this.cache = fresh;
    return fresh;
  }

  private splitOf(ctx: StudyCache): TrialSplit {
    if (ctx.split) return ctx.split;
    const g = this.gamma(ctx.nFinished);
    if (!Number.isFinite(g) || g < 0) {
      throw new OuroborosError("invalid-argument", `TPESampler: gamma must return a non-negative number, but returned ${g} for ${ctx.nFinished} trials`);
    }
    const nBelow = Math.min(Math.floor(g), ctx.nFinished);
    if (this.constraintsFunc === undefined && !this.constantLiar) {
      ctx.split = this.incrementalSplit.split(ctx.trials, ctx.directions, nBelow);
      if (ctx.split) return ctx.split;
    }
    ctx.split = splitTrials(ctx.trials, ctx.directions, nBelow, {
      constraints: this.constraintsFunc !== undefined,
      constantLiar: this.constantLiar,
    });
    return ctx.split;
  }

  private readonly scratchBufs: Float64Array[] = [];
  private scratch(slot: number, n: number): Float64Array {
    let b = this.scratchBufs[slot];
    if (b === undefined || b.length < n) {
      b = new Float64Array(Math.max(n, 2 * (b?.length ?? 256)));
      this.scratchBufs[slot] = b;
    }
    return b;
  }

  /** Observation weights for n observations; the default ones memoised with their logs. */
  private weightsOf(n: number): { w: ArrayLike<number>; logW: Float64Array | undefined } {
    if (this.weights !== defaultWeights) return { w: this.weights(n), logW: undefined };
    let hit = this.weightMemo.get(n);
    if (hit === undefined) {
      const w = defaultWeights(n);
      const logW = new Float64Array(n);
      for (let i = 0; i < n; i++) logW[i] = Math.log(w[i] as number);
      hit = { w, logW };
      if (this.weightMemo.size >= 8) this.weightMemo.clear();
      this.weightMemo.set(n, hit);
    }
    return hit;
  }

  /**
   * The two Parzen estimators of one TPE step over `spaces`: the split is over all the trials TPE
   * reads (as Optuna's), and each estimator is fitted on the trials of its side that have every
   * parameter of `spaces` (a conditional parameter's l and g see only the trials where it is
   * active), weighted by their number.
   */
  private estimators(ctx: StudyCache, spaces: readonly ParamSpace[]): { l: ParzenEstimator; logG: (points: readonly Float64Array[]) => Float64Array; nBelow: number; nAbove: number } {
    const split = this.splitOf(ctx);
    const columns = spaces.map((sp) => refreshColumn(this.columns, sp, ctx.trials));
    const values = columns.map((c) => c.values);
    const below = collect(values, split.below, this.scratch(0, spaces.length * split.below.length));
    const above = collect(values, split.above, this.scratch(1, spaces.length * split.above.length));
    const wBelow = split.belowWeights ? { w: Float64Array.from(below.kept, (j) => split.belowWeights?.[j] as number), logW: undefined } : this.weightsOf(below.n);
    const wAbove = this.weightsOf(above.n);
    const l = new ParzenEstimator(spaces, below.obs, wBelow.w, this.estimatorOptions, wBelow.logW);
    // g is evaluated at once by the caller (its observations sit in a scratch buffer).
    const logG = (points: readonly Float64Array[]): Float64Array => this.aboveLogPdf(ctx, split, spaces, columns, above, wAbove, points);
    return { l, logG, nBelow: below.n, nAbove: above.n };
  }

  /**
   * @internal For tests: log l(x) and log g(x) of the parameters `distributions` (modelled jointly)
   * at model-space `points` (one array per parameter, in key order), computed from the study's
   * trials exactly as a sampling step would, and the number of observations behind each.
   */
  logDensities(study: StudyView, distributions: Record<string, Distribution>, points: readonly Float64Array[]): { logL: Float64Array; logG: Float64Array; nBelow: number; nAbove: number } {
    const spaces = Object.entries(distributions).map(([name, d]) => paramSpace(name, d));
    const { l, logG, nBelow, nAbove } = this.estimators(this.context(study), spaces);
    const g = logG(points);
    return { logL: l.logPdf(points), logG: g, nBelow, nAbove };
  }

  /** One TPE step over `spaces` (sampled jointly): internal values in the order of `spaces`. */
  private sampleTPE(ctx: StudyCache, spaces: readonly ParamSpace[], rng: Random): number[] {
    const { l, logG } = this.estimators(ctx, spaces);
    const candidates = l.sample(rng, this.nEICandidates);
    // Score log-scaled ints at the integers they will become (as Optuna does): scoring the
    // unrounded point let a log-int collapse onto its lower bound.
    spaces.forEach((sp, d) => {
      if (sp.distribution.kind !== "int" || sp.distribution.log !== true) return;
      const column = candidates[d] as Float64Array;
      for (let i = 0; i < column.length; i++) column[i] = Math.log(fromModelSpace(sp, column[i] as number));
    });
    const ll = l.logPdf(candidates);
    const lg = logG(candidates);
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i < this.nEICandidates; i++) {
      const s = (ll[i] as number) - (lg[i] as number);
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    return spaces.map((sp, d) => fromModelSpace(sp, (candidates[d] as Float64Array)[best] as number));
  }

  /**
   * log g(x) at the candidates: for one continuous parameter (univariate bandwidths, magic clip,
   * prior, default weights) from the column's {@link IncrementalMixture}, which gives the same
   * values as a fresh estimator without rebuilding it; otherwise from a fresh estimator.
   */
  private aboveLogPdf(
    ctx: StudyCache,
    split: TrialSplit,
    spaces: readonly ParamSpace[],
    columns: readonly Column[],
    above: Collected,
    wAbove: { w: ArrayLike<number>; logW: Float64Array | undefined },
    candidates: readonly Float64Array[],
  ): Float64Array {
    const opts = this.estimatorOptions;
    const sp = spaces[0] as ParamSpace;
    const column = columns[0] as Column;
    if (spaces.length === 1 && sp.kind === "continuous" && !opts.multivariate && opts.considerMagicClip && opts.considerPrior && wAbove.logW !== undefined) {
      column.mixture ??= new IncrementalMixture(sp, opts.considerEndpoints, opts.widthWeightedKernels === true, opts.priorWeight);
      const trials = ctx.trials;
      const positions = split.above;
      const kept = above.kept;
      const ids = (j: number): unknown => trials[positions[kept[j] as number] as number];
      const lg = column.mixture.logPdf(ids, above.obs[0] as Float64Array, wAbove.w, wAbove.logW, candidates[0] as Float64Array);
      if (lg !== undefined) return lg;
    }
    return new ParzenEstimator(spaces, above.obs, wAbove.w, opts, wAbove.logW).logPdf(candidates);
  }
}

/**
 * A parameter's observations in model space (NaN where a trial lacks it), aligned with the trials
 * TPE reads. Kept across calls and refreshed by reference comparison: finished trials are immutable
 * and new ones are appended, so each trial's value is extracted once per parameter and distribution.
 */
interface Column {
  refs: FrozenTrial[];
  values: Float64Array;
  /** The parameter's incremental "above" mixture, when it is used. */
  mixture?: IncrementalMixture;
}

/** At most this many (parameter, distribution) columns are cached; beyond, the cache restarts. */
const MAX_COLUMNS = 256;

function refreshColumn(columns: Map<string, Column>, space: ParamSpace, trials: readonly FrozenTrial[]): Column {
  const key = `${space.name}\u0000${JSON.stringify(space.distribution)}`;
  let c = columns.get(key);
  if (c === undefined) {
    if (columns.size >= MAX_COLUMNS) columns.clear();
    c = { refs: [], values: new Float64Array(Math.max(64, trials.length)) };
    columns.set(key, c);
  }
  const n = trials.length;
  if (c.values.length < n) {
    const grown = new Float64Array(Math.max(n, 2 * c.values.length));
    grown.set(c.values);
    c.values = grown;
  }
  const { refs, values } = c;
  for (let i = 0; i < n; i++) {
    const t = trials[i] as FrozenTrial;
    if (refs[i] !== t) {
      refs[i] = t;
      values[i] = observe(t, space);
    }
  }
  if (refs.length > n) refs.length = n;
  return c;
}

/**
 * Observations of `spaces` from the trials at `positions` that have them all (columns from
 * {@link refreshColumn}), written into `scratch` (the estimators copy what they keep).
 */
interface Collected {
  readonly n: number;
  readonly obs: Float64Array[];
  /** Indices into the positions of the trials kept (those with every parameter). */
  readonly kept: Int32Array;
}

function collect(columns: readonly Float64Array[], positions: Int32Array, scratch: Float64Array): Collected {
  const m = positions.length;
  const D = columns.length;
  const buf = scratch;
  const obs = columns.map((_, d) => buf.subarray(d * m, (d + 1) * m));
  const kept = new Int32Array(m);
  let n = 0;
  outer: for (let j = 0; j < m; j++) {
    const pos = positions[j] as number;
    for (let d = 0; d < D; d++) {
      const v = (columns[d] as Float64Array)[pos] as number;
      if (v !== v) continue outer;
      (obs[d] as Float64Array)[n] = v;
    }
    kept[n] = j;
    n++;
  }
  return { n, obs: obs.map((o) => o.subarray(0, n)), kept: kept.subarray(0, n) };
}

/** A trial's value of a parameter in model space, or NaN when it has none inside this distribution. */
function observe(t: FrozenTrial, space: ParamSpace): number {
  const x = t.internalParams[space.name];
  if (x === undefined) return NaN;
  const d = space.distribution;
  if (d.kind === "categorical") {
    const td = t.distributions[space.name];
    if (td === d || (td !== undefined && td.kind === "categorical" && sameChoices(td.choices, d.choices))) return toModelSpace(space, x);
    // Observed under other choices: match by value.
    const external = t.params[space.name];
    const i = d.choices.indexOf(external as never);
    return i < 0 ? NaN : i;
  }
  return toModelSpace(space, x);
}

function sameChoices(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
