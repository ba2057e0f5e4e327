/** Tasks for the runner tests, run in worker threads by module URL and export name. */
import { appendFileSync } from "node:fs";
import { threadId } from "node:worker_threads";
import type { TaskContext } from "../task.js";

/** Returns twice its input, with the worker's start and end times. */
export function double(input: { x: number }): { y: number } {
  return { y: input.x * 2 };
}

/** Throws a TypeError carrying the given message. */
export async function fail(input: { message: string }): Promise<never> {
  await Promise.resolve();
  throw new TypeError(input.message);
}

/** Never returns, and never yields to the event loop. */
export function spin(): number {
  let x = 0;
  for (;;) x = (x + 1) % 1_000_003;
}

/** Allocates JS arrays without bound (counted in the V8 heap). */
export function hog(): number {
  const keep: number[][] = [];
  for (;;) keep.push(Array.from({ length: 10_000 }, (_, i) => i + 0.5));
}

/** Allocates typed arrays without bound, touching every page (memory outside the V8 heap). */
export function hogTyped(): number {
  const keep: Float64Array[] = [];
  for (;;) keep.push(new Float64Array(1 << 20).fill(1.5));
}

/** Blocks the thread for `ms` (without spinning), returning when it started and ended. */
export function nap(input: { ms: number }): { start: number; end: number } {
  const start = Date.now();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, input.ms);
  return { start, end: Date.now() };
}

/** Reports `n` progress messages, then returns a typed array (structured clone, not JSON). */
export function progress(input: { n: number }, context: TaskContext): Float64Array {
  for (let i = 0; i < input.n; i++) context.report({ step: i, loss: 1 / (i + 1) });
  return Float64Array.from({ length: input.n }, (_, i) => i / 2);
}

/** The id of the thread the task runs in (to tell a reused worker from a fresh one). */
export function whoAmI(): { threadId: number } {
  return { threadId };
}

/** Spins until asked to stop, then returns (a task that honours the cooperative stop). */
export function politeSpin(_input: null, context: TaskContext): { threadId: number } {
  while (!context.shouldStop()) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  return { threadId };
}

/** Leaves a timer behind that appends a byte to `path` every 10 ms for as long as its thread lives. */
export function tick(input: { path: string }): { threadId: number } {
  setInterval(() => appendFileSync(input.path, "."), 10);
  return { threadId };
}
