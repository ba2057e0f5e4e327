/**
 * Re-runs trials whose worker died (Optuna's `RetryFailedTrialCallback`): the failed trial's
 * parameters are enqueued again, with the lineage recorded in system attributes
 * `failedTrial` (the first trial of the chain) and `retryHistory` (every earlier attempt).
 */
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { Study } from "./study.js";

/** Options of {@link retryFailedTrial}. */
export interface RetryFailedTrialOptions {
  /** Maximum number of retries of one original trial. Default: no limit. */
  readonly maxRetry?: number;
  /** Copy the failed trial's intermediate values into the retry's user attrs. Default false. */
  readonly inheritIntermediateValues?: boolean;
}

/** A `failedTrialCallback` that enqueues a retry of each stale trial. */
export function retryFailedTrial(options: RetryFailedTrialOptions = {}): (study: Study, trial: FrozenTrial) => Promise<void> {
  return async (study, trial) => {
    const history = (trial.systemAttrs["retryHistory"] as number[] | undefined) ?? [];
    if (options.maxRetry !== undefined && history.length >= options.maxRetry) return;
    const original = (trial.systemAttrs["failedTrial"] as number | undefined) ?? trial.number;
    const systemAttrs: Record<string, JsonValue> = { failedTrial: original, retryHistory: [...history, trial.number] };
    if (options.inheritIntermediateValues) systemAttrs["inheritedIntermediateValues"] = { ...trial.intermediateValues };
    await study.enqueueTrial(trial.params, { userAttrs: trial.userAttrs, systemAttrs });
  };
}

/** The number of the original trial a retry descends from, or undefined if it is not a retry. */
export function retriedTrialNumber(trial: FrozenTrial): number | undefined {
  const n = trial.systemAttrs["failedTrial"];
  return typeof n === "number" ? n : undefined;
}
