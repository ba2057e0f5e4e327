/**
 * Pareto dominance for multi-objective studies (Deb et al. 2002, "A fast and elitist
 * multiobjective genetic algorithm: NSGA-II", for the definitions).
 */
import type { StudyDirection } from "./frozen-trial.js";

/** Whether `a` dominates `b`: no worse in every objective, strictly better in one. */
export function dominates(a: readonly number[], b: readonly number[], directions: readonly StudyDirection[]): boolean {
  let better = false;
  for (let i = 0; i < directions.length; i++) {
    const sign = directions[i] === "maximize" ? -1 : 1;
    const x = sign * (a[i] as number);
    const y = sign * (b[i] as number);
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/** Indices of the non-dominated points (the first Pareto front), in input order. Duplicates all stay. */
export function paretoFrontIndices(points: readonly (readonly number[])[], directions: readonly StudyDirection[]): number[] {
  const front: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) {
      if (i !== j && dominates(points[j] as number[], points[i] as number[], directions)) dominated = true;
    }
    if (!dominated) front.push(i);
  }
  return front;
}
