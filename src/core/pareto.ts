/**
 * Pareto dominance, non-dominated sorting and crowding distance for multi-objective studies, in one
 * place for the study (Pareto front), the pruners (promotion and pruning on vectors) and MOTPE.
 *
 * Two forms: {@link dominates} and {@link paretoFrontIndices} take raw objective values and the
 * study's directions; the rest take loss vectors, every objective already in minimisation form
 * (maximised objectives negated), which lets the callers be written once for "smaller is better".
 *
 * @see K. Deb, A. Pratap, S. Agarwal, T. Meyarivan, "A fast and elitist multiobjective genetic
 *   algorithm: NSGA-II", IEEE Trans. Evolutionary Computation 6(2), 2002.
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

/**
 * Whether `a`, moved `delta` towards worse in every objective, still Pareto-dominates `b`
 * (minimisation): no worse in every objective and better in one. `delta = 0` is plain dominance.
 */
export function dominatesBy(a: readonly number[], b: readonly number[], delta = 0): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] as number) + delta;
    const y = b[i] as number;
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/** The points no other point dominates (the Pareto front), in input order. */
export function paretoFront(points: readonly (readonly number[])[]): (readonly number[])[] {
  return points.filter((p) => !points.some((q) => dominatesBy(q, p)));
}

/**
 * Non-domination rank of every point (0 = Pareto front, 1 = the front once rank 0 is removed, …),
 * peeling fronts one after another, O(m·n²). Equal points share a rank. With `nNeeded`, stops once
 * at least that many points are ranked; the rest get rank −1.
 */
export function nonDominatedRanks(points: readonly (readonly number[])[], nNeeded = points.length): number[] {
  const n = points.length;
  const rank = new Array<number>(n).fill(-1);
  let remaining: number[] = [];
  for (let i = 0; i < n; i++) remaining.push(i);
  let ranked = 0;
  let r = 0;
  while (remaining.length > 0 && ranked < nNeeded) {
    // Archive of points not dominated by any point seen so far (a front candidate list).
    const front: number[] = [];
    for (const i of remaining) {
      const p = points[i] as readonly number[];
      let dominated = false;
      for (let j = front.length - 1; j >= 0; j--) {
        const q = points[front[j] as number] as readonly number[];
        if (dominatesBy(q, p)) {
          dominated = true;
          break;
        }
        if (dominatesBy(p, q)) front.splice(j, 1);
      }
      if (!dominated) front.push(i);
    }
    const inFront = new Set(front);
    for (const i of front) rank[i] = r;
    ranked += front.length;
    remaining = remaining.filter((i) => !inFront.has(i));
    r++;
  }
  return rank;
}

function lexCompare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Crowding distance of every point within its front (NSGA-II): per objective, the gap between its
 * two neighbours divided by the front's range, summed; the extremes of each objective get
 * `Infinity`. Equal points share one distance, and the result does not depend on input order.
 */
export function crowdingDistances(points: readonly (readonly number[])[], ranks: ArrayLike<number>): number[] {
  const out = new Array<number>(points.length).fill(0);
  const byRank = new Map<number, number[]>();
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i] as number;
    const list = byRank.get(r);
    if (list) list.push(i);
    else byRank.set(r, [i]);
  }
  for (const members of byRank.values()) {
    // Distinct points of the front in a canonical (lexicographic) order.
    const uniq: (readonly number[])[] = [];
    const key = (p: readonly number[]): string => p.join(",");
    const index = new Map<string, number>();
    for (const i of [...members].sort((a, b) => lexCompare(points[a] as number[], points[b] as number[]))) {
      const p = points[i] as readonly number[];
      if (!index.has(key(p))) {
        index.set(key(p), uniq.length);
        uniq.push(p);
      }
    }
    const dist = new Array<number>(uniq.length).fill(0);
    const m = uniq[0]?.length ?? 0;
    for (let k = 0; k < m; k++) {
      const order = uniq.map((_, i) => i);
      order.sort((a, b) => {
        const d = ((uniq[a] as number[])[k] as number) - ((uniq[b] as number[])[k] as number);
        return d !== 0 ? d : lexCompare(uniq[a] as number[], uniq[b] as number[]);
      });
      const lo = (uniq[order[0] as number] as number[])[k] as number;
      const hi = (uniq[order[order.length - 1] as number] as number[])[k] as number;
      dist[order[0] as number] = Infinity;
      dist[order[order.length - 1] as number] = Infinity;
      const range = hi - lo;
      if (!(range > 0) || !Number.isFinite(range)) continue;
      for (let j = 1; j < order.length - 1; j++) {
        const prev = (uniq[order[j - 1] as number] as number[])[k] as number;
        const next = (uniq[order[j + 1] as number] as number[])[k] as number;
        const i = order[j] as number;
        dist[i] = (dist[i] as number) + (next - prev) / range;
      }
    }
    for (const i of members) out[i] = dist[index.get(key(points[i] as number[])) as number] as number;
  }
  return out;
}

/**
 * How many points are strictly ahead of `points[index]` in the order (non-dominated rank ascending,
 * then crowding distance descending). Equal points are never ahead of each other, so with one
 * objective this counts the strictly smaller values.
 */
export function countAhead(points: readonly (readonly number[])[], index: number): number {
  const ranks = nonDominatedRanks(points);
  const crowding = crowdingDistances(points, ranks);
  const r = ranks[index] as number;
  const c = crowding[index] as number;
  let ahead = 0;
  for (let j = 0; j < points.length; j++) {
    if (j === index) continue;
    const rj = ranks[j] as number;
    if (rj < r || (rj === r && (crowding[j] as number) > c)) ahead++;
  }
  return ahead;
}
