/**
 * An incremental form of {@link splitTrials} for the common case (one objective, no constraints,
 * no constant liar), used by the TPE sampler between trials.
 */
import type { FrozenTrial, StudyDirection } from "../../core/frozen-trial.js";
import type { TrialSplit } from "./split.js";

/**
 * Keeps the complete trials sorted by loss and the pruned ones by depth, so that when the trials
 * TPE reads only grew at the end (the usual step from one trial to the next) the split costs a
 * binary-search insertion per new trial and one pass to write the positions, instead of a full
 * selection with property reads of every trial.
 *
 * The orders are exactly those of {@link splitTrials}: complete trials by loss (the value, negated
 * when maximising), ties by position; pruned trials by last reported step (deepest first), then by
 * the loss there (NaN counts as +∞), then by position; a pruned trial with no reports after every
 * reported one. The best `nBelow` complete trials go below, then the best pruned ones; complete
 * trials without a value are left out, as there. So the result equals `splitTrials` on the same
 * trials; anything else (several objectives, constraints, the liar, trials that changed or
 * disappeared) is answered `undefined`, and the caller runs `splitTrials`.
 */
export class IncrementalSplit {
  private trials: readonly FrozenTrial[] = [];
  private direction: StudyDirection | undefined;
  /** Positions of complete trials with a value, best first. */
  private complete: number[] = [];
  /** Positions of pruned trials, best first. */
  private pruned: number[] = [];
  /** Per position: the loss of a complete trial; for a pruned one, the loss at its last step. */
  private loss = new Float64Array(64);
  /** Per position, pruned trials only: minus the last reported step (1 when none). */
  private negStep = new Float64Array(64);
  /** Scratch of `split`: 2 below, 1 above, 0 neither, per position. */
  private flag = new Uint8Array(64);

  /**
   * The split of `trials` (complete and pruned trials only, in number order) with the `nBelow`
   * best below, or undefined when this case is not handled incrementally.
   */
  split(
    trials: readonly FrozenTrial[],
    directions: readonly StudyDirection[],
    nBelow: number,
    /** Optional: a list `trials` replaced and how many leading entries they share (the same objects), so those need no comparison. */
    hint?: { readonly previous: readonly FrozenTrial[] | undefined; readonly shared: number },
  ): TrialSplit | undefined {
    if (directions.length !== 1) return undefined;
    const direction = directions[0] as StudyDirection;
    let from = 0;
    const old = this.trials;
    if (direction === this.direction && old.length <= trials.length) {
      if (hint !== undefined && hint.previous === old) from = Math.min(hint.shared, old.length);
      while (from < old.length && old[from] === trials[from]) from++;
    }
    if (from < old.length || direction !== this.direction) {
      // Not an extension of the last list: start over.
      from = 0;
      this.complete = [];
      this.pruned = [];
      this.direction = direction;
    }
    if (this.loss.length < trials.length) {
      const size = Math.max(trials.length, 2 * this.loss.length);
      const loss = new Float64Array(size);
      loss.set(this.loss);
      this.loss = loss;
      const negStep = new Float64Array(size);
      negStep.set(this.negStep);
      this.negStep = negStep;
    }
    const sign = direction === "maximize" ? -1 : 1;
    for (let i = from; i < trials.length; i++) {
      const t = trials[i] as FrozenTrial;
      if (t.state === "complete") {
        if (t.values === undefined || t.values.length !== 1) continue;
        const loss = sign * (t.values[0] as number);
        if (Number.isNaN(loss)) return this.reset();
        this.loss[i] = loss;
        insertSorted(this.complete, i, (a, b) => this.lessComplete(a, b));
      } else if (t.state === "pruned") {
        let step: number | undefined;
        for (const k in t.intermediateValues) {
          const s = Number(k);
          if (step === undefined || s > step) step = s;
        }
        if (step === undefined) {
          this.negStep[i] = 1;
          this.loss[i] = 0;
        } else {
          this.negStep[i] = -step;
          const v = t.intermediateValues[step] as number;
          this.loss[i] = Number.isNaN(v) ? Infinity : sign * v;
        }
        insertSorted(this.pruned, i, (a, b) => this.lessPruned(a, b));
      } else {
        // Only complete and pruned trials are expected here.
        return this.reset();
      }
    }
    this.trials = trials;

    const n = trials.length;
    if (this.flag.length < n) this.flag = new Uint8Array(Math.max(n, 2 * this.flag.length));
    const flag = this.flag.fill(0, 0, n);
    let remaining = Math.max(0, Math.floor(nBelow));
    let nb = 0;
    for (const list of [this.complete, this.pruned]) {
      const take = Math.min(remaining, list.length);
      for (let j = 0; j < take; j++) flag[list[j] as number] = 2;
      nb += take;
      remaining -= take;
      for (let j = take; j < list.length; j++) flag[list[j] as number] = 1;
    }
    const na = this.complete.length + this.pruned.length - nb;
    const below = new Int32Array(nb);
    const above = new Int32Array(na);
    let b = 0;
    let a = 0;
    for (let i = 0; i < n; i++) {
      const f = flag[i];
      if (f === 2) below[b++] = i;
      else if (f === 1) above[a++] = i;
    }
    return { below, above, belowWeights: undefined };
  }

  private reset(): undefined {
    this.trials = [];
    this.direction = undefined;
    return undefined;
  }

  private lessComplete(a: number, b: number): boolean {
    const la = this.loss[a] as number;
    const lb = this.loss[b] as number;
    return la < lb || (la === lb && a < b);
  }

  private lessPruned(a: number, b: number): boolean {
    const sa = this.negStep[a] as number;
    const sb = this.negStep[b] as number;
    if (sa !== sb) return sa < sb;
    const va = this.loss[a] as number;
    const vb = this.loss[b] as number;
    return va < vb || (va === vb && a < b);
  }
}

/** Inserts x into the list sorted by `less` (after every element not greater than it). */
function insertSorted(list: number[], x: number, less: (a: number, b: number) => boolean): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (less(x, list[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  if (lo === list.length) list.push(x);
  else list.splice(lo, 0, x);
}
