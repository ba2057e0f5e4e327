/**
 * A pool that runs tasks under hard limits, at most `jobs` at a time, each in its own worker thread
 * (see `run-task.ts`); the rest wait in a first-in, first-out queue.
 */
import { availableParallelism } from "node:os";
import { OuroborosError } from "../../core/errors.js";
import { startTask, type RunningTask, type StartTaskOptions } from "./run-task.js";
import type { TaskLimits, TaskResult, TaskSpec } from "./task.js";

/** Options of {@link TrialPool}. */
export interface TrialPoolOptions {
  /** Tasks running at once. Default: `os.availableParallelism()` (one per core). */
  readonly jobs?: number;
  /** Limits of every task, unless a `run` call gives its own (merged over these). Default: none. */
  readonly limits?: TaskLimits;
  /**
   * Process-wide guard on resident memory in MB, checked every `rssCheckMs` while tasks run. It
   * catches what a worker's heap limit cannot see (typed-array and Buffer memory). The resident set
   * cannot be split by thread, so when it is exceeded **every running task** is stopped as
   * `out-of-memory`; with `jobs: 1` that is exactly the culprit. Default: no guard.
   */
  readonly maxRssMb?: number;
  /** Interval of the `maxRssMb` check in ms. Default 100. */
  readonly rssCheckMs?: number;
}

interface Queued {
  readonly spec: TaskSpec;
  readonly options: StartTaskOptions;
  readonly resolve: (r: TaskResult) => void;
}

/**
 * Runs tasks in worker threads, `jobs` at a time, with per-task time and memory limits.
 *
 * A task that times out, runs out of memory or throws ends as a result, never as a rejection, and
 * its thread is replaced, so one bad trial never stops the pool. `close` cancels what is queued and
 * terminates what runs (their results: `cancelled`); later `run` calls reject.
 *
 * @example
 * ```ts
 * const pool = new TrialPool({ jobs: 2, limits: { timeoutMs: 60_000, maxOldGenerationSizeMb: 2048 } });
 * const r = await pool.run({ module: new URL("./fit-candidate.ts", import.meta.url).href, exportName: "fitCandidate", input: { trial: 3 } });
 * if (r.status !== "ok") console.log(`trial 3 failed: ${r.status}: ${r.reason}`);
 * await pool.close();
 * ```
 */
export class TrialPool {
  /** Tasks that may run at once. */
  readonly jobs: number;
  private readonly limits: TaskLimits;
  private readonly maxRssMb: number | undefined;
  private readonly rssCheckMs: number;
  private readonly queue: Queued[] = [];
  private readonly active = new Set<RunningTask>();
  private rssTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: TrialPoolOptions = {}) {
    const jobs = options.jobs ?? availableParallelism();
    if (!Number.isInteger(jobs) || jobs < 1) throw new OuroborosError("invalid-argument", `jobs must be an integer ≥ 1, but got ${jobs}`);
    if (options.maxRssMb !== undefined && !(options.maxRssMb > 0)) throw new OuroborosError("invalid-argument", `maxRssMb must be > 0, but got ${options.maxRssMb}`);
    this.jobs = jobs;
    this.limits = options.limits ?? {};
    this.maxRssMb = options.maxRssMb;
    this.rssCheckMs = options.rssCheckMs ?? 100;
  }

  /** Tasks running now. */
  get running(): number {
    return this.active.size;
  }

  /** Tasks waiting for a free slot. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Queues a task; resolves with its result once it has run (it never rejects for the task's own
   * failure). `options.limits` are merged over the pool's.
   * @throws OuroborosError `invalid-argument` (as a rejection) if the pool is closed.
   */
  run<T = unknown>(spec: TaskSpec, options: StartTaskOptions = {}): Promise<TaskResult<T>> {
    if (this.closed) return Promise.reject(new OuroborosError("invalid-argument", "the trial pool is closed"));
    return new Promise<TaskResult<T>>((resolve) => {
      const merged: StartTaskOptions = { ...options, limits: { ...this.limits, ...options.limits } };
      this.queue.push({ spec, options: merged, resolve: resolve as (r: TaskResult) => void });
      this.pump();
    });
  }

  /** Cancels queued tasks, terminates running ones, and waits until they have ended. */
  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.resolve({ status: "cancelled", reason: "cancelled: the pool was closed before the task started", durationMs: 0 });
    const ending = [...this.active].map((t) => {
      t.stop("cancelled", "cancelled: the pool was closed");
      return t.result;
    });
    await Promise.all(ending);
    this.stopRssGuard();
  }

  private pump(): void {
    while (this.active.size < this.jobs && this.queue.length > 0) {
      const q = this.queue.shift()!;
      const task = startTask(q.spec, q.options);
      this.active.add(task);
      void task.result.then((r) => {
        this.active.delete(task);
        q.resolve(r);
        if (this.active.size === 0) this.stopRssGuard();
        this.pump();
      });
    }
    if (this.active.size > 0 && this.maxRssMb !== undefined && this.rssTimer === undefined) {
      const limit = this.maxRssMb;
      this.rssTimer = setInterval(() => {
        const rss = process.memoryUsage.rss() / 2 ** 20;
        if (rss <= limit) return;
        const reason = `the process's resident memory reached ${rss.toFixed(0)} MB, over maxRssMb = ${limit} MB, while this task ran; it was terminated`;
        for (const t of this.active) t.stop("out-of-memory", reason);
      }, this.rssCheckMs);
      this.rssTimer.unref();
    }
  }

  private stopRssGuard(): void {
    if (this.rssTimer !== undefined) clearInterval(this.rssTimer);
    this.rssTimer = undefined;
  }
}
