/**
 * A study: one optimisation problem, its trials and its sampler/pruner, over a journal storage.
 *
 * Reads (`trials`, `bestTrial`, …) are synchronous and reflect the journal as of the last call
 * that talked to storage (`ask`, `tell`, `optimize`, `refresh`); call `await study.refresh()` to see
 * what other processes wrote since.
 */
import { toInternal, validateDistribution, type Distribution, type ParamValue } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial, StudyDirection, TrialState } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import { paretoFrontIndices } from "../core/pareto.js";
import type { Pruner } from "../core/pruner.js";
import type { Sampler } from "../core/sampler.js";
import type { JournalOp } from "../storage/journal-ops.js";
import type { StudyRecord } from "../storage/journal-state.js";
import type { JournalStorage } from "../storage/journal-storage.js";
import { LiveStudyView } from "./study-view-impl.js";
import { Trial } from "./trial.js";
import { runOptimize, type Objective, type OptimizeOptions } from "./optimize.js";
import type { TrialInit } from "./create-trial.js";

/** What `tell` accepts: a value, values (one per objective), or a final state. */
export type TellResult = number | readonly number[] | "complete" | "pruned" | "fail";

/** Called with a trial that failed because its worker stopped sending heartbeats. */
export type FailedTrialCallback = (study: Study, trial: FrozenTrial) => void | Promise<void>;

/** Liveness options: running trials send heartbeats; trials silent for `gracePeriod` are failed. */
export interface HeartbeatOptions {
  /** Seconds between heartbeats of a running trial. */
  readonly heartbeatInterval: number;
  /** Seconds without a heartbeat after which a running trial is stale. Default 2 × interval. */
  readonly gracePeriod?: number;
  /** Called for each trial this process marks failed as stale (e.g. a `RetryFailedTrialCallback`). */
  readonly failedTrialCallback?: FailedTrialCallback;
}

/** Options of `ask` (ask with fixed distributions, as Optuna's `study.ask(fixed_distributions)`). */
export interface AskOptions {
  /** Parameters to suggest at once, so `trial.params` holds them before the objective runs. */
  readonly fixedDistributions?: Readonly<Record<string, Distribution>>;
  /** @internal reproducible parallel runs hide trials numbered from `number - hideLast` on. */
  readonly hideLast?: number;
  /** @internal waits until the visible own trials are finished (reproducible parallel runs). */
  readonly beforeSampling?: (trialNumber: number) => Promise<void>;
}

/** A study: trials of one objective (or several), with the sampler and pruner that drive them. */
export class Study {
  private pending: JournalOp[] = [];
  private flushScheduled = false;
  private flushError: unknown;
  private stopRequested = false;
  private readonly studyOverlay = new Map<string, JsonValue>();
  private readonly liveTrials = new Map<number, Trial>();
  private readonly heartbeats = new Map<number, ReturnType<typeof setInterval>>();

  /** @internal use `createStudy` / `loadStudy`. */
  constructor(
    readonly storage: JournalStorage,
    private readonly record: StudyRecord,
    readonly sampler: Sampler,
    readonly pruner: Pruner,
    private readonly heartbeat: HeartbeatOptions | undefined,
  ) {}

  get studyName(): string {
    return this.record.name;
  }

  /** @internal the study's id within its journal. */
  get studyId(): number {
    return this.record.id;
  }

  get directions(): readonly StudyDirection[] {
    return this.record.directions;
  }

  /** The direction of a single-objective study. */
  get direction(): StudyDirection {
    this.assertSingleObjective("direction");
    return this.record.directions[0] as StudyDirection;
  }

  /** All trials in number order (as of the last storage sync). */
  get trials(): readonly FrozenTrial[] {
    return this.storage.state.frozenTrials(this.record);
  }

  /** Trials, optionally only those in the given states. */
  getTrials(options: { readonly states?: readonly TrialState[] } = {}): readonly FrozenTrial[] {
    const { states } = options;
    return states ? this.trials.filter((t) => states.includes(t.state)) : this.trials;
  }

  get userAttrs(): Readonly<Record<string, JsonValue>> {
    return { ...this.record.userAttrs };
  }

  get systemAttrs(): Readonly<Record<string, JsonValue>> {
    if (this.studyOverlay.size === 0) return this.record.systemAttrs;
    return { ...this.record.systemAttrs, ...Object.fromEntries(this.studyOverlay) };
  }

  /** Sets a user attribute of the study. */
  async setUserAttr(key: string, value: JsonValue): Promise<void> {
    this.bufferOp({ op: "setStudyAttr", study: this.studyId, scope: "user", key, value });
    await this.flushAndSync();
  }

  /** Re-reads the journal, picking up what other workers wrote. */
  async refresh(): Promise<void> {
    await this.flushAndSync();
  }

  /** The best complete (and feasible, if constraints were recorded) trial of a single-objective study. */
  get bestTrial(): FrozenTrial {
    this.assertSingleObjective("bestTrial");
    const sign = this.direction === "maximize" ? -1 : 1;
    let best: FrozenTrial | undefined;
    for (const t of this.trials) {
      if (t.state !== "complete" || t.value === undefined || !isFeasible(t)) continue;
      if (!best || sign * t.value < sign * (best.value as number)) best = t;
    }
    if (!best) {
      throw new OuroborosError("no-trials", `study "${this.studyName}" has no complete${this.hasConstraints() ? " feasible" : ""} trials yet`);
    }
    return best;
  }

  get bestValue(): number {
    return this.bestTrial.value as number;
  }

  get bestParams(): Readonly<Record<string, ParamValue>> {
    return this.bestTrial.params;
  }

  /** The Pareto front: complete, feasible trials no other such trial dominates. */
  get bestTrials(): readonly FrozenTrial[] {
    const done = this.trials.filter((t) => t.state === "complete" && t.values !== undefined && isFeasible(t));
    const idx = paretoFrontIndices(done.map((t) => t.values as readonly number[]), this.directions);
    return idx.map((i) => done[i] as FrozenTrial);
  }

  /** Asks `optimize` (here or in callbacks) to start no new trial; running trials finish. */
  stop(): void {
    this.stopRequested = true;
  }

  /** @internal whether `stop()` was called during the current `optimize`. */
  get isStopRequested(): boolean {
    return this.stopRequested;
  }

  /** @internal clears a stop request when a new `optimize` starts. */
  resetStop(): void {
    this.stopRequested = false;
  }

  /** @internal a key that changes whenever the replayed trials change. */
  stateVersion(): string {
    return `${this.record.version}`;
  }

  /**
   * Runs the objective for `nTrials` trials (or until `timeout` seconds, `stop()`, or the signal),
   * `nJobs` at a time. See {@link OptimizeOptions} for failure handling and reproducibility.
   */
  async optimize(objective: Objective, options: OptimizeOptions = {}): Promise<void> {
    await runOptimize(this, objective, options);
  }

  /**
   * Starts a new trial: claims the oldest enqueued (waiting) trial if there is one, else creates one.
   * The sampler's joint (relative) sampling runs here.
   */
  async ask(options: AskOptions = {}): Promise<Trial> {
    await this.flushAndSync();
    if (this.heartbeat) await this.failStaleTrials();
    const number = await this.claimOrCreate();
    const frozen = this.storage.state.frozenTrial(this.record, number) as FrozenTrial;
    if (options.beforeSampling) await options.beforeSampling(number);
    const visibleBelow = options.hideLast !== undefined ? number - options.hideLast : Infinity;
    const view = new LiveStudyView(this, visibleBelow === Infinity ? Infinity : Math.max(0, visibleBelow));
    const trial = new Trial(this, number, view, view, frozen, frozen.datetimeStart ?? Date.now());
    this.liveTrials.set(number, trial);
    this.startHeartbeat(number);
    try {
      trial.startSampling();
      for (const [name, d] of Object.entries(options.fixedDistributions ?? {})) trial.suggest(name, d);
    } catch (e) {
      await this.tell(trial, "fail", { failReason: `sampler failed: ${(e as Error).message}` });
      throw e;
    }
    return trial;
  }

  /**
   * Finishes a trial with its value(s) or a state. NaN or infinite values, or the wrong number of
   * values, finish it as failed (with the reason) instead of throwing, as Optuna does.
   */
  async tell(
    trialOrNumber: Trial | number,
    result: TellResult,
    options: { readonly failReason?: string; readonly skipIfFinished?: boolean } = {},
  ): Promise<FrozenTrial> {
    const number = typeof trialOrNumber === "number" ? trialOrNumber : trialOrNumber.number;
    await this.flushAndSync();
    const current = this.storage.state.frozenTrial(this.record, number);
    if (!current) throw new OuroborosError("trial-not-found", `study "${this.studyName}" has no trial ${number}`);
    if (current.state !== "running") {
      if (options.skipIfFinished) return current;
      throw new OuroborosError("trial-finished", `cannot tell trial ${number}: it is ${current.state}, not running`);
    }
    let state: "complete" | "pruned" | "fail";
    let values: number[] | undefined;
    let failReason = options.failReason;
    if (typeof result === "string") {
      if (result === "complete") {
        throw new OuroborosError("invalid-argument", `tell(trial ${number}, "complete") needs values: pass the objective value(s) instead`);
      }
      state = result;
    } else {
      values = typeof result === "number" ? [result] : [...result];
      state = "complete";
      if (values.length !== this.directions.length) {
        state = "fail";
        failReason = `expected ${this.directions.length} value(s), one per objective, but got ${values.length}: ${JSON.stringify(values)}`;
        values = undefined;
      } else if (values.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
        state = "fail";
        failReason = `objective returned a non-finite value: ${values.map(String).join(", ")}`;
        values = undefined;
      }
    }
    const live = this.liveTrials.get(number);
    const snapshot = live ? live.snapshot() : current;
    this.sampler.afterTrial?.(new LiveStudyView(this), snapshot, state, values);
    this.stopHeartbeat(number);
    live?.markFinished(state);
    this.liveTrials.delete(number);
    const finish: JournalOp = {
      op: "finishTrial",
      study: this.studyId,
      trial: number,
      state,
      time: Date.now(),
      ...(values ? { values } : {}),
      ...(failReason !== undefined && state === "fail" ? { failReason } : {}),
    };
    this.bufferOp(finish);
    await this.flushAndSync();
    const after = this.storage.state.frozenTrial(this.record, number) as FrozenTrial;
    return after;
  }

  /**
   * Adds a trial that will be evaluated next with these parameter values (external form). Params
   * not given are sampled as usual. With `skipIfExists`, nothing is added when a trial with the same
   * given params already exists (waiting, running or finished).
   */
  async enqueueTrial(
    params: Readonly<Record<string, ParamValue>>,
    options: { readonly userAttrs?: Readonly<Record<string, JsonValue>>; readonly skipIfExists?: boolean; readonly systemAttrs?: Readonly<Record<string, JsonValue>> } = {},
  ): Promise<void> {
    await this.flushAndSync();
    if (options.skipIfExists) {
      const key = JSON.stringify(Object.entries(params).sort());
      const same = this.trials.some((t) => {
        const fixed = (t.systemAttrs["fixedParams"] ?? {}) as Record<string, JsonValue>;
        const merged = { ...fixed, ...t.params };
        return JSON.stringify(Object.keys(params).sort().map((k) => [k, merged[k]])) === key;
      });
      if (same) return;
    }
    this.bufferOp({
      op: "createTrial",
      study: this.studyId,
      worker: this.storage.worker,
      nonce: this.storage.nextNonce(),
      state: "waiting",
      time: Date.now(),
      fixedParams: { ...params } as Record<string, JsonValue>,
      ...(options.userAttrs ? { userAttrs: options.userAttrs } : {}),
      ...(options.systemAttrs ? { systemAttrs: options.systemAttrs } : {}),
    });
    await this.flushAndSync();
  }

  /** Adds a finished trial (e.g. from an earlier study, or evaluated elsewhere). See `createTrial`. */
  async addTrial(init: TrialInit): Promise<FrozenTrial> {
    const state = init.state ?? "complete";
    if (state !== "complete" && state !== "pruned" && state !== "fail" && state !== "waiting") {
      throw new OuroborosError("invalid-argument", `addTrial needs a finished or waiting state, but got "${state}"`);
    }
    const values = init.values ?? (init.value !== undefined ? [init.value] : undefined);
    if (state === "complete") {
      if (!values || values.length !== this.directions.length || values.some((v) => !Number.isFinite(v))) {
        throw new OuroborosError(
          "invalid-argument",
          `a complete trial needs ${this.directions.length} finite value(s), but got ${JSON.stringify(values ?? null)}`,
        );
      }
    }
    const params: Record<string, number> = {};
    const distributions: Record<string, Distribution> = {};
    for (const [name, value] of Object.entries(init.params ?? {})) {
      const raw = init.distributions?.[name];
      if (!raw) throw new OuroborosError("invalid-argument", `addTrial: parameter "${name}" has no distribution`);
      const d = validateDistribution(name, raw);
      params[name] = toInternal(name, d, value);
      distributions[name] = d;
    }
    const nonce = this.storage.nextNonce();
    await this.flush();
    await this.storage.append([
      {
        op: "createTrial",
        study: this.studyId,
        worker: this.storage.worker,
        nonce,
        state,
        time: Date.now(),
        params,
        distributions,
        ...(values && state === "complete" ? { values } : {}),
        ...(init.intermediateValues ? { intermediateValues: init.intermediateValues } : {}),
        ...(init.userAttrs ? { userAttrs: init.userAttrs } : {}),
        ...(init.systemAttrs ? { systemAttrs: init.systemAttrs } : {}),
        ...(init.failReason !== undefined ? { failReason: init.failReason } : {}),
      },
    ]);
    const out = this.storage.state.outcome(this.storage.worker, nonce);
    return this.storage.state.frozenTrial(this.record, out?.trial as number) as FrozenTrial;
  }

  /**
   * Marks running trials whose heartbeat stopped (for longer than the grace period) as failed, and
   * runs the failed-trial callback on each. Returns their numbers. Needs heartbeat options.
   */
  async failStaleTrials(): Promise<number[]> {
    const hb = this.heartbeat;
    if (!hb) return [];
    const grace = (hb.gracePeriod ?? 2 * hb.heartbeatInterval) * 1000;
    const now = Date.now();
    const stale = this.trials.filter(
      (t) =>
        t.state === "running" &&
        !this.liveTrials.has(t.number) &&
        t.systemAttrs["heartbeatInterval"] !== undefined &&
        now - (t.lastHeartbeat ?? t.datetimeStart ?? now) > grace,
    );
    if (stale.length === 0) return [];
    const reason = `stale: no heartbeat for more than ${grace / 1000}s (worker died?); marked by ${this.storage.worker}`;
    await this.storage.append(stale.map((t) => ({ op: "finishTrial", study: this.studyId, trial: t.number, state: "fail", failReason: reason, time: now }) as const));
    const failed: number[] = [];
    for (const t of stale) {
      const after = this.storage.state.frozenTrial(this.record, t.number);
      if (after?.state === "fail" && after.failReason === reason) {
        failed.push(t.number);
        await hb.failedTrialCallback?.(this, after);
      }
    }
    return failed;
  }

  /** @internal queues a journal op; it is written in the background or at the next sync point. */
  bufferOp(op: JournalOp): void {
    this.pending.push(op);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush().catch((e: unknown) => {
          this.flushError ??= e;
        });
      });
    }
  }

  /** @internal */
  bufferStudySystemAttr(key: string, value: JsonValue): void {
    this.studyOverlay.set(key, value);
    this.bufferOp({ op: "setStudyAttr", study: this.studyId, scope: "system", key, value });
  }

  /** @internal */
  bufferTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void {
    this.liveTrials.get(trialNumber)?.setSystemAttrLocal(key, value);
    this.bufferOp({ op: "setTrialAttr", study: this.studyId, trial: trialNumber, scope: "system", key, value });
  }

  /** @internal writes buffered ops. */
  async flush(): Promise<void> {
    if (this.flushError !== undefined) {
      const e = this.flushError;
      this.flushError = undefined;
      throw e;
    }
    if (this.pending.length === 0) return;
    const ops = this.pending;
    this.pending = [];
    await this.storage.append(ops);
    this.studyOverlay.clear();
  }

  /** @internal writes buffered ops and catches up with other workers. */
  async flushAndSync(): Promise<void> {
    await this.flush();
    await this.storage.sync();
  }

  private async claimOrCreate(): Promise<number> {
    for (;;) {
      const waiting = this.storage.state.firstWaiting(this.record);
      if (waiting === undefined) break;
      const nonce = this.storage.nextNonce();
      await this.storage.append([{ op: "claimTrial", study: this.studyId, trial: waiting, worker: this.storage.worker, nonce, time: Date.now() }]);
      const out = this.storage.state.outcome(this.storage.worker, nonce);
      if (out?.trial !== undefined) {
        if (this.heartbeat) this.bufferOp(this.heartbeatAttr(out.trial));
        return out.trial;
      }
    }
    const nonce = this.storage.nextNonce();
    await this.storage.append([
      {
        op: "createTrial",
        study: this.studyId,
        worker: this.storage.worker,
        nonce,
        state: "running",
        time: Date.now(),
        ...(this.heartbeat ? { systemAttrs: { heartbeatInterval: this.heartbeat.heartbeatInterval } } : {}),
      },
    ]);
    const out = this.storage.state.outcome(this.storage.worker, nonce);
    if (out?.trial === undefined) throw new OuroborosError("storage", `could not create a trial in study "${this.studyName}" (was it deleted?)`);
    return out.trial;
  }

  private heartbeatAttr(trial: number): JournalOp {
    return { op: "setTrialAttr", study: this.studyId, trial, scope: "system", key: "heartbeatInterval", value: this.heartbeat?.heartbeatInterval ?? 0 };
  }

  private startHeartbeat(number: number): void {
    const hb = this.heartbeat;
    if (!hb) return;
    const beat = (): void => this.bufferOp({ op: "heartbeat", study: this.studyId, trial: number, time: Date.now() });
    beat();
    const timer = setInterval(beat, hb.heartbeatInterval * 1000);
    timer.unref?.();
    this.heartbeats.set(number, timer);
  }

  private stopHeartbeat(number: number): void {
    const timer = this.heartbeats.get(number);
    if (timer) clearInterval(timer);
    this.heartbeats.delete(number);
  }

  private hasConstraints(): boolean {
    return this.trials.some((t) => t.systemAttrs["constraints"] !== undefined);
  }

  private assertSingleObjective(what: string): void {
    if (this.record.directions.length !== 1) {
      throw new OuroborosError(
        "unsupported",
        `${what} is for single-objective studies; study "${this.studyName}" has ${this.record.directions.length} objectives (use bestTrials for the Pareto front)`,
      );
    }
  }
}

/** Feasible unless constraint values were recorded and one is > 0 (Optuna's convention). */
function isFeasible(t: FrozenTrial): boolean {
  const c = t.systemAttrs["constraints"];
  return !Array.isArray(c) || c.every((v) => typeof v === "number" && v <= 0);
}
