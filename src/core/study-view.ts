/**
 * What a sampler or pruner sees of a study: its directions, its trials and its durable system
 * attributes, with a way to write algorithm state back so any worker (or a resumed process) can
 * continue from it. Reads are synchronous over a snapshot refreshed by the study before each call
 * into a sampler or pruner; writes are appended to the journal (buffered, flushed before the trial
 * ends), and are visible to reads of the same view at once.
 */
import type { FrozenTrial, StudyDirection, TrialState } from "./frozen-trial.js";
import type { JsonValue } from "./json.js";

/** Read access to a study, plus durable writes of algorithm state. */
export interface StudyView {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  /**
   * Trials in number order. With `states`, only those in one of the states. The array and its
   * trials are immutable; do not modify them. Reproducible parallel runs may hide trials the
   * sampler must not see yet (see `OptimizeOptions.nJobs`).
   */
  getTrials(options?: { readonly states?: readonly TrialState[] }): readonly FrozenTrial[];
  /** Durable study-level attributes written by samplers and pruners. */
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  /** Durably sets a study-level system attribute (for example a CMA-ES mean or a generation). */
  setStudySystemAttr(key: string, value: JsonValue): void;
  /** Durably sets a system attribute on a trial (for example an ASHA rung value). */
  setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void;
  /** Asks a running `optimize` to start no new trial (a grid sampler calls it when the grid is done). */
  stop(): void;
}
