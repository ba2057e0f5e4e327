/**
 * One worker thread that runs tasks one after another, each under its own limits. A task that ends
 * on its own (returns or throws) leaves the thread usable for the next task; any forced end (time
 * limit, heap limit, stop, crash) terminates the thread, which is then never used again. Whether a
 * thread gets a second task is the caller's choice (`startTask` never gives it one, `TrialPool`
 * does with `reuseWorkers`).
 */
import { Worker } from "node:worker_threads";
import type { JsonValue } from "../../core/json.js";
import type { TaskFailure, TaskLimits, TaskResult } from "./task.js";

/**
 * The worker's entry, evaluated as a CommonJS script (`eval: true`) so it needs no file of its own
 * and works the same from `src/` under tsx and from compiled `dist/`. tsx cannot start a worker from
 * a `.ts` file (`Unknown file extension ".ts"`), so before a worker's first `.ts` task the script
 * registers tsx's ESM hooks and then imports the module. Every message carries the task's `id`, so
 * a late report from an earlier task's leftover async work is never taken for the current task's.
 */
const BOOTSTRAP = `
const { parentPort, workerData } = require("node:worker_threads");
const stopFlag = new Int32Array(workerData.stopBuffer);
let tsxRegistered = false;
async function run(t) {
  try {
    if (t.tsxApi && !tsxRegistered) {
      (await import(t.tsxApi)).register();
      tsxRegistered = true;
    }
    const mod = await import(t.module);
    const fn = mod[t.exportName];
    if (typeof fn !== "function") {
      throw new Error("module " + t.module + " has no exported function \\"" + t.exportName + "\\"" +
        " (exports: " + (Object.keys(mod).join(", ") || "none") + ")");
    }
    const context = {
      report: (message) => parentPort.postMessage({ type: "report", id: t.id, message }),
      shouldStop: () => Atomics.load(stopFlag, 0) !== 0,
    };
    parentPort.postMessage({ type: "start", id: t.id });
    const value = await fn(t.input, context);
    parentPort.postMessage({ type: "done", id: t.id, value });
  } catch (e) {
    const plain = e instanceof Error;
    parentPort.postMessage({ type: "error", id: t.id, name: plain ? e.name : "", message: plain ? e.message : String(e), stack: plain ? e.stack : undefined });
  }
}
parentPort.on("message", (t) => { void run(t); });
`;

/** A task whose module URL and limits have been checked (see `run-task.ts`). */
export interface PreparedTask {
  /** Absolute `file:`, `data:` or `node:` URL. */
  readonly module: string;
  readonly exportName: string;
  readonly input: JsonValue;
  /** tsx's ESM API URL for a `.ts` module; undefined for JavaScript. */
  readonly tsxApi: string | undefined;
  readonly limits: TaskLimits;
}

/** Per-task options of {@link TaskWorker.run} (the same as `StartTaskOptions`). */
export interface TaskRunOptions {
  readonly signal?: AbortSignal;
  readonly onReport?: (message: JsonValue) => void;
  readonly graceMs?: number;
}

/** A task that is running: its result, and a way to stop it from outside. */
export interface RunningTask<T = unknown> {
  /** Resolves once, with the task's outcome; never rejects. */
  readonly result: Promise<TaskResult<T>>;
  /** Terminates the thread and resolves the result with this status and reason (if not ended yet). */
  stop(status: Exclude<TaskFailure, "error">, reason: string): void;
}

type FromWorker =
  | { type: "start"; id: number }
  | { type: "done"; id: number; value: unknown }
  | { type: "report"; id: number; message: JsonValue }
  | { type: "error"; id: number; name: string; message: string; stack?: string };

interface Current {
  readonly id: number;
  onMessage(m: FromWorker): void;
  onError(e: Error & { code?: string }): void;
  onExit(code: number): void;
}

/** The heap limits a worker is created with; a worker only takes tasks with the same. */
export function heapKey(limits: TaskLimits, ts: boolean): string {
  return JSON.stringify([limits.maxOldGenerationSizeMb ?? null, limits.maxYoungGenerationSizeMb ?? null, ts]);
}

/**
 * A worker thread that runs one task at a time.
 *
 * Heap limits (`maxOldGenerationSizeMb`, `maxYoungGenerationSizeMb`) belong to the thread, so they
 * are fixed at creation and `key` names them; on a reused thread the heap also holds whatever
 * earlier tasks left (module state, caches, leaks), which is why callers bound reuse.
 */
export class TaskWorker {
  /** {@link heapKey} of the limits this thread was created with. */
  readonly key: string;
  /** Tasks started on this thread so far. */
  tasksRun = 0;
  private readonly worker: Worker;
  /** Shared with the thread: 1 asks the current task to stop (`context.shouldStop()`). */
  private readonly stopFlag: Int32Array;
  private readonly exited: Promise<void>;
  private current: Current | undefined;
  private nextId = 0;
  private healthy = true;

  /** @throws whatever `new Worker` throws (e.g. too many threads). */
  constructor(limits: TaskLimits, ts: boolean) {
    this.key = heapKey(limits, ts);
    const stopBuffer = new SharedArrayBuffer(4);
    this.stopFlag = new Int32Array(stopBuffer);
    const resourceLimits: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number } = {};
    if (limits.maxOldGenerationSizeMb !== undefined) resourceLimits.maxOldGenerationSizeMb = limits.maxOldGenerationSizeMb;
    if (limits.maxYoungGenerationSizeMb !== undefined) resourceLimits.maxYoungGenerationSizeMb = limits.maxYoungGenerationSizeMb;
    this.worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { stopBuffer },
      resourceLimits,
      // The task's console output goes to this process's, like a trial's would.
      stdout: false,
      stderr: false,
    });
    this.exited = new Promise((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.on("message", (m: FromWorker) => {
      if (this.current !== undefined && m.id === this.current.id) this.current.onMessage(m);
    });
    this.worker.on("error", (e: Error & { code?: string }) => {
      this.healthy = false;
      this.current?.onError(e);
    });
    this.worker.on("exit", (code) => {
      this.healthy = false;
      this.current?.onExit(code);
    });
  }

  /** Whether the thread is alive, runs nothing, and every task it ran ended on its own. */
  get idle(): boolean {
    return this.healthy && this.current === undefined;
  }

  /**
   * Runs a task on this (idle) thread. The wall-time limit counts from the call of the task's
   * function; importing the module has its own `loadTimeoutMs` (on a reused thread the module is
   * usually cached and loads at once). A stop first raises the shared flag and terminates the thread
   * only if the task has not returned within `graceMs`; any stop, limit or crash marks the thread
   * unusable and terminates it.
   */
  run<T = unknown>(task: PreparedTask, options: TaskRunOptions = {}): RunningTask<T> {
    if (!this.idle) throw new Error("internal error: TaskWorker.run on a busy or dead worker");
    const limits = task.limits;
    const id = ++this.nextId;
    this.tasksRun++;
    let started = performance.now();
    let settle: (r: TaskResult<T>) => void = () => undefined;
    const result = new Promise<TaskResult<T>>((resolve) => (settle = resolve));
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let taskRunning = false;
    let requested: { status: Exclude<TaskFailure, "error">; reason: string } | undefined;

    // `reusable`: the task's code ended (returned or threw, also after a stop request it obeyed);
    // only then may the thread take another task. A forced end (terminated) never is.
    const finish = (r: TaskResult<T>, reusable: boolean): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      options.signal?.removeEventListener("abort", onAbort);
      this.current = undefined;
      if (reusable && this.healthy) {
        // An idle thread never keeps the process alive, even if its owner forgets to close it.
        this.worker.unref();
      } else {
        this.healthy = false;
        void this.worker.terminate();
      }
      settle(r);
    };
    const elapsed = (): number => performance.now() - started;
    const fail = (status: TaskFailure, reason: string, stack?: string): void =>
      finish({ status, reason, durationMs: elapsed(), ...(stack !== undefined ? { stack } : {}) }, false);
    const stop = (status: Exclude<TaskFailure, "error">, reason: string): void => {
      if (done || requested !== undefined) return;
      if (!taskRunning) {
        fail(status, reason);
        return;
      }
      requested = { status, reason };
      Atomics.store(this.stopFlag, 0, 1);
      graceTimer = setTimeout(() => fail(status, reason), options.graceMs ?? 2000);
    };
    const onAbort = (): void => stop("cancelled", `cancelled: ${String(options.signal?.reason ?? "aborted")}`);

    if (options.signal?.aborted) {
      // Nothing reached the thread, so it stays usable.
      done = true;
      settle({ status: "cancelled", reason: `cancelled before it started: ${String(options.signal.reason ?? "aborted")}`, durationMs: 0 });
      return { result, stop: () => undefined };
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });

    this.current = {
      id,
      onMessage: (m) => {
        if (done) return;
        if (m.type === "start") {
          clearTimeout(timer);
          timer = undefined;
          taskRunning = true;
          started = performance.now();
          if (limits.timeoutMs !== undefined) {
            timer = setTimeout(() => stop("timeout", `exceeded its time limit of ${limits.timeoutMs} ms and was terminated`), limits.timeoutMs);
          }
        } else if (m.type === "report") {
          if (requested === undefined) options.onReport?.(m.message);
        } else if (requested !== undefined) {
          // Stopped on request (a pruned or cancelled candidate) and its code ended within the grace
          // period: the thread is idle and as clean as after a normal end, so it may be reused.
          finish({ status: requested.status, reason: requested.reason, durationMs: elapsed() }, true);
        }
        else if (m.type === "done") finish({ status: "ok", value: m.value as T, durationMs: elapsed() }, true);
        else finish({ status: "error", reason: m.name && m.name !== "Error" ? `${m.name}: ${m.message}` : m.message, durationMs: elapsed(), ...(m.stack !== undefined ? { stack: m.stack } : {}) }, true);
      },
      onError: (e) => {
        if (e.code === "ERR_WORKER_OUT_OF_MEMORY") {
          const mb = limits.maxOldGenerationSizeMb;
          fail("out-of-memory", `ran out of memory${mb !== undefined ? ` (heap limit maxOldGenerationSizeMb = ${mb} MB)` : ""} and was terminated`);
        } else {
          fail("error", `uncaught in the worker: ${e.name && e.name !== "Error" ? `${e.name}: ` : ""}${e.message}`, e.stack);
        }
      },
      onExit: (code) => fail("error", `the worker exited with code ${code} before returning a result`),
    };
    // Module loading (tsx's start and compile included) is bounded apart from the task's own limit,
    // so a busy machine's slower start never eats into a trial's time.
    const loadLimit = limits.loadTimeoutMs ?? 60_000;
    timer = setTimeout(() => stop("timeout", `did not finish loading ${task.module} within loadTimeoutMs = ${loadLimit} ms and was terminated`), loadLimit);
    Atomics.store(this.stopFlag, 0, 0);
    this.worker.ref();
    try {
      this.worker.postMessage({ id, module: task.module, exportName: task.exportName, input: task.input, tsxApi: task.tsxApi });
    } catch (e) {
      fail("error", `could not send the task to its worker thread: ${(e as Error).message}`);
    }
    return { result, stop };
  }

  /** Terminates the thread (if still alive) and resolves once it has exited. */
  terminate(): Promise<void> {
    this.healthy = false;
    void this.worker.terminate();
    return this.exited;
  }
}
