/**
 * Hypervolume helpers for MOTPE: exact hypervolume, hypervolume contributions and greedy
 * hypervolume subset selection (dominance and non-dominated sorting are in `core/pareto.ts`). All losses are minimised (the
 * caller flips the sign of maximised objectives); points are arrays of equal length.
 *
 * Hypervolume: a sweep in O(n log n) for 2 objectives, and WFG for 3 or more (the exclusive volume
 * of each point against the later points "limited" by it, recursively, with dominated points removed
 * at every level).
 *
 * @see Ozaki et al., "Multiobjective Tree-Structured Parzen Estimator for Computationally Expensive
 *   Optimization Problems", GECCO 2020.
 * @see While, Bradstreet and Barone, "A Fast Way of Calculating Exact Hypervolumes", IEEE TEVC 2012.
 * @see Guerreiro, Fonseca and Paquete, "Greedy Hypervolume Subset Selection in Low Dimensions", 2016.
 */

import { dominatesBy as dominates } from "../../core/pareto.js";

/** Dominance of loss vectors (re-exported from `core/pareto.ts`). */
export { dominatesBy as dominates, nonDominatedRanks } from "../../core/pareto.js";

/** A vector of losses (every objective minimised). */
export type Point = readonly number[];

/** Points of `points` that no other point dominates, duplicates kept once. */
function paretoFilter(points: Point[]): Point[] {
  const out: Point[] = [];
  for (const p of points) {
    let keep = true;
    for (let j = out.length - 1; j >= 0; j--) {
      const q = out[j] as Point;
      if (dominates(q, p) || samePoint(q, p)) {
        keep = false;
        break;
      }
      if (dominates(p, q)) out.splice(j, 1);
    }
    if (keep) out.push(p);
  }
  return out;
}

function samePoint(a: Point, b: Point): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function boxVolume(p: Point, ref: Point): number {
  let v = 1;
  for (let i = 0; i < p.length; i++) v *= Math.max(0, (ref[i] as number) - (p[i] as number));
  return v;
}

function hv2d(points: Point[], ref: Point): number {
  const pts = points.filter((p) => (p[0] as number) < (ref[0] as number) && (p[1] as number) < (ref[1] as number));
  pts.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let v = 0;
  let yBound = ref[1] as number;
  for (const p of pts) {
    const y = p[1] as number;
    if (y < yBound) {
      v += ((ref[0] as number) - (p[0] as number)) * (yBound - y);
      yBound = y;
    }
  }
  return v;
}

function wfg(points: Point[], ref: Point): number {
  const n = points.length;
  if (n === 0) return 0;
  if (n === 1) return boxVolume(points[0] as Point, ref);
  if (ref.length === 2) return hv2d(points, ref);
  // Sorting by the first objective keeps the limited sets small.
  const pts = [...points].sort((a, b) => (a[0] as number) - (b[0] as number));
  let v = 0;
  for (let i = 0; i < n; i++) {
    const p = pts[i] as Point;
    const limited: Point[] = [];
    for (let j = i + 1; j < n; j++) {
      const q = pts[j] as Point;
      limited.push(q.map((x, k) => Math.max(x, p[k] as number)));
    }
    v += boxVolume(p, ref) - wfg(paretoFilter(limited), ref);
  }
  return v;
}

/**
 * The exact hypervolume dominated by `points` and bounded by `ref` (points not strictly better than
 * `ref` in every objective add nothing). Infinity when `ref` is not finite.
 */
export function hypervolume(points: readonly Point[], ref: Point): number {
  for (const r of ref) if (!Number.isFinite(r)) return Infinity;
  const inside = points.filter((p) => p.every((x, k) => x < (ref[k] as number)));
  if (inside.length === 0) return 0;
  if (ref.length === 1) return (ref[0] as number) - Math.min(...inside.map((p) => p[0] as number));
  const v = ref.length === 2 ? hv2d(inside, ref) : wfg(paretoFilter(inside), ref);
  return Number.isFinite(v) ? v : Infinity;
}

/** The reference point Optuna's MOTPE uses: 1.1 × the worst value (0.9 × when negative), 0 → 1e-12. */
export function referencePoint(points: readonly Point[]): number[] {
  const m = points[0]?.length ?? 0;
  const ref: number[] = [];
  for (let k = 0; k < m; k++) {
    let worst = -Infinity;
    for (const p of points) worst = Math.max(worst, p[k] as number);
    const r = Math.max(1.1 * worst, 0.9 * worst);
    ref.push(r === 0 ? 1e-12 : r);
  }
  return ref;
}

/**
 * The volume only `p` dominates, given `others`: its box minus the part the others, limited to
 * that box, already cover (WFG's exclusive hypervolume). Equals HV(others ∪ {p}) − HV(others).
 */
function exclusiveVolume(p: Point, others: readonly Point[], ref: Point): number {
  const box = boxVolume(p, ref);
  if (box === 0) return 0;
  const limited: Point[] = [];
  for (const q of others) limited.push(q.map((x, k) => Math.max(x, p[k] as number)));
  return box - hypervolume(limited, ref);
}

/** Each point's exclusive hypervolume contribution: HV(all) − HV(all without it). */
export function hypervolumeContributions(points: readonly Point[], ref: Point): Float64Array {
  const n = points.length;
  const out = new Float64Array(n);
  if (!ref.every((r) => Number.isFinite(r))) return out.fill(Infinity);
  for (let i = 0; i < n; i++) {
    out[i] = exclusiveVolume(points[i] as Point, points.filter((_, j) => j !== i), ref);
  }
  return out;
}

/**
 * Greedy hypervolume subset selection: indices of `k` points chosen one at a time, each maximising
 * the hypervolume it adds to those already chosen (a (1 − 1/e)-approximation of the best subset).
 * Contributions only shrink as the subset grows (submodularity), so stale values are upper bounds
 * and most candidates are skipped (lazy greedy). Duplicates are chosen only once every distinct
 * point has been; ties go to the lower index.
 */
export function greedyHypervolumeSubset(points: readonly Point[], k: number, ref: Point): number[] {
  const n = points.length;
  if (k >= n) return points.map((_, i) => i);
  if (k <= 0) return [];
  // Distinct points first (by first occurrence), then the duplicates.
  const unique: number[] = [];
  const dup: number[] = [];
  for (let i = 0; i < n; i++) {
    if (unique.some((j) => samePoint(points[j] as Point, points[i] as Point))) dup.push(i);
    else unique.push(i);
  }
  if (unique.length <= k) return [...unique, ...dup.slice(0, k - unique.length)].sort((a, b) => a - b);
  if (!ref.every((r) => Number.isFinite(r))) return unique.slice(0, k);

  const bound = unique.map((i) => boxVolume(points[i] as Point, ref));
  const chosen: number[] = [];
  const chosenPts: Point[] = [];
  const alive = unique.map(() => true);
  for (let step = 0; step < k; step++) {
    const order = unique.map((_, j) => j).filter((j) => alive[j]);
    order.sort((a, b) => (bound[b] as number) - (bound[a] as number) || a - b);
    let best = -1;
    let bestGain = -Infinity;
    for (const j of order) {
      if (step > 0 && (bound[j] as number) < bestGain) break;
      const gain = step === 0 ? (bound[j] as number) : exclusiveVolume(points[unique[j] as number] as Point, chosenPts, ref);
      bound[j] = gain;
      if (gain > bestGain || (gain === bestGain && j < best)) {
        bestGain = gain;
        best = j;
      }
    }
    alive[best] = false;
    chosen.push(unique[best] as number);
    chosenPts.push(points[unique[best] as number] as Point);
  }
  return chosen.sort((a, b) => a - b);
}
