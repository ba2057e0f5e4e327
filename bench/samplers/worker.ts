/**
 * Runs one job of our side of the samplers benchmark in its own process (so two jobs use the two
 * cores, as the Optuna side's subprocesses do): reads a {@link OurJob} as JSON on stdin, writes
 * `{ runs }` as JSON on stdout, progress on stderr. Started by `bench/samplers.ts`.
 */
import type { JsonValue } from "../../src/core/json.js";
import { ourSampler } from "./catalog.js";
import { runFidelity, runMulti, runSingle } from "./runs.js";

/** A job of our side. */
export interface OurJob {
  readonly mode: "single" | "multi" | "fidelity";
  readonly sampler: string;
  readonly params?: Readonly<Record<string, JsonValue>>;
  readonly problem: string;
  readonly seeds: readonly number[];
  /** Trials per run (single, multi). */
  readonly nTrials?: number;
  /** Trial checkpoints (single, multi) or resource budgets in full evaluations (fidelity). */
  readonly checkpoints: readonly number[];
  /** Fidelity: run under the Hyperband pruner. */
  readonly hyperband?: boolean;
}

async function main(): Promise<void> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  const job = JSON.parse(text) as OurJob;
  const factory = await ourSampler(job.sampler, job.params ?? {});
  if (typeof factory === "string") throw new Error(`our ${job.sampler}: ${factory}`);
  const tag = `  ours ${job.sampler}${job.hyperband ? "+hyperband" : ""} ${job.problem}`;
  const log = (line: string): void => void process.stderr.write(`${tag} ${line}\n`);
  const n = job.nTrials ?? 0;
  const runs =
    job.mode === "single"
      ? await runSingle(job.problem, factory, job.seeds, n, job.checkpoints, log)
      : job.mode === "multi"
        ? await runMulti(job.problem, factory, job.seeds, n, job.checkpoints, log)
        : await runFidelity(job.problem, { factory, hyperband: job.hyperband === true }, job.seeds, job.checkpoints, log);
  process.stdout.write(`${JSON.stringify({ runs })}\n`);
}

await main();
