/**
 * The sampler contract: how the next trial's parameters are proposed.
 *
 * Call order per trial (all calls on one trial happen before it finishes):
 * 1. `beforeTrial` (optional), once, when the trial starts.
 * 2. `inferRelativeSearchSpace`, once; then `sampleRelative` once with that space. The returned
 *    internal values are used for those parameters when the objective suggests them with an equal
 *    distribution.
 * 3. `sampleIndependent` for every other parameter the objective suggests, in suggestion order.
 * 4. `afterTrial` (optional), once, when the trial is told its result.
 *
 * Values are internal (see `distributions.ts`): floats/ints as themselves, categoricals as indices.
 * A sampler must return values inside the distribution it was given.
 *
 * Reproducibility contract: a seeded sampler's draws for a trial depend only on its seed, the
 * trial's number, the parameter being sampled and the trials the view shows, never on wall time or
 * on how many other trials this process sampled before. Derive randomness with
 * `deriveSeed(seed, trial.number, name)` rather than from one shared stream.
 *
 * Concurrency: one sampler instance may be used by several trials of the same process at once (in
 * `optimize({ nJobs })`); keep per-trial state keyed by trial number and durable state in the study.
 */
import type { Distribution } from "./distributions.js";
import type { FrozenTrial, TrialState } from "./frozen-trial.js";
import type { JsonValue } from "./json.js";
import type { StudyView } from "./study-view.js";

/** Proposes parameter values for trials. */
export interface Sampler {
  /** Registry name, so a sampler is serialisable as `{ kind, params }`. */
  readonly kind: string;
  /** The constructor options needed to rebuild this sampler. */
  readonly params: Readonly<Record<string, JsonValue>>;
  /** The space sampled jointly by `sampleRelative` (empty when the sampler is purely independent). */
  inferRelativeSearchSpace(study: StudyView, trial: FrozenTrial): Record<string, Distribution>;
  /** Jointly samples the relative space; may return a subset (the rest fall back to independent). */
  sampleRelative(study: StudyView, trial: FrozenTrial, space: Record<string, Distribution>): Record<string, number>;
  /** Samples one parameter on its own. */
  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number;
  beforeTrial?(study: StudyView, trial: FrozenTrial): void;
  afterTrial?(study: StudyView, trial: FrozenTrial, state: TrialState, values: readonly number[] | undefined): void;
}
