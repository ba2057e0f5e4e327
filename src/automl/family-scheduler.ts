/**
 * Which learner family the next candidate comes from: a bandit over families, with TPE choosing
 * the hyperparameters inside the chosen family (the two-level CASH decomposition of "Efficient
 * Automatic CASH via Rising Bandits", Li et al., AAAI 2020, and of auto-sklearn 2.0's portfolios).
 *
 * Why not let TPE pick the family as one more categorical: TPE's categorical kernel follows the
 * best γ-quantile of trials, so once one family leads (on small data linear models, after a few
 * trials) nearly every proposal goes to it — 100+ trials of a saturated three-parameter family
 * while GBDT, whose defaults were a close second, gets one trial and never its tuning. The bandit
 * keeps every competitive family searched, and spends on a family in proportion to how often its
 * recent candidates improve the run.
 *
 * Reward of each finished trial, in [0, 1], computed from the study alone in trial-number order
 * (so every worker and a resumed run compute the same): 1 when it beats every earlier complete
 * trial; otherwise 0.6 × the share of earlier complete trials it equals or beats (so a family
 * whose candidates land near the top keeps a fair share, and a hopeless one earns almost
 * nothing); 0 when failed. Pruned trials earn nothing either way: the family's own ASHA prunes by
 * design most of a family's trials (those behind its other trials at a rung), which says nothing
 * about the family against the others; counting them as failures starved GBDT of proposals.
 * Cancelled trials (cut by the deadline, Ctrl-C or a kill) earn nothing either way too: nothing
 * is known about them. Families are chosen by discounted Thompson sampling over
 * Beta(1 + S, 1 + F) posteriors (Raj and Kalyani 2017), discount 0.95 per trial, so a family that
 * stops improving loses its share within a few dozen trials and one left alone is retried.
 */
import type { FrozenTrial, StudyDirection } from "../core/frozen-trial.js";
import type { Random } from "../core/rng.js";
import { armStatistics, betaDraw } from "../samplers/portfolio/bandit.js";

/** Share of the reward a trial that does not set a new best can earn at most. */
const NON_BEST_SCALE = 0.6;

/** Default discount per trial of the Thompson posteriors. */
export const FAMILY_DISCOUNT = 0.95;

/** The family chosen for the next candidate, and why (recorded as the trial's reason). */
export interface FamilyChoice {
  readonly family: string;
  readonly reason: string;
}

/** The family a trial belongs to (its `family` param, or the fixed one of an enqueued trial). */
export function familyOf(t: FrozenTrial): string | undefined {
  const p = t.params["family"];
  if (typeof p === "string") return p;
  const fixed = t.systemAttrs["fixedParams"] as Record<string, unknown> | undefined;
  return typeof fixed?.["family"] === "string" ? fixed["family"] : undefined;
}

/**
 * Whether a failed trial was only cut short: its candidate record says `cancelled`, or a resumed
 * run marked it interrupted (it was running when the process died).
 */
function wasCancelled(t: FrozenTrial): boolean {
  const record = t.userAttrs["candidate"] as { state?: unknown } | undefined;
  return record?.state === "cancelled" || (t.failReason ?? "").startsWith("interrupted");
}

/** The reward of every finished trial (see the module docs), by trial number. */
export function familyRewards(trials: readonly FrozenTrial[], direction: StudyDirection): Map<number, number> {
  const rewards = new Map<number, number>();
  const earlier: number[] = [];
  const sorted = [...trials].sort((a, b) => a.number - b.number);
  for (const t of sorted) {
    if (t.state === "fail") {
      if (!wasCancelled(t)) rewards.set(t.number, 0);
      continue;
    }
    if (t.state !== "complete" || t.value === undefined || !Number.isFinite(t.value)) continue;
    const loss = direction === "maximize" ? -t.value : t.value;
    if (earlier.length > 0) {
      let beaten = 0;
      let best = Infinity;
      for (const e of earlier) {
        if (loss <= e) beaten++;
        if (e < best) best = e;
      }
      rewards.set(t.number, loss < best ? 1 : (NON_BEST_SCALE * beaten) / earlier.length);
    }
    earlier.push(loss);
  }
  return rewards;
}

/**
 * Chooses the family of the next candidate among `families` from the study's finished trials.
 * Deterministic for a given `rng` state and trial history.
 */
export function chooseFamily(trials: readonly FrozenTrial[], families: readonly string[], direction: StudyDirection, rng: Random, discount: number = FAMILY_DISCOUNT): FamilyChoice {
  const rewards = familyRewards(trials, direction);
  const current = trials.reduce((m, t) => Math.max(m, t.number + 1), 0);
  const stats = armStatistics(trials, rewards, familyOf, families, current, discount);
  let best = families[0] as string;
  let bestDraw = -Infinity;
  for (const f of families) {
    const s = stats.get(f)!;
    const draw = betaDraw(rng, 1 + s.successes, 1 + s.failures);
    if (draw > bestDraw) {
      bestDraw = draw;
      best = f;
    }
  }
  const s = stats.get(best)!;
  const mean = (1 + s.successes) / (2 + s.successes + s.failures);
  return { family: best, reason: `family ${best} by discounted Thompson sampling over families (posterior mean ${mean.toFixed(2)} after ${s.count} of its candidates); hyperparameters by TPE within it` };
}
