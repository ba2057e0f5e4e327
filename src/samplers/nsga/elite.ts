/**
 * NSGA-II's survival step: the next parent population from the previous one and its offspring, by
 * constrained non-dominated sorting and crowding distance (Deb et al. 2002).
 */
import { crowdingDistances } from "../../core/pareto.js";
import { constrainedRanks } from "./constraints.js";

/** One individual as selection sees it: objective losses (minimised) and total violation (0 = feasible). */
export interface Individual {
  readonly losses: readonly number[];
  readonly violation: number;
}

/** Rank (0 = best front) and crowding distance within its front of every individual. */
export interface Fitness {
  readonly ranks: readonly number[];
  readonly crowding: readonly number[];
}

/** Constrained non-domination rank and crowding distance of every individual. */
export function rankAndCrowding(pop: readonly Individual[]): Fitness {
  const losses = pop.map((p) => p.losses);
  const ranks = constrainedRanks(
    losses,
    pop.map((p) => p.violation),
  );
  return { ranks, crowding: crowdingDistances(losses, ranks) };
}

/**
 * Indices (ascending) of the `size` individuals NSGA-II keeps: whole fronts in rank order while they
 * fit, then the members of the first front that does not fit by decreasing crowding distance (ties
 * to the earlier index), so the kept part of that front is spread out. Returns every index when the
 * population is no larger than `size`.
 *
 * @see K. Deb, A. Pratap, S. Agarwal & T. Meyarivan, "A fast and elitist multiobjective genetic
 *   algorithm: NSGA-II", IEEE TEVC 6(2), 2002.
 */
export function selectEliteNSGAII(pop: readonly Individual[], size: number): number[] {
  const n = pop.length;
  if (n <= size) return pop.map((_, i) => i);
  const { ranks, crowding } = rankAndCrowding(pop);
  const order = pop.map((_, i) => i);
  order.sort((a, b) => (ranks[a] as number) - (ranks[b] as number) || (crowding[b] as number) - (crowding[a] as number) || a - b);
  // Crowding only breaks ties inside the last, partly kept front: the order above keeps whole
  // earlier fronts whatever their crowding.
  return order.slice(0, size).sort((a, b) => a - b);
}
