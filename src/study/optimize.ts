/**
 * The optimisation loop behind `study.optimize`: ask → objective → tell, `nJobs` at a time.
 *
 * Failure handling: an objective that throws, returns a non-number, or returns NaN/Infinity ends
 * its trial as `fail` with the reason, and the study goes on (by default; see `catch`). Throwing
 * `TrialPruned` ends the trial as `pruned`.
 *
 * Reproducibility with `nJobs > 1` (where Optuna gives none): with `reproducible: true` (the
 * default) trial n is sampled seeing exactly trials 0 … n − nJobs, all of them finished (the loop
 * waits for any still running), and the pruner sees the same set. Since seeded samplers draw
 * trial n's randomness from (seed, n), a deterministic objective gives the same trials, params
 * and values for the same seed and nJobs, whatever the timing. The price: a slow trial can hold
 * back the start of the trial nJobs after it. With `reproducible: false` every trial sees
 * everything available when it is sampled (constant-liar samplers then see running trials), which
 * uses the workers fully but depends on timing. Trials written by other processes on the same
 * storage are seen as they come in either way, so only single-process runs are reproducible.
 */
import { OuroborosError, TrialPruned } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { Study, TellResult } from "./study.js";
import type { Trial } from "./trial.js";

/** An objective: returns the value (or one value per objective) of a trial. */
export type Objective = (trial: Trial) => number | readonly number[] | Promise<number | readonly number[]>;

/** Called after each trial of `optimize` finishes, with its final snapshot. */
export type OptimizeCallback = (study: Study, trial: FrozenTrial) => void | Promise<void>;

/** Options of `study.optimize`. */
export interface OptimizeOptions {
  /** Number of trials to run in this call. Default: until `timeout`, `stop()` or the signal. */
  readonly nTrials?: number;
  /** Seconds after which no new trial starts (running ones finish). */
  readonly timeout?: number;
  /** Trials evaluated concurrently in this process (the objective should be async). Default 1. */
  readonly nJobs?: number;
  /**
   * Which objective errors fail the trial and let the study go on: `true` (default) all of them;
   * `false` none (the trial is recorded as failed, then the error is rethrown); a list of error
   * classes; or a predicate.
   */
  readonly catch?: boolean | readonly (abstract new (...args: never[]) => Error)[] | ((error: unknown) => boolean);
  /** Called after each finished trial, in finishing order. */
  readonly callbacks?: readonly OptimizeCallback[];
  /** Trial n sees only trials 0 … n − nJobs, finished (see the module docs). Default true. */
  readonly reproducible?: boolean;
  /** Aborting stops the loop like `study.stop()` (e.g. on Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** @internal */
export async function runOptimize(study: Study, objective: Objective, options: OptimizeOptions): Promise<void> {
  const nTrials = options.nTrials ?? Infinity;
  const nJobs = options.nJobs ?? 1;
  if (!(nTrials >= 0) || (Number.isFinite(nTrials) && !Number.isInteger(nTrials))) {
    throw new OuroborosError("invalid-argument", `nTrials must be a non-negative integer, but got ${options.nTrials}`);
  }
  if (!Number.isInteger(nJobs) || nJobs < 1) throw new OuroborosError("invalid-argument", `nJobs must be a positive integer, but got ${options.nJobs}`);
  if (options.timeout !== undefined && !(options.timeout > 0)) {
    throw new OuroborosError("invalid-argument", `timeout must be a positive number of seconds, but got ${options.timeout}`);
  }
  if (nTrials === Infinity && options.timeout === undefined && !options.signal) {
    throw new OuroborosError("invalid-argument", "optimize needs nTrials, timeout or a signal, or it would never end");
  }
  const deadline = options.timeout !== undefined ? Date.now() + options.timeout * 1000 : Infinity;
  const reproducible = options.reproducible ?? true;
  const catchOpt = options.catch ?? true;
  const swallow = (e: unknown): boolean => {
    if (catchOpt === true) return true;
    if (catchOpt === false) return false;
    if (typeof catchOpt === "function" && !Array.isArray(catchOpt)) return (catchOpt as (error: unknown) => boolean)(e);
    return (catchOpt as readonly (abstract new (...args: never[]) => Error)[]).some((cls) => e instanceof cls);
  };
  study.resetStop();
  let started = 0;
  let fatal: unknown;
  const finished = new Map<number, Promise<void>>();
  const resolvers = new Map<number, () => void>();

  const waitForOwn = async (below: number): Promise<void> => {
    const waits: Promise<void>[] = [];
    for (const [n, p] of finished) if (n < below) waits.push(p);
    await Promise.all(waits);
  };

  const shouldStart = (): boolean =>
    fatal === undefined && started < nTrials && !study.isStopRequested && Date.now() < deadline && !options.signal?.aborted;

  const runOne = async (): Promise<void> => {
    let myNumber: number | undefined;
    const release = (): void => {
      if (myNumber !== undefined) resolvers.get(myNumber)?.();
    };
    const trial = await study.ask({
      ...(reproducible ? { hideLast: nJobs - 1 } : {}),
      beforeSampling: async (n) => {
        myNumber = n;
        let resolve!: () => void;
        finished.set(n, new Promise<void>((r) => (resolve = r)));
        resolvers.set(n, resolve);
        if (reproducible) await waitForOwn(n - (nJobs - 1));
      },
    }).catch((e: unknown) => {
      release();
      throw e;
    });
    let result: TellResult;
    let failReason: string | undefined;
    let rethrow: unknown;
    try {
      const out = await objective(trial);
      if (typeof out === "number" || (Array.isArray(out) && out.every((v) => typeof v === "number"))) {
        result = out as number | readonly number[];
      } else {
        result = "fail";
        failReason = `objective returned ${describe(out)}; expected a number${study.directions.length > 1 ? ` array of length ${study.directions.length}` : ""}`;
      }
    } catch (e) {
      if (e instanceof TrialPruned) {
        result = "pruned";
      } else {
        result = "fail";
        failReason = e instanceof Error ? `${e.name}: ${e.message}` : `objective threw ${describe(e)}`;
        if (!swallow(e)) rethrow = e;
      }
    }
    let frozen: FrozenTrial;
    try {
      frozen = await study.tell(trial, result, failReason !== undefined ? { failReason } : {});
    } finally {
      release();
    }
    if (rethrow !== undefined) {
      fatal ??= rethrow;
      return;
    }
    for (const cb of options.callbacks ?? []) await cb(study, frozen);
  };

  const worker = async (): Promise<void> => {
    while (shouldStart()) {
      started++;
      try {
        await runOne();
      } catch (e) {
        fatal ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(nJobs, nTrials === Infinity ? nJobs : Math.max(1, nTrials)) }, () => worker()));
  await study.flushAndSync();
  if (fatal !== undefined) throw fatal;
}

function describe(x: unknown): string {
  if (x === undefined) return "undefined";
  try {
    const s = JSON.stringify(x);
    return s && s.length > 80 ? `${s.slice(0, 77)}...` : (s ?? String(x));
  } catch {
    return String(x);
  }
}
