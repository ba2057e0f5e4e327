/**
 * The one error type of Ouroboros. Every failure a user can cause carries a stable `code` and a
 * message that says what was expected, what was got and where (parameter, file, row, column).
 */
export type ErrorCode =
  | "invalid-argument"
  | "invalid-distribution"
  | "distribution-conflict"
  | "duplicated-study"
  | "study-not-found"
  | "trial-not-found"
  | "trial-finished"
  | "invalid-value"
  | "storage"
  | "storage-corrupt"
  | "no-trials"
  | "unsupported"
  | "cli"
  | "invalid-data"
  | "artifact-corrupt"
  | "not-fitted";

/** An error raised by Ouroboros; `code` is stable, `message` is written for people. */
export class OuroborosError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OuroborosError";
    this.code = code;
  }
}

/**
 * Thrown from an objective (or by `trial.shouldPrune()` users) to end a trial as pruned. The study
 * records the trial as `pruned` with its last reported intermediate value.
 */
export class TrialPruned extends Error {
  constructor(message = "trial was pruned") {
    super(message);
    this.name = "TrialPruned";
  }
}
