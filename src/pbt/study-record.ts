/**
 * A PBT run's durable record in a study, which is what lets a killed run resume: the run's settings
 * (study user attribute "pbt:run"), and one trial per member-interval, created *running* when the
 * interval starts and finished in one atomic append with its scores and the model it ended with.
 * A running PBT trial found at start-up is an interval a dead process left behind.
 *
 * Interval trials are written as journal ops rather than through `ask`/`tell`, as `addTrial` does:
 * PBT, not the study's sampler, chooses their hyperparameters, so the sampler's hooks (relative
 * sampling, generation bookkeeping) must not see them.
 */
import { isDeepStrictEqual } from "node:util";
import type { Distribution } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import { resolveSeed } from "../samplers/random.js";
import type { JournalOp } from "../storage/journal-ops.js";
import type { Study } from "../study/study.js";
import { PBT_ATTRS, recordedScore } from "./schedule.js";
import type { PBTInterval } from "./types.js";

/** The settings that fix a run's intervals, stored as "pbt:run"; a resume must match them. */
export interface PBTRunSettings {
  readonly seed: number;
  readonly population: number;
  readonly totalSteps: number;
  readonly readyInterval: number;
  readonly direction: string;
  readonly hyperparameters: Readonly<Record<string, Distribution>>;
}

/** The study user attribute holding a run's {@link PBTRunSettings}. */
export const PBT_RUN_ATTR = "pbt:run";

/** The model a finished interval ended with, as stored. */
export type SavedModel =
  | { readonly kind: "none" }
  | { readonly kind: "json"; readonly value: JsonValue }
  | { readonly kind: "unsaved"; readonly reason: string };

/** A finished member-interval read back from the study. */
export interface RecordedInterval {
  readonly trial: number;
  readonly member: number;
  readonly round: number;
  readonly start: number;
  readonly end: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly copiedFrom: number | undefined;
  readonly score: number;
  /** The step's state after the interval ("none" when the step returned none). */
  readonly state: SavedModel;
  /** The `checkpoint` hook's value after the interval ("none" when there were no hooks). */
  readonly checkpoint: SavedModel;
}

/** What the failed trial of an interval a dead process left running says. */
export const INTERRUPTED_REASON = "interrupted: the runPBT process stopped (killed?) while this interval was running; a resumed runPBT marked it failed and trained the interval again";

/** Writes a run's intervals to a study and reads back what an earlier, interrupted call recorded. */
export class PBTStudyRecord {
  private constructor(
    private readonly study: Study,
    /** The run's seed: the one given, else the recorded run's, else a fresh one. */
    readonly seed: number,
    private readonly finished: ReadonlyMap<string, RecordedInterval>,
  ) {}

  /**
   * Opens the record: checks `settings` against the run already recorded (if any), failing with a
   * message naming the first setting that differs, stores them if there is none, and marks
   * intervals left running as failed ({@link INTERRUPTED_REASON}) so they are trained again.
   */
  static async open(study: Study, settings: Omit<PBTRunSettings, "seed">, seed: number | undefined): Promise<PBTStudyRecord> {
    await study.refresh();
    const pbtTrials = study.trials.filter((t) => typeof t.userAttrs[PBT_ATTRS.member] === "number");
    const stored = study.userAttrs[PBT_RUN_ATTR] as Partial<PBTRunSettings> | undefined;
    let runSeed: number;
    if (stored === undefined) {
      if (pbtTrials.length > 0) {
        throw new OuroborosError("unsupported", `runPBT: study "${study.studyName}" holds PBT intervals recorded without the "${PBT_RUN_ATTR}" settings (by an older version?), so they cannot be resumed; use a new study`);
      }
      runSeed = resolveSeed("runPBT", seed);
      const record: PBTRunSettings = { seed: runSeed, ...settings };
      await study.setUserAttr(PBT_RUN_ATTR, JSON.parse(JSON.stringify(record)) as JsonValue);
    } else {
      runSeed = resolveSeed("runPBT", seed ?? stored.seed);
      const want: PBTRunSettings = JSON.parse(JSON.stringify({ seed: runSeed, ...settings })) as PBTRunSettings;
      for (const key of Object.keys(want) as (keyof PBTRunSettings)[]) {
        if (!isDeepStrictEqual(stored[key], want[key])) {
          throw new OuroborosError(
            "invalid-argument",
            `runPBT: study "${study.studyName}" holds a PBT run with ${key}=${JSON.stringify(stored[key])}, but this call has ${key}=${JSON.stringify(want[key])}; ` +
              "resume with the recorded run's options (and seed), or use a new study",
          );
        }
      }
    }
    const leftRunning = pbtTrials.filter((t) => t.state === "running");
    if (leftRunning.length > 0) {
      const time = Date.now();
      await study.storage.append(leftRunning.map((t): JournalOp => ({ op: "finishTrial", study: study.studyId, trial: t.number, state: "fail", failReason: INTERRUPTED_REASON, time })));
    }
    const finished = new Map<string, RecordedInterval>();
    for (const t of pbtTrials) {
      const r = readInterval(t);
      if (r !== undefined && !finished.has(key(r.round, r.member))) finished.set(key(r.round, r.member), r);
    }
    return new PBTStudyRecord(study, runSeed, finished);
  }

  /** The study's name, for messages. */
  get studyName(): string {
    return this.study.studyName;
  }

  /** The finished interval of `member` in `round` recorded by an earlier call, if any. */
  finishedInterval(round: number, member: number): RecordedInterval | undefined {
    return this.finished.get(key(round, member));
  }

  /** Creates the running trial of an interval about to be trained; returns its number. */
  async start(iv: Omit<PBTInterval, "score">, internalParams: Readonly<Record<string, number>>, space: Readonly<Record<string, Distribution>>): Promise<number> {
    const storage = this.study.storage;
    const nonce = storage.nextNonce();
    await storage.append([
      {
        op: "createTrial",
        study: this.study.studyId,
        worker: storage.worker,
        nonce,
        state: "running",
        time: Date.now(),
        params: { ...internalParams },
        distributions: space,
        userAttrs: {
          [PBT_ATTRS.member]: iv.member,
          [PBT_ATTRS.round]: iv.round,
          [PBT_ATTRS.start]: iv.start,
          [PBT_ATTRS.end]: iv.end,
          [PBT_ATTRS.copiedFrom]: iv.copiedFrom ?? null,
        },
      },
    ]);
    const trial = storage.state.outcome(storage.worker, nonce)?.trial;
    if (trial === undefined) throw new OuroborosError("storage", `runPBT: could not create a trial in study "${this.study.studyName}" (was it deleted?)`);
    return trial;
  }

  /**
   * Finishes an interval's trial in one atomic append: its curve as intermediate values, its score
   * (failed when non-finite, as before), and the model it ended with. A process killed before this
   * append leaves the trial running, so the interval counts as not done.
   */
  async finish(trial: number, score: number, curve: Readonly<Record<string, number>>, state: SavedModel, checkpoint: SavedModel): Promise<void> {
    const study = this.study.studyId;
    const attr = (k: string, value: JsonValue): JournalOp => ({ op: "setTrialAttr", study, trial, scope: "user", key: k, value });
    const ops: JournalOp[] = Object.entries(curve).map(([s, value]) => ({ op: "report", study, trial, step: Number(s), value }));
    ops.push(attr(PBT_ATTRS.score, Number.isFinite(score) ? score : String(score)));
    if (state.kind === "json") ops.push(attr(PBT_ATTRS.state, state.value));
    if (state.kind === "unsaved") ops.push(attr(PBT_ATTRS.unsaved, state.reason));
    if (checkpoint.kind === "json") ops.push(attr(PBT_ATTRS.checkpoint, checkpoint.value));
    const time = Date.now();
    ops.push(Number.isFinite(score) ? { op: "finishTrial", study, trial, state: "complete", values: [score], time } : { op: "finishTrial", study, trial, state: "fail", failReason: `score ${score}`, time });
    await this.study.storage.append(ops);
  }

  /** Fails an interval's trial that did not finish in this process (the step threw, or the run was aborted). */
  async fail(trial: number, reason: string): Promise<void> {
    await this.study.storage.append([{ op: "finishTrial", study: this.study.studyId, trial, state: "fail", failReason: reason, time: Date.now() }]);
  }

  /** Stores the best member's schedule (study attribute "pbt:best"). */
  async setBest(schedule: JsonValue): Promise<void> {
    await this.study.setUserAttr("pbt:best", schedule);
  }
}

const key = (round: number, member: number): string => `${round}:${member}`;

function readInterval(t: FrozenTrial): RecordedInterval | undefined {
  const a = t.userAttrs;
  const [member, round, start, end, from] = [a[PBT_ATTRS.member], a[PBT_ATTRS.round], a[PBT_ATTRS.start], a[PBT_ATTRS.end], a[PBT_ATTRS.copiedFrom]];
  const score = recordedScore(t);
  if (typeof member !== "number" || typeof round !== "number" || typeof start !== "number" || typeof end !== "number" || score === undefined) return undefined;
  const unsaved = a[PBT_ATTRS.unsaved];
  const state: SavedModel =
    PBT_ATTRS.state in a ? { kind: "json", value: a[PBT_ATTRS.state] as JsonValue } : typeof unsaved === "string" ? { kind: "unsaved", reason: unsaved } : { kind: "none" };
  const checkpoint: SavedModel = PBT_ATTRS.checkpoint in a ? { kind: "json", value: a[PBT_ATTRS.checkpoint] as JsonValue } : { kind: "none" };
  return { trial: t.number, member, round, start, end, params: t.params, copiedFrom: typeof from === "number" ? from : undefined, score, state, checkpoint };
}

/**
 * Why `value` would not come back from JSON unchanged (a class instance such as a typed array or
 * Map, a function, undefined, a non-finite number, a cycle), naming where, or undefined if it
 * would (−0 comes back as 0, which is accepted).
 */
export function jsonProblem(value: unknown, path = "", seen = new Set<object>()): string | undefined {
  const where = path === "" ? "" : ` at ${path}`;
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${value}${where}`;
    case "object": {
      if (value === null) return undefined;
      if (seen.has(value)) return `a circular reference${where}`;
      const proto = Object.getPrototypeOf(value) as unknown;
      const isArray = Array.isArray(value) && proto === Array.prototype;
      if (!isArray && proto !== Object.prototype && proto !== null) return `a ${(value as object).constructor?.name ?? "non-plain object"}${where}`;
      seen.add(value);
      try {
        if (isArray) {
          const arr = value as unknown[];
          for (let i = 0; i < arr.length; i++) {
            const p = jsonProblem(arr[i], `${path}[${i}]`, seen);
            if (p !== undefined) return p;
          }
        } else {
          for (const [k, v] of Object.entries(value)) {
            const p = jsonProblem(v, `${path}.${k}`, seen);
            if (p !== undefined) return p;
          }
        }
      } finally {
        seen.delete(value);
      }
      return undefined;
    }
    default:
      return `${value === undefined ? "undefined" : `a ${typeof value}`}${where}`;
  }
}
