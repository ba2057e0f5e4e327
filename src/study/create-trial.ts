/** Building finished trials by hand, for `study.addTrial` (Optuna's `create_trial`). */
import type { Distribution, ParamValue } from "../core/distributions.js";
import type { TrialState } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";

/** A trial to add to a study: params in external form with their distributions, and the outcome. */
export interface TrialInit {
  /** Default "complete". */
  readonly state?: TrialState;
  readonly value?: number;
  readonly values?: readonly number[];
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly distributions?: Readonly<Record<string, Distribution>>;
  readonly intermediateValues?: Readonly<Record<string, number>>;
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs?: Readonly<Record<string, JsonValue>>;
  readonly failReason?: string;
}

/** Returns its argument typed as a {@link TrialInit}: a readable way to build trials for `addTrial`. */
export function createTrial(init: TrialInit): TrialInit {
  return init;
}
