/**
 * The operations of the study journal. A storage backend stores these in append order; every
 * reader replays them (see `journal-state.ts`) into the same state. Ops are plain JSON.
 *
 * Conflicts between workers are resolved at replay, by order in the journal, never by the writer:
 * - `createStudy` with a name already live is ignored (the writer sees it lost and reports a
 *   duplicate); study ids are assigned in replay order.
 * - `createTrial` gets the next trial number of its study in replay order; the writer finds its
 *   number by its `(worker, nonce)` pair.
 * - `claimTrial` moves a waiting trial to running only if it is still waiting; the first claim
 *   in the journal wins, the writer checks `claimedBy`.
 * - `finishTrial` applies only to a trial that is not finished yet (first finish wins), so a
 *   stale-trial sweeper and a slow worker cannot both finish one trial.
 * - `setParam` for a name the trial already has, or on a finished trial, is ignored.
 */
import type { Distribution } from "../core/distributions.js";
import type { StudyDirection, TrialState } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";

/** Creates a study (ignored if one with this name is live). */
export interface CreateStudyOp {
  readonly op: "createStudy";
  readonly name: string;
  readonly directions: readonly StudyDirection[];
  readonly worker: string;
  readonly nonce: string;
  readonly time: number;
}
/** Deletes a live study with its trials. */
export interface DeleteStudyOp {
  readonly op: "deleteStudy";
  readonly study: number;
}
/** Sets a user or system attribute of a study. */
export interface SetStudyAttrOp {
  readonly op: "setStudyAttr";
  readonly study: number;
  readonly scope: "user" | "system";
  readonly key: string;
  readonly value: JsonValue;
}
/** Creates a trial: running (from `ask`), waiting (enqueued), or finished (`addTrial`). */
export interface CreateTrialOp {
  readonly op: "createTrial";
  readonly study: number;
  readonly worker: string;
  readonly nonce: string;
  readonly state: TrialState;
  readonly time: number;
  /** Internal values with their distributions (enqueued params carry external values instead). */
  readonly params?: Readonly<Record<string, number>>;
  readonly distributions?: Readonly<Record<string, Distribution>>;
  /** Enqueued parameters in external form, applied when the objective suggests them. */
  readonly fixedParams?: Readonly<Record<string, JsonValue>>;
  readonly values?: readonly number[];
  readonly intermediateValues?: Readonly<Record<string, number>>;
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs?: Readonly<Record<string, JsonValue>>;
  readonly datetimeStart?: number;
  readonly datetimeComplete?: number;
  readonly failReason?: string;
}
/** Claims a waiting trial for a worker (moves it to running). */
export interface ClaimTrialOp {
  readonly op: "claimTrial";
  readonly study: number;
  readonly trial: number;
  readonly worker: string;
  readonly nonce: string;
  readonly time: number;
}
/** Records one suggested parameter in internal form. */
export interface SetParamOp {
  readonly op: "setParam";
  readonly study: number;
  readonly trial: number;
  readonly name: string;
  readonly value: number;
  readonly distribution: Distribution;
}
/** Records an intermediate value (scalar or vector) at a step. */
export interface ReportOp {
  readonly op: "report";
  readonly study: number;
  readonly trial: number;
  readonly step: number;
  readonly value: number | readonly number[];
}
/** Sets a user or system attribute of a trial. */
export interface SetTrialAttrOp {
  readonly op: "setTrialAttr";
  readonly study: number;
  readonly trial: number;
  readonly scope: "user" | "system";
  readonly key: string;
  readonly value: JsonValue;
}
/** Liveness signal of a running trial. */
export interface HeartbeatOp {
  readonly op: "heartbeat";
  readonly study: number;
  readonly trial: number;
  readonly time: number;
}
/** Moves a trial to a finished state (first finish wins). */
export interface FinishTrialOp {
  readonly op: "finishTrial";
  readonly study: number;
  readonly trial: number;
  readonly state: "complete" | "pruned" | "fail";
  readonly values?: readonly number[];
  readonly failReason?: string;
  readonly time: number;
}

/** Any journal operation. */
export type JournalOp =
  | CreateStudyOp
  | DeleteStudyOp
  | SetStudyAttrOp
  | CreateTrialOp
  | ClaimTrialOp
  | SetParamOp
  | ReportOp
  | SetTrialAttrOp
  | HeartbeatOp
  | FinishTrialOp;
