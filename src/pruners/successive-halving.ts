/**
 * Asynchronous successive halving (ASHA): trials climb rungs of growing budget, and only the best
 * 1/η of those that reached a rung go on.
 */
import type { FrozenTrial } from "../core/frozen-trial.js";
import { lastStep } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { Pruner } from "../core/pruner.js";
import type { StudyView } from "../core/study-view.js";
import { countAhead } from "../core/pareto.js";
import { hasNaN, readReports, toLoss, toLossVector } from "./reports.js";
import { checkInteger, invalidOption } from "./validation.js";

/** Options of {@link SuccessiveHalvingPruner}. */
export interface SuccessiveHalvingPrunerOptions {
  /**
   * Steps of the first rung, `r` in the paper; `"auto"` estimates it once from the completed trials
   * (their largest last step / 100, at least 1) and stores the estimate in the study. Default "auto".
   */
  readonly minResource?: "auto" | number;
  /** η: about 1/η of the trials that reach a rung are promoted. Integer >= 2. Default 4. */
  readonly reductionFactor?: number;
  /** s: the first rung ends at step `minResource · η^s`. Integer >= 0. Default 0. */
  readonly minEarlyStoppingRate?: number;
  /**
   * Trials that must have reached a rung before any is promoted from it; the first ones to arrive
   * are pruned (trials cannot be paused). Integer >= 0, and 0 with `minResource: "auto"`. Default 0.
   */
  readonly bootstrapCount?: number;
  /**
   * Other trials that must have recorded a value at a rung before it prunes anyone there; until
   * then every trial is promoted. For short runs with few trials per rung, where Optuna's rule (with
   * fewer than η competitors only the best so far continues) would let the first trial set the bar
   * for everyone. Integer >= 0. Default 0 (the paper's and Optuna's behaviour).
   */
  readonly minCompetitors?: number;
}

/** The trial system attribute holding a trial's value (or vector) at rung `k`. */
export function completedRungKey(rung: number): string {
  return `completed_rung_${rung}`;
}

/** The study system attribute holding the `"auto"` estimate of `minResource`. */
export const SHA_MIN_RESOURCE_KEY = "successive_halving_min_resource";

/** A reported value as JSON: NaN never gets here; ±Infinity, which JSON cannot hold, as strings. */
function encodeNumber(v: number): JsonValue {
  return Number.isFinite(v) ? v : v > 0 ? "Infinity" : "-Infinity";
}

function decodeNumber(v: JsonValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return undefined;
}

/** A recorded rung value read back, or undefined if it is not one (of the study's shape). */
function decodeRungValue(v: JsonValue | undefined, m: number): number | number[] | undefined {
  if (m <= 1) return decodeNumber(v);
  if (!Array.isArray(v) || v.length !== m) return undefined;
  const out: number[] = [];
  for (const x of v as readonly JsonValue[]) {
    const d = decodeNumber(x);
    if (d === undefined) return undefined;
    out.push(d);
  }
  return out;
}

/**
 * Prunes with the Asynchronous Successive Halving Algorithm (ASHA): rung `k` ends at step
 * `minResource · η^(minEarlyStoppingRate + k)`; a trial that reaches it records its value there and
 * goes on only if that value is in the top `1/η` of all values recorded at rung `k` so far.
 *
 * The algorithm, per call (Optuna's `SuccessiveHalvingPruner`): the trial's current rung is the
 * first `k` without a `completed_rung_k` attribute. While its latest step has reached the end of
 * that rung, its latest value is written durably as trial system attribute `completed_rung_k`
 * (so every worker, and a resumed process, sees it), and compared with the values all other trials
 * of the study recorded at rung `k`: with `n` values including its own, it is promoted when fewer
 * than `max(1, ⌊n/η⌋)` of them are strictly better (so the first trials are promoted when best so
 * far), else pruned. A NaN value at a rung end prunes. While fewer than `bootstrapCount + 1` values
 * exist at the rung, arriving trials are pruned. Decisions depend only on the view: the pruner
 * keeps no state in memory (the `"auto"` `minResource` estimate is stored as study system
 * attribute `successive_halving_min_resource`).
 *
 * The maximum resource `R` of the paper is not an option: the objective decides how many steps a
 * trial that is never pruned runs.
 *
 * Multi-objective studies: rung values are vectors (stored as JSON arrays), and the competitors at a
 * rung are ordered by non-dominated rank, then crowding distance (larger first); a trial is promoted
 * when fewer than `max(1, ⌊n/η⌋)` competitors are strictly ahead of it. A vector with a NaN prunes.
 *
 * Options: `minResource` = "auto", `reductionFactor` = 4, `minEarlyStoppingRate` = 0,
 * `bootstrapCount` = 0.
 *
 * @example
 * ```ts
 * const study = createStudy({ direction: "minimize", pruner: new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 }) });
 * await study.optimize(async (trial) => {
 *   for (let epoch = 1; epoch <= 81; epoch++) {
 *     trial.report(trainOneEpoch(), epoch);
 *     if (await trial.shouldPrune()) throw new TrialPruned();
 *   }
 *   return validationLoss();
 * }, { nTrials: 100 });
 * ```
 * @see L. Li, K. Jamieson, A. Rostamizadeh, E. Gonina, M. Hardt, B. Recht, A. Talwalkar, "Massively
 *   Parallel Hyperparameter Tuning" (ASHA), arXiv:1810.05934, 2018; as "A System for Massively
 *   Parallel Hyperparameter Tuning", MLSys 2020.
 * @see K. Jamieson, A. Talwalkar, "Non-stochastic Best Arm Identification and Hyperparameter
 *   Optimization" (successive halving), AISTATS 2016, arXiv:1502.07943.
 */
export class SuccessiveHalvingPruner implements Pruner {
  readonly kind = "successive-halving";
  readonly minResource: "auto" | number;
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly bootstrapCount: number;
  readonly minCompetitors: number;

  constructor(options: SuccessiveHalvingPrunerOptions = {}) {
    const owner = "SuccessiveHalvingPruner";
    const minResource = options.minResource ?? "auto";
    if (minResource !== "auto" && (typeof minResource !== "number" || !Number.isInteger(minResource) || minResource < 1)) {
      throw invalidOption(owner, "minResource", 'an integer >= 1 or "auto"', minResource);
    }
    this.minResource = minResource;
    this.reductionFactor = checkInteger(owner, "reductionFactor", options.reductionFactor ?? 4, 2);
    this.minEarlyStoppingRate = checkInteger(owner, "minEarlyStoppingRate", options.minEarlyStoppingRate ?? 0, 0);
    this.bootstrapCount = checkInteger(owner, "bootstrapCount", options.bootstrapCount ?? 0, 0);
    this.minCompetitors = checkInteger(owner, "minCompetitors", options.minCompetitors ?? 0, 0);
    if (this.bootstrapCount > 0 && minResource === "auto") {
      throw invalidOption(owner, "bootstrapCount", '0 when minResource is "auto" (give minResource a number)', this.bootstrapCount);
    }
  }

  get params(): Readonly<Record<string, JsonValue>> {
    return {
      minResource: this.minResource,
      reductionFactor: this.reductionFactor,
      minEarlyStoppingRate: this.minEarlyStoppingRate,
      bootstrapCount: this.bootstrapCount,
      ...(this.minCompetitors > 0 ? { minCompetitors: this.minCompetitors } : {}),
    };
  }

  /** The step at which rung `rung` ends, given the first rung's resource. */
  rungEndStep(minResource: number, rung: number): number {
    return minResource * this.reductionFactor ** (this.minEarlyStoppingRate + rung);
  }

  /** `minResource`, or its estimate for `"auto"` (stored in the study once made); undefined before any trial completed. */
  resolveMinResource(study: StudyView): number | undefined {
    if (this.minResource !== "auto") return this.minResource;
    const stored = study.systemAttrs[SHA_MIN_RESOURCE_KEY];
    if (typeof stored === "number" && Number.isInteger(stored) && stored >= 1) return stored;
    let last: number | undefined;
    for (const t of study.getTrials({ states: ["complete"] })) {
      const s = lastStep(t);
      if (s !== undefined && (last === undefined || s > last)) last = s;
    }
    if (last === undefined) return undefined;
    const estimate = Math.max(Math.floor(last / 100), 1);
    study.setStudySystemAttr(SHA_MIN_RESOURCE_KEY, estimate);
    return estimate;
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const reports = readReports(study, trial, "SuccessiveHalvingPruner");
    const step = reports.steps[reports.steps.length - 1];
    if (step === undefined) return false;
    const minResource = this.resolveMinResource(study);
    if (minResource === undefined) return false;

    const m = study.directions.length;
    const raw = reports.values.get(step) as number | readonly number[];
    const loss: number | number[] =
      typeof raw === "number" ? toLoss(raw, study.directions[0]) : toLossVector(raw, study.directions);
    const trials = study.getTrials();
    let rung = 0;
    while (Object.hasOwn(trial.systemAttrs, completedRungKey(rung))) rung++;

    for (;;) {
      if (step < this.rungEndStep(minResource, rung)) return false;
      if (typeof raw === "number" ? Number.isNaN(raw) : hasNaN(raw)) return true;
      const key = completedRungKey(rung);
      study.setTrialSystemAttr(
        trial.number,
        key,
        typeof raw === "number" ? encodeNumber(raw) : raw.map(encodeNumber),
      );
      // Values the other trials recorded at this rung, in minimisation form.
      const competing: (number | number[])[] = [];
      for (const t of trials) {
        if (t.number === trial.number) continue;
        const v = decodeRungValue(t.systemAttrs[key], m);
        if (v === undefined) continue;
        competing.push(typeof v === "number" ? toLoss(v, study.directions[0]) : toLossVector(v, study.directions));
      }
      if (competing.length + 1 <= this.bootstrapCount) return true;
      if (competing.length < this.minCompetitors) {
        rung++;
        continue;
      }
      const promotable = Math.max(1, Math.floor((competing.length + 1) / this.reductionFactor));
      let ahead: number;
      if (typeof loss === "number") {
        ahead = 0;
        for (const c of competing) if ((c as number) < loss) ahead++;
      } else {
        ahead = countAhead([loss, ...(competing as number[][])], 0);
      }
      if (ahead >= promotable) return true;
      rung++;
    }
  }
}
