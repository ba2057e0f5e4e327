/**
 * Hyperparameter schedules: tracing a final model's lineage through the exploits of a PBT run, and
 * retraining it from scratch by replaying that lineage (what Ray Tune's PBT could not do, ray#9178).
 */
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import { deriveSeed } from "../core/rng.js";
import type { PBTCheckpointHooks, PBTInterval, PBTParams, PBTSchedule, PBTStep, PBTStepResult, ScheduleSegment } from "./types.js";

/** The seed a member's step gets: the same in the run and in any replay of a schedule through it. */
export function stepSeed(seed: number, member: number, step: number): number {
  return deriveSeed(seed, "pbt", "step", member, step);
}

/**
 * The schedule of the model member `member` holds after the last interval: walking back from its
 * last interval, each interval that began with an exploit continues in the donor's interval that
 * ended there. The result lists the segments in step order, starting at step 0.
 */
export function scheduleOf(intervals: readonly PBTInterval[], member: number, seed: number): PBTSchedule {
  const byEnd = new Map<string, PBTInterval>();
  let last: PBTInterval | undefined;
  for (const iv of intervals) {
    byEnd.set(`${iv.member}:${iv.end}`, iv);
    if (iv.member === member && (last === undefined || iv.end > last.end)) last = iv;
  }
  if (last === undefined) throw new OuroborosError("invalid-argument", `scheduleOf: no interval of member ${member}`);
  const segments: ScheduleSegment[] = [];
  let cur: PBTInterval | undefined = last;
  while (cur !== undefined) {
    segments.push({ start: cur.start, end: cur.end, member: cur.member, params: cur.params });
    if (cur.start === 0) break;
    const from: number = cur.copiedFrom ?? cur.member;
    const prev = byEnd.get(`${from}:${cur.start}`);
    if (prev === undefined) throw new OuroborosError("invalid-argument", `scheduleOf: member ${from} has no interval ending at step ${cur.start}, which member ${cur.member}'s lineage needs`);
    cur = prev;
  }
  return { seed, member, segments: segments.reverse() };
}

/** The score and state a step returned, checked. */
export function readStepResult<S>(result: PBTStepResult<S>, where: string): { score: number; state: S | undefined; hasState: boolean } {
  if (typeof result === "number") return { score: result, state: undefined, hasState: false };
  if (result !== null && typeof result === "object" && typeof result.score === "number") return { score: result.score, state: result.state, hasState: true };
  throw new OuroborosError("invalid-value", `${where}: the step must return a number or { score, state }, but got ${JSON.stringify(result) ?? String(result)}`);
}

/**
 * Retrains a model from scratch along a schedule: `step` is called for every step of every segment
 * in order, as the segment's member, with its hyperparameters and the seed that member's step had
 * in the run, threading the state each step returns into the next. Where the lineage passes from
 * one member to another (an exploit), a step that keeps models itself gets `restore(to,
 * checkpoint(from))`, exactly as in the run; such a step must start from fresh models. With a
 * deterministic step (given its state, params and `ctx.seed`), the result equals the run's final
 * score and state for that member.
 *
 * @example
 * const result = await runPBT({ ...options, step: train });
 * const again = await replaySchedule(result.best.schedule, train);
 * assert.equal(again.score, result.best.score);
 */
export async function replaySchedule<S>(schedule: PBTSchedule, step: PBTStep<S>, hooks: PBTCheckpointHooks = {}): Promise<{ score: number; state: S | undefined }> {
  const segments = schedule.segments;
  if (!Array.isArray(segments) || segments.length === 0) throw new OuroborosError("invalid-argument", "replaySchedule: the schedule has no segments");
  let state: S | undefined;
  let score = Number.NaN;
  let expected = 0;
  let previous: ScheduleSegment | undefined;
  for (const seg of segments) {
    if (seg.start !== expected || !(seg.end > seg.start)) {
      throw new OuroborosError("invalid-argument", `replaySchedule: segments must tile the steps from 0, but a segment covers [${seg.start}, ${seg.end}) after step ${expected}`);
    }
    if (previous !== undefined && previous.member !== seg.member && hooks.checkpoint && hooks.restore) {
      await hooks.restore(seg.member, await hooks.checkpoint(previous.member, { step: seg.start }));
    }
    for (let s = seg.start; s < seg.end; s++) {
      const params: PBTParams = seg.params;
      const r = readStepResult(await step({ id: seg.member, params, state }, { step: s, seed: stepSeed(schedule.seed, seg.member, s) }), `replaySchedule (member ${seg.member}, step ${s})`);
      score = r.score;
      if (r.hasState) state = r.state;
    }
    expected = seg.end;
    previous = seg;
  }
  return { score, state };
}

/**
 * User attribute keys of a PBT interval recorded as a study trial: where it lies in the run
 * (`member` … `copiedFrom`), its final score (`score`: a number, or "NaN"/"Infinity"/"-Infinity"
 * for a non-finite one, whose trial is failed), and the model it ended with, for resuming: the
 * step's state (`state`), the `checkpoint` hook's value (`checkpoint`), or why the state could not
 * be stored (`unsaved`). The study itself holds the run's settings under "pbt:run" and the best
 * schedule under "pbt:best".
 */
export const PBT_ATTRS = {
  member: "pbt:member",
  round: "pbt:round",
  start: "pbt:start",
  end: "pbt:end",
  copiedFrom: "pbt:copiedFrom",
  score: "pbt:score",
  state: "pbt:state",
  checkpoint: "pbt:checkpoint",
  unsaved: "pbt:unsaved",
} as const;

/** The final score of a finished interval's trial, or undefined for a trial that is not one (running, or interrupted). */
export function recordedScore(t: FrozenTrial): number | undefined {
  if (t.state === "running" || t.state === "waiting") return undefined;
  const s = t.userAttrs[PBT_ATTRS.score];
  if (typeof s === "number") return s;
  if (typeof s === "string") return Number(s);
  // Recorded before scores were stored as attributes: only complete trials carry one.
  return t.state === "complete" ? t.value : undefined;
}

/**
 * The intervals of a PBT run recorded in a study (see `RunPBTOptions.study`), rebuilt from its
 * trials' user attributes and values; trials without them are skipped, and so are intervals that
 * never finished (left running by a killed process, or failed as interrupted). With
 * {@link scheduleOf}, the schedule of any member can be recovered from storage alone.
 */
export function intervalsFromTrials(trials: readonly FrozenTrial[]): PBTInterval[] {
  const out: PBTInterval[] = [];
  for (const t of trials) {
    const a = t.userAttrs;
    const member = a[PBT_ATTRS.member];
    const round = a[PBT_ATTRS.round];
    const start = a[PBT_ATTRS.start];
    const end = a[PBT_ATTRS.end];
    const from = a[PBT_ATTRS.copiedFrom];
    const score = recordedScore(t);
    if (typeof member !== "number" || typeof round !== "number" || typeof start !== "number" || typeof end !== "number" || score === undefined) continue;
    out.push({ round, member, start, end, params: { ...t.params }, copiedFrom: typeof from === "number" ? from : undefined, score });
  }
  return out;
}
