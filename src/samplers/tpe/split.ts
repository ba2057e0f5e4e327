/**
 * The below/above split of TPE: which observed trials model the good density l(x) and which the
 * rest g(x). Follows Optuna 3.x `_split_trials`:
 *
 * 1. Trials are sorted into running (only with the constant liar), infeasible (a positive total
 *    violation in the `"constraints"` system attribute, or none recorded while constraints are on),
 *    complete and pruned.
 * 2. The best `nBelow` complete trials go below: by value for one objective; for several, whole
 *    non-domination fronts while they fit, then the next front is cut by greedy hypervolume subset
 *    selection.
 * 3. Any remaining places go to pruned trials, the deepest first (by last reported step, then by
 *    the value there), then to infeasible trials with the smallest violation.
 * 4. Everything else, and every running trial, goes above. Both groups keep trial-number order.
 */
import type { FrozenTrial, StudyDirection } from "../../core/frozen-trial.js";
import { nonDominatedRanks } from "../../core/pareto.js";
import { greedyHypervolumeSubset, hypervolumeContributions, referencePoint, type Point } from "./multi-objective.js";

/** The system attribute holding a trial's constraint values (each ≤ 0 means satisfied). */
export const CONSTRAINTS_KEY = "constraints";

const EPS = 1e-12;

/** Result of {@link splitTrials}: positions into the given trial array, ascending. */
export interface TrialSplit {
  readonly below: Int32Array;
  readonly above: Int32Array;
  /**
   * Multi-objective only: MOTPE weight of each below trial (aligned with `below`), from its
   * hypervolume contribution among the feasible complete below trials; others get 1e-12.
   */
  readonly belowWeights: Float64Array | undefined;
}

/** Options of {@link splitTrials}. */
export interface SplitOptions {
  /** Whether infeasible trials (by the `"constraints"` attribute) rank after feasible ones. */
  readonly constraints: boolean;
  /** Whether running trials are used (all go above: the constant liar). */
  readonly constantLiar: boolean;
  /** A trial to leave out entirely (the one being sampled). */
  readonly exclude?: number;
}

/** Total violation of a trial: the sum of its positive constraint values; Infinity when none recorded. */
export function violation(trial: FrozenTrial): number {
  const c = trial.systemAttrs[CONSTRAINTS_KEY];
  if (!Array.isArray(c)) return Infinity;
  let v = 0;
  for (const x of c as readonly unknown[]) {
    if (typeof x !== "number" || Number.isNaN(x)) return Infinity;
    if (x > 0) v += x;
  }
  return v;
}

/** Losses to minimise: the values with maximised objectives negated. */
export function lossVector(values: readonly number[], directions: readonly StudyDirection[]): number[] {
  return values.map((v, i) => (directions[i] === "maximize" ? -v : v));
}

/** The `m` best candidates under `less`, in order (a bounded insertion buffer: O(n) for small m). */
function selectBest(cands: readonly number[], m: number, less: (a: number, b: number) => boolean): number[] {
  if (m <= 0) return [];
  if (m >= cands.length) return [...cands].sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
  const buf: number[] = [];
  for (const c of cands) {
    if (buf.length === m && !less(c, buf[m - 1] as number)) continue;
    let lo = 0;
    let hi = buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (less(c, buf[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    buf.splice(lo, 0, c);
    if (buf.length > m) buf.pop();
  }
  return buf;
}

function lastScalarStep(t: FrozenTrial): number | undefined {
  let last: number | undefined;
  for (const k in t.intermediateValues) {
    const s = Number(k);
    if (last === undefined || s > last) last = s;
  }
  return last;
}

function lastVectorStep(t: FrozenTrial): number | undefined {
  let last: number | undefined;
  for (const k in t.intermediateVectors) {
    const s = Number(k);
    if (last === undefined || s > last) last = s;
  }
  return last;
}

/**
 * Splits the complete, pruned (and, with the constant liar, running) trials of `trials` into the
 * `nBelow` best and the rest. `nBelow` is clamped to the number of complete and pruned trials.
 */
export function splitTrials(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  nBelow: number,
  options: SplitOptions,
): TrialSplit {
  const multi = directions.length > 1;
  const complete: number[] = [];
  const pruned: number[] = [];
  const infeasible: number[] = [];
  const running: number[] = [];
  for (let i = 0; i < trials.length; i++) {
    const t = trials[i] as FrozenTrial;
    if (t.number === options.exclude) continue;
    if (t.state === "running") {
      if (options.constantLiar) running.push(i);
      continue;
    }
    if (t.state !== "complete" && t.state !== "pruned") continue;
    if (t.state === "complete" && (t.values === undefined || t.values.length !== directions.length)) continue;
    if (options.constraints && violation(t) > 0) infeasible.push(i);
    else if (t.state === "complete") complete.push(i);
    else pruned.push(i);
  }

  let remaining = Math.max(0, Math.floor(nBelow));
  // 0: not used, 1: above, 2: below.
  const flag = new Int8Array(trials.length);
  for (const list of [complete, pruned, infeasible, running]) for (const i of list) flag[i] = 1;
  const take = (ids: readonly number[]): void => {
    for (const i of ids) flag[i] = 2;
    remaining -= ids.length;
  };

  // Complete trials.
  const sign = directions.map((d) => (d === "maximize" ? -1 : 1));
  if (!multi) {
    const s = sign[0] ?? 1;
    const loss = new Float64Array(trials.length);
    for (const i of complete) loss[i] = s * ((trials[i] as FrozenTrial).values?.[0] as number);
    take(selectBest(complete, Math.min(remaining, complete.length), (a, b) => (loss[a] as number) < (loss[b] as number) || (loss[a] === loss[b] && a < b)));
  } else {
    take(splitMultiObjective(trials, complete, directions, Math.min(remaining, complete.length)));
  }

  // Pruned trials: deepest first, then best value at that step.
  if (remaining > 0 && pruned.length > 0) {
    const negStep = new Float64Array(trials.length);
    const val = new Float64Array(trials.length);
    const s = sign[0] ?? 1;
    for (const i of pruned) {
      const t = trials[i] as FrozenTrial;
      const step = multi ? lastVectorStep(t) : lastScalarStep(t);
      if (step === undefined) {
        negStep[i] = 1;
        val[i] = 0;
      } else {
        negStep[i] = -step;
        const v = multi ? 0 : (t.intermediateValues[step] as number);
        val[i] = Number.isNaN(v) ? Infinity : s * v;
      }
    }
    take(
      selectBest(pruned, Math.min(remaining, pruned.length), (a, b) => {
        const sa = negStep[a] as number;
        const sb = negStep[b] as number;
        if (sa !== sb) return sa < sb;
        const va = val[a] as number;
        const vb = val[b] as number;
        return va < vb || (va === vb && a < b);
      }),
    );
  }

  // Infeasible trials: smallest total violation first.
  if (remaining > 0 && infeasible.length > 0) {
    const viol = new Float64Array(trials.length);
    for (const i of infeasible) viol[i] = violation(trials[i] as FrozenTrial);
    take(selectBest(infeasible, Math.min(remaining, infeasible.length), (a, b) => (viol[a] as number) < (viol[b] as number) || (viol[a] === viol[b] && a < b)));
  }

  let nb = 0;
  let na = 0;
  for (let i = 0; i < flag.length; i++) {
    if (flag[i] === 2) nb++;
    else if (flag[i] === 1) na++;
  }
  const belowArr = new Int32Array(nb);
  const aboveArr = new Int32Array(na);
  nb = 0;
  na = 0;
  for (let i = 0; i < flag.length; i++) {
    if (flag[i] === 2) belowArr[nb++] = i;
    else if (flag[i] === 1) aboveArr[na++] = i;
  }
  const belowWeights = multi ? multiObjectiveWeights(trials, belowArr, directions, options.constraints) : undefined;
  return { below: belowArr, above: aboveArr, belowWeights };
}

function splitMultiObjective(trials: readonly FrozenTrial[], complete: readonly number[], directions: readonly StudyDirection[], nBelow: number): number[] {
  if (nBelow <= 0) return [];
  if (nBelow >= complete.length) return [...complete];
  const points: Point[] = complete.map((i) => lossVector((trials[i] as FrozenTrial).values as readonly number[], directions));
  const ranks = nonDominatedRanks(points, nBelow);
  const chosen: number[] = [];
  let r = 0;
  for (;;) {
    const front: number[] = [];
    for (let j = 0; j < points.length; j++) if (ranks[j] === r) front.push(j);
    if (front.length === 0) break;
    if (chosen.length + front.length <= nBelow) {
      chosen.push(...front);
      if (chosen.length === nBelow) break;
      r++;
      continue;
    }
    // Tie-break the front that does not fit by greedy hypervolume subset selection.
    const frontPts = front.map((j) => points[j] as Point);
    const picked = greedyHypervolumeSubset(frontPts, nBelow - chosen.length, referencePoint(frontPts));
    for (const p of picked) chosen.push(front[p] as number);
    break;
  }
  return chosen.map((j) => complete[j] as number);
}

function multiObjectiveWeights(trials: readonly FrozenTrial[], below: Int32Array, directions: readonly StudyDirection[], constraints: boolean): Float64Array {
  const weights = new Float64Array(below.length).fill(EPS);
  const idx: number[] = [];
  const pts: Point[] = [];
  for (let j = 0; j < below.length; j++) {
    const t = trials[below[j] as number] as FrozenTrial;
    if (t.state !== "complete" || t.values === undefined) continue;
    if (constraints && violation(t) > 0) continue;
    idx.push(j);
    pts.push(lossVector(t.values, directions));
  }
  if (pts.length === 0) return weights;
  if (pts.length === 1) {
    weights[idx[0] as number] = 1;
    return weights;
  }
  const contrib = hypervolumeContributions(pts, referencePoint(pts));
  let max = -Infinity;
  for (let j = 0; j < contrib.length; j++) {
    if (Number.isNaN(contrib[j])) contrib[j] = Infinity;
    max = Math.max(max, contrib[j] as number);
  }
  max = Math.max(max, EPS);
  for (let j = 0; j < contrib.length; j++) {
    const c = contrib[j] as number;
    const w = Number.isFinite(max) ? Math.min(1, Math.max(EPS, c / max)) : Number.isFinite(c) ? EPS : 1;
    weights[idx[j] as number] = w;
  }
  return weights;
}
