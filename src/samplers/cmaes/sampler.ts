/**
 * The CMA-ES sampler, following Optuna's `CmaEsSampler`, with its state kept in the study.
 */
import { distributionsEqual, isSingle, type Distribution, type ParamValue } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import { lastStep, type FrozenTrial } from "../../core/frozen-trial.js";
import type { JsonValue } from "../../core/json.js";
import { Random, deriveSeed } from "../../core/rng.js";
import type { Sampler } from "../../core/sampler.js";
import type { StudyView } from "../../core/study-view.js";
import { resolveSeed, uniformToInternal } from "../random.js";
import { firstPopsize, restartState, type RestartStrategy } from "./restart.js";
import { cmaSpace, decodeDim, encodeDim, type CmaSpace } from "./space.js";
import { deserializeState, initialState, serializeState, type CmaState } from "./state.js";
import { TrialIndex } from "./trial-index.js";
import { decompose, tell, type Decomposition, type Solution, type UpdateConfig } from "./update.js";
import { OPTION_NAMES, normaliseSources, type CmaEsSamplerOptions, type WarmStartTrial } from "./options.js";
import { warmStartDistribution } from "./warm-start.js";

export type { CmaEsSamplerOptions, WarmStartTrial };

/** Study system attribute holding the serialised CMA-ES state. */
export const CMAES_STATE_KEY = "cmaes:state";
/** Trial system attribute: the generation a trial was sampled for. */
export const CMAES_GENERATION_KEY = "cmaes:generation";
/** Trial system attribute: the trial's point in normalised coordinates, before rounding (what `tell` uses). */
export const CMAES_X_KEY = "cmaes:x";

interface Loaded {
  readonly state: CmaState;
  readonly dec: Decomposition;
}

/**
 * Covariance Matrix Adaptation Evolution Strategy: samples each generation of λ trials from a
 * multivariate Gaussian N(m, σ²C) over the numeric parameters, then moves m toward the best μ,
 * adapts σ by the length of the evolution path and C by rank-one and rank-μ updates (Hansen 2016).
 *
 * The relative space is the intersection of the complete trials' numeric, non-single parameters,
 * mapped to [0, 1] (log-scaled ones in log space, discrete ones as equal cells, see `space.ts`);
 * categorical and conditional parameters are sampled independently and uniformly. One generation
 * is λ complete trials: every trial sampled while generation g is current is marked
 * `cmaes:generation = g` and records its unrounded point `cmaes:x`; the first trial sampled once λ
 * trials of generation g completed (lowest numbers first) tells them to CMA-ES and writes the new
 * state to the study's `cmaes:state` system attribute. Any worker, or a fresh process on the same
 * storage, continues from there: the same seed gives the same proposals as an uninterrupted run.
 *
 * Failed and pruned trials: a failed trial (and a pruned one, unless `considerPrunedTrials`) gives
 * no information, so it is not counted and the generation stays open until λ trials completed — the
 * lost sample is replaced by a fresh one from the same distribution (as Optuna). Trials of an older
 * generation that finish late are ignored. With `considerPrunedTrials`, a pruned trial counts with
 * its last reported value.
 *
 * Variants: `useSeparableCma` (diagonal C), `restartStrategy` (IPOP or BIPOP restarts on the
 * standard termination criteria tolFun, tolX, tolXUp, noEffectCoord, noEffectAxis, conditionCov),
 * `lrAdapt` (adapts the mean and covariance learning rates to a target signal-to-noise ratio,
 * which lets the default λ cope with multimodal and noisy functions), `withMargin` (keeps every
 * integer dimension's probability of leaving its current value ≥ α), and `sourceTrials` (WS-CMA-ES
 * warm start). Multi-objective studies are refused.
 *
 * Reproducible: a trial's values depend only on the seed, its number and the study's trials and
 * state (its Gaussian draws come from `deriveSeed(seed, number, "cmaes")`).
 *
 * Cost per trial: the study's trials are read incrementally (`trial-index.ts`: only new or changed
 * trials are looked at), the state is decoded once and written once per generation, and the
 * O(n³) eigendecomposition runs once per generation, as in the `cmaes` library.
 *
 * @example
 * const study = await createStudy({ sampler: new CmaEsSampler({ seed: 1, restartStrategy: "ipop" }) });
 *
 * @see N. Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, 2016.
 * @see R. Ros and N. Hansen, "A Simple Modification in CMA-ES Achieving Linear Time and Space Complexity", PPSN 2008.
 * @see A. Auger and N. Hansen, "A Restart CMA Evolution Strategy With Increasing Population Size", CEC 2005.
 * @see N. Hansen, "Benchmarking a BI-Population CMA-ES on the BBOB-2009 Function Testbed", GECCO 2009.
 * @see M. Nomura, Y. Akimoto and I. Ono, "CMA-ES with Learning Rate Adaptation", GECCO 2023.
 * @see R. Hamano et al., "CMA-ES with Margin: Lower-Bounding Marginal Probability for Mixed-Integer Black-Box Optimization", GECCO 2022.
 * @see M. Nomura et al., "Warm Starting CMA-ES for Hyperparameter Optimization", AAAI 2021.
 */
export class CmaEsSampler implements Sampler {
  readonly kind = "cmaes";
  readonly params: Readonly<Record<string, JsonValue>>;
  private readonly seed: number;
  private readonly x0: Readonly<Record<string, number>> | undefined;
  private readonly sigma0: number | undefined;
  private readonly nStartupTrials: number;
  private readonly popsize: number | undefined;
  private readonly restartStrategy: RestartStrategy | null;
  private readonly incPopsize: number;
  private readonly separable: boolean;
  private readonly withMargin: boolean;
  private readonly margin: number | undefined;
  private readonly lrAdapt: boolean;
  private readonly considerPrunedTrials: boolean;
  private readonly warnIndependentSampling: boolean;
  private readonly sourceTrials: readonly WarmStartTrial[];
  private readonly tol: { readonly tolFun: number; readonly tolX: number; readonly tolXUp: number; readonly tolConditionCov: number };
  private readonly warned = new Set<string>();
  private readonly index = new TrialIndex((t) => this.counts(t), CMAES_GENERATION_KEY);
  private readonly spaces = new WeakMap<object, Record<string, Distribution>>();
  private lastSpace: Record<string, Distribution> | undefined;
  private readonly cmaSpaces = new WeakMap<object, CmaSpace>();
  private readonly byObject = new WeakMap<object, Loaded>();
  private readonly byText = new Map<string, Loaded>();
  /** The last state this sampler wrote, not yet in `byText` (its content key is computed only if needed). */
  private written: { readonly json: JsonValue; readonly loaded: Loaded } | undefined;
  private z = new Float64Array(0);
  private x = new Float64Array(0);

  constructor(options: CmaEsSamplerOptions = {}) {
    const bad = (msg: string): never => {
      throw new OuroborosError("invalid-argument", `CmaEsSampler: ${msg}`);
    };
    const unknown = Object.keys(options).filter((k) => !OPTION_NAMES.includes(k));
    if (unknown.length > 0) bad(`unknown option(s) ${unknown.map((k) => `"${k}"`).join(", ")}; expected some of ${OPTION_NAMES.join(", ")}`);
    const positive = (name: string, x: number | undefined): void => {
      if (x !== undefined && !(typeof x === "number" && x > 0 && Number.isFinite(x))) bad(`${name} must be a positive finite number, but got ${JSON.stringify(x)}`);
    };
    const flag = (name: keyof CmaEsSamplerOptions, dflt: boolean): boolean => {
      const v = options[name];
      if (v !== undefined && typeof v !== "boolean") bad(`${name} must be a boolean, but got ${JSON.stringify(v)}`);
      return (v as boolean | undefined) ?? dflt;
    };
    this.seed = resolveSeed("CmaEsSampler", options.seed);
    positive("sigma0", options.sigma0);
    positive("margin", options.margin);
    for (const k of ["tolFun", "tolX", "tolXUp", "tolConditionCov"] as const) positive(k, options[k]);
    const nStartupTrials = options.nStartupTrials ?? 1;
    if (!(Number.isInteger(nStartupTrials) && nStartupTrials >= 0)) bad(`nStartupTrials must be a non-negative integer, but got ${JSON.stringify(nStartupTrials)}`);
    if (options.popsize !== undefined && !(Number.isInteger(options.popsize) && options.popsize >= 2)) {
      bad(`popsize must be an integer >= 2, but got ${JSON.stringify(options.popsize)}`);
    }
    const incPopsize = options.incPopsize ?? 2;
    if (!(typeof incPopsize === "number" && incPopsize >= 1 && Number.isFinite(incPopsize))) bad(`incPopsize must be a number >= 1, but got ${JSON.stringify(incPopsize)}`);
    const restartStrategy = options.restartStrategy ?? null;
    if (restartStrategy !== null && restartStrategy !== "ipop" && restartStrategy !== "bipop") {
      bad(`restartStrategy must be "ipop", "bipop" or null, but got ${JSON.stringify(restartStrategy)}`);
    }
    if (options.x0 !== undefined) {
      if (typeof options.x0 !== "object" || options.x0 === null || Array.isArray(options.x0)) bad(`x0 must be an object of numbers, but got ${JSON.stringify(options.x0)}`);
      for (const [k, v] of Object.entries(options.x0)) if (typeof v !== "number" || !Number.isFinite(v)) bad(`x0.${k} must be a finite number, but got ${JSON.stringify(v)}`);
    }
    this.sourceTrials = normaliseSources(options.sourceTrials, bad);
    this.x0 = options.x0;
    this.sigma0 = options.sigma0;
    this.nStartupTrials = nStartupTrials;
    this.popsize = options.popsize;
    this.restartStrategy = restartStrategy;
    this.incPopsize = incPopsize;
    this.separable = flag("useSeparableCma", false);
    this.withMargin = flag("withMargin", false);
    this.margin = options.margin;
    this.lrAdapt = flag("lrAdapt", false);
    this.considerPrunedTrials = flag("considerPrunedTrials", false);
    this.warnIndependentSampling = flag("warnIndependentSampling", true);
    this.tol = {
      tolFun: options.tolFun ?? 1e-12,
      tolX: options.tolX ?? 1e-12,
      tolXUp: options.tolXUp ?? 1e4,
      tolConditionCov: options.tolConditionCov ?? 1e14,
    };
    const params: Record<string, JsonValue> = {
      seed: this.seed,
      nStartupTrials,
      restartStrategy,
      incPopsize,
      useSeparableCma: this.separable,
      withMargin: this.withMargin,
      lrAdapt: this.lrAdapt,
      considerPrunedTrials: this.considerPrunedTrials,
      warnIndependentSampling: this.warnIndependentSampling,
      ...this.tol,
    };
    if (this.x0 !== undefined) params["x0"] = { ...this.x0 };
    if (this.sigma0 !== undefined) params["sigma0"] = this.sigma0;
    if (this.popsize !== undefined) params["popsize"] = this.popsize;
    if (this.margin !== undefined) params["margin"] = this.margin;
    if (this.sourceTrials.length > 0) params["sourceTrials"] = this.sourceTrials.map((t) => ({ params: { ...t.params }, value: t.value }));
    this.params = params;
  }

  /** The complete trials' numeric, non-single parameters (refuses multi-objective studies). */
  inferRelativeSearchSpace(study: StudyView, _trial: FrozenTrial): Record<string, Distribution> {
    if (study.directions.length !== 1) {
      throw new OuroborosError("invalid-argument", `CmaEsSampler supports single-objective studies only, but the study has ${study.directions.length} objectives`);
    }
    this.index.update(study.getTrials());
    const inter = this.index.intersection;
    let out = this.spaces.get(inter);
    if (!out) {
      out = {};
      for (const [name, d] of Object.entries(inter)) if (d.kind !== "categorical" && !isSingle(d)) out[name] = d;
      // A new intersection object can still be equal to the last space (after a reset of the
      // index): keep handing out the previous space then, so the per-space caches keep hitting.
      const prev = this.lastSpace;
      if (prev && sameSpace(prev, out)) out = prev;
      this.lastSpace = out;
      this.spaces.set(inter, out);
    }
    return out;
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: Record<string, Distribution>): Record<string, number> {
    // The index is current unless the trials changed since inferRelativeSearchSpace (then it catches up).
    this.index.update(study.getTrials());
    if (this.index.counted < this.nStartupTrials) return {};
    let cs = this.cmaSpaces.get(space);
    if (!cs) {
      cs = cmaSpace(space);
      this.cmaSpaces.set(space, cs);
    }
    const n = cs.dims.length;
    if (n === 0) return {};
    const stored = study.systemAttrs[CMAES_STATE_KEY];
    let loaded = stored === undefined ? undefined : this.load(stored);
    let dirty = false;
    if (!loaded || loaded.state.spaceKey !== cs.key || loaded.state.mean.length !== n) {
      const state = this.initial(cs, study, loaded ? loaded.state.generation + 1 : 0);
      loaded = { state, dec: decompose(state.C, n, this.separable) };
      dirty = true;
    }

    // Tell the current generation once λ of its trials are finished, lowest numbers first.
    const gen = loaded.state.generation;
    const solutions: Solution[] = [];
    if (this.index.generationSize(gen) >= loaded.state.popsize) {
      const sign = study.directions[0] === "maximize" ? -1 : 1;
      for (const t of this.index.generation(gen)) {
        const x = t.systemAttrs[CMAES_X_KEY];
        const v = t.state === "complete" ? t.value : prunedValue(t);
        if (!Array.isArray(x) || x.length !== n || v === undefined || !Number.isFinite(v)) continue;
        solutions.push({ x: x as number[], value: sign * v });
        if (solutions.length === loaded.state.popsize) break;
      }
    }
    if (solutions.length === loaded.state.popsize) {
      const r = tell(loaded.state, loaded.dec, solutions, this.updateConfig(cs, loaded.state.popsize));
      loaded = { state: r.state, dec: r.decomposition };
      if (r.stop !== undefined && (this.restartStrategy !== null || r.stop === "numerical")) {
        const rng = new Random(deriveSeed(this.seed, "restart", r.state.generation));
        const state = restartState(
          r.state,
          {
            strategy: this.restartStrategy ?? "ipop",
            incPopsize: this.restartStrategy === null ? 1 : this.incPopsize,
            basePopsize: firstPopsize(n, this.popsize),
            sigma0: this.sigma0 ?? 1 / 6,
            separable: this.separable,
          },
          rng,
        );
        loaded = { state, dec: decompose(state.C, n, this.separable) };
      }
      dirty = true;
    }
    if (dirty) {
      const json = serializeState(loaded.state);
      study.setStudySystemAttr(CMAES_STATE_KEY, json);
      if (typeof json === "object" && json !== null) this.byObject.set(json, loaded);
      this.written = { json, loaded };
    }

    const x = this.ask(loaded, trial.number);
    study.setTrialSystemAttr(trial.number, CMAES_GENERATION_KEY, loaded.state.generation);
    study.setTrialSystemAttr(trial.number, CMAES_X_KEY, x);
    const out: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const d = cs.dims[i] as CmaSpace["dims"][number];
      out[d.name] = decodeDim(d, x[i] as number);
    }
    return out;
  }

  /** Uniform independent sampling (Optuna's default independent sampler is random search). */
  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    if (isSingle(distribution)) return distribution.kind === "categorical" ? 0 : distribution.low;
    if (this.warnIndependentSampling && !this.warned.has(name) && this.countedTrials(study) >= Math.max(1, this.nStartupTrials)) {
      this.warned.add(name);
      console.warn(
        `CmaEsSampler: parameter "${name}" in trial ${trial.number} is sampled independently (uniformly at random): CMA-ES models only ` +
          "numeric parameters present in every complete trial. Pass warnIndependentSampling: false to silence this.",
      );
    }
    const rng = new Random(deriveSeed(this.seed, trial.number, name));
    return uniformToInternal(distribution, rng.next());
  }

  private countedTrials(study: StudyView): number {
    this.index.update(study.getTrials());
    return this.index.counted;
  }

  /** Whether CMA-ES learns from a trial: complete ones, plus pruned ones with `considerPrunedTrials`. */
  private counts(t: FrozenTrial): boolean {
    return t.state === "complete" || (this.considerPrunedTrials && t.state === "pruned");
  }

  private updateConfig(cs: CmaSpace, popsize: number): UpdateConfig {
    const n = cs.dims.length;
    return {
      separable: this.separable,
      lrAdapt: this.lrAdapt,
      margin: this.withMargin && cs.discrete.length > 0 ? (this.margin ?? 1 / (n * popsize)) : 0,
      thresholds: cs.dims.map((d) => d.thresholds),
      ...this.tol,
    };
  }

  /** The first state for a space: a warm start, `x0`, or the centre; σ₀ and λ from the options. */
  private initial(cs: CmaSpace, study: StudyView, generation: number): CmaState {
    const n = cs.dims.length;
    const sign = study.directions[0] === "maximize" ? -1 : 1;
    const sources: { x: Float64Array; value: number }[] = [];
    for (const t of this.sourceTrials) {
      const x = new Float64Array(n);
      let ok = Number.isFinite(t.value);
      cs.dims.forEach((d, i) => {
        const u = encodeDim(d, t.params[d.name] as ParamValue);
        if (u === undefined) ok = false;
        else x[i] = u;
      });
      if (ok) sources.push({ x, value: sign * t.value });
    }
    const warm = warmStartDistribution(sources);
    const mean = warm ? warm.mean : new Float64Array(n).fill(0.5);
    if (!warm && this.x0) {
      cs.dims.forEach((d, i) => {
        const v = this.x0?.[d.name];
        const u = v === undefined ? undefined : encodeDim(d, v);
        if (u !== undefined) mean[i] = u;
      });
    }
    return initialState({
      spaceKey: cs.key,
      generation,
      popsize: firstPopsize(n, this.popsize),
      mean,
      sigma: this.sigma0 ?? warm?.sigma ?? 1 / 6,
      ...(warm ? { cov: warm.cov } : {}),
      separable: this.separable,
    });
  }

  /** One point of N(m, σ² A C A) for a trial, resampled (up to 100 times) until inside [0, 1]ⁿ, else clipped. */
  private ask(loaded: Loaded, trialNumber: number): number[] {
    const { state, dec } = loaded;
    const n = state.mean.length;
    const rng = new Random(deriveSeed(this.seed, trialNumber, "cmaes"));
    // Work arrays kept between trials (a typed array costs ~0.3 µs to allocate); the point itself
    // is returned as a plain array, the form it is stored in.
    if (this.z.length !== n) {
      this.z = new Float64Array(n);
      this.x = new Float64Array(n);
    }
    const { z, x } = this;
    for (let attempt = 0; attempt < 100; attempt++) {
      for (let i = 0; i < n; i++) z[i] = rng.normal();
      let inside = true;
      for (let i = 0; i < n; i++) {
        let y: number;
        if (dec.BD === undefined) y = (dec.D[i] as number) * (z[i] as number);
        else {
          y = 0;
          for (let k = 0; k < n; k++) y += (dec.BD[i * n + k] as number) * (z[k] as number);
        }
        const xi = (state.mean[i] as number) + state.sigma * (state.A[i] as number) * y;
        x[i] = xi;
        if (!(xi >= 0 && xi <= 1)) inside = false;
      }
      if (inside) return plainArray(x);
    }
    for (let i = 0; i < n; i++) x[i] = Math.min(1, Math.max(0, Number.isFinite(x[i]) ? (x[i] as number) : 0.5));
    return plainArray(x);
  }

  /**
   * The decoded state (and its decomposition) of a stored attribute, cached by identity (the object
   * this sampler wrote, with the in-memory journal) and by content (the same state read back from a
   * file journal, or written by another sampler instance).
   */
  private load(stored: JsonValue): Loaded | undefined {
    if (typeof stored === "object" && stored !== null) {
      const hit = this.byObject.get(stored);
      if (hit) return hit;
    }
    if (this.written !== undefined) {
      // Our own write came back as another object: content-key it now, not on every write.
      this.remember(this.written.json, this.written.loaded);
      this.written = undefined;
    }
    const text = contentKey(stored);
    let hit = this.byText.get(text);
    if (!hit) {
      const state = deserializeState(stored);
      hit = { state, dec: decompose(state.C, state.mean.length, this.separable) };
      this.remember(stored, hit, text);
    } else if (typeof stored === "object" && stored !== null) {
      this.byObject.set(stored, hit);
    }
    return hit;
  }

  private remember(json: JsonValue, loaded: Loaded, text = contentKey(json)): void {
    if (this.byText.size >= 4) this.byText.delete(this.byText.keys().next().value as string);
    this.byText.set(text, loaded);
    if (typeof json === "object" && json !== null) this.byObject.set(json, loaded);
  }
}

/**
 * A string that identifies a serialised state by content: its fields joined (the vectors are
 * already base64 strings, so this is a cheap concatenation, not a JSON encoding). Anything that
 * is not a state object falls back to its JSON text.
 */
function contentKey(stored: JsonValue): string {
  if (typeof stored !== "object" || stored === null || Array.isArray(stored)) return JSON.stringify(stored);
  let key = "";
  for (const v of Object.values(stored as Record<string, JsonValue>)) key += typeof v === "string" || typeof v === "number" ? `${v}\u0000` : `${JSON.stringify(v)}\u0000`;
  return key;
}

/** A packed plain copy of a typed array (`Array.from` goes through the iterator and is ~10× slower). */
function plainArray(a: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) out.push(a[i] as number);
  return out;
}

/** Whether two spaces have the same names with equal distributions. */
function sameSpace(a: Readonly<Record<string, Distribution>>, b: Readonly<Record<string, Distribution>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] !== undefined && distributionsEqual(a[k] as Distribution, b[k] as Distribution));
}

/** A pruned trial's last reported value, or undefined. */
function prunedValue(t: FrozenTrial): number | undefined {
  const step = lastStep(t);
  return step === undefined ? undefined : t.intermediateValues[step];
}
