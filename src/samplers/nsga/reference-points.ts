/**
 * NSGA-III's survival step (Deb & Jain 2014): fronts are kept whole as in NSGA-II, but the last,
 * partly kept front is cut by niching around a set of structured reference points on the unit
 * simplex instead of by crowding distance, which keeps a spread front with 3 or more objectives
 * where crowding distance degrades.
 */
import type { Random } from "../../core/rng.js";
import { constrainedRanks } from "./constraints.js";
import type { Individual } from "./elite.js";

/**
 * Das–Dennis reference points: every vector of `nObjectives` non-negative multiples of
 * 1/`divisions` that sum to 1, C(divisions + m − 1, m − 1) points, in lexicographic order.
 *
 * @see I. Das & J. E. Dennis, "Normal-boundary intersection: a new method for generating the Pareto
 *   surface in nonlinear multicriteria optimization problems", SIAM J. Optim. 8(3), 1998.
 */
export function dasDennisPoints(nObjectives: number, divisions: number): number[][] {
  const out: number[][] = [];
  const current: number[] = [];
  const rec = (left: number, dim: number): void => {
    if (dim === nObjectives - 1) {
      out.push([...current, left / divisions]);
      return;
    }
    for (let k = left; k >= 0; k--) {
      current.push(k / divisions);
      rec(left - k, dim + 1);
      current.pop();
    }
  };
  if (nObjectives >= 1) rec(divisions, 0);
  return out;
}

/** C(n, k) for small arguments, as a float. */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * The largest number of divisions whose Das–Dennis set has at most `populationSize` points (at
 * least 1), following Deb & Jain's advice that the population be about as large as the number of
 * reference points.
 */
export function defaultDivisions(nObjectives: number, populationSize: number): number {
  if (nObjectives <= 1) return 1;
  let p = 1;
  while (p < 1000 && binomial(p + 1 + nObjectives - 1, nObjectives - 1) <= populationSize) p++;
  return p;
}

/** Solves the m × m system A x = b by Gaussian elimination with partial pivoting; undefined if singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const m = b.length;
  const M = a.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs((M[r] as number[])[c] as number) > Math.abs((M[piv] as number[])[c] as number)) piv = r;
    const pr = M[piv] as number[];
    if (!(Math.abs(pr[c] as number) > 1e-12)) return undefined;
    M[piv] = M[c] as number[];
    M[c] = pr;
    for (let r = c + 1; r < m; r++) {
      const row = M[r] as number[];
      const f = (row[c] as number) / (pr[c] as number);
      for (let k = c; k <= m; k++) row[k] = (row[k] as number) - f * (pr[k] as number);
    }
  }
  const x = new Array<number>(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    const row = M[r] as number[];
    let s = row[m] as number;
    for (let k = r + 1; k < m; k++) s -= (row[k] as number) * (x[k] as number);
    x[r] = s / (row[r] as number);
  }
  return x;
}

/**
 * Objectives of `members` normalised as in NSGA-III: translated so the ideal point is the origin,
 * then divided by the intercepts of the hyperplane through the extreme points (the member
 * minimising the achievement scalarising function of each axis); when that hyperplane is
 * degenerate, by the translated nadir point of the members instead.
 */
export function normalizeObjectives(members: readonly (readonly number[])[]): number[][] {
  const m = members[0]?.length ?? 0;
  const ideal = new Array<number>(m).fill(Infinity);
  for (const f of members) for (let i = 0; i < m; i++) ideal[i] = Math.min(ideal[i] as number, f[i] as number);
  const shifted = members.map((f) => f.map((x, i) => x - (ideal[i] as number)));
  const extremes: number[][] = [];
  for (let axis = 0; axis < m; axis++) {
    let best: number[] | undefined;
    let bestAsf = Infinity;
    for (const f of shifted) {
      let asf = -Infinity;
      for (let i = 0; i < m; i++) asf = Math.max(asf, (f[i] as number) / (i === axis ? 1 : 1e-6));
      if (asf < bestAsf) {
        bestAsf = asf;
        best = f;
      }
    }
    extremes.push(best ?? new Array<number>(m).fill(0));
  }
  const nadir = new Array<number>(m).fill(0);
  for (const f of shifted) for (let i = 0; i < m; i++) nadir[i] = Math.max(nadir[i] as number, f[i] as number);
  const plane = solve(extremes, new Array<number>(m).fill(1));
  const scale = nadir.map((worst, i) => {
    const intercept = plane ? 1 / (plane[i] as number) : NaN;
    if (Number.isFinite(intercept) && intercept > 1e-6) return intercept;
    return worst > 1e-12 ? worst : 1;
  });
  return shifted.map((f) => f.map((x, i) => x / (scale[i] as number)));
}

/**
 * The nearest reference line of each normalised point (by perpendicular distance to the ray from the
 * origin through the reference point), with that distance.
 */
export function associate(points: readonly (readonly number[])[], refs: readonly (readonly number[])[]): { ref: Int32Array; dist: Float64Array } {
  const ref = new Int32Array(points.length);
  const dist = new Float64Array(points.length);
  const norms2 = refs.map((w) => w.reduce((s, x) => s + x * x, 0));
  for (let p = 0; p < points.length; p++) {
    const f = points[p] as readonly number[];
    const ff = f.reduce((s, x) => s + x * x, 0);
    let best = 0;
    let bestD = Infinity;
    for (let j = 0; j < refs.length; j++) {
      const w = refs[j] as readonly number[];
      let dot = 0;
      for (let i = 0; i < f.length; i++) dot += (f[i] as number) * (w[i] as number);
      // |f − (f·w/|w|²) w|² = |f|² − (f·w)²/|w|².
      const d2 = Math.max(0, ff - (dot * dot) / (norms2[j] as number));
      if (d2 < bestD) {
        bestD = d2;
        best = j;
      }
    }
    ref[p] = best;
    dist[p] = Math.sqrt(bestD);
  }
  return { ref, dist };
}

/**
 * Indices (ascending) of the `size` individuals NSGA-III keeps: whole constrained non-domination
 * fronts while they fit; then, from the first front that does not fit, members chosen one at a time
 * for the reference point with the fewest members kept so far (ties at random): its closest
 * candidate when it has none yet, a random one otherwise. Reference points with no candidate left
 * are dropped. Normalisation and association use all members of the kept fronts and the last one.
 *
 * @see K. Deb & H. Jain, "An evolutionary many-objective optimization algorithm using reference-point
 *   based nondominated sorting approach, part I", IEEE TEVC 18(4), 2014.
 * @see H. Jain & K. Deb, "... part II: handling constraints and extending to an adaptive approach",
 *   IEEE TEVC 18(4), 2014 (constraint domination).
 */
export function selectEliteNSGAIII(pop: readonly Individual[], size: number, refs: readonly (readonly number[])[], rng: Random): number[] {
  const n = pop.length;
  if (n <= size) return pop.map((_, i) => i);
  const ranks = constrainedRanks(
    pop.map((p) => p.losses),
    pop.map((p) => p.violation),
  );
  const order = pop.map((_, i) => i).sort((a, b) => (ranks[a] as number) - (ranks[b] as number) || a - b);
  const lastRank = ranks[order[size - 1] as number] as number;
  const kept: number[] = [];
  const lastFront: number[] = [];
  for (const i of order) {
    const r = ranks[i] as number;
    if (r < lastRank) kept.push(i);
    else if (r === lastRank) lastFront.push(i);
  }
  let k = size - kept.length;
  if (k === lastFront.length) return [...kept, ...lastFront].sort((a, b) => a - b);

  const members = [...kept, ...lastFront];
  const normalised = normalizeObjectives(members.map((i) => (pop[i] as Individual).losses));
  const { ref, dist } = associate(normalised, refs);
  const niche = new Int32Array(refs.length);
  for (let p = 0; p < kept.length; p++) niche[ref[p] as number] = (niche[ref[p] as number] as number) + 1;
  // Candidates of the last front per reference point, positions into `members`.
  const candidates: number[][] = refs.map(() => []);
  for (let p = kept.length; p < members.length; p++) (candidates[ref[p] as number] as number[]).push(p);
  const chosen = [...kept];
  while (k > 0) {
    let minCount = Infinity;
    let ties: number[] = [];
    for (let j = 0; j < refs.length; j++) {
      if ((candidates[j] as number[]).length === 0) continue;
      const c = niche[j] as number;
      if (c < minCount) {
        minCount = c;
        ties = [j];
      } else if (c === minCount) ties.push(j);
    }
    const j = ties[rng.int(ties.length)] as number;
    const cands = candidates[j] as number[];
    let pick = 0;
    if (minCount === 0) {
      for (let q = 1; q < cands.length; q++) if ((dist[cands[q] as number] as number) < (dist[cands[pick] as number] as number)) pick = q;
    } else {
      pick = rng.int(cands.length);
    }
    chosen.push(members[cands[pick] as number] as number);
    cands.splice(pick, 1);
    niche[j] = (niche[j] as number) + 1;
    k--;
  }
  return chosen.sort((a, b) => a - b);
}
