/**
 * Test doubles: a frozen trial built from a few fields, and a study view over a fixed list of
 * trials. Shipped so users testing their own samplers and pruners need no storage.
 */
import { toExternal, type Distribution, type ParamValue } from "../core/distributions.js";
import type { FrozenTrial, StudyDirection } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { StudyView } from "../core/study-view.js";

/** Fields of a trial a test may set; the rest get neutral defaults. */
export type FrozenTrialInit = Partial<Omit<FrozenTrial, "params">> & { number: number };

/** A frozen trial from its internal params and distributions (external params are derived). */
export function makeFrozenTrial(init: FrozenTrialInit): FrozenTrial {
  const internalParams = init.internalParams ?? {};
  const distributions = init.distributions ?? {};
  const params: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(internalParams)) {
    const d: Distribution | undefined = distributions[k];
    params[k] = d ? toExternal(d, v) : v;
  }
  const values = init.values ?? (init.value !== undefined ? [init.value] : undefined);
  return {
    number: init.number,
    state: init.state ?? (values ? "complete" : "running"),
    value: values && values.length === 1 ? values[0] : undefined,
    values,
    params,
    internalParams,
    distributions,
    intermediateValues: init.intermediateValues ?? {},
    intermediateVectors: init.intermediateVectors ?? {},
    userAttrs: init.userAttrs ?? {},
    systemAttrs: init.systemAttrs ?? {},
    datetimeStart: init.datetimeStart ?? 0,
    datetimeComplete: init.datetimeComplete,
    lastHeartbeat: init.lastHeartbeat,
    failReason: init.failReason,
  };
}

/** A study view over a mutable list of trials; system-attribute writes are kept in memory. */
export class StaticStudyView implements StudyView {
  readonly systemAttrs: Record<string, JsonValue> = {};
  readonly trials: FrozenTrial[];
  /** Set by {@link StaticStudyView.stop}. */
  stopped = false;

  constructor(
    trials: readonly FrozenTrial[],
    readonly directions: readonly StudyDirection[] = ["minimize"],
    readonly studyName = "static",
  ) {
    this.trials = [...trials];
  }

  getTrials(options?: { readonly states?: readonly FrozenTrial["state"][] }): readonly FrozenTrial[] {
    const states = options?.states;
    return states ? this.trials.filter((t) => states.includes(t.state)) : this.trials;
  }

  setStudySystemAttr(key: string, value: JsonValue): void {
    this.systemAttrs[key] = value;
  }

  stop(): void {
    this.stopped = true;
  }

  setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void {
    const i = this.trials.findIndex((t) => t.number === trialNumber);
    const t = this.trials[i];
    if (!t) throw new Error(`no trial ${trialNumber}`);
    this.trials[i] = { ...t, systemAttrs: { ...t.systemAttrs, [key]: value } };
  }
}
