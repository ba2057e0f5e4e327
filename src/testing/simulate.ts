/**
 * Drives a sampler through whole studies without storage, following the call order of
 * `core/sampler.ts` exactly as a study does, so sampler tests need neither a journal nor a clock.
 *
 * Everything the sampler is shown is deep-frozen: a sampler that modifies a trial, the trials array
 * or the study's attributes fails with a `TypeError` at the offending line.
 */
import {
  containsInternal,
  distributionsEqual,
  isSingle,
  snapInternal,
  toExternal,
  toInternal,
  validateDistribution,
  type Distribution,
  type ParamValue,
} from "../core/distributions.js";
import { TrialPruned } from "../core/errors.js";
import type { FrozenTrial, StudyDirection, TrialState } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { Sampler } from "../core/sampler.js";
import type { StudyView } from "../core/study-view.js";
import { makeFrozenTrial } from "./static-study-view.js";

/** Freezes an object graph in place and returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * A study view over trials kept in number order. Arrays returned by `getTrials` are frozen and are
 * the same array until something changes (as a real study's are), so identity caches work.
 */
export class SimulatedStudyView implements StudyView {
  private list: FrozenTrial[] = [];
  private attrs: Readonly<Record<string, JsonValue>> = deepFreeze({});
  private cache = new Map<string, readonly FrozenTrial[]>();
  /** Set by {@link SimulatedStudyView.stop}. */
  stopped = false;

  constructor(
    trials: readonly FrozenTrial[] = [],
    readonly directions: readonly StudyDirection[] = ["minimize"],
    readonly studyName = "simulated",
  ) {
    for (const t of trials) this.put(t);
  }

  get systemAttrs(): Readonly<Record<string, JsonValue>> {
    return this.attrs;
  }

  getTrials(options?: { readonly states?: readonly TrialState[] }): readonly FrozenTrial[] {
    const states = options?.states;
    const key = states ? [...states].sort().join(",") : "*";
    let hit = this.cache.get(key);
    if (!hit) {
      hit = Object.freeze(states ? this.list.filter((t) => states.includes(t.state)) : [...this.list]);
      this.cache.set(key, hit);
    }
    return hit;
  }

  setStudySystemAttr(key: string, value: JsonValue): void {
    this.attrs = deepFreeze({ ...this.attrs, [key]: structuredClone(value) });
  }

  setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void {
    const t = this.trial(trialNumber);
    if (!t) throw new Error(`setTrialSystemAttr: the view has no trial ${trialNumber}`);
    this.put({ ...t, systemAttrs: { ...t.systemAttrs, [key]: structuredClone(value) } });
  }

  stop(): void {
    this.stopped = true;
  }

  /** The trial with this number, if the view has it. */
  trial(number: number): FrozenTrial | undefined {
    return this.list.find((t) => t.number === number);
  }

  /** Adds a trial, or replaces the one with the same number (the new object is frozen). */
  put(trial: FrozenTrial): void {
    deepFreeze(trial);
    const i = this.list.findIndex((t) => t.number >= trial.number);
    if (i < 0) this.list.push(trial);
    else if ((this.list[i] as FrozenTrial).number === trial.number) this.list[i] = trial;
    else this.list.splice(i, 0, trial);
    this.cache.clear();
  }
}

/** What a simulated objective sees of its trial. */
export interface SimulatedTrial {
  readonly number: number;
  /** Parameters suggested so far (external values). */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Suggests a parameter, as `Trial.suggest` does (fixed, single-value, relative, then independent). */
  suggest(name: string, distribution: Distribution): ParamValue;
  /** Records an intermediate value. */
  report(value: number, step: number): void;
}

/**
 * How a simulated trial ends: its value(s) (complete), `"fail"`, `"pruned"`, or `"running"` (left
 * running in the study). Throwing `TrialPruned` also prunes; any other exception propagates.
 */
export type SimulatedOutcome = number | readonly number[] | "fail" | "pruned" | "running";

/** An objective for {@link simulateStudy}. */
export type SimulatedObjective = (trial: SimulatedTrial) => SimulatedOutcome;

/** What the sampler returned for one trial, before any snapping. */
export interface TrialSamples {
  readonly number: number;
  /** The space `inferRelativeSearchSpace` returned. */
  readonly relativeSpace: Readonly<Record<string, Distribution>>;
  /** What `sampleRelative` returned (empty when the space was). */
  readonly relative: Readonly<Record<string, number>>;
  /** What each `sampleIndependent` call returned, with the distribution it was given. */
  readonly independent: Readonly<Record<string, { readonly distribution: Distribution; readonly value: number }>>;
}

/** Options of {@link simulateTrial} and {@link simulateStudy}. */
export interface SimulateOptions {
  /** Parameters every trial suggests (in name order) before the objective runs. Default none. */
  readonly space?: Readonly<Record<string, Distribution>>;
  /** System attributes the trial starts with (for example `fixedParams`, as `enqueueTrial` sets). */
  readonly systemAttrs?: Readonly<Record<string, JsonValue>>;
}

/**
 * Runs one trial numbered `number` in `view`: adds it as running, then calls `beforeTrial`,
 * `inferRelativeSearchSpace`, `sampleRelative`, `sampleIndependent` per suggested parameter and
 * `afterTrial`, re-reading the trial from the view before each call (as a study refreshes its
 * snapshot), and finally stores the finished trial. Returns the trial and the raw samples.
 */
export function simulateTrial(
  sampler: Sampler,
  view: SimulatedStudyView,
  number: number,
  objective: SimulatedObjective,
  options: SimulateOptions = {},
): { trial: FrozenTrial; samples: TrialSamples } {
  view.put(makeFrozenTrial({ number, state: "running", datetimeStart: number, systemAttrs: { ...(options.systemAttrs ?? {}) } }));
  const current = (): FrozenTrial => view.trial(number) as FrozenTrial;
  const internal: Record<string, number> = {};
  const dists: Record<string, Distribution> = {};
  const intermediate: Record<number, number> = {};
  const independent: Record<string, { distribution: Distribution; value: number }> = {};
  const update = (): void => {
    const t = current();
    view.put({ ...t, internalParams: { ...internal }, distributions: { ...dists }, params: externals(internal, dists), intermediateValues: { ...intermediate } });
  };

  sampler.beforeTrial?.(view, current());
  const relativeSpace = sampler.inferRelativeSearchSpace(view, current());
  const relative = Object.keys(relativeSpace).length > 0 ? sampler.sampleRelative(view, current(), relativeSpace) : {};

  const suggest = (name: string, distribution: Distribution): ParamValue => {
    const d = validateDistribution(name, distribution);
    const seen = dists[name];
    if (seen) {
      if (!distributionsEqual(seen, d)) throw new Error(`parameter "${name}" suggested twice with different distributions`);
      return toExternal(d, internal[name] as number);
    }
    const fixed = (current().systemAttrs["fixedParams"] as Record<string, JsonValue> | undefined)?.[name];
    let x: number;
    if (fixed !== undefined) x = toInternal(name, d, fixed as ParamValue);
    else if (isSingle(d)) x = d.kind === "categorical" ? 0 : d.low;
    else {
      const rd = relativeSpace[name];
      const rx = relative[name];
      if (rd && rx !== undefined && distributionsEqual(rd, d)) x = rx;
      else {
        x = sampler.sampleIndependent(view, current(), name, d);
        independent[name] = { distribution: d, value: x };
      }
      if (!containsInternal(d, x)) x = snapInternal(d, x);
    }
    internal[name] = x;
    dists[name] = d;
    update();
    return toExternal(d, x);
  };
  const handle: SimulatedTrial = {
    number,
    get params() {
      return externals(internal, dists);
    },
    suggest,
    report(value: number, step: number): void {
      if (!(step in intermediate)) intermediate[step] = value;
      update();
    },
  };

  for (const name of Object.keys(options.space ?? {}).sort()) suggest(name, (options.space as Record<string, Distribution>)[name] as Distribution);
  let outcome: SimulatedOutcome;
  try {
    outcome = objective(handle);
  } catch (e) {
    if (!(e instanceof TrialPruned)) throw e;
    outcome = "pruned";
  }
  const samples: TrialSamples = { number, relativeSpace, relative, independent };
  if (outcome === "running") return { trial: current(), samples };

  let state: TrialState;
  let values: number[] | undefined;
  if (outcome === "fail" || outcome === "pruned") state = outcome;
  else {
    values = typeof outcome === "number" ? [outcome] : [...outcome];
    state = values.length === view.directions.length && values.every(Number.isFinite) ? "complete" : "fail";
    if (state === "fail") values = undefined;
  }
  sampler.afterTrial?.(view, current(), state, values);
  const t = current();
  view.put({
    ...t,
    state,
    values,
    value: values && values.length === 1 ? values[0] : undefined,
    datetimeComplete: number + 1,
    failReason: state === "fail" ? "simulated failure" : undefined,
  });
  return { trial: current(), samples };
}

function externals(internal: Record<string, number>, dists: Record<string, Distribution>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [name, x] of Object.entries(internal)) out[name] = toExternal(dists[name] as Distribution, x);
  return out;
}

/** The outcome of {@link simulateStudy}. */
export interface StudySimulationResult {
  readonly view: SimulatedStudyView;
  /** All trials of the study at the end, in number order (history included). */
  readonly trials: readonly FrozenTrial[];
  /** What the sampler returned, per simulated trial. */
  readonly samples: readonly TrialSamples[];
}

/**
 * Runs `nTrials` trials one after another, each seeing all earlier ones (sequential optimisation),
 * numbered after the trials already in the view. Every trial first suggests the parameters of
 * `space` in name order (as `ask({ fixedDistributions })` does), then runs the objective, which may
 * suggest more (define-by-run).
 *
 * @example
 * const { trials } = simulateStudy(new RandomSampler({ seed: 0 }), (t) => (t.params.x as number) ** 2, 20, {
 *   x: { kind: "float", low: -1, high: 1 },
 * });
 */
export function simulateStudy(
  sampler: Sampler,
  objective: SimulatedObjective,
  nTrials: number,
  space: Readonly<Record<string, Distribution>> = {},
  options: { readonly directions?: readonly StudyDirection[]; readonly view?: SimulatedStudyView } = {},
): StudySimulationResult {
  const view = options.view ?? new SimulatedStudyView([], options.directions ?? ["minimize"]);
  const samples: TrialSamples[] = [];
  for (let i = 0; i < nTrials; i++) {
    const trials = view.getTrials();
    const number = trials.length === 0 ? 0 : (trials[trials.length - 1] as FrozenTrial).number + 1;
    samples.push(simulateTrial(sampler, view, number, objective, { space }).samples);
  }
  return { view, trials: view.getTrials(), samples };
}
