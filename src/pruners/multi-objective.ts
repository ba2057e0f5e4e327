/**
 * Multi-objective pruning: the design, and the Pareto helpers the pruners use (dominance,
 * non-dominated sorting and crowding distance, NSGA-II; implemented in `core/pareto.ts`), on vectors
 * already in minimisation form (see `toLossVector` in `reports.ts`), which is what lets every pruner
 * be written once for "smaller is better".
 *
 * How the pruners use them (the design for multi-objective pruning, RFC optuna#3450):
 * - a trial reports one vector per step (`trial.intermediateVectors[step]`, one value per objective);
 * - {@link PercentilePruner} / {@link MedianPruner}: a trial is pruned when each of its best vectors
 *   so far is dominated by more than `percentile / 100 · (n − 1)` of the `n` vectors the completed
 *   trials reported at the same step. With one objective this is the scalar rule without
 *   interpolation: percentile 0 keeps only the Pareto front, 100 prunes only trials dominated by all;
 * - {@link SuccessiveHalvingPruner} / {@link HyperbandPruner}: at a rung, the competing vectors are
 *   ordered by non-dominated rank, then by crowding distance (larger first); a trial is promoted when
 *   fewer than `max(1, ⌊n / η⌋)` competitors are strictly ahead of it;
 * - {@link ThresholdPruner}: per-objective bounds; {@link PatientPruner}: "no improvement" means every
 *   recent vector is dominated (by `minDelta`) by an older one.
 *
 * A vector with a NaN component is invalid: it never competes, and a trial whose reports are all
 * invalid is pruned, as a NaN scalar is.
 *
 * @see K. Deb, A. Pratap, S. Agarwal, T. Meyarivan, "A fast and elitist multiobjective genetic
 *   algorithm: NSGA-II", IEEE Trans. Evolutionary Computation 6(2), 2002.
 */
export { countAhead, crowdingDistances, dominatesBy, nonDominatedRanks, paretoFront } from "../core/pareto.js";
