/**
 * What crosses the thread boundary when a trial runs under hard limits: a task is named by a module
 * URL, an exported function and a JSON input (never a closure), and comes back as a result whose
 * `status` says whether it finished or how it was stopped.
 */
import type { JsonValue } from "../../core/json.js";

/**
 * A task to run in a worker thread: `await import(module)[exportName](input, context)`.
 *
 * The function receives the input (a structured clone of the JSON) and a {@link TaskContext}; what
 * it returns (or resolves to) comes back as the result's `value` by structured clone, so typed
 * arrays (out-of-fold predictions, model weights) travel without a JSON detour. A `.ts`/`.mts`
 * module is loaded through tsx; a `.js`/`.mjs` module (compiled `dist/`) is imported directly.
 */
export interface TaskSpec {
  /** Absolute `file:` URL (e.g. `new URL("./train.ts", import.meta.url).href`) or absolute path. */
  readonly module: string;
  /** Name of the exported function. */
  readonly exportName: string;
  readonly input: JsonValue;
}

/** What a running task can do besides returning: report progress to the thread that started it. */
export interface TaskContext {
  /** Sends a message to the caller's `onReport` (e.g. an intermediate score, for pruning). */
  report(message: JsonValue): void;
  /**
   * Whether the caller asked the task to stop (pruned, time limit, cancelled). Tasks that run for
   * long — above all those running native code such as onnxruntime — should check it between steps
   * and return or throw promptly; a task that ignores it is terminated after a grace period.
   */
  shouldStop(): boolean;
}

/** Hard limits of one task; every limit is optional and unset means unlimited. */
export interface TaskLimits {
  /**
   * Wall time in ms, counted from the call of the task's function (so neither time waiting in the
   * pool's queue nor starting the thread and loading the module counts). On expiry the thread is
   * terminated, even inside a synchronous loop. Default: no limit.
   */
  readonly timeoutMs?: number;
  /** Wall time in ms for starting the thread and importing the module (tsx included). Default 60,000. */
  readonly loadTimeoutMs?: number;
  /**
   * The worker's V8 old-generation heap in MB (`resourceLimits.maxOldGenerationSizeMb`): JS objects,
   * arrays and strings. The backing stores of typed arrays and Buffers live outside this heap and
   * are not counted; see `TrialPoolOptions.maxRssMb` for a process-wide guard. Default: V8's own.
   */
  readonly maxOldGenerationSizeMb?: number;
  /** The worker's young-generation heap in MB. Default: V8's own. */
  readonly maxYoungGenerationSizeMb?: number;
}

/** How a task ended when it did not return a value. */
export type TaskFailure = "timeout" | "out-of-memory" | "error" | "cancelled";

/** The outcome of a task. `durationMs` is wall time from the call of the task's function to its end (or from the start of the thread, if it never got that far). */
export type TaskResult<T = unknown> =
  | { readonly status: "ok"; readonly value: T; readonly durationMs: number }
  | {
      readonly status: TaskFailure;
      /** One line: the thrown error's message (prefixed by its class unless plain `Error`), or the limit hit. */
      readonly reason: string;
      /** The thrown error's stack, when the task threw. */
      readonly stack?: string;
      readonly durationMs: number;
    };
