/**
 * Replays journal operations into studies and trials. Every reader of a journal, in any process,
 * builds the same state from the same ops: this is what makes the journal the single source of
 * truth (Optuna's JournalStorage design). Replay is incremental: `apply` is called for each new op.
 * Frozen snapshots of trials are built lazily and cached until the trial changes, so a study with
 * 10,000 trials costs nothing extra to read again; after a change, the study's trial array is
 * rebuilt by copying the unchanged prefix and freezing only the trials from the first changed one.
 */
import { toExternal, type Distribution, type ParamValue } from "../core/distributions.js";
import { isFinished, type FrozenTrial, type StudyDirection, type TrialState } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { JournalOp } from "./journal-ops.js";

/** Mutable replay record of a trial (internal to storage). */
interface TrialRecord {
  number: number;
  state: TrialState;
  values: readonly number[] | undefined;
  internalParams: Record<string, number>;
  distributions: Record<string, Distribution>;
  intermediateValues: Record<number, number>;
  intermediateVectors: Record<number, readonly number[]>;
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  datetimeStart: number | undefined;
  datetimeComplete: number | undefined;
  lastHeartbeat: number | undefined;
  failReason: string | undefined;
  claimedBy: string | undefined;
  frozen: FrozenTrial | undefined;
}

/** Replayed state of one study. */
export interface StudyRecord {
  readonly id: number;
  readonly name: string;
  readonly directions: readonly StudyDirection[];
  readonly userAttrs: Record<string, JsonValue>;
  readonly systemAttrs: Record<string, JsonValue>;
  readonly datetimeStart: number;
  deleted: boolean;
  /** Bumped on every change to the study or its trials; caches key on it. */
  version: number;
  readonly trials: TrialRecord[];
  /** Numbers of trials in the waiting state (enqueued, not yet claimed). */
  readonly waiting: Set<number>;
}

/** The state of a whole journal: all studies, live and deleted. */
export class JournalState {
  /** Number of ops applied (the journal sequence number reached). */
  seq = 0;
  private readonly studies: StudyRecord[] = [];
  private readonly liveByName = new Map<string, StudyRecord>();
  /** `${worker}/${nonce}` of a createStudy/createTrial/claimTrial op → what it created or claimed. */
  private readonly outcomes = new Map<string, { study: number; trial?: number }>();
  private readonly trialCache = new WeakMap<StudyRecord, TrialArrayCache>();

  /** Applies ops in order. */
  applyAll(ops: readonly JournalOp[]): void {
    for (const op of ops) this.apply(op);
  }

  /** Applies one op. Ops that lost a conflict are ignored (see `journal-ops.ts`). */
  apply(op: JournalOp): void {
    this.seq++;
    switch (op.op) {
      case "createStudy": {
        if (this.liveByName.has(op.name)) return;
        const study: StudyRecord = {
          id: this.studies.length,
          name: op.name,
          directions: [...op.directions],
          userAttrs: {},
          systemAttrs: {},
          datetimeStart: op.time,
          deleted: false,
          version: 0,
          trials: [],
          waiting: new Set(),
        };
        this.studies.push(study);
        this.liveByName.set(op.name, study);
        this.outcomes.set(`${op.worker}/${op.nonce}`, { study: study.id });
        return;
      }
      case "deleteStudy": {
        const s = this.live(op.study);
        if (!s) return;
        s.deleted = true;
        s.version++;
        this.liveByName.delete(s.name);
        return;
      }
      case "setStudyAttr": {
        const s = this.live(op.study);
        if (!s) return;
        (op.scope === "user" ? s.userAttrs : s.systemAttrs)[op.key] = op.value;
        s.version++;
        return;
      }
      case "createTrial": {
        const s = this.live(op.study);
        if (!s) return;
        const finished = isFinished(op.state);
        const t: TrialRecord = {
          number: s.trials.length,
          state: op.state,
          values: op.values ? [...op.values] : undefined,
          internalParams: { ...op.params },
          distributions: { ...op.distributions },
          intermediateValues: {},
          intermediateVectors: {},
          userAttrs: { ...op.userAttrs },
          systemAttrs: { ...op.systemAttrs },
          datetimeStart: op.state === "waiting" ? undefined : (op.datetimeStart ?? op.time),
          datetimeComplete: finished ? (op.datetimeComplete ?? op.time) : undefined,
          lastHeartbeat: undefined,
          failReason: op.failReason,
          claimedBy: op.state === "running" ? op.worker : undefined,
          frozen: undefined,
        };
        if (op.fixedParams) t.systemAttrs["fixedParams"] = op.fixedParams as JsonValue;
        for (const [k, v] of Object.entries(op.intermediateValues ?? {})) t.intermediateValues[Number(k)] = v;
        s.trials.push(t);
        if (t.state === "waiting") s.waiting.add(t.number);
        s.version++;
        this.outcomes.set(`${op.worker}/${op.nonce}`, { study: s.id, trial: t.number });
        return;
      }
      case "claimTrial": {
        const t = this.trial(op.study, op.trial);
        if (!t || t.state !== "waiting") return;
        t.state = "running";
        this.studies[op.study]?.waiting.delete(t.number);
        t.datetimeStart = op.time;
        t.claimedBy = op.worker;
        this.touch(op.study, t);
        this.outcomes.set(`${op.worker}/${op.nonce}`, { study: op.study, trial: t.number });
        return;
      }
      case "setParam": {
        const t = this.trial(op.study, op.trial);
        if (!t || isFinished(t.state) || op.name in t.internalParams) return;
        t.internalParams[op.name] = op.value;
        t.distributions[op.name] = op.distribution;
        this.touch(op.study, t);
        return;
      }
      case "report": {
        const t = this.trial(op.study, op.trial);
        if (!t || isFinished(t.state)) return;
        if (typeof op.value === "number") t.intermediateValues[op.step] = op.value;
        else t.intermediateVectors[op.step] = [...op.value];
        this.touch(op.study, t);
        return;
      }
      case "setTrialAttr": {
        const t = this.trial(op.study, op.trial);
        if (!t) return;
        (op.scope === "user" ? t.userAttrs : t.systemAttrs)[op.key] = op.value;
        this.touch(op.study, t);
        return;
      }
      case "heartbeat": {
        const t = this.trial(op.study, op.trial);
        if (!t || t.state !== "running") return;
        t.lastHeartbeat = op.time;
        this.touch(op.study, t);
        return;
      }
      case "finishTrial": {
        const t = this.trial(op.study, op.trial);
        if (!t || isFinished(t.state)) return;
        if (t.state === "waiting") this.studies[op.study]?.waiting.delete(t.number);
        t.state = op.state;
        t.values = op.values ? [...op.values] : undefined;
        t.failReason = op.failReason;
        t.datetimeComplete = op.time;
        this.touch(op.study, t);
        return;
      }
    }
  }

  /** The live study with this name. */
  findStudy(name: string): StudyRecord | undefined {
    return this.liveByName.get(name);
  }

  /** A study by id, or undefined if it does not exist or was deleted. */
  getStudy(id: number): StudyRecord | undefined {
    return this.live(id);
  }

  /** All live studies in creation order. */
  liveStudies(): readonly StudyRecord[] {
    return this.studies.filter((s) => !s.deleted);
  }

  /** What the op identified by worker and nonce created or claimed, if it won. */
  outcome(worker: string, nonce: string): { study: number; trial?: number } | undefined {
    return this.outcomes.get(`${worker}/${nonce}`);
  }

  /** The lowest-numbered waiting trial of a study, if any. */
  firstWaiting(study: StudyRecord): number | undefined {
    let first: number | undefined;
    for (const n of study.waiting) if (first === undefined || n < first) first = n;
    return first;
  }

  /** Which worker holds a running trial. */
  claimedBy(study: number, trial: number): string | undefined {
    return this.trial(study, trial)?.claimedBy;
  }

  /**
   * All trials of a study as frozen snapshots, in number order; cached until the study changes.
   * A new array whenever a trial changed or was added (callers may keep and compare old ones),
   * built from the last one's unchanged prefix: a trial's change is recorded by `touch`.
   */
  frozenTrials(study: StudyRecord): readonly FrozenTrial[] {
    const cached = this.trialCache.get(study);
    if (cached === undefined) {
      const all = Object.freeze(study.trials.map((t) => freeze(t)));
      this.trialCache.set(study, { version: study.version, all, dirtyFrom: all.length });
      return all;
    }
    if (cached.version === study.version) return cached.all;
    const trials = study.trials;
    const keep = Math.min(cached.dirtyFrom, cached.all.length, trials.length);
    let all: readonly FrozenTrial[];
    if (keep === cached.all.length && keep === trials.length) all = cached.all;
    else {
      // Spread, not slice: V8 copies a frozen array by spreading about 40 times faster.
      const next = [...cached.all];
      next.length = keep;
      for (let i = keep; i < trials.length; i++) next.push(freeze(trials[i] as TrialRecord));
      all = Object.freeze(next);
    }
    cached.version = study.version;
    cached.all = all;
    cached.dirtyFrom = all.length;
    return all;
  }

  /** One trial as a frozen snapshot. */
  frozenTrial(study: StudyRecord, number: number): FrozenTrial | undefined {
    const t = study.trials[number];
    return t ? freeze(t) : undefined;
  }

  private live(id: number): StudyRecord | undefined {
    const s = this.studies[id];
    return s && !s.deleted ? s : undefined;
  }

  private trial(study: number, trial: number): TrialRecord | undefined {
    return this.live(study)?.trials[trial];
  }

  private touch(study: number, t: TrialRecord): void {
    t.frozen = undefined;
    const s = this.studies[study];
    if (!s) return;
    s.version++;
    const cached = this.trialCache.get(s);
    if (cached !== undefined && t.number < cached.dirtyFrom) cached.dirtyFrom = t.number;
  }
}

/** A study's last frozen trial array, and the first trial number changed since it was built. */
interface TrialArrayCache {
  version: number;
  all: readonly FrozenTrial[];
  dirtyFrom: number;
}

function freeze(t: TrialRecord): FrozenTrial {
  if (t.frozen) return t.frozen;
  const params: Record<string, ParamValue> = {};
  for (const [name, x] of Object.entries(t.internalParams)) {
    const d = t.distributions[name];
    params[name] = d ? toExternal(d, x) : x;
  }
  const frozen: FrozenTrial = Object.freeze({
    number: t.number,
    state: t.state,
    value: t.values && t.values.length === 1 ? t.values[0] : undefined,
    values: t.values,
    params: Object.freeze(params),
    internalParams: Object.freeze({ ...t.internalParams }),
    distributions: Object.freeze({ ...t.distributions }),
    intermediateValues: Object.freeze({ ...t.intermediateValues }),
    intermediateVectors: Object.freeze({ ...t.intermediateVectors }),
    userAttrs: Object.freeze({ ...t.userAttrs }),
    systemAttrs: Object.freeze({ ...t.systemAttrs }),
    datetimeStart: t.datetimeStart,
    datetimeComplete: t.datetimeComplete,
    lastHeartbeat: t.lastHeartbeat,
    failReason: t.failReason,
  });
  t.frozen = frozen;
  return frozen;
}
