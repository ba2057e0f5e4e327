/**
 * A pruner simulator for conformance tests: learning curves reported by several workers in turn,
 * every pruning call checked (no throw, a boolean, no writes of foreign keys, frozen inputs), and
 * seeded learning-curve generators. Used by `pruner-conformance.ts`.
 */
import assert from "node:assert/strict";
import type { FrozenTrial, StudyDirection } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { Pruner } from "../core/pruner.js";
import { Random } from "../core/rng.js";
import { makeFrozenTrial, StaticStudyView } from "./static-study-view.js";


/** One report: a number (single objective) or one value per objective. */
export type SimulatedReport = number | readonly number[];

/**
 * A trial of a simulated study: its report at each step (`undefined`: nothing reported at that
 * step), and how it ends if it is not pruned: `complete` with its last report as value (`fail` if
 * that holds a NaN), or `fail` after its last report.
 */
export interface SimulatedCurve {
  readonly reports: readonly (SimulatedReport | undefined)[];
  readonly fate: "complete" | "fail";
}

/** A simulated study: curves started in order by `concurrency` workers that report in turn. */
export interface SimulatedStudy {
  readonly directions: readonly StudyDirection[];
  readonly curves: readonly SimulatedCurve[];
  /** The first curves are in the study already, finished, before any pruning call. Default 0. */
  readonly prefinished?: number;
  /** Trials running at once; each reports one step per round. Default 1. */
  readonly concurrency?: number;
  readonly studyName?: string;
}

/** One pruning call of a simulation. */
export interface PruningMoment {
  readonly trial: number;
  readonly step: number;
  readonly pruned: boolean;
}

/** The result of {@link simulatePruning}. */
export interface SimulationResult {
  readonly moments: readonly PruningMoment[];
  /** The study at the end, with the pruner's durable writes. */
  readonly view: StaticStudyView;
  /** Reports made in all (the compute spent), and how many a study without pruning would make. */
  readonly stepsRun: number;
  readonly stepsWithoutPruning: number;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

type Write = { readonly trial?: number; readonly key: string; readonly value: JsonValue };

/**
 * A study view for checking pruners: its trials and the arrays it returns are deeply frozen, and
 * every write is recorded and must be a JSON value.
 */
export class GuardedStudyView extends StaticStudyView {
  writes: Write[] = [];

  constructor(trials: readonly FrozenTrial[], directions: readonly StudyDirection[], studyName: string) {
    super(trials.map(deepFreeze), directions, studyName);
  }

  override getTrials(options?: { readonly states?: readonly FrozenTrial["state"][] }): readonly FrozenTrial[] {
    return Object.freeze([...super.getTrials(options)]);
  }

  private checkJson(where: string, value: JsonValue): JsonValue {
    const text = JSON.stringify(value);
    assert.ok(text !== undefined, `${where}: the value written is not JSON`);
    const back = JSON.parse(text) as JsonValue;
    assert.deepStrictEqual(back, value, `${where}: the value written does not survive JSON (NaN, Infinity, undefined?)`);
    return back;
  }

  override setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void {
    const v = this.checkJson(`setTrialSystemAttr(${trialNumber}, "${key}")`, value);
    this.writes.push({ trial: trialNumber, key, value: v });
    super.setTrialSystemAttr(trialNumber, key, v);
    for (const t of this.trials) deepFreeze(t);
  }

  override setStudySystemAttr(key: string, value: JsonValue): void {
    const v = this.checkJson(`setStudySystemAttr("${key}")`, value);
    this.writes.push({ key, value: v });
    super.setStudySystemAttr(key, deepFreeze(v));
  }

  /** Adds or replaces a trial (by number). */
  put(trial: FrozenTrial): FrozenTrial {
    deepFreeze(trial);
    const i = this.trials.findIndex((t) => t.number === trial.number);
    if (i < 0) this.trials.push(trial);
    else this.trials[i] = trial;
    return trial;
  }

  get(trialNumber: number): FrozenTrial {
    const t = this.trials.find((x) => x.number === trialNumber);
    assert.ok(t, `no trial ${trialNumber}`);
    return t;
  }

  /** A deep copy: same trials, directions, name and system attributes. */
  copy(): GuardedStudyView {
    const c = new GuardedStudyView(structuredClone(this.trials), this.directions, this.studyName);
    Object.assign(c.systemAttrs, structuredClone(this.systemAttrs));
    return c;
  }

  state(): unknown {
    return { trials: this.trials, systemAttrs: this.systemAttrs };
  }
}

/**
 * Calls `pruner.prune` and checks the call: the answer is a boolean, and the view changed only by
 * the writes made through it (its trials and the arrays it returns are deeply frozen, so nothing
 * can be changed in place).
 */
export function checkedPrune(pruner: Pruner, view: GuardedStudyView, trial: FrozenTrial, where: string): boolean {
  assert.ok(Object.isFrozen(trial), "checkedPrune needs a trial of the view");
  const trialsBefore = [...view.trials];
  const attrsBefore = structuredClone(view.systemAttrs) as Record<string, JsonValue>;
  view.writes = [];
  const decision = pruner.prune(view, trial);
  assert.equal(typeof decision, "boolean", `${where}: prune must return a boolean, got ${typeof decision}`);
  const trialAttrs = new Map<number, Record<string, JsonValue>>();
  for (const w of view.writes) {
    if (w.trial === undefined) {
      attrsBefore[w.key] = w.value;
      continue;
    }
    const old = trialsBefore.find((t) => t.number === w.trial);
    assert.ok(old, `${where}: prune wrote an attribute of trial ${w.trial}, which the study does not have`);
    const attrs = trialAttrs.get(w.trial) ?? { ...old.systemAttrs };
    attrs[w.key] = w.value;
    trialAttrs.set(w.trial, attrs);
  }
  const changed = `${where}: the view changed other than through setTrialSystemAttr / setStudySystemAttr`;
  assert.equal(view.trials.length, trialsBefore.length, changed);
  view.trials.forEach((t, i) => {
    const old = trialsBefore[i] as FrozenTrial;
    const attrs = trialAttrs.get(old.number);
    if (attrs === undefined) {
      assert.equal(t, old, changed);
    } else {
      assert.deepStrictEqual({ ...t, systemAttrs: {} }, { ...old, systemAttrs: {} }, changed);
      assert.deepStrictEqual(t.systemAttrs, attrs, changed);
    }
  });
  assert.deepStrictEqual(view.systemAttrs, attrsBefore, changed);
  return decision;
}

export function finishedTrial(number: number, curve: SimulatedCurve, reported: number, multi: boolean): FrozenTrial {
  const init = reportsUpTo(curve, reported, multi);
  let last: SimulatedReport | undefined;
  for (let s = 0; s < reported; s++) last = curve.reports[s] ?? last;
  const values = last === undefined ? undefined : typeof last === "number" ? [last] : [...last];
  const nan = values === undefined || values.some((v) => Number.isNaN(v));
  if (curve.fate === "complete" && !nan) {
    return makeFrozenTrial({ number, state: "complete", values, ...init, datetimeComplete: 1 });
  }
  return makeFrozenTrial({ number, state: "fail", ...init, datetimeComplete: 1, failReason: "simulated failure" });
}

function reportsUpTo(
  curve: SimulatedCurve,
  steps: number,
  multi: boolean,
): { intermediateValues: Record<number, number>; intermediateVectors: Record<number, readonly number[]> } {
  const intermediateValues: Record<number, number> = {};
  const intermediateVectors: Record<number, readonly number[]> = {};
  for (let s = 0; s < steps; s++) {
    const r = curve.reports[s];
    if (r === undefined) continue;
    if (multi) intermediateVectors[s] = typeof r === "number" ? [r] : [...r];
    else intermediateValues[s] = typeof r === "number" ? r : (r[0] as number);
  }
  return { intermediateValues, intermediateVectors };
}

export type Judge = (view: GuardedStudyView, trial: FrozenTrial, where: string) => boolean;

export function runSimulation(study: SimulatedStudy, judge: Judge, onStart?: Judge): SimulationResult & { view: GuardedStudyView } {
  const multi = study.directions.length > 1;
  const view = new GuardedStudyView([], study.directions, study.studyName ?? "conformance");
  const prefinished = study.prefinished ?? 0;
  const concurrency = study.concurrency ?? 1;
  let stepsRun = 0;
  let stepsWithoutPruning = 0;
  for (const c of study.curves) stepsWithoutPruning += c.reports.filter((r) => r !== undefined).length;
  study.curves.forEach((curve, i) => {
    if (i < prefinished) {
      view.put(finishedTrial(i, curve, curve.reports.length, multi));
      stepsRun += curve.reports.filter((r) => r !== undefined).length;
    }
  });
  const moments: PruningMoment[] = [];
  const queue = study.curves.map((_, i) => i).slice(prefinished);
  const active: { number: number; next: number }[] = [];
  while (queue.length > 0 || active.length > 0) {
    while (active.length < concurrency && queue.length > 0) {
      const number = queue.shift() as number;
      const t = view.put(makeFrozenTrial({ number, state: "running" }));
      active.push({ number, next: 0 });
      if (onStart) onStart(view, t, `trial ${number} before its first report`);
    }
    for (const a of [...active]) {
      const curve = study.curves[a.number] as SimulatedCurve;
      while (a.next < curve.reports.length && curve.reports[a.next] === undefined) a.next++;
      if (a.next >= curve.reports.length) {
        const done = finishedTrial(a.number, curve, curve.reports.length, multi);
        view.put({ ...done, systemAttrs: view.get(a.number).systemAttrs });
        active.splice(active.indexOf(a), 1);
        continue;
      }
      const step = a.next++;
      const current = view.get(a.number);
      const reported = reportsUpTo(curve, step + 1, multi);
      const t = view.put({ ...current, ...reported });
      stepsRun++;
      const pruned = judge(view, t, `trial ${a.number} at step ${step}`);
      moments.push({ trial: a.number, step, pruned });
      if (pruned) {
        view.put({ ...view.get(a.number), state: "pruned", datetimeComplete: 1 });
        active.splice(active.indexOf(a), 1);
      }
    }
  }
  return { moments, view, stepsRun, stepsWithoutPruning };
}

/**
 * Runs a simulated study under a pruner: curves are started in order by `concurrency` workers that
 * report in turn, each report followed by a pruning call, a pruned trial stopping there. Every call
 * is checked as in the conformance suite (boolean answer, nothing mutated, JSON-only writes).
 */
export function simulatePruning(pruner: Pruner, study: SimulatedStudy): SimulationResult {
  return runSimulation(study, (view, trial, where) => checkedPrune(pruner, view, trial, where));
}

/**
 * Learning curves for simulations: `n` trials of `steps` steps whose loss decays from about 2 to a
 * final value in [0.1, 1], with noise, plus (when `quirks`) the cases pruners must survive: a NaN
 * blip, a curve that gets worse, an exact tie, a sparse curve (every third step), an all-NaN trial,
 * a curve diverging to Infinity, a trial failing midway and a NaN at the last step. With
 * `objectives: 2` each report is `[loss, throughput]` with throughput (to maximise) trading off
 * against loss.
 */
export function learningCurves(options: {
  readonly seed: number;
  readonly n?: number;
  readonly steps?: number;
  readonly objectives?: 1 | 2;
  readonly quirks?: boolean;
}): SimulatedCurve[] {
  const rng = new Random(options.seed);
  const n = options.n ?? 18;
  const steps = options.steps ?? 24;
  const two = options.objectives === 2;
  const curves: { reports: (SimulatedReport | undefined)[]; fate: "complete" | "fail" }[] = [];
  for (let i = 0; i < n; i++) {
    const final = rng.uniform(0.1, 1);
    const start = rng.uniform(1.8, 2.5);
    const tau = rng.uniform(3, 10);
    const speed = 0.2 + final + 0.1 * rng.normal(); // slower to converge, faster to run: a trade-off
    const reports: SimulatedReport[] = [];
    for (let t = 0; t < steps; t++) {
      const loss = final + (start - final) * Math.exp(-t / tau) + 0.02 * rng.normal();
      const noise = 0.02 * rng.normal();
      reports.push(two ? [loss, speed * (1 - Math.exp(-(t + 1) / 4)) + noise] : loss);
    }
    curves.push({ reports, fate: "complete" });
  }
  if (options.quirks ?? true) {
    const nan = (r: SimulatedReport | undefined): SimulatedReport | undefined =>
      r === undefined ? r : typeof r === "number" ? NaN : [r[0] as number, NaN];
    const set = (i: number, f: (c: { reports: (SimulatedReport | undefined)[]; fate: "complete" | "fail" }) => void): void => {
      const c = curves[i];
      if (c) f(c);
    };
    set(3, (c) => (c.reports[5] = nan(c.reports[5])));
    set(5, (c) => (c.reports = c.reports.map((_, t) => (two ? [3 + 0.01 * t, 0.05] : 3 + 0.01 * t))));
    set(6, (c) => (c.reports = [...(curves[2]?.reports ?? c.reports)]));
    set(8, (c) => (c.reports = c.reports.map((r, t) => (t % 3 === 2 ? r : undefined))));
    set(9, (c) => (c.reports = c.reports.map((r) => (typeof r === "number" || r === undefined ? NaN : [NaN, NaN]))));
    set(10, (c) => {
      c.reports = c.reports.slice(0, 7).map((r, t) => (t < 6 ? r : two ? [Infinity, 0] : Infinity));
      c.fate = "fail";
    });
    set(12, (c) => {
      c.reports = c.reports.slice(0, 7);
      c.fate = "fail";
    });
    set(14, (c) => (c.reports[steps - 1] = nan(c.reports[steps - 1])));
  }
  return curves;
}

/** The curves with each objective whose direction flips negated (the mirror image study). */
export function mirror(curves: readonly SimulatedCurve[], flip: readonly boolean[]): SimulatedCurve[] {
  return curves.map((c) => ({
    fate: c.fate,
    reports: c.reports.map((r) =>
      r === undefined ? r : typeof r === "number" ? (flip[0] ? -r : r) : r.map((v, i) => (flip[i] ? -v : v)),
    ),
  }));
}

export const flipDirection = (d: StudyDirection): StudyDirection => (d === "minimize" ? "maximize" : "minimize");
