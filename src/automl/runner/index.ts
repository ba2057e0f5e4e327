/** Runs trials in worker threads under hard wall-time and memory limits, `jobs` at a time. */

/** A task (module URL + export + JSON input), its limits and its result. */
export type { TaskContext, TaskFailure, TaskLimits, TaskResult, TaskSpec } from "./task.js";
/** One task in a fresh worker thread (the pool may reuse threads, see `reuseWorkers`). */
export { runTask, startTask, type RunningTask, type StartTaskOptions } from "./run-task.js";
/** A queue of tasks over `jobs` worker threads. */
export { TrialPool, type TrialPoolOptions } from "./pool.js";
