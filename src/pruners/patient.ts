/**
 * Patience: prune only after the objective stopped improving for a while.
 */
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { Pruner } from "../core/pruner.js";
import type { StudyView } from "../core/study-view.js";
import { dominatesBy } from "../core/pareto.js";
import { hasNaN, readReports, toLoss, toLossVector } from "./reports.js";
import { checkInteger, checkNonNegative, invalidOption } from "./validation.js";

/** Options of {@link PatientPruner}. */
export interface PatientPrunerOptions {
  /** Steps without improvement before the wrapped pruner is asked. Required, integer >= 0. */
  readonly patience: number;
  /** An improvement must beat the best earlier value by more than this (>= 0). Default 0. */
  readonly minDelta?: number;
}

/**
 * Wraps another pruner with patience: the wrapped pruner is asked only once the trial's objective
 * has not improved for `patience` consecutive steps; with no wrapped pruner (`null`) the trial is
 * then pruned, which is plain early stopping on the trial's own curve.
 *
 * The algorithm (Optuna's `PatientPruner`): with the trial's reported steps in order, split off the
 * last `patience + 1` steps; if the best value among them is not better than the best value before
 * them by more than `minDelta`, the trial "lost patience". Fewer than `patience + 2` reports never
 * prune. NaN values are ignored; if either side has only NaN, the trial keeps its patience.
 *
 * Multi-objective studies: the trial lost patience when every valid vector of the last
 * `patience + 1` steps is dominated by some earlier vector moved `minDelta` towards worse in every
 * objective (so with one objective this is the scalar rule).
 *
 * Options: `patience` (required, integer >= 0), `minDelta` = 0.
 *
 * @example
 * ```ts
 * // median rule, but only for trials that stalled for 3 steps
 * const pruner = new PatientPruner(new MedianPruner(), { patience: 3 });
 * ```
 * @see L. Prechelt, "Early Stopping — But When?", in Neural Networks: Tricks of the Trade, 1998
 *   (patience-based early stopping).
 */
export class PatientPruner implements Pruner {
  readonly kind = "patient";
  readonly wrapped: Pruner | null;
  readonly patience: number;
  readonly minDelta: number;

  constructor(wrapped: Pruner | null, options: PatientPrunerOptions) {
    if (wrapped !== null && (typeof wrapped !== "object" || typeof wrapped.prune !== "function")) {
      throw invalidOption("PatientPruner", "wrapped", "a Pruner or null", wrapped);
    }
    this.wrapped = wrapped;
    this.patience = checkInteger("PatientPruner", "patience", options.patience, 0);
    this.minDelta = checkNonNegative("PatientPruner", "minDelta", options.minDelta ?? 0);
  }

  get params(): Readonly<Record<string, JsonValue>> {
    return {
      wrapped: this.wrapped ? { kind: this.wrapped.kind, params: this.wrapped.params } : null,
      patience: this.patience,
      minDelta: this.minDelta,
    };
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const reports = readReports(study, trial, "PatientPruner");
    const n = reports.steps.length;
    if (n <= this.patience + 1) return false;
    const before = reports.steps.slice(0, n - this.patience - 1);
    const after = reports.steps.slice(n - this.patience - 1);
    let stalled: boolean;
    if (reports.kind === "scalar") {
      const direction = study.directions[0];
      const best = (steps: readonly number[]): number => {
        let b = NaN;
        for (const s of steps) {
          const loss = toLoss(reports.values.get(s) as number, direction);
          if (!Number.isNaN(loss) && !(loss >= b)) b = loss;
        }
        return b;
      };
      // NaN on either side makes the comparison false: no loss of patience.
      stalled = best(before) + this.minDelta < best(after);
    } else {
      const valid = (steps: readonly number[]): number[][] =>
        steps
          .map((s) => reports.values.get(s) as readonly number[])
          .filter((v) => !hasNaN(v))
          .map((v) => toLossVector(v, study.directions));
      const old = valid(before);
      const recent = valid(after);
      stalled =
        old.length > 0 && recent.length > 0 && recent.every((r) => old.some((o) => dominatesBy(o, r, this.minDelta)));
    }
    if (!stalled) return false;
    return this.wrapped ? this.wrapped.prune(study, trial) : true;
  }
}
