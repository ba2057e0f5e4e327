/**
 * Constraint domination (Deb 2000, used by NSGA-II): a feasible solution beats an infeasible one,
 * two infeasible ones compare by total violation, and two feasible ones by Pareto dominance.
 */
import { dominatesBy, nonDominatedRanks } from "../../core/pareto.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { CONSTRAINTS_KEY } from "../tpe/index.js";

export { CONSTRAINTS_KEY };

/**
 * Total constraint violation of a trial: the sum of its positive values in the `"constraints"`
 * system attribute (each value ≤ 0 is satisfied), 0 when all are satisfied, Infinity when none were
 * recorded (a trial finished before a `constraintsFunc` was given is treated as the worst).
 */
export function totalViolation(trial: FrozenTrial): number {
  const c = trial.systemAttrs[CONSTRAINTS_KEY];
  if (!Array.isArray(c)) return Infinity;
  let v = 0;
  for (const x of c as readonly unknown[]) {
    if (typeof x !== "number" || Number.isNaN(x)) return Infinity;
    if (x > 0) v += x;
  }
  return v;
}

/**
 * Whether `a` constraint-dominates `b`: `a` feasible and `b` not; or both infeasible and `a`
 * violates less; or both feasible and `a` Pareto-dominates `b` (losses, every objective minimised).
 */
export function constrainedDominates(aLosses: readonly number[], aViolation: number, bLosses: readonly number[], bViolation: number): boolean {
  const aFeasible = aViolation <= 0;
  const bFeasible = bViolation <= 0;
  if (aFeasible !== bFeasible) return aFeasible;
  if (!aFeasible) return aViolation < bViolation;
  return dominatesBy(aLosses, bLosses);
}

/**
 * Non-domination rank of every point under constraint domination: the feasible points are sorted
 * into Pareto fronts 0, 1, …; then the infeasible ones follow, one rank per distinct violation in
 * increasing order (two infeasible points never tie unless their violations are equal). With
 * `violations` all 0 this is plain non-dominated sorting.
 *
 * @see K. Deb, "An efficient constraint handling method for genetic algorithms", CMAME 186, 2000.
 */
export function constrainedRanks(losses: readonly (readonly number[])[], violations: ArrayLike<number>): number[] {
  const n = losses.length;
  const feasible: number[] = [];
  const infeasible: number[] = [];
  for (let i = 0; i < n; i++) ((violations[i] as number) <= 0 ? feasible : infeasible).push(i);
  const out = new Array<number>(n).fill(0);
  const fr = nonDominatedRanks(feasible.map((i) => losses[i] as readonly number[]));
  let next = 0;
  for (let k = 0; k < feasible.length; k++) {
    const r = fr[k] as number;
    out[feasible[k] as number] = r;
    next = Math.max(next, r + 1);
  }
  infeasible.sort((a, b) => (violations[a] as number) - (violations[b] as number) || a - b);
  let prev = NaN;
  for (const i of infeasible) {
    const v = violations[i] as number;
    if (v !== prev && !Number.isNaN(prev)) next++;
    out[i] = next;
    prev = v;
  }
  return out;
}
