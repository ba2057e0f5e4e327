/**
 * The two selection steps of regularized evolution, as pure functions of the study's trials: the
 * aging population (the most recent complete trials) and tournament selection within it.
 */
import type { FrozenTrial, StudyDirection } from "../../core/frozen-trial.js";
import type { Random } from "../../core/rng.js";

/**
 * The aging population a trial numbered `before` breeds from: the last `size` complete trials with
 * a smaller number, in number order (oldest first), or undefined while fewer than `size` are
 * complete (the random start-up phase).
 *
 * Because each new complete trial pushes the oldest one out of the window, a member dies of age
 * however good it is: this is the "regularization" of Real et al. (2019). Deriving the window from
 * trial numbers rather than from completion times makes it the same in every worker and after a
 * restart; failed, pruned and running trials never join it.
 */
export function agingPopulation(trials: readonly FrozenTrial[], before: number, size: number): FrozenTrial[] | undefined {
  const out: FrozenTrial[] = [];
  for (let i = trials.length - 1; i >= 0 && out.length < size; i--) {
    const t = trials[i] as FrozenTrial;
    if (t.number < before && t.state === "complete" && t.values !== undefined && t.values.length === 1) out.push(t);
  }
  return out.length < size ? undefined : out.reverse();
}

/** The loss (lower is better) of a complete single-objective trial under a direction. */
export function lossOf(trial: FrozenTrial, direction: StudyDirection): number {
  const v = (trial.values as readonly number[])[0] as number;
  return direction === "maximize" ? -v : v;
}

/**
 * Tournament selection: `sampleSize` distinct members drawn uniformly at random (a partial
 * Fisher–Yates shuffle), and the one with the lowest loss wins; a tie goes to the one drawn first.
 * Returns the winner's index and the indices drawn, in drawing order.
 */
export function tournamentSelect(losses: ArrayLike<number>, sampleSize: number, rng: Random): { winner: number; sample: number[] } {
  const n = losses.length;
  const k = Math.min(sampleSize, n);
  const order = Array.from({ length: n }, (_, i) => i);
  const sample: number[] = [];
  let winner = -1;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const pick = order[j] as number;
    order[j] = order[i] as number;
    order[i] = pick;
    sample.push(pick);
    if (winner < 0 || (losses[pick] as number) < (losses[winner] as number)) winner = pick;
  }
  return { winner, sample };
}
