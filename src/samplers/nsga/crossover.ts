/**
 * Crossover operators of the genetic samplers, on numeric parameters mapped to the unit cube
 * (see `unit-space.ts`). Each takes its parents' vectors and one seeded stream and returns one child.
 * Uniform and SBX children always lie in [0, 1]ⁿ; BLX-α, SPX and UNDX may step outside, and the
 * sampler retries or clips them (see {@link insideUnitCube}).
 */
import type { Random } from "../../core/rng.js";

/**
 * The crossover operators, named as Optuna names its classes (`UniformCrossover`,
 * `BLXAlphaCrossover`, `SBXCrossover`, `SPXCrossover`, `UNDXCrossover`).
 */
export type CrossoverKind = "uniform" | "blx-alpha" | "sbx" | "spx" | "undx";

/** Every crossover kind, for validation and error messages. */
export const CROSSOVER_KINDS: readonly CrossoverKind[] = ["uniform", "blx-alpha", "sbx", "spx", "undx"];

/** Operator settings; see {@link crossover} for their meaning and defaults. */
export interface CrossoverSettings {
  /** Uniform: probability of taking each value from the second parent. Default 0.5. */
  readonly swappingProb: number;
  /** BLX-α: how far beyond the parents' interval children may fall, as a fraction of it. Default 0.5. */
  readonly blxAlpha: number;
  /** SBX: distribution index η (large = children near the parents). Default 20 (2 for one objective). */
  readonly sbxEta: number;
  /** SPX: expansion rate ε of the simplex. Default √(parents + 1) = 2. */
  readonly spxEpsilon: number;
  /** UNDX: standard deviation of the step along the primary parents' line. Default 0.5. */
  readonly undxSigmaXi: number;
  /** UNDX: standard deviation of the orthogonal steps; undefined = 0.35/√n. */
  readonly undxSigmaEta: number | undefined;
}

/** How many parents a crossover needs: 3 for SPX and UNDX, 2 for the others. */
export function crossoverParents(kind: CrossoverKind): number {
  return kind === "spx" || kind === "undx" ? 3 : 2;
}

/** Whether every coordinate lies in [0, 1]. */
export function insideUnitCube(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (!(x >= 0 && x <= 1)) return false;
  }
  return true;
}

/**
 * One child of `parents` (vectors of equal length n in the unit cube) by the `kind` operator:
 *
 * - `uniform` (Syswerda 1989): each coordinate from the second parent with probability
 *   `swappingProb`, else from the first.
 * - `blx-alpha` (Eshelman & Schaffer 1993): each coordinate uniform on the parents' interval
 *   widened by `blxAlpha` times its length on both sides.
 * - `sbx` (Deb & Agrawal 1995), bounded form of Deb's NSGA-II code: each coordinate, with
 *   probability ½, spreads the two parents symmetrically by a factor β drawn from a polynomial law
 *   of index `sbxEta` whose tails are cut so both children stay in [0, 1]; one of the two children
 *   is returned.
 * - `spx` (Tsutsui, Yamamura & Higuchi 1999): the simplex of the parents, expanded by `spxEpsilon`
 *   about its centroid, sampled uniformly (by the nested-power recursion of the paper).
 * - `undx` (Ono & Kobayashi 1997): normal around the midpoint of the first two parents, with
 *   standard deviation `undxSigmaXi`·|x₂ − x₁| along their line and `undxSigmaEta`·D in every
 *   orthogonal direction, D being the third parent's distance from that line.
 *
 * @see L. J. Eshelman & J. D. Schaffer, "Real-coded genetic algorithms and interval-schemata", FOGA 1993.
 * @see K. Deb & R. B. Agrawal, "Simulated binary crossover for continuous search space", Complex Systems 9, 1995.
 * @see S. Tsutsui, M. Yamamura & T. Higuchi, "Multi-parent recombination with simplex crossover in real
 *   coded genetic algorithms", GECCO 1999.
 * @see I. Ono & S. Kobayashi, "A real-coded genetic algorithm for function optimization using unimodal
 *   normal distribution crossover", ICGA 1997.
 */
export function crossover(kind: CrossoverKind, parents: readonly Float64Array[], rng: Random, s: CrossoverSettings): Float64Array {
  const a = parents[0] as Float64Array;
  const b = parents[1] as Float64Array;
  const n = a.length;
  const child = new Float64Array(n);
  switch (kind) {
    case "uniform":
      for (let i = 0; i < n; i++) child[i] = rng.next() < s.swappingProb ? (b[i] as number) : (a[i] as number);
      return child;
    case "blx-alpha":
      for (let i = 0; i < n; i++) {
        const lo = Math.min(a[i] as number, b[i] as number);
        const hi = Math.max(a[i] as number, b[i] as number);
        const w = s.blxAlpha * (hi - lo);
        child[i] = rng.uniform(lo - w, hi + w);
      }
      return child;
    case "sbx":
      return sbx(a, b, rng, s.sbxEta);
    case "spx":
      return spx(parents, rng, s.spxEpsilon);
    case "undx":
      return undx(a, b, parents[2] as Float64Array, rng, s.undxSigmaXi, s.undxSigmaEta ?? 0.35 / Math.sqrt(n));
  }
}

/** Bounded simulated binary crossover on [0, 1]ⁿ. */
function sbx(a: Float64Array, b: Float64Array, rng: Random, eta: number): Float64Array {
  const n = a.length;
  const c1 = new Float64Array(n);
  const c2 = new Float64Array(n);
  const e = 1 / (eta + 1);
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    const cross = rng.next() < 0.5;
    const u = rng.next();
    if (!cross || Math.abs(x - y) < 1e-14) {
      c1[i] = x;
      c2[i] = y;
      continue;
    }
    const y1 = Math.min(x, y);
    const y2 = Math.max(x, y);
    const gap = y2 - y1;
    // β_q for the lower child, its law truncated so the child does not pass 0 ...
    const beta1 = 1 + (2 * y1) / gap;
    const alpha1 = 2 - Math.pow(beta1, -(eta + 1));
    const bq1 = u <= 1 / alpha1 ? Math.pow(u * alpha1, e) : Math.pow(1 / (2 - u * alpha1), e);
    // ... and for the upper child, truncated at 1 (same u: the children stay symmetric when unbounded).
    const beta2 = 1 + (2 * (1 - y2)) / gap;
    const alpha2 = 2 - Math.pow(beta2, -(eta + 1));
    const bq2 = u <= 1 / alpha2 ? Math.pow(u * alpha2, e) : Math.pow(1 / (2 - u * alpha2), e);
    const lo = Math.min(1, Math.max(0, 0.5 * (y1 + y2 - bq1 * gap)));
    const hi = Math.min(1, Math.max(0, 0.5 * (y1 + y2 + bq2 * gap)));
    // Which parent side each child inherits is itself random, as in Deb's code.
    if (rng.next() < 0.5) {
      c1[i] = lo;
      c2[i] = hi;
    } else {
      c1[i] = hi;
      c2[i] = lo;
    }
  }
  return rng.next() < 0.5 ? c1 : c2;
}

/** Simplex crossover: uniform over the ε-expanded simplex of the parents. */
function spx(parents: readonly Float64Array[], rng: Random, epsilon: number): Float64Array {
  const k = parents.length;
  const n = (parents[0] as Float64Array).length;
  const g = new Float64Array(n);
  for (const p of parents) for (let i = 0; i < n; i++) g[i] = (g[i] as number) + (p[i] as number) / k;
  const ys = parents.map((p) => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = (g[i] as number) + epsilon * ((p[i] as number) - (g[i] as number));
    return y;
  });
  // C_j = r_{j−1} (y_{j−1} − y_j + C_{j−1}), r_{j−1} = u^{1/j}; the child is y_{k−1} + C_{k−1}.
  const c = new Float64Array(n);
  for (let j = 1; j < k; j++) {
    const r = Math.pow(rng.next(), 1 / j);
    const prev = ys[j - 1] as Float64Array;
    const cur = ys[j] as Float64Array;
    for (let i = 0; i < n; i++) c[i] = r * ((prev[i] as number) - (cur[i] as number) + (c[i] as number));
  }
  const last = ys[k - 1] as Float64Array;
  for (let i = 0; i < n; i++) c[i] = (last[i] as number) + (c[i] as number);
  return c;
}

/** Unimodal normal distribution crossover. */
function undx(a: Float64Array, b: Float64Array, third: Float64Array, rng: Random, sigmaXi: number, sigmaEta: number): Float64Array {
  const n = a.length;
  const d = new Float64Array(n);
  let dd = 0;
  for (let i = 0; i < n; i++) {
    d[i] = (b[i] as number) - (a[i] as number);
    dd += (d[i] as number) ** 2;
  }
  const norm = Math.sqrt(dd);
  // Unit direction of the primary line (zero when the primary parents coincide).
  const e = new Float64Array(n);
  if (norm > 0) for (let i = 0; i < n; i++) e[i] = (d[i] as number) / norm;
  // D: distance of the third parent from the primary line.
  let proj = 0;
  for (let i = 0; i < n; i++) proj += ((third[i] as number) - (a[i] as number)) * (e[i] as number);
  let dist2 = 0;
  for (let i = 0; i < n; i++) dist2 += ((third[i] as number) - (a[i] as number) - proj * (e[i] as number)) ** 2;
  const dist = Math.sqrt(dist2);
  // An isotropic normal step projected onto the complement of the line equals Σ η_i e_i over an
  // orthonormal basis of that complement, without building the basis.
  const z = new Float64Array(n);
  let ze = 0;
  for (let i = 0; i < n; i++) {
    z[i] = sigmaEta * rng.normal();
    ze += (z[i] as number) * (e[i] as number);
  }
  const xi = sigmaXi * rng.normal();
  const child = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mid = 0.5 * ((a[i] as number) + (b[i] as number));
    child[i] = mid + xi * (d[i] as number) + dist * ((z[i] as number) - ze * (e[i] as number));
  }
  return child;
}
