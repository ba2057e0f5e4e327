/**
 * The portfolio's bandit: a rank reward per finished trial, and discounted Thompson sampling over
 * the members that proposed them.
 */
import type { FrozenTrial, StudyDirection } from "../../core/frozen-trial.js";
import type { Random } from "../../core/rng.js";

/** Whether loss vector `a` dominates `b` (no worse everywhere, better somewhere). */
function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k] as number;
    const y = b[k] as number;
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/** The loss vector (minimisation form) of a complete trial, or undefined when it has no finite values. */
function lossOf(t: FrozenTrial, directions: readonly StudyDirection[]): number[] | undefined {
  const v = t.values;
  if (t.state !== "complete" || v === undefined || v.length !== directions.length) return undefined;
  const out: number[] = [];
  for (let k = 0; k < v.length; k++) {
    const x = v[k] as number;
    if (Number.isNaN(x)) return undefined;
    out.push(directions[k] === "maximize" ? -x : x);
  }
  return out;
}

/**
 * The reward of each finished trial, in [0, 1], by trial number (trials without one are absent).
 *
 * A complete trial earns the fraction of the complete trials numbered before it that do not
 * dominate it: with one objective, the share of earlier values it equals or beats (its rank
 * quantile), so a member whose proposals keep landing among the best gets rewards near 1 and one
 * that proposes like random search gets about ½ on average. This is denser than "1 if it improved
 * the best so far", whose rewards all but vanish after a few dozen trials. A complete trial with no
 * earlier complete trial earns nothing (there is nothing to compare). Pruned and failed trials earn
 * 0: a member whose proposals are stopped early or crash is doing badly. Running and waiting trials
 * have no reward yet. The reward depends only on the trials shown, so every worker computes the same.
 */
export function trialRewards(trials: readonly FrozenTrial[], directions: readonly StudyDirection[]): Map<number, number> {
  const rewards = new Map<number, number>();
  const earlier: number[][] = [];
  // Trials come in number order, so "earlier" is the complete trials seen so far in this pass.
  for (const t of trials) {
    if (t.state === "pruned" || t.state === "fail") {
      rewards.set(t.number, 0);
      continue;
    }
    const loss = lossOf(t, directions);
    if (loss === undefined) continue;
    if (earlier.length > 0) {
      let notDominating = 0;
      for (const e of earlier) if (!dominates(e, loss)) notDominating++;
      rewards.set(t.number, notDominating / earlier.length);
    }
    earlier.push(loss);
  }
  return rewards;
}

/** One member's discounted reward totals: successes S and failures F of a Beta(1 + S, 1 + F) posterior. */
export interface ArmStatistics {
  successes: number;
  failures: number;
  /** Trials the member proposed (undiscounted), for reports. */
  count: number;
}

/**
 * Discounted reward totals per arm for a trial numbered `current`: a trial numbered j weighs
 * `discount^(current − 1 − j)`, so the latest evidence counts most and a member that improves (or
 * stalls) late in a study is noticed (discounted Thompson sampling, Raj and Kalyani 2017).
 */
export function armStatistics(
  trials: readonly FrozenTrial[],
  rewards: ReadonlyMap<number, number>,
  armOf: (t: FrozenTrial) => string | undefined,
  arms: readonly string[],
  current: number,
  discount: number,
): Map<string, ArmStatistics> {
  const stats = new Map<string, ArmStatistics>();
  for (const a of arms) stats.set(a, { successes: 0, failures: 0, count: 0 });
  for (const t of trials) {
    if (t.number >= current) continue;
    const r = rewards.get(t.number);
    const arm = armOf(t);
    if (r === undefined || arm === undefined) continue;
    const s = stats.get(arm);
    if (!s) continue;
    const w = discount ** (current - 1 - t.number);
    s.successes += w * r;
    s.failures += w * (1 - r);
    s.count++;
  }
  return stats;
}

/** A Gamma(shape, 1) draw for shape ≥ 1 (Marsaglia and Tsang 2000). */
function gamma(rng: Random, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) draw for a, b ≥ 1, as Gamma(a) / (Gamma(a) + Gamma(b)). */
export function betaDraw(rng: Random, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  return x / (x + y);
}

/**
 * Thompson sampling: one draw from each arm's Beta(1 + S, 1 + F) posterior, in the order of
 * `arms`; the arm with the largest draw wins (the first on a tie).
 */
export function thompsonChoice(rng: Random, arms: readonly string[], stats: ReadonlyMap<string, ArmStatistics>): string {
  let best = arms[0] as string;
  let bestDraw = -Infinity;
  for (const a of arms) {
    const s = stats.get(a) ?? { successes: 0, failures: 0, count: 0 };
    const draw = betaDraw(rng, 1 + s.successes, 1 + s.failures);
    if (draw > bestDraw) {
      bestDraw = draw;
      best = a;
    }
  }
  return best;
}
