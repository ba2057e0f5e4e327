/**
 * Reading a trial's intermediate reports the way every pruner needs them: scalars for a
 * single-objective study, vectors (one value per objective) for a multi-objective one, with the
 * conversion to minimisation form ("loss") that lets each pruner be written for one direction.
 */
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial, StudyDirection } from "../core/frozen-trial.js";
import type { StudyView } from "../core/study-view.js";

/** A trial's reports in one study: scalar per step, or one vector per step with one value per objective. */
export type Reports =
  | { readonly kind: "scalar"; readonly steps: readonly number[]; readonly values: ReadonlyMap<number, number> }
  | {
      readonly kind: "vector";
      readonly steps: readonly number[];
      readonly values: ReadonlyMap<number, readonly number[]>;
    };

/** Whether the study optimises more than one objective. */
export function isMultiObjective(study: StudyView): boolean {
  return study.directions.length > 1;
}

function sortedSteps(record: Readonly<Record<number, unknown>>): number[] {
  return Object.keys(record)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * The trial's reports as the study's objective count asks for them.
 *
 * @throws OuroborosError `unsupported` when a multi-objective study's trial reported scalars only (or
 *   a single-objective study's trial reported vectors only), `invalid-value` when a vector has the
 *   wrong length.
 */
export function readReports(study: StudyView, trial: FrozenTrial, owner: string): Reports {
  const m = study.directions.length;
  const hasScalars = Object.keys(trial.intermediateValues).length > 0;
  const hasVectors = Object.keys(trial.intermediateVectors).length > 0;
  if (m <= 1) {
    if (!hasScalars && hasVectors) {
      throw new OuroborosError(
        "unsupported",
        `${owner}: the study has one objective, so trial ${trial.number} must report one number per step ` +
          `(trial.report(value, step)), but it reported vectors only (steps ${sortedSteps(trial.intermediateVectors).join(", ")})`,
      );
    }
    const steps = sortedSteps(trial.intermediateValues);
    const values = new Map<number, number>();
    for (const s of steps) values.set(s, trial.intermediateValues[s] as number);
    return { kind: "scalar", steps, values };
  }
  if (!hasVectors && hasScalars) {
    throw new OuroborosError(
      "unsupported",
      `${owner}: the study has ${m} objectives (${study.directions.join(", ")}), so trial ${trial.number} must ` +
        `report a vector of ${m} values per step (trial.report([v1, …, v${m}], step)), but it reported scalar ` +
        `values only (steps ${sortedSteps(trial.intermediateValues).join(", ")})`,
    );
  }
  const steps = sortedSteps(trial.intermediateVectors);
  const values = new Map<number, readonly number[]>();
  for (const s of steps) {
    const v = trial.intermediateVectors[s] as readonly number[];
    if (!Array.isArray(v) || v.length !== m) {
      throw new OuroborosError(
        "invalid-value",
        `${owner}: trial ${trial.number} reported at step ${s} a vector of ${Array.isArray(v) ? v.length : "no"} ` +
          `values, but the study has ${m} objectives`,
      );
    }
    values.set(s, v);
  }
  return { kind: "vector", steps, values };
}

/** Another trial's scalar report at `step`, if it has one. */
export function scalarAt(trial: FrozenTrial, step: number): number | undefined {
  const v = trial.intermediateValues[step];
  return typeof v === "number" ? v : undefined;
}

/** Another trial's vector report at `step`, if it has one of `m` values. */
export function vectorAt(trial: FrozenTrial, step: number, m: number): readonly number[] | undefined {
  const v = trial.intermediateVectors[step];
  return Array.isArray(v) && v.length === m ? v : undefined;
}

/** A value in minimisation form: negated when maximising, so smaller is always better. */
export function toLoss(value: number, direction: StudyDirection | undefined): number {
  return direction === "maximize" ? -value : value;
}

/** A vector in minimisation form (each objective by its own direction). */
export function toLossVector(values: readonly number[], directions: readonly StudyDirection[]): number[] {
  return values.map((v, i) => toLoss(v, directions[i]));
}

/** Whether any component is NaN. */
export function hasNaN(values: readonly number[]): boolean {
  return values.some((v) => Number.isNaN(v));
}

/**
 * Whether `step` is the first reported step of its pruning interval (Optuna's
 * `_is_first_in_interval_step`): pruning checks happen at warmup + k·interval, postponed to the
 * next report when no value was reported exactly there.
 */
export function isFirstInInterval(
  step: number,
  steps: readonly number[],
  nWarmupSteps: number,
  intervalSteps: number,
): boolean {
  const nearestLowerPruningStep = Math.floor((step - nWarmupSteps) / intervalSteps) * intervalSteps + nWarmupSteps;
  let secondLast = -Infinity;
  for (const s of steps) if (s !== step && s > secondLast) secondLast = s;
  return secondLast < nearestLowerPruningStep;
}
