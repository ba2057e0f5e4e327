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
import { ParzenEstimator, fromModelSpace, paramSpace, type ParamSpace, type ParzenEstimatorOptions } from "./parzen-estimator.js";
import { CONSTRAINTS_KEY, splitTrials, type TrialSplit } from "./split.js";
import { IncrementalSplit } from "./split-cache.js";
import { IncrementalMixture } from "./incremental-mixture.js";
import type { BucketIndex } from "./bucket-index.js";
import { bestRatio } from "./ratio-bound.js";
import { gridLogPdf } from "./grid-density.js";
import { OPTION_NAMES, defaultGamma, defaultWeights, defaultWeightsInto, type TPESamplerOptions } from "./options.js";
import { Columns, StudyTrials, collect, type Collected, type Column, type StudyCache } from "./study-cache.js";

export { defaultGamma, defaultWeights, hyperoptGamma, type TPESamplerOptions } from "./options.js";

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
 * Work per trial is O(n · nEICandidates) per parameter at most, with typed arrays, and what can be
 * carried from one trial to the next exactly is: the trials TPE reads are rebuilt only from the
 * first one that changed, and each trial's value of a parameter is extracted once
 * (`study-cache.ts`); the split is updated by insertion while the trials only grow
 * (`split-cache.ts`); l(x) of a parameter is reused while its below observations are the same; and
 * the "above" density g(x) of a continuous parameter keeps each observation's bandwidth and
 * normaliser, recomputing only those an insertion changes (`incremental-mixture.ts`). Candidates
 * are then scored against g through lower bounds, so only those that can still win are evaluated
 * in full (`ratio-bound.ts`), and a grid parameter's g is computed from its merged kernels directly
 * (`grid-density.ts`). Every shortcut gives bit for bit what a fresh sampler computes on the same
 * trials (tested in `incremental.test.ts`, `ratio-bound.test.ts`, `grid-density.test.ts`).
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
  private readonly studyTrials: StudyTrials;
  private readonly incrementalSplit = new IncrementalSplit();
  private readonly columns = new Columns();
  /** The default weights (and logs) last used for the below (0) and above (1) observations, in reused memory. */
  private readonly weightMemo: { n: number; buf: Float64Array }[] = [
    { n: -1, buf: new Float64Array(0) },
    { n: -1, buf: new Float64Array(0) },
  ];

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
    this.studyTrials = new StudyTrials(this.constantLiar);
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

  /** The trials TPE reads, rebuilt only when one of them changed (see {@link StudyTrials}). */
  private context(study: StudyView): StudyCache {
    return this.studyTrials.get(study);
  }

  private splitOf(ctx: StudyCache): TrialSplit {
    if (ctx.split) return ctx.split;
    const g = this.gamma(ctx.nFinished);
    if (!Number.isFinite(g) || g < 0) {
      throw new OuroborosError("invalid-argument", `TPESampler: gamma must return a non-negative number, but returned ${g} for ${ctx.nFinished} trials`);
    }
    const nBelow = Math.min(Math.floor(g), ctx.nFinished);
    if (this.constraintsFunc === undefined && !this.constantLiar) {
      ctx.split = this.incrementalSplit.split(ctx.trials, ctx.directions, nBelow, ctx);
      if (ctx.split) return ctx.split;
    }
    ctx.split = splitTrials(ctx.trials, ctx.directions, nBelow, {
      constraints: this.constraintsFunc !== undefined,
      constantLiar: this.constantLiar,
    });
    return ctx.split;
  }

  private readonly scratchI32s: Int32Array[] = [];
  private scratchI32(slot: number, n: number): Int32Array {
    let b = this.scratchI32s[slot];
    if (b === undefined || b.length < n) {
      b = new Int32Array(Math.max(n, 2 * (b?.length ?? 256)));
      this.scratchI32s[slot] = b;
    }
    return b;
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

  /**
   * Observation weights for n observations; the default ones with their logs, memoised per side
   * (`slot` 0: below, 1: above) in memory reused from trial to trial (valid until the side's next call).
   */
  private weightsOf(n: number, slot: 0 | 1): { w: ArrayLike<number>; logW: Float64Array | undefined } {
    if (this.weights !== defaultWeights) return { w: this.weights(n), logW: undefined };
    const memo = this.weightMemo[slot] as { n: number; buf: Float64Array };
    if (memo.buf.length < 2 * n) {
      memo.buf = new Float64Array(Math.max(2 * n, 2 * memo.buf.length));
      memo.n = -1;
    }
    const w = memo.buf.subarray(0, n);
    const logW = memo.buf.subarray(n, 2 * n);
    if (memo.n !== n) {
      defaultWeightsInto(w);
      for (let i = 0; i < n; i++) logW[i] = Math.log(w[i] as number);
      memo.n = n;
    }
    return { w, logW };
  }

  /**
   * The two Parzen estimators of one TPE step over `spaces`: the split is over all the trials TPE
   * reads (as Optuna's), and each estimator is fitted on the trials of its side that have every
   * parameter of `spaces` (a conditional parameter's l and g see only the trials where it is
   * active), weighted by their number.
   */
  private estimators(ctx: StudyCache, spaces: readonly ParamSpace[]): { l: ParzenEstimator; g: AboveDensity; nBelow: number; nAbove: number } {
    const split = this.splitOf(ctx);
    const columns = spaces.map((sp) => this.columns.get(sp, ctx));
    const values = columns.map((c) => c.values);
    const below = collect(values, split.below, this.scratch(0, spaces.length * split.below.length), this.scratchI32(0, split.below.length));
    const above = collect(values, split.above, this.scratch(1, spaces.length * split.above.length), this.scratchI32(1, split.above.length));
    const wBelow = split.belowWeights ? { w: Float64Array.from(below.kept, (j) => split.belowWeights?.[j] as number), logW: undefined } : this.weightsOf(below.n, 0);
    const wAbove = this.weightsOf(above.n, 1);
    const l = this.belowDensity(split, spaces, columns, below, wBelow);
    return { l, g: this.aboveDensity(split, spaces, columns, above, wAbove), nBelow: below.n, nAbove: above.n };
  }

  /**
   * TPE's l(x). With one parameter and the default weights it is kept in the column and reused
   * while the below observations are the same ones (the usual case once the best trials settle):
   * an estimator is a pure function of its observations, weights and options.
   */
  private belowDensity(
    split: TrialSplit,
    spaces: readonly ParamSpace[],
    columns: readonly Column[],
    below: Collected,
    wBelow: { w: ArrayLike<number>; logW: Float64Array | undefined },
  ): ParzenEstimator {
    const column = columns[0] as Column;
    if (spaces.length !== 1 || wBelow.logW === undefined) return new ParzenEstimator(spaces, below.obs, wBelow.w, this.estimatorOptions, wBelow.logW);
    const n = below.n;
    const ids = this.scratchI32(3, n).subarray(0, n);
    const columnIds = column.ids;
    for (let j = 0; j < n; j++) ids[j] = columnIds[split.below[below.kept[j] as number] as number] as number;
    const last = column.below;
    if (last !== undefined && last.ids.length === n) {
      let same = true;
      for (let j = 0; j < n && same; j++) same = last.ids[j] === ids[j];
      if (same) return last.estimator;
    }
    const estimator = new ParzenEstimator(spaces, below.obs, wBelow.w, this.estimatorOptions, wBelow.logW);
    column.below = { ids: ids.slice(), estimator };
    return estimator;
  }

  /**
   * @internal For tests: log l(x) and log g(x) of the parameters `distributions` (modelled jointly)
   * at model-space `points` (one array per parameter, in key order), computed from the study's
   * trials exactly as a sampling step would, and the number of observations behind each.
   */
  logDensities(study: StudyView, distributions: Record<string, Distribution>, points: readonly Float64Array[]): { logL: Float64Array; logG: Float64Array; nBelow: number; nAbove: number } {
    const spaces = Object.entries(distributions).map(([name, d]) => paramSpace(name, d));
    const { l, g, nBelow, nAbove } = this.estimators(this.context(study), spaces);
    const logG = g.logPdf(points);
    return { logL: l.logPdf(points), logG, nBelow, nAbove };
  }

  /** One TPE step over `spaces` (sampled jointly): internal values in the order of `spaces`. */
  private sampleTPE(ctx: StudyCache, spaces: readonly ParamSpace[], rng: Random): number[] {
    const { l, g } = this.estimators(ctx, spaces);
    const candidates = l.sample(rng, this.nEICandidates);
    // Score log-scaled ints at the integers they will become (as Optuna does): scoring the
    // unrounded point let a log-int collapse onto its lower bound.
    spaces.forEach((sp, d) => {
      if (sp.distribution.kind !== "int" || sp.distribution.log !== true) return;
      const column = candidates[d] as Float64Array;
      for (let i = 0; i < column.length; i++) column[i] = Math.log(fromModelSpace(sp, column[i] as number));
    });
    const best = g.best(l.logPdf(candidates), candidates);
    return spaces.map((sp, d) => fromModelSpace(sp, (candidates[d] as Float64Array)[best] as number));
  }

  /**
   * TPE's g(x): for one continuous parameter (univariate bandwidths, magic clip, prior, default
   * weights) from the column's {@link IncrementalMixture}, which gives the same values as a fresh
   * estimator without rebuilding it, and scores candidates through its bucket index's bounds;
   * otherwise a fresh estimator. Built on first use, after l is done with: it lives in memory that
   * is reused (the observations in scratch, a transient estimator), so it is used at once.
   */
  private aboveDensity(
    split: TrialSplit,
    spaces: readonly ParamSpace[],
    columns: readonly Column[],
    above: Collected,
    wAbove: { w: ArrayLike<number>; logW: Float64Array | undefined },
  ): AboveDensity {
    const opts = this.estimatorOptions;
    const sp = spaces[0] as ParamSpace;
    const column = columns[0] as Column;
    const logW = wAbove.logW;
    if (spaces.length === 1 && sp.kind === "continuous" && !opts.multivariate && opts.considerMagicClip && opts.considerPrior && logW !== undefined) {
      const mixture = (column.mixture ??= new IncrementalMixture(sp, opts.considerEndpoints, opts.widthWeightedKernels === true, opts.priorWeight));
      const index = (): BucketIndex | undefined => {
        const positions = split.above;
        const kept = above.kept;
        const ids = this.scratchI32(2, kept.length).subarray(0, kept.length);
        const columnIds = column.ids;
        for (let j = 0; j < kept.length; j++) ids[j] = columnIds[positions[kept[j] as number] as number] as number;
        return mixture.index(ids, above.obs[0] as Float64Array, wAbove.w, logW);
      };
      const fresh = (): ParzenEstimator => new ParzenEstimator(spaces, above.obs, wAbove.w, opts, logW, true);
      return {
        logPdf: (points) => index()?.logPdf(points[0] as Float64Array) ?? fresh().logPdf(points),
        best: (ll, points) => {
          const ix = index();
          if (ix === undefined) return bestScore(ll, fresh().logPdf(points));
          const { bounds, halfWidth } = mixture.bounds(ix);
          return bestRatio(ix, bounds, ll, points[0] as Float64Array, halfWidth);
        },
      };
    }
    const fresh = (points: readonly Float64Array[]): Float64Array =>
      (spaces.length === 1 ? gridLogPdf(sp, above.obs[0] as Float64Array, wAbove.w, opts, points[0] as Float64Array) : undefined) ??
      new ParzenEstimator(spaces, above.obs, wAbove.w, opts, wAbove.logW, true).logPdf(points);
    return { logPdf: fresh, best: (ll, points) => bestScore(ll, fresh(points)) };
  }
}

/** g(x) of one TPE step, to be used at once (see `aboveDensity`). */
interface AboveDensity {
  /** log g at the points (one array per parameter). */
  logPdf(points: readonly Float64Array[]): Float64Array;
  /** The index of the point with the largest ll − log g, the first on ties (0 when none beats −∞). */
  best(ll: Float64Array, points: readonly Float64Array[]): number;
}

/** The index of the largest ll[i] − lg[i], the first on ties (0 when none is larger than −∞). */
function bestScore(ll: Float64Array, lg: Float64Array): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < ll.length; i++) {
    const s = (ll[i] as number) - (lg[i] as number);
    if (s > bestScore) {
      bestScore = s;
      best = i;
    }
  }
  return best;
}
