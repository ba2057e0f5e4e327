/**
 * The data Population Based Training works with: what a training step sees and returns, the record
 * of each member's intervals, and the hyperparameter schedule that reproduces a model.
 */
import type { ParamValue } from "../core/distributions.js";

/** Hyperparameters as the training step sees them (external values, categoricals as their choice). */
export type PBTParams = Readonly<Record<string, ParamValue>>;

/** What a training step is given about the member it trains. */
export interface PBTMember<S> {
  /** The member's index in the population (0-based). */
  readonly id: number;
  /** The member's current hyperparameters. */
  readonly params: PBTParams;
  /**
   * The model state the previous step returned (a copy of the donor's after an exploit), or
   * undefined before the first step and when the step manages models itself.
   */
  readonly state: S | undefined;
}

/** Where in training a step is. */
export interface PBTStepContext {
  /** The index of the step being taken (0-based; a member's model has had `step` steps before). */
  readonly step: number;
  /**
   * A seed for this step's randomness: a function of the run's seed, the member and the step, so a
   * replay of a schedule draws the same numbers (use `new Random(ctx.seed)`).
   */
  readonly seed: number;
}

/** A step's result: the score after the step, with the model's new state unless the step keeps models itself. */
export type PBTStepResult<S> = number | { readonly score: number; readonly state: S };

/** One training step of one member (one update, or one epoch: whatever a unit of `totalSteps` is). */
export type PBTStep<S> = (member: PBTMember<S>, ctx: PBTStepContext) => PBTStepResult<S> | Promise<PBTStepResult<S>>;

/** Where a member's model is when {@link PBTCheckpointHooks.checkpoint} snapshots it. */
export interface PBTCheckpointContext {
  /** The number of steps the model has had (the end of the interval just trained). */
  readonly step: number;
}

/**
 * Hooks for models the step keeps itself: `restore(to, checkpoint(from, ctx))` makes member `to`
 * continue from member `from`'s model.
 *
 * Without a study, `checkpoint` is called for each donor at a ready point (before any member is
 * restored) and its value is only passed to `restore`, so it may be anything (a clone in memory).
 *
 * With a study (`RunPBTOptions.study`), the models must outlive the process, so the contract is
 * stricter: `checkpoint` is called after every member-interval, and must return plain JSON (the
 * weights as arrays, or the path of a file it wrote), which is stored with the interval's trial;
 * a resumed run (or a later exploit) passes that stored value to `restore`, possibly in another
 * process. A file-writing `checkpoint` must therefore not overwrite a file a stored value names:
 * `(member, ctx.step)` is unique among the stored checkpoints of a run, so use it in the file
 * name. `restore` must accept any value `checkpoint` ever returned. Either may return a promise.
 */
export interface PBTCheckpointHooks {
  /** A snapshot of a member's model after `ctx.step` steps (plain JSON when there is a study). */
  readonly checkpoint?: (member: number, ctx: PBTCheckpointContext) => unknown;
  /** Replaces a member's model by a snapshot from `checkpoint`. */
  readonly restore?: (member: number, checkpoint: unknown) => void | Promise<void>;
}

/** One member's training between two ready points. */
export interface PBTInterval {
  /** 0-based round (ready interval) number. */
  readonly round: number;
  readonly member: number;
  /** First step of the interval. */
  readonly start: number;
  /** One past the last step of the interval. */
  readonly end: number;
  /** The hyperparameters used for the whole interval. */
  readonly params: PBTParams;
  /** The member whose model this member copied at `start` (an exploit), or undefined if it continued its own. */
  readonly copiedFrom: number | undefined;
  /** The score after the last step of the interval. */
  readonly score: number;
}

/** A stretch of a model's history: steps [start, end) taken by `member` with `params`. */
export interface ScheduleSegment {
  readonly start: number;
  readonly end: number;
  readonly member: number;
  readonly params: PBTParams;
}

/**
 * The hyperparameter schedule of a final model: the segments of its lineage in step order (the
 * intervals of the members whose models it descends from), plus the run's seed, so that
 * {@link replaySchedule} can retrain it from scratch. Plain JSON.
 */
export interface PBTSchedule {
  readonly seed: number;
  /** The member the model ended in. */
  readonly member: number;
  readonly segments: readonly ScheduleSegment[];
}
