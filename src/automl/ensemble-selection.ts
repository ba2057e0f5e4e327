/**
 * Greedy ensemble selection with replacement (Caruana, Niculescu-Mizil, Crew & Ksikes 2004,
 * "Ensemble selection from libraries of models"), as AutoGluon and auto-sklearn use it.
 *
 * Start from the best single model; then, for a fixed number of rounds, add (with replacement) the
 * model whose inclusion gives the best score of the averaged predictions. Picking with replacement
 * turns the counts into weights and keeps the procedure from overfitting as quickly as forward
 * selection without replacement does. The best-scoring prefix of rounds is returned, so the
 * ensemble is never worse on the selection data than the best single model.
 *
 * Predictions are out-of-fold, so the score is honest for every member; the selection itself is
 * fitted on those rows, which is why the improvement loop gates the ensemble by the same paired
 * test as any other challenger.
 */
import { OuroborosError } from "../core/errors.js";
import { predictionValues } from "../learners/average-predictions.js";
import type { Predictions } from "../learners/learner.js";

/** Options of {@link selectEnsemble}. */
export interface EnsembleSelectionOptions {
  /** Rounds of greedy addition. Default 50. */
  readonly rounds?: number;
  /** Whether a larger score is better (accuracy, AUC) or smaller (log-loss, RMSE). */
  readonly greaterIsBetter: boolean;
}

/** The selected ensemble. */
export interface EnsembleSelection {
  /** Weight per candidate (index into the input), summing to 1; unused candidates have 0. */
  readonly weights: readonly number[];
  /** Score of the weighted average on the selection rows. */
  readonly score: number;
  /** Score after each round (for plots and tests). */
  readonly trajectory: readonly number[];
}

/**
 * Selects ensemble weights over candidate out-of-fold predictions. `score(p)` scores a prediction
 * on the selection rows. Ties go to the lower candidate index, so the result is deterministic.
 */
export function selectEnsemble(candidates: readonly Predictions[], score: (p: Predictions) => number, options: EnsembleSelectionOptions): EnsembleSelection {
  const m = candidates.length;
  if (m === 0) throw new OuroborosError("invalid-argument", "ensemble selection needs at least one candidate");
  const len = predictionValues(candidates[0]!).length;
  for (const c of candidates) {
    if (c.task !== candidates[0]!.task || predictionValues(c).length !== len) {
      throw new OuroborosError("invalid-argument", "ensemble candidates must predict the same task on the same rows");
    }
  }
  const rounds = options.rounds ?? 50;
  const better = (a: number, b: number): boolean => (options.greaterIsBetter ? a > b : a < b);
  const counts = new Array<number>(m).fill(0);
  const sum = new Float64Array(len);
  const trial = new Float64Array(len);
  const asPrediction = (values: Float64Array): Predictions => {
    const c = candidates[0]!;
    return c.task === "regression" ? { task: "regression", values } : { task: c.task, classes: c.classes, proba: values };
  };
  const trajectory: number[] = [];
  let bestScore = Number.NaN;
  let bestCounts = counts.slice();
  for (let round = 0; round < rounds; round++) {
    const n = round + 1;
    let pick = -1;
    let pickScore = Number.NaN;
    for (let j = 0; j < m; j++) {
      const v = predictionValues(candidates[j]!);
      for (let i = 0; i < len; i++) trial[i] = (sum[i]! + v[i]!) / n;
      const s = score(asPrediction(trial));
      if (Number.isNaN(s)) continue;
      if (pick < 0 || better(s, pickScore)) {
        pick = j;
        pickScore = s;
      }
    }
    if (pick < 0) throw new OuroborosError("invalid-argument", "every ensemble candidate scored NaN");
    counts[pick]!++;
    const v = predictionValues(candidates[pick]!);
    for (let i = 0; i < len; i++) sum[i]! += v[i]!;
    trajectory.push(pickScore);
    if (round === 0 || better(pickScore, bestScore)) {
      bestScore = pickScore;
      bestCounts = counts.slice();
    }
  }
  const total = bestCounts.reduce((a, b) => a + b, 0);
  return { weights: bestCounts.map((c) => c / total), score: bestScore, trajectory };
}
