/**
 * Pareto helpers for multi-objective pruning: dominance, non-dominated sorting and crowding distance
 * (NSGA-II, Deb et al. 2002), on vectors already in minimisation form (see `toLossVector` in
 * `reports.ts`), which is what lets every pruner be written once for "smaller is better".
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
 * Non-dominated rank of every point (0: the Pareto front, 1: the front once rank 0 is removed, …),
 * by Deb's fast non-dominated sort, O(m·n²). Equal points share a rank.
 */
export function nonDominatedRanks(points: readonly (readonly number[])[]): number[] {
  const n = points.length;
  const dominatedBy = new Array<number>(n).fill(0);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const p = points[i] as readonly number[];
      const q = points[j] as readonly number[];
      if (dominatesBy(p, q)) {
        (dominating[i] as number[]).push(j);
        dominatedBy[j] = (dominatedBy[j] as number) + 1;
      } else if (dominatesBy(q, p)) {
        (dominating[j] as number[]).push(i);
        dominatedBy[i] = (dominatedBy[i] as number) + 1;
      }
    }
  }
  const ranks = new Array<number>(n).fill(-1);
  let front: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) front.push(i);
  for (let rank = 0; front.length > 0; rank++) {
    const next: number[] = [];
    for (const i of front) {
      ranks[i] = rank;
      for (const j of dominating[i] as number[]) {
        dominatedBy[j] = (dominatedBy[j] as number) - 1;
        if (dominatedBy[j] === 0) next.push(j);
      }
    }
    front = next;
  }
  return ranks;
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
export function crowdingDistances(points: readonly (readonly number[])[], ranks: readonly number[]): number[] {
  const out = new Array<number>(points.length).fill(0);
  const byRank = new Map<number, number[]>();
  ranks.forEach((r, i) => {
    const list = byRank.get(r);
    if (list) list.push(i);
    else byRank.set(r, [i]);
  });
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
