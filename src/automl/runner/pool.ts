/**
 * A pool that runs tasks under hard limits, at most `jobs` at a time, each in a worker thread (see
 * `run-task.ts`), a fresh one per task or, with `reuseWorkers`, a thread whose earlier task's code
 * ended; the rest wait in a first-in, first-out queue.
 */
import { availableParallelism } from "node:os";
import { OuroborosError } from "../../core/errors.js";
import { prepareTask, type StartTaskOptions } from "./run-task.js";
import type { TaskLimits, TaskResult, TaskSpec } from "./task.js";
import { heapKey, TaskWorker, type PreparedTask, type RunningTask } from "./task-worker.js";

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
  /**
   * Give a worker thread the next task when its task's code ended (returned a value or threw, also
   * after obeying a stop request within the grace period, as a pruned candidate does), which saves
   * the thread's start and the module's load (~250 ms for a `.ts` module under tsx). A task that
   * was terminated (time or memory limit, ignored stop request) or crashed its thread is never
   * followed on that thread: the thread is terminated. Heap limits stay per thread, and a reused thread's heap holds
   * what earlier tasks left (module state, caches, leaks, timers still running; an exception thrown
   * later by such leftovers fails the task then running): `maxTasksPerWorker` bounds that. Tasks
   * share a thread only with tasks of the same heap limits and module kind (`.ts` or JavaScript).
   * Idle threads do not keep the process alive; `close` terminates them. Default false.
   */
  readonly reuseWorkers?: boolean;
  /** With `reuseWorkers`, tasks a thread runs before it is replaced by a fresh one. Default 25. */
  readonly maxTasksPerWorker?: number;
}

interface Queued {
  readonly task: PreparedTask;
  readonly options: StartTaskOptions;
  readonly resolve: (r: TaskResult) => void;
}

/**
 * Runs tasks in worker threads, `jobs` at a time, with per-task time and memory limits.
 *
 * A task that times out, runs out of memory or throws ends as a result, never as a rejection, and
 * its thread is replaced, so one bad trial never stops the pool. `close` cancels what is queued,
 * terminates what runs (their results: `cancelled`) and the idle threads; later `run` calls reject.
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
  private readonly reuseWorkers: boolean;
  private readonly maxTasksPerWorker: number;
  private readonly queue: Queued[] = [];
  private readonly active = new Set<RunningTask>();
  /** Threads waiting for a task (with `reuseWorkers`), oldest first. */
  private readonly idle: TaskWorker[] = [];
  private rssTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: TrialPoolOptions = {}) {
    const jobs = options.jobs ?? availableParallelism();
    if (!Number.isInteger(jobs) || jobs < 1) throw new OuroborosError("invalid-argument", `jobs must be an integer ≥ 1, but got ${jobs}`);
    if (options.maxRssMb !== undefined && !(options.maxRssMb > 0)) throw new OuroborosError("invalid-argument", `maxRssMb must be > 0, but got ${options.maxRssMb}`);
    const maxTasks = options.maxTasksPerWorker ?? 25;
    if (!Number.isInteger(maxTasks) || maxTasks < 1) throw new OuroborosError("invalid-argument", `maxTasksPerWorker must be an integer ≥ 1, but got ${maxTasks}`);
    this.jobs = jobs;
    this.reuseWorkers = options.reuseWorkers ?? false;
    this.maxTasksPerWorker = maxTasks;
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

  /** Worker threads kept for the next task (always 0 without `reuseWorkers`). */
  get idleWorkers(): number {
    return this.idle.filter((w) => w.idle).length;
  }

  /**
   * Queues a task; resolves with its result once it has run (it never rejects for the task's own
   * failure). `options.limits` are merged over the pool's.
   * @throws OuroborosError `invalid-argument` (as a rejection) if the pool is closed, the module path
   * is relative or a limit is ≤ 0.
   */
  run<T = unknown>(spec: TaskSpec, options: StartTaskOptions = {}): Promise<TaskResult<T>> {
    if (this.closed) return Promise.reject(new OuroborosError("invalid-argument", "the trial pool is closed"));
    let task: PreparedTask;
    try {
      task = prepareTask(spec, { ...this.limits, ...options.limits });
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<TaskResult<T>>((resolve) => {
      this.queue.push({ task, options, resolve: resolve as (r: TaskResult) => void });
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
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.active.size < this.jobs && this.queue.length > 0) {
      const q = this.queue.shift()!;
      const signal = q.options.signal;
      if (signal?.aborted) {
        q.resolve({ status: "cancelled", reason: `cancelled before it started: ${String(signal.reason ?? "aborted")}`, durationMs: 0 });
        continue;
      }
      let worker: TaskWorker;
      try {
        worker = this.takeWorker(q.task);
      } catch (e) {
        q.resolve({ status: "error", reason: `could not start a worker thread: ${(e as Error).message}`, durationMs: 0 });
        continue;
      }
      const task = worker.run(q.task, q.options);
      this.active.add(task);
      void task.result.then((r) => {
        this.active.delete(task);
        this.release(worker);
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

  /** An idle thread with the task's heap limits, or a new one (retiring an idle one to stay at `jobs` threads). */
  private takeWorker(task: PreparedTask): TaskWorker {
    const key = heapKey(task.limits, task.tsxApi !== undefined);
    // Threads that died while idle (an earlier task's leftover work crashed them) are dropped.
    for (let i = this.idle.length - 1; i >= 0; i--) if (!this.idle[i]!.idle) this.idle.splice(i, 1);
    const at = this.idle.findIndex((w) => w.key === key);
    if (at >= 0) return this.idle.splice(at, 1)[0]!;
    if (this.active.size + this.idle.length >= this.jobs) void this.idle.shift()?.terminate();
    return new TaskWorker(task.limits, task.tsxApi !== undefined);
  }

  /** After a task: keeps its thread for the next task if allowed, else terminates it. */
  private release(worker: TaskWorker): void {
    if (this.reuseWorkers && !this.closed && worker.idle && worker.tasksRun < this.maxTasksPerWorker) this.idle.push(worker);
    else void worker.terminate();
  }

  private stopRssGuard(): void {
    if (this.rssTimer !== undefined) clearInterval(this.rssTimer);
    this.rssTimer = undefined;
  }
}
