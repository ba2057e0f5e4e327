/**
 * Runs one task in a fresh `worker_threads` Worker under hard limits. A fresh thread per task
 * costs a few tens of ms (plus tsx's start and the module's compile for `.ts` modules, ~250 ms) and
 * buys isolation: a killed or crashed task leaves nothing behind, and each task gets its own heap
 * limit. `TrialPool` with `reuseWorkers` trades part of that isolation for the start-up time.
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { OuroborosError } from "../../core/errors.js";
import type { JsonValue } from "../../core/json.js";
import type { TaskLimits, TaskResult, TaskSpec } from "./task.js";
import { TaskWorker, type PreparedTask, type RunningTask } from "./task-worker.js";

export type { RunningTask } from "./task-worker.js";

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
 * Checks a task's module and limits and resolves its module URL (and tsx, for a `.ts` module).
 * @throws OuroborosError `invalid-argument` for a relative module path or a limit ≤ 0.
 */
export function prepareTask(spec: TaskSpec, limits: TaskLimits = {}): PreparedTask {
  checkLimit("timeoutMs", limits.timeoutMs);
  checkLimit("maxOldGenerationSizeMb", limits.maxOldGenerationSizeMb);
  checkLimit("maxYoungGenerationSizeMb", limits.maxYoungGenerationSizeMb);
  checkLimit("loadTimeoutMs", limits.loadTimeoutMs);
  const module = moduleUrl(spec.module);
  const isTs = /\.(ts|mts|cts|tsx)$/.test(new URL(module).pathname);
  return { module, exportName: spec.exportName, input: spec.input, tsxApi: isTs ? tsxApi() : undefined, limits };
}

/**
 * Starts a task in a new worker thread, which is terminated when the task ends.
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
  const task = prepareTask(spec, options.limits);
  if (options.signal?.aborted) {
    return { result: Promise.resolve({ status: "cancelled", reason: `cancelled before it started: ${String(options.signal.reason ?? "aborted")}`, durationMs: 0 }), stop: () => undefined };
  }
  let worker: TaskWorker;
  try {
    worker = new TaskWorker(task.limits, task.tsxApi !== undefined);
  } catch (e) {
    return { result: Promise.resolve({ status: "error", reason: `could not start a worker thread: ${(e as Error).message}`, durationMs: 0 }), stop: () => undefined };
  }
  const running = worker.run<T>(task, options);
  void running.result.then(() => worker.terminate());
  return running;
}

/** Runs a task in a new worker thread under `options.limits`; resolves with its result (never rejects for a task's failure). */
export function runTask<T = unknown>(spec: TaskSpec, options: StartTaskOptions = {}): Promise<TaskResult<T>> {
  return startTask<T>(spec, options).result;
}
