/**
 * A running trial: the object an objective receives. Parameters are suggested define-by-run (the
 * search space is whatever the objective asks for, so conditional spaces need no declaration),
 * intermediate values are reported for pruners, and user attributes annotate it.
 *
 * `suggest*` and `report` are synchronous: values are recorded locally and written to the study's
 * journal in the background (flushed before the trial ends). `shouldPrune` is asynchronous because
 * the pruner must see what other workers have reported.
 */
import {
  distributionsEqual,
  isSingle,
  snapInternal,
  containsInternal,
  toExternal,
  toInternal,
  validateDistribution,
  type CategoricalChoice,
  type Distribution,
  type ParamValue,
} from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial, TrialState } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { StudyView } from "../core/study-view.js";
import type { Study } from "./study.js";

/** Options of `suggestFloat` / `suggestInt`. */
export interface SuggestOptions {
  /** Sample on a log scale (needs low > 0; floats: no step). Default false. */
  readonly log?: boolean;
  /** Discretisation step (floats: any positive number; ints: a positive integer, default 1). */
  readonly step?: number;
}

/** A trial being evaluated. */
export class Trial {
  private readonly internal: Record<string, number> = {};
  private readonly dists: Record<string, Distribution> = {};
  private readonly externals: Record<string, ParamValue> = {};
  private readonly intermediate: Record<number, number> = {};
  private readonly intermediateVec: Record<number, readonly number[]> = {};
  private readonly users: Record<string, JsonValue>;
  private readonly systems: Record<string, JsonValue>;
  private relative: Record<string, number> = {};
  private relativeSpace: Record<string, Distribution> = {};
  private finishedState: TrialState | undefined;

  /** @internal created by `Study.ask`. */
  constructor(
    private readonly study: Study,
    /** 0-based number of the trial in its study. */
    readonly number: number,
    private readonly view: StudyView,
    private readonly pruneView: StudyView,
    initial: FrozenTrial,
    readonly datetimeStart: number,
  ) {
    this.users = { ...initial.userAttrs };
    this.systems = { ...initial.systemAttrs };
    for (const [name, x] of Object.entries(initial.internalParams)) {
      const d = initial.distributions[name];
      if (!d) continue;
      this.internal[name] = x;
      this.dists[name] = d;
      this.externals[name] = toExternal(d, x);
    }
  }

  /** @internal runs the sampler's per-trial hooks and joint (relative) sampling. */
  startSampling(): void {
    const sampler = this.study.sampler;
    sampler.beforeTrial?.(this.view, this.snapshot());
    const space = sampler.inferRelativeSearchSpace(this.view, this.snapshot());
    if (Object.keys(space).length > 0) {
      this.relativeSpace = space;
      this.relative = sampler.sampleRelative(this.view, this.snapshot(), space);
    }
  }

  /** Suggests a float in [low, high]. */
  suggestFloat(name: string, low: number, high: number, options: SuggestOptions = {}): number {
    const d: Distribution = { kind: "float", low, high, ...options };
    return this.suggest(name, d) as number;
  }

  /** Suggests an integer in [low, high]. */
  suggestInt(name: string, low: number, high: number, options: SuggestOptions = {}): number {
    const d: Distribution = { kind: "int", low, high, ...options };
    return this.suggest(name, d) as number;
  }

  /** Suggests one of `choices` (strings, finite numbers, booleans or null). */
  suggestCategorical<const T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    return this.suggest(name, { kind: "categorical", choices }) as T;
  }

  /**
   * Suggests a value from any distribution. Suggesting a name again with an equal distribution
   * returns the same value; with a different one it is an error.
   */
  suggest(name: string, distribution: Distribution): ParamValue {
    this.assertRunning("suggest a parameter");
    if (typeof name !== "string" || name.length === 0) {
      throw new OuroborosError("invalid-argument", `parameter name must be a non-empty string, but got ${JSON.stringify(name)}`);
    }
    const d = validateDistribution(name, distribution);
    const existing = this.dists[name];
    if (existing) {
      if (!distributionsEqual(existing, d)) {
        throw new OuroborosError(
          "distribution-conflict",
          `parameter "${name}" was already suggested in trial ${this.number} with ${JSON.stringify(existing)}; cannot suggest it again with ${JSON.stringify(d)}`,
        );
      }
      return this.externals[name] as ParamValue;
    }
    const x = this.pick(name, d);
    this.internal[name] = x;
    this.dists[name] = d;
    const external = toExternal(d, x);
    this.externals[name] = external;
    this.study.bufferOp({ op: "setParam", study: this.study.studyId, trial: this.number, name, value: x, distribution: d });
    return external;
  }

  private pick(name: string, d: Distribution): number {
    const fixed = (this.systems["fixedParams"] as Record<string, JsonValue> | undefined)?.[name];
    if (fixed !== undefined) return toInternal(name, d, fixed as ParamValue);
    if (isSingle(d)) return d.kind === "categorical" ? 0 : d.low;
    const rd = this.relativeSpace[name];
    const rx = this.relative[name];
    if (rd && rx !== undefined && distributionsEqual(rd, d)) return snapInternal(d, rx);
    const x = this.study.sampler.sampleIndependent(this.view, this.snapshot(), name, d);
    if (!containsInternal(d, x)) {
      // A sampler bug must not leak an out-of-space value into the objective.
      return snapInternal(d, x);
    }
    return x;
  }

  /**
   * Reports an intermediate value (a number, or one number per objective for multi-objective
   * pruning) at a step. Reporting a step twice keeps the first value, as Optuna does.
   */
  report(value: number | readonly number[], step: number): void {
    this.assertRunning("report");
    if (!Number.isInteger(step) || step < 0) {
      throw new OuroborosError("invalid-argument", `report step must be a non-negative integer, but got ${step}`);
    }
    if (typeof value === "number") {
      if (step in this.intermediate) return;
      this.intermediate[step] = value;
    } else {
      if (!Array.isArray(value) || value.length !== this.study.directions.length || value.some((v) => typeof v !== "number")) {
        throw new OuroborosError(
          "invalid-argument",
          `report of a vector needs ${this.study.directions.length} numbers (one per objective), but got ${JSON.stringify(value)}`,
        );
      }
      if (step in this.intermediateVec) return;
      this.intermediateVec[step] = [...value];
    }
    this.study.bufferOp({ op: "report", study: this.study.studyId, trial: this.number, step, value: typeof value === "number" ? value : [...value] });
  }

  /**
   * Whether the study's pruner says to stop this trial now (at its latest reported step). Throw
   * `TrialPruned` when it does.
   */
  async shouldPrune(): Promise<boolean> {
    this.assertRunning("ask the pruner");
    await this.study.flushAndSync();
    return this.study.pruner.prune(this.pruneView, this.snapshot());
  }

  /** Sets a user attribute (any JSON value). */
  setUserAttr(key: string, value: JsonValue): void {
    this.assertRunning("set a user attribute");
    this.users[key] = value;
    this.study.bufferOp({ op: "setTrialAttr", study: this.study.studyId, trial: this.number, scope: "user", key, value });
  }

  /** @internal sets a system attribute (samplers and pruners go through their view). */
  setSystemAttrLocal(key: string, value: JsonValue): void {
    this.systems[key] = value;
  }

  /** Parameters suggested so far, as the objective saw them. */
  get params(): Readonly<Record<string, ParamValue>> {
    return { ...this.externals };
  }

  get distributions(): Readonly<Record<string, Distribution>> {
    return { ...this.dists };
  }

  get userAttrs(): Readonly<Record<string, JsonValue>> {
    return { ...this.users };
  }

  get systemAttrs(): Readonly<Record<string, JsonValue>> {
    return { ...this.systems };
  }

  get intermediateValues(): Readonly<Record<number, number>> {
    return { ...this.intermediate };
  }

  /** @internal marks the trial finished so later calls fail clearly. */
  markFinished(state: TrialState): void {
    this.finishedState = state;
  }

  /** The trial as an immutable snapshot (state running until told). */
  snapshot(): FrozenTrial {
    return {
      number: this.number,
      state: this.finishedState ?? "running",
      value: undefined,
      values: undefined,
      params: { ...this.externals },
      internalParams: { ...this.internal },
      distributions: { ...this.dists },
      intermediateValues: { ...this.intermediate },
      intermediateVectors: { ...this.intermediateVec },
      userAttrs: { ...this.users },
      systemAttrs: { ...this.systems },
      datetimeStart: this.datetimeStart,
      datetimeComplete: undefined,
      lastHeartbeat: undefined,
      failReason: undefined,
    };
  }

  private assertRunning(what: string): void {
    if (this.finishedState !== undefined) {
      throw new OuroborosError("trial-finished", `cannot ${what}: trial ${this.number} is already ${this.finishedState}`);
    }
  }
}
