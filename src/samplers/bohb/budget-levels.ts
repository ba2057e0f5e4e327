/**
 * The budget levels of a multi-fidelity study and what was observed at each: the rung ends of
 * Hyperband (or steps the user names), read from the trials' intermediate reports, plus the final
 * objective values of complete trials.
 */
import type { FrozenTrial, TrialState } from "../../core/frozen-trial.js";
import type { JsonValue } from "../../core/json.js";
import type { StudyView } from "../../core/study-view.js";
import { HYPERBAND_CONFIG_KEY } from "../../pruners/hyperband.js";

/** A budget level: a rung-end step, or `"final"` (complete trials' objective values). */
export type BudgetLevel = number | "final";

/**
 * The rung-end steps of the Hyperband configuration stored in the study (`hyperband` study system
 * attribute): `minResource · η^k` for every k with a value ≤ `maxResource`, ascending. Empty when
 * the study has no (valid) configuration yet.
 */
export function hyperbandRungSteps(study: StudyView): number[] {
  const raw: JsonValue | undefined = study.systemAttrs[HYPERBAND_CONFIG_KEY];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return [];
  const c = raw as Record<string, JsonValue>;
  const r = c["minResource"];
  const R = c["maxResource"];
  const eta = c["reductionFactor"];
  const int = (x: JsonValue | undefined, min: number): x is number => typeof x === "number" && Number.isInteger(x) && x >= min;
  if (!int(r, 1) || !int(eta, 2) || !int(R, r)) return [];
  const steps: number[] = [];
  for (let s = r; s <= R; s *= eta) steps.push(s);
  return steps;
}

/**
 * A trial's value at a rung that ends at `step`: its report at the first reported step ≥ `step`
 * (what successive halving records when the trial crosses the rung end), or undefined when it
 * never got that far or the value is not finite. Scalar reports only.
 */
export function valueAtRung(trial: FrozenTrial, step: number): number | undefined {
  let best: number | undefined;
  for (const k in trial.intermediateValues) {
    const s = Number(k);
    if (s >= step && (best === undefined || s < best)) best = s;
  }
  if (best === undefined) return undefined;
  const v = trial.intermediateValues[best];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** The observation of a trial at a level, or undefined when it has none. */
export function observationAt(trial: FrozenTrial, level: BudgetLevel): number | undefined {
  if (level === "final") {
    const v = trial.state === "complete" ? trial.value : undefined;
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  }
  // Running trials that crossed the rung count too: their value there is known and final.
  if (trial.state !== "complete" && trial.state !== "pruned" && trial.state !== "running") return undefined;
  return valueAtRung(trial, level);
}

/**
 * The observations of every level, as trials a single-budget sampler can read: each trial with an
 * observation at the level appears as a complete trial whose value is that observation (and no
 * reports). With `includeStopped`, trials pruned before reaching the level appear too, as the
 * pruned trials they are (TPE ranks them after every complete trial, deeper ones first). Derived
 * trials and arrays are cached by the identity of the study's trials, so a sampler reading the
 * same level twice sees the same objects (which its own caches rely on).
 */
export class BudgetLevels {
  constructor(private readonly includeStopped = false) {}

  private readonly perTrial = new WeakMap<FrozenTrial, Map<BudgetLevel, FrozenTrial | null>>();
  private readonly perArray = new WeakMap<readonly FrozenTrial[], Map<BudgetLevel, readonly FrozenTrial[]>>();

  /** The trials with an observation at `level`, as complete trials valued by it (plus stopped ones, see above), in number order. */
  trialsAt(all: readonly FrozenTrial[], level: BudgetLevel): readonly FrozenTrial[] {
    let byLevel = this.perArray.get(all);
    if (!byLevel) {
      byLevel = new Map();
      this.perArray.set(all, byLevel);
    }
    let out = byLevel.get(level);
    if (!out) {
      const list: FrozenTrial[] = [];
      for (const t of all) {
        const d = this.derived(t, level);
        if (d) list.push(d);
        else if (this.includeStopped && t.state === "pruned") list.push(t);
      }
      out = Object.freeze(list);
      byLevel.set(level, out);
    }
    return out;
  }

  private derived(t: FrozenTrial, level: BudgetLevel): FrozenTrial | null {
    let byLevel = this.perTrial.get(t);
    if (!byLevel) {
      byLevel = new Map();
      this.perTrial.set(t, byLevel);
    }
    let d = byLevel.get(level);
    if (d === undefined) {
      const v = observationAt(t, level);
      d = v === undefined ? null : Object.freeze({ ...t, state: "complete" as const, value: v, values: Object.freeze([v]), intermediateValues: {}, intermediateVectors: {} });
      byLevel.set(level, d);
    }
    return d;
  }
}

/**
 * The study as seen at one budget level: the trials observed there, as complete trials valued by
 * their observation. Reads of attributes and all writes go to the study.
 */
export class LevelStudyView implements StudyView {
  constructor(
    private readonly study: StudyView,
    private readonly levels: BudgetLevels,
    readonly level: BudgetLevel,
  ) {}

  get studyName(): string {
    return this.study.studyName;
  }

  get directions(): StudyView["directions"] {
    return this.study.directions;
  }

  get systemAttrs(): StudyView["systemAttrs"] {
    return this.study.systemAttrs;
  }

  getTrials(options?: { readonly states?: readonly TrialState[] }): readonly FrozenTrial[] {
    const trials = this.levels.trialsAt(this.study.getTrials(), this.level);
    const states = options?.states;
    return states === undefined ? trials : trials.filter((t) => states.includes(t.state));
  }

  setStudySystemAttr(key: string, value: JsonValue): void {
    this.study.setStudySystemAttr(key, value);
  }

  setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void {
    this.study.setTrialSystemAttr(trialNumber, key, value);
  }

  stop(): void {
    this.study.stop();
  }
}
