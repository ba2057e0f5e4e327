/**
 * Where candidate work runs: in worker threads under hard limits (the default; a runaway trial is
 * terminated and recorded as failed) or in the calling thread (`isolation: "none"`, for debugging
 * and small tests, where only the wall-time limit applies, checked between folds).
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { TrialPruned } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";
import { runCandidateTask, refitCandidateTask, type CandidateTaskInput, type CandidateTaskOutput, type RefitTaskInput, type RefitTaskOutput } from "./candidate-task.js";
import { TrialPool } from "./runner/pool.js";
import type { TaskResult } from "./runner/task.js";

/** How candidates are isolated from the main thread. */
export type Isolation = "worker" | "none";

/** Options of {@link CandidateRunner}. */
export interface CandidateRunnerOptions {
  readonly isolation: Isolation;
  readonly jobs: number;
  /** Wall-time limit of one candidate's evaluation, in ms. */
  readonly timeoutMs: number;
  /** V8 heap limit of a worker in MB (worker isolation only). */
  readonly memoryMb?: number;
}

const ext = extname(fileURLToPath(import.meta.url));
const TASK_MODULE = new URL(`./candidate-task${ext}`, import.meta.url).href;

/** Runs candidate evaluations and refits. */
export class CandidateRunner {
  private readonly pool: TrialPool | undefined;

  constructor(private readonly options: CandidateRunnerOptions) {
    this.pool =
      options.isolation === "worker"
        ? new TrialPool({
            jobs: options.jobs,
            limits: { timeoutMs: options.timeoutMs, ...(options.memoryMb !== undefined ? { maxOldGenerationSizeMb: options.memoryMb } : {}) },
            // A candidate that ends on its own leaves its thread, with the learners compiled and the
            // data parsed (see loadRunData), to the next one: a fresh thread costs ~250 ms under tsx.
            // Stopped, pruned, timed-out and crashed candidates still get their thread terminated.
            reuseWorkers: true,
          })
        : undefined;
  }

  /**
   * Evaluates a candidate. `onStep` gets (step, loss) of the first fold and may return true to
   * stop the candidate (it is pruned); `signal` stops it too (the result is `cancelled`).
   */
  async evaluate(input: CandidateTaskInput, onStep: (step: number, loss: number) => Promise<boolean>, signal: AbortSignal): Promise<TaskResult<CandidateTaskOutput> | { status: "pruned"; reason: string; durationMs: number }> {
    const controller = new AbortController();
    const abort = (): void => controller.abort(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    let pruned = false;
    let chain = Promise.resolve();
    const t0 = performance.now();
    try {
      if (this.pool === undefined) return await this.evaluateInProcess(input, onStep, controller.signal, t0);
      const result = await this.pool.run<CandidateTaskOutput>(
        { module: TASK_MODULE, exportName: "runCandidateTask", input: input as unknown as JsonValue },
        {
          signal: controller.signal,
          onReport: (message) => {
            const { step, loss } = message as { step: number; loss: number };
            // Decisions are made in report order; a prune aborts the worker.
            chain = chain.then(async () => {
              if (pruned || controller.signal.aborted) return;
              if (await onStep(step, loss)) {
                pruned = true;
                controller.abort("pruned");
              }
            });
          },
        },
      );
      await chain;
      if (pruned) return { status: "pruned", reason: "pruned by ASHA", durationMs: performance.now() - t0 };
      return result;
    } finally {
      signal.removeEventListener("abort", abort);
    }
  }

  private async evaluateInProcess(input: CandidateTaskInput, onStep: (step: number, loss: number) => Promise<boolean>, signal: AbortSignal, t0: number): Promise<TaskResult<CandidateTaskOutput> | { status: "pruned"; reason: string; durationMs: number }> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    try {
      const value = await runCandidateTask(input, undefined, {
        signal: both,
        onStep: async (step, loss) => {
          if (await onStep(step, loss)) throw new TrialPruned();
        },
      });
      return { status: "ok", value, durationMs: performance.now() - t0 };
    } catch (e) {
      const durationMs = performance.now() - t0;
      if (e instanceof TrialPruned) return { status: "pruned", reason: "pruned by ASHA", durationMs };
      if (timeout.aborted) return { status: "timeout", reason: `time limit of ${this.options.timeoutMs} ms exceeded`, durationMs };
      if (signal.aborted) return { status: "cancelled", reason: String(signal.reason ?? "cancelled"), durationMs };
      return { status: "error", reason: e instanceof Error ? `${e.name === "Error" || e.name === "OuroborosError" ? "" : `${e.name}: `}${e.message}` : String(e), durationMs };
    }
  }

  /** Refits a candidate on all rows (limit: twice the evaluation limit). */
  async refit(input: RefitTaskInput, signal: AbortSignal): Promise<TaskResult<RefitTaskOutput>> {
    const t0 = performance.now();
    if (this.pool === undefined) {
      try {
        return { status: "ok", value: await refitCandidateTask(input), durationMs: performance.now() - t0 };
      } catch (e) {
        return { status: "error", reason: e instanceof Error ? e.message : String(e), durationMs: performance.now() - t0 };
      }
    }
    return this.pool.run<RefitTaskOutput>({ module: TASK_MODULE, exportName: "refitCandidateTask", input: input as unknown as JsonValue }, { signal, limits: { timeoutMs: 2 * this.options.timeoutMs } });
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await this.pool?.close();
  }
}
