/**
 * What CMA-ES reads from the study's trials on every ask, kept up to date incrementally: how many
 * trials count, the intersection of their search spaces, and the counted trials of each generation.
 */
import { distributionsEqual, type Distribution } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { JsonValue } from "../../core/json.js";

/**
 * An incremental index over a study's trials array. The study hands out a new array after every
 * change, but holding the same frozen objects for the trials that did not change, so `update`
 * costs one pointer comparison per trial plus work for the few new or changed ones — instead of
 * re-reading every trial's state and attributes (and rebuilding the intersection) on every ask,
 * which made the sampler's cost per trial grow with the study.
 *
 * Correct because finished states are final: a trial that counted keeps counting, with the same
 * distributions. A changed object is re-read as a whole (its generation attribute may have
 * changed), and an array that is not an extension of the last one (shorter, or a counted trial
 * replaced by one with another number, state or distributions: another study) is indexed afresh.
 */
export class TrialIndex {
  private refs: FrozenTrial[] = [];
  /** Generation attribute of each indexed counted trial, by position (undefined: none or not counted). */
  private gens: (JsonValue | undefined)[] = [];
  private last: readonly FrozenTrial[] | undefined;
  private nCounted = 0;
  private inter: Readonly<Record<string, Distribution>> | null = null;
  private readonly byGen = new Map<JsonValue, Map<number, FrozenTrial>>();

  /**
   * @param counts whether CMA-ES learns from a trial (fixed for a sampler)
   * @param genKey the trial system attribute holding the generation a trial was sampled for
   */
  constructor(
    private readonly counts: (t: FrozenTrial) => boolean,
    private readonly genKey: string,
  ) {}

  /** Brings the index up to `trials` (the study's trials in number order). */
  update(trials: readonly FrozenTrial[]): void {
    if (trials === this.last) return;
    if (trials.length < this.refs.length) this.reset();
    for (let i = 0; i < trials.length; i++) {
      const t = trials[i] as FrozenTrial;
      const old = this.refs[i];
      if (old === t) continue;
      if (old !== undefined && this.counts(old)) {
        if (t.number !== old.number || t.state !== old.state || !sameDistributions(old, t)) {
          this.reset();
          this.update(trials);
          return;
        }
        this.unlink(i, old.number);
        this.nCounted--;
      }
      this.refs[i] = t;
      if (this.counts(t)) this.add(i, t);
    }
    this.last = trials;
  }

  /** Number of trials that count. */
  get counted(): number {
    return this.nCounted;
  }

  /**
   * The parameters present with equal distributions in every counted trial, in name order, empty
   * while none counts: `intersectionSearchSpace` of `../intersection.ts`, folded here into the one
   * pass the sampler makes anyway. The same object comes back while it does not change.
   */
  get intersection(): Readonly<Record<string, Distribution>> {
    return this.inter ?? EMPTY;
  }

  /** The counted trials marked with generation `gen`, in number order. */
  generation(gen: number): FrozenTrial[] {
    const m = this.byGen.get(gen);
    if (!m) return [];
    return [...m.values()].sort((a, b) => a.number - b.number);
  }

  /** How many counted trials are marked with generation `gen`. */
  generationSize(gen: number): number {
    return this.byGen.get(gen)?.size ?? 0;
  }

  private add(i: number, t: FrozenTrial): void {
    this.nCounted++;
    this.inter = intersectWith(this.inter, t);
    const g = t.systemAttrs[this.genKey];
    this.gens[i] = g;
    if (g === undefined) return;
    let m = this.byGen.get(g);
    if (!m) this.byGen.set(g, (m = new Map()));
    m.set(t.number, t);
  }

  private unlink(i: number, number: number): void {
    const g = this.gens[i];
    if (g !== undefined) this.byGen.get(g)?.delete(number);
    this.gens[i] = undefined;
  }

  private reset(): void {
    this.refs = [];
    this.gens = [];
    this.last = undefined;
    this.nCounted = 0;
    this.inter = null;
    this.byGen.clear();
  }
}

const EMPTY: Readonly<Record<string, Distribution>> = Object.freeze({});

/** The intersection with one more trial's space; the same object when nothing drops out. */
function intersectWith(space: Readonly<Record<string, Distribution>> | null, t: FrozenTrial): Readonly<Record<string, Distribution>> {
  const ds = t.distributions;
  if (space === null) {
    const out: Record<string, Distribution> = {};
    for (const name of Object.keys(ds).sort()) out[name] = ds[name] as Distribution;
    return Object.freeze(out);
  }
  let same = true;
  for (const name in space) {
    const other = ds[name];
    if (other === undefined || !distributionsEqual(space[name] as Distribution, other)) {
      same = false;
      break;
    }
  }
  if (same) return space;
  const out: Record<string, Distribution> = {};
  for (const name in space) {
    const other = ds[name];
    if (other !== undefined && distributionsEqual(space[name] as Distribution, other)) out[name] = space[name] as Distribution;
  }
  return Object.freeze(out);
}

function sameDistributions(a: FrozenTrial, b: FrozenTrial): boolean {
  if (a.distributions === b.distributions) return true;
  const ka = Object.keys(a.distributions);
  if (ka.length !== Object.keys(b.distributions).length) return false;
  return ka.every((k) => {
    const d = b.distributions[k];
    return d !== undefined && distributionsEqual(a.distributions[k] as Distribution, d);
  });
}
