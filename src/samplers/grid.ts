/**
 * Grid search: every combination of a few given values per parameter, each evaluated once.
 */
import { containsInternal, toInternal, type CategoricalChoice, type Distribution } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial, TrialState } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import { Random, deriveSeed } from "../core/rng.js";
import type { Sampler } from "../core/sampler.js";
import type { StudyView } from "../core/study-view.js";
import { RandomSampler, resolveSeed } from "./random.js";

/** The values to try for each parameter. */
export type GridSearchSpace = Readonly<Record<string, readonly CategoricalChoice[]>>;

/** Options of {@link GridSampler}. */
export interface GridSamplerOptions {
  /**
   * Seed of the order in which points are taken and of the random sampling of parameters outside
   * the grid. Default: a fresh random seed, reported in `params`. Workers of one study should share
   * it, so their trials' preferred points never collide.
   */
  readonly seed?: number;
}

/** Trial system attribute holding the grid point (index in the canonical order) a trial was given. */
export const GRID_ID_ATTR = "grid_id";
/** Study system attribute holding the grid the study was run with. */
export const GRID_SEARCH_SPACE_ATTR = "search_space";

const fmt = (x: unknown): string => JSON.stringify(x) ?? String(x);

/** Grids up to this size are enumerated when the preferred point is taken; larger ones are sampled by rejection. */
const ENUMERATE_LIMIT = 1 << 20;

interface TrialPoint {
  /** Grid id of the trial's point, or undefined when it is not (yet) at a grid point. */
  readonly id: number | undefined;
  readonly state: TrialState;
}

/**
 * Evaluates the Cartesian product of the given values, each point once, in a seeded pseudo-random
 * order, and stops the study (`study.stop()`) when every point has been evaluated. This is Optuna
 * 3.x's `GridSampler`, with these decisions:
 *
 * - **Durable state.** A trial's point is recorded as its system attribute `grid_id` (index in the
 *   canonical order: names sorted, values in the given order, last name fastest); the grid itself
 *   as the study system attribute `search_space`. Running a study again with another grid is an
 *   `invalid-argument` error (the recorded ids would mean other points); use a new study.
 * - **Which point.** Points taken by complete, pruned, running or waiting trials are not given
 *   again; failed trials give their point back, so it is retried. A trial takes, when still free,
 *   its own slot of a seeded permutation of the grid (trial n → slot n), so parallel workers get
 *   distinct points without coordinating; otherwise a free point drawn from
 *   `deriveSeed(seed, trial.number, "grid")`. With every point taken but some still running it
 *   draws among those (they may fail); with every point evaluated it re-evaluates a random one and
 *   warns, as Optuna does: the study is stopped by then, so this happens only with more workers
 *   than points left, or when a finished study is optimised again.
 * - **Enqueued and other trials.** A trial whose parameters (its `systemAttrs.fixedParams` from
 *   `study.enqueueTrial`, then its suggested ones) equal a grid point takes that point, whichever
 *   sampler produced it. An enqueued trial fixing only some grid parameters is given a free point
 *   that agrees with them.
 * - **Partial grids.** A parameter the objective suggests that is not in the grid is sampled
 *   uniformly at random (a `RandomSampler` with the same seed); Optuna raises instead.
 * - **Validation.** A grid value outside the distribution the objective suggests is an
 *   `invalid-value` error naming the parameter, the value and the range (Optuna only warns).
 *
 * Options: `seed` (default: a fresh random seed, exposed in `params.seed`). Prefer random or QMC
 * search when more than two or three parameters matter (Bergstra & Bengio 2012).
 *
 * @see J. Bergstra and Y. Bengio, "Random Search for Hyper-Parameter Optimization", JMLR 13:281–305, 2012.
 *
 * @example
 * const sampler = new GridSampler({ lr: [0.001, 0.01, 0.1], layers: [1, 2, 3] }, { seed: 0 });
 * const study = await createStudy({ sampler });
 * await study.optimize((t) => train(t.suggestFloat("lr", 1e-4, 1, { log: true }), t.suggestInt("layers", 1, 3)), { nTrials: 100 });
 * // stops after the 9 points
 */
export class GridSampler implements Sampler {
  readonly kind = "grid";
  readonly params: { readonly searchSpace: { readonly [name: string]: readonly CategoricalChoice[] }; readonly seed: number };
  /** Number of grid points. */
  readonly size: number;
  private readonly names: readonly string[];
  private readonly values: readonly (readonly CategoricalChoice[])[];
  /** Per name, the index of each value by its JSON text. */
  private readonly indexOf: readonly Map<string, number>[];
  /** Per name, the product of the sizes of the names after it (mixed-radix place value). */
  private readonly place: readonly number[];
  private readonly spaceKey: string;
  private readonly random: RandomSampler;
  private cache: { refs: FrozenTrial[]; points: TrialPoint[] } | undefined;
  private warned = false;

  constructor(searchSpace: GridSearchSpace, options: GridSamplerOptions = {}) {
    if (typeof searchSpace !== "object" || searchSpace === null || Array.isArray(searchSpace)) {
      throw new OuroborosError("invalid-argument", `GridSampler: searchSpace must be an object of value arrays, but got ${fmt(searchSpace)}`);
    }
    const names = Object.keys(searchSpace).sort();
    const canonical: Record<string, readonly CategoricalChoice[]> = {};
    const indexOf: Map<string, number>[] = [];
    for (const name of names) {
      const vals = searchSpace[name];
      if (!Array.isArray(vals) || vals.length === 0) {
        throw new OuroborosError("invalid-argument", `GridSampler: the values of parameter "${name}" must be a non-empty array, but got ${fmt(vals)}`);
      }
      const index = new Map<string, number>();
      vals.forEach((v: unknown, i: number) => {
        const t = typeof v;
        if (!(v === null || t === "string" || t === "boolean" || (t === "number" && Number.isFinite(v)))) {
          throw new OuroborosError("invalid-argument", `GridSampler: parameter "${name}" has value ${fmt(v)}; grid values must be strings, finite numbers, booleans or null`);
        }
        if (index.has(fmt(v))) throw new OuroborosError("invalid-argument", `GridSampler: parameter "${name}" lists the value ${fmt(v)} twice`);
        index.set(fmt(v), i);
      });
      canonical[name] = [...(vals as CategoricalChoice[])];
      indexOf.push(index);
    }
    this.names = names;
    this.values = names.map((n) => canonical[n] as readonly CategoricalChoice[]);
    this.indexOf = indexOf;
    const place: number[] = [];
    let size = 1;
    for (let k = names.length - 1; k >= 0; k--) {
      place[k] = size;
      size *= (this.values[k] as readonly CategoricalChoice[]).length;
    }
    if (!Number.isSafeInteger(size)) throw new OuroborosError("invalid-argument", `GridSampler: the grid has ${size} points, more than can be numbered`);
    this.place = place;
    this.size = size;
    this.spaceKey = fmt(canonical);
    const seed = resolveSeed("GridSampler", options.seed);
    this.params = { searchSpace: canonical, seed };
    this.random = new RandomSampler({ seed });
  }

  /** The parameter values of a grid point, by name. */
  point(id: number): Record<string, CategoricalChoice> {
    const out: Record<string, CategoricalChoice> = {};
    this.names.forEach((name, k) => {
      const vals = this.values[k] as readonly CategoricalChoice[];
      out[name] = vals[Math.floor(id / (this.place[k] as number)) % vals.length] as CategoricalChoice;
    });
    return out;
  }

  /** Checks the study's recorded grid and gives the trial its grid point (system attribute `grid_id`). */
  beforeTrial(study: StudyView, trial: FrozenTrial): void {
    const recorded = study.systemAttrs[GRID_SEARCH_SPACE_ATTR];
    if (recorded === undefined) {
      study.setStudySystemAttr(GRID_SEARCH_SPACE_ATTR, this.params.searchSpace as JsonValue);
    } else if (fmt(sortKeys(recorded)) !== this.spaceKey) {
      throw new OuroborosError(
        "invalid-argument",
        `GridSampler: study "${study.studyName}" was run with the grid ${fmt(recorded)}, but this sampler's grid is ${this.spaceKey}; ` +
          "recorded grid ids would mean other points, so use a new study (or the same grid)",
      );
    }
    this.gridId(study, trial);
  }

  inferRelativeSearchSpace(): Record<string, Distribution> {
    return {};
  }

  sampleRelative(): Record<string, number> {
    return {};
  }

  /** The trial's grid value for a grid parameter (checked against `distribution`); a random value otherwise. */
  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    const k = this.names.indexOf(name);
    if (k < 0) return this.random.sampleIndependent(study, trial, name, distribution);
    const value = this.point(this.gridId(study, trial))[name] as CategoricalChoice;
    const outside = (): never => {
      throw new OuroborosError(
        "invalid-value",
        `GridSampler: the grid value ${fmt(value)} of parameter "${name}" lies outside the suggested distribution ${describe(distribution)}`,
      );
    };
    if (distribution.kind !== "categorical" && (typeof value !== "number" || !containsInternal(distribution, value))) outside();
    try {
      return toInternal(name, distribution, value);
    } catch {
      return outside();
    }
  }

  /** Stops the study once every grid point has been evaluated (complete or pruned). */
  afterTrial(study: StudyView, trial: FrozenTrial, state: TrialState, _values: readonly number[] | undefined): void {
    const visited = new Set<number>();
    const points = this.points(study);
    study.getTrials().forEach((t, i) => {
      const p = points[i] as TrialPoint;
      if (t.number !== trial.number && p.id !== undefined && (p.state === "complete" || p.state === "pruned")) visited.add(p.id);
    });
    const own = this.pointOf(trial);
    if (own !== undefined && (state === "complete" || state === "pruned")) visited.add(own);
    if (visited.size >= this.size) study.stop();
  }

  /** The trial's grid id: recorded, or chosen now and recorded. */
  private gridId(study: StudyView, trial: FrozenTrial): number {
    const recorded = recordedId(trial) ?? recordedId(study.getTrials().find((t) => t.number === trial.number));
    if (recorded !== undefined && recorded < this.size) return recorded;
    const id = this.choose(study, trial);
    study.setTrialSystemAttr(trial.number, GRID_ID_ATTR, id);
    return id;
  }

  private choose(study: StudyView, trial: FrozenTrial): number {
    // Grid values the trial is already bound to (enqueued fixed params, or params suggested before).
    const fixed: (number | undefined)[] = this.names.map(() => undefined);
    const bound = { ...fixedParams(trial), ...trial.params };
    this.names.forEach((name, k) => {
      if (name in bound) fixed[k] = (this.indexOf[k] as Map<string, number>).get(fmt(bound[name]));
    });
    const taken = new Set<number>();
    const evaluated = new Set<number>();
    const points = this.points(study);
    study.getTrials().forEach((t, i) => {
      const p = points[i] as TrialPoint;
      if (t.number === trial.number || p.id === undefined || p.state === "fail") return;
      taken.add(p.id);
      if (p.state === "complete" || p.state === "pruned") evaluated.add(p.id);
    });
    const fits = (id: number): boolean =>
      fixed.every((f, k) => f === undefined || Math.floor(id / (this.place[k] as number)) % (this.values[k] as readonly CategoricalChoice[]).length === f);
    if (trial.number < this.size) {
      const preferred = this.permute(trial.number);
      if (!taken.has(preferred) && fits(preferred)) return preferred;
    }
    const rng = new Random(deriveSeed(this.params.seed, trial.number, "grid"));
    const free = this.pick(rng, fixed, (id) => !taken.has(id));
    if (free !== undefined) return free;
    const unfinished = this.pick(rng, fixed, (id) => !evaluated.has(id));
    if (unfinished !== undefined) return unfinished;
    if (!this.warned) {
      this.warned = true;
      console.warn(
        `GridSampler: every point of the grid has been evaluated; trial ${trial.number} re-evaluates a random one ` +
          "(more workers than points left, or a finished study optimised again)",
      );
    }
    return this.pick(rng, fixed, () => true) as number;
  }

  /** A uniformly drawn grid id agreeing with `fixed` and accepted by `ok`, or undefined if there is none. */
  private pick(rng: Random, fixed: readonly (number | undefined)[], ok: (id: number) => boolean): number | undefined {
    const freeDims = fixed.flatMap((f, k) => (f === undefined ? [k] : []));
    let base = 0;
    fixed.forEach((f, k) => {
      if (f !== undefined) base += f * (this.place[k] as number);
    });
    let count = 1;
    for (const k of freeDims) count *= (this.values[k] as readonly CategoricalChoice[]).length;
    const idAt = (r: number): number => {
      let id = base;
      for (let i = freeDims.length - 1; i >= 0; i--) {
        const k = freeDims[i] as number;
        const n = (this.values[k] as readonly CategoricalChoice[]).length;
        id += (r % n) * (this.place[k] as number);
        r = Math.floor(r / n);
      }
      return id;
    };
    if (count <= ENUMERATE_LIMIT) {
      const candidates: number[] = [];
      for (let r = 0; r < count; r++) {
        const id = idAt(r);
        if (ok(id)) candidates.push(id);
      }
      return candidates.length > 0 ? candidates[rng.int(candidates.length)] : undefined;
    }
    // A huge grid: the trials can have taken only a tiny fraction of it.
    for (let attempt = 0; attempt < 10000; attempt++) {
      const id = idAt(rng.int(count));
      if (ok(id)) return id;
    }
    return undefined;
  }

  /**
   * A seeded permutation of 0..size−1 without materialising it: a 4-round Feistel network on the
   * smallest even number of bits covering the grid, cycle-walked back into range.
   */
  private permute(i: number): number {
    let bits = 2;
    while (2 ** bits < this.size) bits += 2;
    const half = bits / 2;
    const mask = 2 ** half;
    let x = i;
    do {
      let left = Math.floor(x / mask);
      let right = x % mask;
      for (let round = 0; round < 4; round++) {
        const f = deriveSeed(this.params.seed, "grid-order", round, right) % mask;
        [left, right] = [right, (left + f) % mask];
      }
      x = left * mask + right;
    } while (x >= this.size);
    return x;
  }

  /** The grid point of every trial of the view, by index; recomputed only for trial objects not seen at that index. */
  private points(study: StudyView): readonly TrialPoint[] {
    const trials = study.getTrials();
    let c = this.cache;
    if (!c || c.refs.length > trials.length) {
      c = { refs: [], points: [] };
      this.cache = c;
    }
    for (let i = 0; i < trials.length; i++) {
      const t = trials[i] as FrozenTrial;
      if (c.refs[i] === t) continue;
      c.refs[i] = t;
      c.points[i] = { id: this.pointOf(t), state: t.state };
    }
    return c.points;
  }

  /**
   * The grid point a trial stands for: the point its parameters (fixed, then suggested) equal when
   * they give every grid parameter; else the point it was given, while it may still suggest them.
   */
  private pointOf(t: FrozenTrial): number | undefined {
    const params: Record<string, JsonValue> = { ...fixedParams(t), ...(t.params as Record<string, JsonValue>) };
    let id = 0;
    let complete = true;
    for (let k = 0; k < this.names.length; k++) {
      const name = this.names[k] as string;
      if (!(name in params)) {
        complete = false;
        break;
      }
      const i = (this.indexOf[k] as Map<string, number>).get(fmt(params[name]));
      // A grid parameter off the grid (an enqueued value): the trial stands for no point.
      if (i === undefined) return undefined;
      id += i * (this.place[k] as number);
    }
    if (complete) return id;
    const recorded = recordedId(t);
    return recorded !== undefined && recorded < this.size ? recorded : undefined;
  }
}

function recordedId(t: FrozenTrial | undefined): number | undefined {
  const id = t?.systemAttrs[GRID_ID_ATTR];
  return typeof id === "number" && Number.isInteger(id) && id >= 0 ? id : undefined;
}

function fixedParams(t: FrozenTrial): Record<string, JsonValue> {
  const f = t.systemAttrs["fixedParams"];
  return typeof f === "object" && f !== null && !Array.isArray(f) ? (f as Record<string, JsonValue>) : {};
}

function sortKeys(x: JsonValue): JsonValue {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return x;
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(x).sort()) out[k] = (x as Record<string, JsonValue>)[k] as JsonValue;
  return out;
}

function describe(d: Distribution): string {
  if (d.kind === "categorical") return `categorical with choices ${fmt(d.choices)}`;
  const extra = [d.log === true ? "log" : "", d.step !== undefined ? `step ${d.step}` : ""].filter((s) => s !== "").join(", ");
  return `${d.kind} in [${d.low}, ${d.high}]${extra ? ` (${extra})` : ""}`;
}
