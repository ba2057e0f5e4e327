/**
 * The pruner contract: one method that decides whether a running trial should stop now.
 *
 * `prune` is called by `trial.shouldPrune()` after the study refreshed its view, with the trial's
 * intermediate values up to its latest `report`. It must be deterministic given the view (so every
 * worker, and a resumed process, decides the same), and it may record durable decisions (rung
 * values, bracket ids) with `study.setTrialSystemAttr`.
 */
import type { FrozenTrial } from "./frozen-trial.js";
import type { JsonValue } from "./json.js";
import type { StudyView } from "./study-view.js";

/** Decides early stopping of trials from their intermediate values. */
export interface Pruner {
  /** Registry name, so a pruner is serialisable as `{ kind, params }`. */
  readonly kind: string;
  readonly params: Readonly<Record<string, JsonValue>>;
  /** Whether the trial should be pruned at its latest reported step. */
  prune(study: StudyView, trial: FrozenTrial): boolean;
}
