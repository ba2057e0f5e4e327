/**
 * What the TPE sampler reads from a study, kept from one call to the next: the trials it models
 * (with how many of them are unchanged since the last list) and each parameter's observations.
 */
import type { Distribution } from "../../core/distributions.js";
import type { FrozenTrial, StudyDirection } from "../../core/frozen-trial.js";
import type { StudyView } from "../../core/study-view.js";
import type { IncrementalMixture } from "./incremental-mixture.js";
import type { ParzenEstimator } from "./parzen-estimator.js";
import { toModelSpace, type ParamSpace } from "./param-space.js";
import type { TrialSplit } from "./split.js";

/** The trials TPE reads and what is derived from them, valid while exactly these trials are shown. */
export interface StudyCache {
  /**
   * The trials TPE reads (complete and pruned, plus running ones with the constant liar), in
   * number order.
   */
  readonly trials: readonly FrozenTrial[];
  /** Position in the study's trial array of each of `trials` (reused memory: valid while this cache is the current one). */
  readonly positions: Int32Array;
  readonly directionsKey: string;
  readonly directions: readonly StudyDirection[];
  readonly nFinished: number;
  /**
   * The `trials` of the cache this one replaced, and how many leading entries the two share (the
   * same objects at the same positions): later caches refresh only what follows.
   */
  readonly previous: readonly FrozenTrial[] | undefined;
  readonly shared: number;
  split: TrialSplit | undefined;
}

/**
 * Keeps the {@link StudyCache} of the study a sampler is called with, rebuilt only when a trial it
 * reads changed: trials that are running (without the constant liar), waiting or failed may change
 * freely. Trial objects are immutable, so comparing references is enough: the study's trial array
 * is compared with the one seen last, element by element, and an unchanged element needs no
 * property read. A frozen array (what the study storage returns) cannot change, so seeing the same
 * one again costs nothing: a trial's several suggests pay for one pass. (That pass works on a
 * spread copy: V8 reads the elements of a frozen array several times slower than a plain one's.)
 */
export class StudyTrials {
  private cache: StudyCache | undefined;
  /** The study's trial array as of the last check, and a plain copy of its elements. */
  private seenArray: readonly FrozenTrial[] | undefined;
  private seen: readonly FrozenTrial[] = [];
  private seenFrozen = false;
  /** Memory of the cache's `positions`, reused (only the current cache reads it). */
  private positionBuf = new Int32Array(64);

  constructor(private readonly constantLiar: boolean) {}

  /** The cache for the trials `study` shows now. */
  get(study: StudyView): StudyCache {
    const shown = study.getTrials();
    const c = this.cache;
    const directions = study.directions;
    const sameDirections = c !== undefined && (directions === c.directions || directions.join() === c.directionsKey);
    if (c !== undefined && sameDirections && shown === this.seenArray && this.seenFrozen) return c;
    const all: readonly FrozenTrial[] = [...shown];
    const liar = this.constantLiar;
    const read = (t: FrozenTrial | undefined): boolean =>
      t !== undefined && (t.state === "complete" || t.state === "pruned" || (liar && t.state === "running"));
    // The first position where a trial TPE reads appeared, changed or went away.
    let first = 0;
    if (c !== undefined && sameDirections) {
      const seen = this.seen;
      const n = all.length;
      const m = seen.length;
      const common = n < m ? n : m;
      first = -1;
      for (let i = 0; i < common; i++) {
        const old = seen[i];
        const t = all[i];
        if (old !== t && (read(old) || read(t))) {
          first = i;
          break;
        }
      }
      if (first < 0) {
        for (let i = common; i < n; i++) {
          if (read(all[i])) {
            first = i;
            break;
          }
        }
        for (let i = common; i < m && first < 0; i++) if (read(seen[i])) first = common;
      }
      if (first < 0) {
        this.remember(shown, all);
        return c;
      }
    }
    // The entries before `first` are the same trials as before: copy them, read the rest.
    let shared = 0;
    if (c !== undefined && sameDirections) {
      const pos = c.positions;
      let lo = 0;
      let hi = pos.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((pos[mid] as number) < first) lo = mid + 1;
        else hi = mid;
      }
      shared = lo;
    }
    // The trials TPE reads from `first` on (usually one or two), then the list in one allocation.
    const tail: FrozenTrial[] = [];
    const tailPos: number[] = [];
    for (let i = first; i < all.length; i++) {
      const t = all[i] as FrozenTrial;
      const s = t.state;
      if (s === "complete" || s === "pruned" || (liar && s === "running")) {
        tail.push(t);
        tailPos.push(i);
      }
    }
    const head = c !== undefined && shared > 0 ? c.trials : [];
    const trials = shared === head.length ? head.concat(tail) : head.slice(0, shared).concat(tail);
    // The shared positions are equal, and the replaced cache's are not read again: write in place.
    if (this.positionBuf.length < trials.length) {
      const grown = new Int32Array(Math.max(trials.length, 2 * this.positionBuf.length));
      grown.set(this.positionBuf.subarray(0, shared));
      this.positionBuf = grown;
    }
    const positions = this.positionBuf;
    for (let j = 0; j < tail.length; j++) positions[shared + j] = tailPos[j] as number;
    let nFinished = 0;
    if (liar) {
      for (const t of trials) if (t.state === "complete" || t.state === "pruned") nFinished++;
    } else nFinished = trials.length;
    this.remember(shown, all);
    const fresh: StudyCache = {
      trials,
      positions: positions.subarray(0, trials.length),
      directionsKey: directions.join(),
      directions,
      nFinished,
      previous: c?.trials,
      shared,
      split: undefined,
    };
    this.cache = fresh;
    return fresh;
  }

  private remember(shown: readonly FrozenTrial[], copy: readonly FrozenTrial[]): void {
    this.seenArray = shown;
    this.seenFrozen = Object.isFrozen(shown);
    this.seen = copy;
  }
}

/**
 * A parameter's observations in model space (NaN where a trial lacks it), aligned with the trials
 * TPE reads. Kept across calls and refreshed by reference comparison: finished trials are immutable
 * and new ones are appended, so each trial's value is extracted once per parameter and distribution.
 */
export interface Column {
  /** The distribution the values are observed under. */
  readonly distribution: Distribution;
  /** The trials the column was last refreshed for. */
  trials: readonly FrozenTrial[];
  refs: FrozenTrial[];
  values: Float64Array;
  /**
   * A number per entry, changed whenever the trial at that position changes (unique within the
   * sampler): identities for the {@link IncrementalMixture}.
   */
  ids: Int32Array;
  /** The parameter's incremental "above" mixture, when it is used. */
  mixture?: IncrementalMixture;
  /** The parameter's last "below" estimator l(x) on its own, and the ids of its observations (see `TPESampler`). */
  below?: { readonly ids: Int32Array; readonly estimator: ParzenEstimator };
}

/** At most this many (parameter, distribution) columns are cached; beyond, the cache restarts. */
const MAX_COLUMNS = 256;

/** The columns of one sampler, by parameter and distribution. */
export class Columns {
  /** Columns by parameter name (usually one distribution each). */
  private readonly columns = new Map<string, Column[]>();
  private count = 0;
  private nextId = 0;

  /** The column of `space`, refreshed for `ctx`. */
  get(space: ParamSpace, ctx: StudyCache): Column {
    let list = this.columns.get(space.name);
    let c: Column | undefined;
    if (list !== undefined) {
      for (const x of list) {
        if (sameDistribution(x.distribution, space.distribution)) {
          c = x;
          break;
        }
      }
    }
    if (c === undefined) {
      if (this.count >= MAX_COLUMNS) {
        this.columns.clear();
        this.count = 0;
        list = undefined;
      }
      const size = Math.max(64, ctx.trials.length);
      c = { distribution: space.distribution, trials: [], refs: [], values: new Float64Array(size), ids: new Int32Array(size) };
      if (list === undefined) this.columns.set(space.name, (list = []));
      list.push(c);
      this.count++;
    }
    const trials = ctx.trials;
    if (c.trials === trials) return c;
    const n = trials.length;
    if (c.values.length < n) {
      const size = Math.max(n, 2 * c.values.length);
      const values = new Float64Array(size);
      values.set(c.values);
      c.values = values;
      const ids = new Int32Array(size);
      ids.set(c.ids);
      c.ids = ids;
    }
    const { refs, values, ids } = c;
    // Entries shared with the trials the column was refreshed for last need no look.
    const from = c.trials === ctx.previous ? ctx.shared : 0;
    for (let i = from; i < n; i++) {
      const t = trials[i] as FrozenTrial;
      if (refs[i] !== t) {
        refs[i] = t;
        values[i] = observe(t, space);
        ids[i] = this.nextId++;
        if (this.nextId > 0x7fffffff - 1) this.nextId = 0;
      }
    }
    if (refs.length > n) refs.length = n;
    c.trials = trials;
    return c;
  }
}

/**
 * Observations of several columns from the trials at `positions` that have them all, written into
 * `scratch` (the estimators copy what they keep).
 */
export interface Collected {
  readonly n: number;
  readonly obs: Float64Array[];
  /** Indices into the positions of the trials kept (those with every parameter). */
  readonly kept: Int32Array;
}

export function collect(columns: readonly Float64Array[], positions: Int32Array, scratch: Float64Array, keptScratch: Int32Array): Collected {
  const m = positions.length;
  const D = columns.length;
  const buf = scratch;
  const kept = keptScratch;
  let n = 0;
  if (D === 1) {
    // One parameter (the univariate sampler): a single pass.
    const col = columns[0] as Float64Array;
    for (let j = 0; j < m; j++) {
      const v = col[positions[j] as number] as number;
      if (v !== v) continue;
      buf[n] = v;
      kept[n] = j;
      n++;
    }
    return { n, obs: [buf.subarray(0, n)], kept: kept.subarray(0, n) };
  }
  const obs = columns.map((_, d) => buf.subarray(d * m, (d + 1) * m));
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

/** Whether observations under a and b are the same (model space depends only on these fields). */
function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a === b) return true;
  if (a.kind === "categorical" || b.kind === "categorical") return a.kind === "categorical" && b.kind === "categorical" && sameChoices(a.choices, b.choices);
  return a.kind === b.kind && a.low === b.low && a.high === b.high && (a.log === true) === (b.log === true) && a.step === b.step;
}

function sameChoices(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
