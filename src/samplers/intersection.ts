/**
 * The search space a relative (joint) sampler can model: what the finished trials have in common.
 *
 * Both helpers are incremental and cached by the identity of the trials array, so calling them on
 * every trial of a long study costs one pass of pointer comparisons when nothing changed and work
 * only for the trials that did (`study.getTrials()` returns the same array while nothing changed).
 */
import { distributionsEqual, type Distribution } from "../core/distributions.js";
import type { FrozenTrial } from "../core/frozen-trial.js";

/** Options of {@link intersectionSearchSpace} and {@link groupDecomposedSearchSpace}. */
export interface SearchSpaceOptions {
  /** Count pruned trials as well as complete ones. Default false (Optuna's `include_pruned`). */
  readonly includePruned?: boolean;
}

interface Cached<T> {
  /** The trials folded in, by identity. */
  refs: FrozenTrial[];
  value: T;
}

/** Entries by trials array, plus the latest one: a study's next array mostly holds the same trial objects. */
interface Cache<T> {
  readonly byArray: WeakMap<readonly FrozenTrial[], Cached<T>>;
  last: Cached<T> | undefined;
}

function newCache<T>(): Cache<T> {
  return { byArray: new WeakMap(), last: undefined };
}

function counted(t: FrozenTrial, includePruned: boolean): boolean {
  return t.state === "complete" || (includePruned && t.state === "pruned");
}

function sameDistributions(a: FrozenTrial, b: FrozenTrial): boolean {
  const ka = Object.keys(a.distributions);
  if (ka.length !== Object.keys(b.distributions).length) return false;
  return ka.every((k) => {
    const d = b.distributions[k];
    return d !== undefined && distributionsEqual(a.distributions[k] as Distribution, d);
  });
}

/**
 * Whether a value folded from `refs` is still right for `trials`: every trial that counted is still
 * there, as the same object or an equal copy (a finished trial whose attributes changed).
 */
function extends_(refs: readonly FrozenTrial[], trials: readonly FrozenTrial[], includePruned: boolean): boolean {
  if (refs.length > trials.length) return false;
  for (let i = 0; i < refs.length; i++) {
    const r = refs[i] as FrozenTrial;
    const t = trials[i] as FrozenTrial;
    if (r !== t && counted(r, includePruned) && !(t.number === r.number && t.state === r.state && sameDistributions(r, t))) return false;
  }
  return true;
}

/**
 * Folds the trials that are new or changed since the cached value into it. Correct because a trial
 * that counted once counts forever (finished states are final), and folding the same trial twice
 * changes nothing.
 */
function incremental<T>(
  cache: Cache<T>,
  trials: readonly FrozenTrial[],
  init: () => T,
  fold: (value: T, t: FrozenTrial) => T,
  includePruned: boolean,
): T {
  let entry = cache.byArray.get(trials);
  if (!entry || !extends_(entry.refs, trials, includePruned)) {
    const last = cache.last;
    entry = last && extends_(last.refs, trials, includePruned) ? { refs: [...last.refs], value: last.value } : { refs: [], value: init() };
    cache.byArray.set(trials, entry);
  }
  for (let i = 0; i < trials.length; i++) {
    const t = trials[i] as FrozenTrial;
    if (entry.refs[i] === t) continue;
    entry.refs[i] = t;
    if (counted(t, includePruned)) entry.value = fold(entry.value, t);
  }
  cache.last = entry;
  return entry.value;
}

type Intersection = Readonly<Record<string, Distribution>> | null;
const intersectionCaches = [newCache<Intersection>(), newCache<Intersection>()];

function intersectWith(space: Intersection, t: FrozenTrial): Intersection {
  if (space === null) return Object.freeze(sortByName(t.distributions));
  const out: Record<string, Distribution> = {};
  for (const [name, d] of Object.entries(space)) {
    const other = t.distributions[name];
    if (other && distributionsEqual(d, other)) out[name] = d;
  }
  return Object.freeze(out);
}

function sortByName(space: Readonly<Record<string, Distribution>>): Record<string, Distribution> {
  const out: Record<string, Distribution> = {};
  for (const name of Object.keys(space).sort()) out[name] = space[name] as Distribution;
  return out;
}

/**
 * The parameters present, with equal distributions, in every complete trial (and pruned ones with
 * `includePruned`), keyed in name order; empty while no trial counts. This is Optuna's
 * `IntersectionSearchSpace`, the space a multivariate TPE or a QMC sampler samples jointly.
 *
 * Pass `study.getTrials()`: the result is cached by that array's identity (and the identity of each
 * trial in it), so repeated calls while nothing changed are cheap. Do not modify the result.
 *
 * @example
 * const space = intersectionSearchSpace(study.getTrials());
 * // { lr: { kind: "float", low: 1e-5, high: 1, log: true }, layers: { kind: "int", low: 1, high: 4 } }
 */
export function intersectionSearchSpace(
  trials: readonly FrozenTrial[],
  options: SearchSpaceOptions = {},
): Readonly<Record<string, Distribution>> {
  const includePruned = options.includePruned === true;
  const cache = intersectionCaches[includePruned ? 1 : 0] as Cache<Intersection>;
  return incremental(cache, trials, (): Intersection => null, intersectWith, includePruned) ?? {};
}

/** Immutable: cache entries share it. */
interface Groups {
  /** Disjoint groups of names that always appeared together, in first-seen order. */
  readonly groups: readonly ReadonlySet<string>[];
  /** The first distribution seen for each name. */
  readonly dists: ReadonlyMap<string, Distribution>;
  /** Names seen with two different distributions: left out of every group. */
  readonly conflicted: ReadonlySet<string>;
}

const groupCaches = [newCache<Groups>(), newCache<Groups>()];

/** Optuna's `_SearchSpaceGroup.add_distributions`: splits every group by this trial's names. */
function splitGroups(g: Groups, t: FrozenTrial): Groups {
  const dists = new Map(g.dists);
  const conflicted = new Set(g.conflicted);
  for (const [name, d] of Object.entries(t.distributions)) {
    const seen = dists.get(name);
    if (!seen) dists.set(name, d);
    else if (!distributionsEqual(seen, d)) conflicted.add(name);
  }
  const rest = new Set(Object.keys(t.distributions));
  const groups: ReadonlySet<string>[] = [];
  for (const group of g.groups) {
    const inside = new Set<string>();
    const outside = new Set<string>();
    for (const name of group) {
      (rest.has(name) ? inside : outside).add(name);
      rest.delete(name);
    }
    if (inside.size > 0) groups.push(inside);
    if (outside.size > 0) groups.push(outside);
  }
  if (rest.size > 0) groups.push(rest);
  return { groups, dists, conflicted };
}

/**
 * The finished trials' parameters split into disjoint groups of names that always appeared together
 * (Optuna's `_GroupDecomposedSearchSpace`, used by TPE with `group: true`): in a conditional space
 * each branch becomes its own group, so a joint model is fitted per branch instead of over the
 * (often empty) intersection. Each group is keyed in name order; a parameter seen with two different
 * distributions is left out (it can only be sampled independently).
 *
 * Cached like {@link intersectionSearchSpace}. Do not modify the result.
 */
export function groupDecomposedSearchSpace(
  trials: readonly FrozenTrial[],
  options: SearchSpaceOptions = {},
): readonly Readonly<Record<string, Distribution>>[] {
  const includePruned = options.includePruned === true;
  const cache = groupCaches[includePruned ? 1 : 0] as Cache<Groups>;
  const g = incremental(cache, trials, (): Groups => ({ groups: [], dists: new Map(), conflicted: new Set() }), splitGroups, includePruned);
  const out: Record<string, Distribution>[] = [];
  for (const group of g.groups) {
    const space: Record<string, Distribution> = {};
    for (const name of [...group].sort()) {
      if (!g.conflicted.has(name)) space[name] = g.dists.get(name) as Distribution;
    }
    if (Object.keys(space).length > 0) out.push(space);
  }
  return out;
}
