/**
 * Runs one task in a fresh `worker_threads` Worker under hard limits. A fresh thread per task
 * costs a few tens of ms (plus tsx's start for `.ts` modules) and buys isolation: a killed or
 * crashed task leaves nothing behind, and each task gets its own heap limit.
 */
import { Worker } from "node:worker_threads";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { OuroborosError } from "../../core/errors.js";
import type { JsonValue } from "../../core/json.js";
import type { TaskFailure, TaskLimits, TaskResult, TaskSpec } from "./task.js";

/**
 * The worker's entry, evaluated as a CommonJS script (`eval: true`) so it needs no file of its own
 * and works the same from `src/` under tsx and from compiled `dist/`. tsx cannot start a worker from
 * a `.ts` file (`Unknown file extension ".ts"`), so for a `.ts` task the script registers tsx's ESM
 * hooks in the worker first and then imports the module.
 */
const BOOTSTRAP = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  const mod = await import(workerData.module);
  const fn = mod[workerData.exportName];
  if (typeof fn !== "function") {
    throw new Error("module " + workerData.module + " has no exported function \\"" + workerData.exportName + "\\"" +
      " (exports: " + (Object.keys(mod).join(", ") || "none") + ")");
  }
  const stopFlag = new Int32Array(workerData.stopBuffer);
  const context = {
    report: (message) => parentPort.postMessage({ type: "report", message }),
    shouldStop: () => Atomics.load(stopFlag, 0) !== 0,
  };
  parentPort.postMessage({ type: "start" });
  const value = await fn(workerData.input, context);
  parentPort.postMessage({ type: "done", value });
})().catch((e) => {
  const plain = e instanceof Error;
  parentPort.postMessage({ type: "error", name: plain ? e.name : "", message: plain ? e.message : String(e), stack: plain ? e.stack : undefined });
});
`;

/** Options of {@link startTask}. */
export interface StartTaskOptions {
  /** Hard limits (default: none). */
  readonly limits?: TaskLimits;
  /** Aborting terminates the task with status `cancelled`. */
  readonly signal?: AbortSignal;
  /** Receives each `context.report(message)` of the task, in order. */
  readonly onReport?: (message: JsonValue) => void;
  /**
   * How long a stop (abort, time limit) waits for the task to notice `context.shouldStop()` and
   * return before the thread is terminated, in ms. Default 2000. Terminating a thread while native
   * code runs in it (an onnxruntime session) can abort the whole process, so tasks that run native
   * code poll `shouldStop` between steps and are never terminated mid-call.
   */
  readonly graceMs?: number;
}

/** A task that is running: its result, and a way to stop it from outside. */
export interface RunningTask<T = unknown> {
  /** Resolves once, with the task's outcome; never rejects. */
  readonly result: Promise<TaskResult<T>>;
  /** Terminates the thread and resolves the result with this status and reason (if not ended yet). */
  stop(status: Exclude<TaskFailure, "error">, reason: string): void;
}

let tsxApiUrl: string | undefined;

/** Where tsx's ESM API lives, resolved from this package (so workers find it from any cwd). */
function tsxApi(): string {
  if (tsxApiUrl === undefined) {
    try {
      tsxApiUrl = import.meta.resolve("tsx/esm/api");
    } catch (e) {
      throw new OuroborosError("unsupported", `a .ts task module needs the tsx package, which could not be found (${(e as Error).message}); compile the module to .js or install tsx`);
    }
  }
  return tsxApiUrl;
}

/** The module as a `file:` URL; refuses relative paths, which would resolve differently in the worker. */
function moduleUrl(module: string): string {
  if (/^(file|data|node):/.test(module)) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw new OuroborosError("invalid-argument", `task module must be an absolute path or a file: URL (e.g. new URL("./task.ts", import.meta.url).href), but got "${module}"`);
}

function checkLimit(name: string, v: number | undefined): void {
  if (v !== undefined && !(v > 0)) throw new OuroborosError("invalid-argument", `task limit ${name} must be > 0, but got ${v}`);
}

/**
 * Starts a task in a new worker thread.
 *
 * The worker is terminated (V8 `TerminateExecution`, which stops even a synchronous loop) when the
 * wall-time limit passes (counted from the call of the task's function; loading the module has its
 * own `loadTimeoutMs`), when `signal` aborts or when `stop` is called; a heap over
 * `maxOldGenerationSizeMb` makes V8 stop the worker itself. The result tells these apart:
 * `timeout`, `cancelled`, `out-of-memory`, or `error` for a throw (message kept), a module or
 * export that is missing, a value that cannot be cloned, or the worker exiting without an answer.
 *
 * @throws OuroborosError `invalid-argument` for a relative module path or a limit ≤ 0.
 */
export function startTask<T = unknown>(spec: TaskSpec, options: StartTaskOptions = {}): RunningTask<T> {
  const limits = options.limits ?? {};
  checkLimit("timeoutMs", limits.timeoutMs);
  checkLimit("maxOldGenerationSizeMb", limits.maxOldGenerationSizeMb);
  checkLimit("maxYoungGenerationSizeMb", limits.maxYoungGenerationSizeMb);
  checkLimit("loadTimeoutMs", limits.loadTimeoutMs);
  const module = moduleUrl(spec.module);
  const isTs = /\.(ts|mts|cts|tsx)$/.test(new URL(module).pathname);
  let started = performance.now();
  let settle: (r: TaskResult<T>) => void = () => undefined;
  const result = new Promise<TaskResult<T>>((resolve) => (settle = resolve));
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let worker: Worker | undefined;

  const finish = (r: TaskResult<T>): void => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    if (graceTimer) clearTimeout(graceTimer);
    options.signal?.removeEventListener("abort", onAbort);
    settle(r);
    void worker?.terminate();
  };
  const elapsed = (): number => performance.now() - started;
  const fail = (status: TaskFailure, reason: string, stack?: string): void =>
    finish({ status, reason, durationMs: elapsed(), ...(stack !== undefined ? { stack } : {}) });
  // A stop first asks the task to return (the shared flag behind `context.shouldStop()`), and
  // terminates the thread only if it has not returned within the grace period.
  const stopBuffer = new SharedArrayBuffer(4);
  const stopFlag = new Int32Array(stopBuffer);
  let requested: { status: Exclude<TaskFailure, "error">; reason: string } | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const stop = (status: Exclude<TaskFailure, "error">, reason: string): void => {
    if (done || requested !== undefined) return;
    if (worker === undefined || !taskRunning) {
      fail(status, reason);
      return;
    }
    requested = { status, reason };
    Atomics.store(stopFlag, 0, 1);
    graceTimer = setTimeout(() => fail(status, reason), options.graceMs ?? 2000);
  };
  let taskRunning = false;
  const onAbort = (): void => stop("cancelled", `cancelled: ${String(options.signal?.reason ?? "aborted")}`);

  if (options.signal?.aborted) {
    fail("cancelled", `cancelled before it started: ${String(options.signal.reason ?? "aborted")}`);
    return { result, stop };
  }
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const resourceLimits: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number } = {};
  if (limits.maxOldGenerationSizeMb !== undefined) resourceLimits.maxOldGenerationSizeMb = limits.maxOldGenerationSizeMb;
  if (limits.maxYoungGenerationSizeMb !== undefined) resourceLimits.maxYoungGenerationSizeMb = limits.maxYoungGenerationSizeMb;
  try {
    worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { module, exportName: spec.exportName, input: spec.input, tsxApi: isTs ? tsxApi() : undefined, stopBuffer },
      resourceLimits,
      // The task's console output goes to this process's, like a trial's would.
      stdout: false,
      stderr: false,
    });
  } catch (e) {
    fail("error", `could not start a worker thread: ${(e as Error).message}`);
    return { result, stop };
  }
  // Module loading (tsx's start and compile included) is bounded apart from the task's own limit, so
  // a busy machine's slower start never eats into a trial's time.
  const loadLimit = limits.loadTimeoutMs ?? 60_000;
  timer = setTimeout(() => stop("timeout", `did not finish loading ${spec.module} within loadTimeoutMs = ${loadLimit} ms and was terminated`), loadLimit);
  const onStart = (): void => {
    clearTimeout(timer);
    timer = undefined;
    taskRunning = true;
    started = performance.now();
    if (limits.timeoutMs !== undefined) {
      timer = setTimeout(() => stop("timeout", `exceeded its time limit of ${limits.timeoutMs} ms and was terminated`), limits.timeoutMs);
    }
  };
  worker.on("message", (m: { type: "start" } | { type: "done"; value: T } | { type: "report"; message: JsonValue } | { type: "error"; name: string; message: string; stack?: string }) => {
    if (done) return;
    if (m.type === "start") onStart();
    else if (m.type === "report") {
      if (requested === undefined) options.onReport?.(m.message);
    } else if (requested !== undefined) fail(requested.status, requested.reason);
    else if (m.type === "done") finish({ status: "ok", value: m.value, durationMs: elapsed() });
    else fail("error", m.name && m.name !== "Error" ? `${m.name}: ${m.message}` : m.message, m.stack);
  });
  worker.on("error", (e: Error & { code?: string }) => {
    if (e.code === "ERR_WORKER_OUT_OF_MEMORY") {
      const mb = limits.maxOldGenerationSizeMb;
      fail("out-of-memory", `ran out of memory${mb !== undefined ? ` (heap limit maxOldGenerationSizeMb = ${mb} MB)` : ""} and was terminated`);
    } else {
      fail("error", `uncaught in the worker: ${e.name && e.name !== "Error" ? `${e.name}: ` : ""}${e.message}`, e.stack);
    }
  });
  worker.on("exit", (code) => fail("error", `the worker exited with code ${code} before returning a result`));
  return { result, stop };
}

/** Runs a task in a new worker thread under `options.limits`; resolves with its result (never rejects for a task's failure). */
export function runTask<T = unknown>(spec: TaskSpec, options: StartTaskOptions = {}): Promise<TaskResult<T>> {
  return startTask<T>(spec, options).result;
}
