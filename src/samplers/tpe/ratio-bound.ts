/**
 * Picking TPE's candidate without evaluating g at every candidate: cheap, rigorous lower bounds of
 * log g rule most candidates out, and only those that can still win are scored exactly.
 */
import { SKIP_BELOW, peakLogTerm, type BucketIndex, type BucketStorage } from "./bucket-index.js";
import { expNeg } from "./mixture-math.js";
import { F_BOUND_DELTA, F_BOUND_TERM, tmpF64 } from "./scratch.js";

/** Terms of a bucket's bounding polynomial: even, so that the truncated series of e^y is below e^y for every y. */
const TERMS = 8;
const INV_FACTORIAL = Float64Array.from({ length: TERMS }, (_, p) => {
  let f = 1;
  for (let q = 2; q <= p; q++) f *= q;
  return 1 / f;
});
/**
 * A bucket's polynomial is used only where |u·δ| ≤ this: each kernel's factor is then positive
 * (at least 0.034) and the sum well conditioned (relative rounding below 1e-12).
 */
const MAX_UD = 2.6;
/** Buckets wider than this (in units of their narrowest kernel, half-width) are summed kernel by kernel. */
const MAX_HALF_SPAN = 1;
/** Subtracted from a bound to cover the rounding of both it and the exact sum (each below 1e-12). */
const MARGIN = 1e-9;

/**
 * Lower bounds of the log density {@link BucketIndex.logSumExp} computes. Over a window around x,
 * each bucket's kernels are bounded from below by giving them all the bucket's narrowest width in
 * the exponent (e^{−½((x − μ)/σ)²} only shrinks with σ; each kernel keeps its own log scale c_k) and
 * expanding
 *   Σ_k exp(c_k − ½(u − δ_k)²) = exp(C − ½u²) Σ_k exp(c_k − ½δ_k² − C) e^{uδ_k},  u = (x − z)/σ, δ_k = (μ_k − z)/σ,
 * with e^{uδ} replaced by its Taylor polynomial of degree 7, which lies below it for every
 * argument (the remainder e^ξ y⁸/8! is non-negative). A bucket's 8 coefficients are built once
 * per index, on first use; a bound then costs a few operations per bucket instead of one term per
 * kernel. Buckets too wide for the polynomial (few observations, so few buckets), and points too
 * far from a bucket, are summed kernel by kernel, exactly as the index does. Leaving out kernels
 * only lowers the bound.
 */
export class RatioBounds {
  private readonly z: Float64Array;
  private readonly iv: Float64Array;
  private readonly scale: Float64Array;
  /** max |δ_k| of the bucket, or NaN when it is summed kernel by kernel. */
  private readonly span: Float64Array;
  private readonly coef: Float64Array;
  private readonly built: Uint8Array;

  constructor(
    private readonly index: BucketIndex,
    /** Optional: memory to reuse (the bounds then live until the storage's next use). */
    storage?: BucketStorage,
  ) {
    const nb = index.start.length - 1;
    const nF64 = (4 + TERMS) * nb;
    const taken = storage?.take(nF64, nb);
    const buf = taken !== undefined ? taken.f64 : new Float64Array(nF64);
    this.z = buf.subarray(0, nb);
    this.iv = buf.subarray(nb, 2 * nb);
    this.scale = buf.subarray(2 * nb, 3 * nb);
    this.span = buf.subarray(3 * nb, 4 * nb);
    this.coef = buf.subarray(4 * nb, nF64);
    this.built = (taken !== undefined ? taken.u8.subarray(0, nb) : new Uint8Array(nb)).fill(0);
  }

  /**
   * A lower bound of `index.logSumExp(x)`: the prior and the buckets within `halfWidth` of x
   * (none without a grid), less a margin far above the rounding of either sum.
   */
  lowerBound(x: number, halfWidth: number): number {
    const { mu, inv, c, start, nObs, gridLow, gridScale } = this.index;
    const nb = start.length - 1;
    let m = -Infinity;
    let s = 0;
    for (let k = nObs; k < mu.length; k++) {
      const t = (x - (mu[k] as number)) * (inv[k] as number);
      const v = (c[k] as number) - 0.5 * t * t;
      if (v > m) {
        s = s * Math.exp(m - v) + 1;
        m = v;
      } else if (v > m - SKIP_BELOW) s += expNeg(v - m);
    }
    if (gridScale === gridScale && nb > 0) {
      let b0 = Math.floor((x - halfWidth - gridLow) * gridScale);
      let b1 = Math.floor((x + halfWidth - gridLow) * gridScale);
      b0 = b0 < 0 ? 0 : b0 >= nb ? nb - 1 : b0;
      b1 = b1 < 0 ? 0 : b1 >= nb ? nb - 1 : b1;
      const { z, iv, scale, span, coef, built } = this;
      for (let b = b0; b <= b1; b++) {
        const s0 = start[b] as number;
        const e0 = start[b + 1] as number;
        if (s0 === e0) continue;
        if (built[b] === 0) this.build(b);
        const u = (x - (z[b] as number)) * (iv[b] as number);
        const sp = span[b] as number;
        if (sp === sp && (u < 0 ? -u : u) * sp <= MAX_UD) {
          const off = b * TERMS;
          let poly = coef[off + TERMS - 1] as number;
          for (let p = TERMS - 2; p >= 0; p--) poly = poly * u + (coef[off + p] as number);
          if (poly > 0) {
            // s counts in units of e^m; this bucket adds poly·e^v.
            const v = (scale[b] as number) - 0.5 * u * u;
            if (v > m) {
              s = s * Math.exp(m - v) + poly;
              m = v;
            } else if (v > m - SKIP_BELOW) s += poly * expNeg(v - m);
          }
          continue;
        }
        for (let k = s0; k < e0; k++) {
          const t = (x - (mu[k] as number)) * (inv[k] as number);
          const v = (c[k] as number) - 0.5 * t * t;
          if (v > m) {
            s = s * Math.exp(m - v) + 1;
            m = v;
          } else if (v > m - SKIP_BELOW) s += expNeg(v - m);
        }
      }
    }
    return m === -Infinity || !(s > 0) ? -Infinity : m + Math.log(s) - MARGIN;
  }

  /** Bucket b's centre, narrowest width, scale and polynomial (or NaN span: kernel by kernel). */
  private build(b: number): void {
    this.built[b] = 1;
    const { mu, inv, c, start, lo, hi } = this.index;
    const s0 = start[b] as number;
    const e0 = start[b + 1] as number;
    let iv = 0;
    for (let k = s0; k < e0; k++) if ((inv[k] as number) > iv) iv = inv[k] as number;
    const z = 0.5 * ((lo[b] as number) + (hi[b] as number));
    const span = ((hi[b] as number) - z) * iv;
    this.z[b] = z;
    this.iv[b] = iv;
    if (!(span <= MAX_HALF_SPAN && e0 - s0 > 1)) {
      this.span[b] = NaN;
      return;
    }
    const C = peakLogTerm(mu, c, s0, e0, z, iv);
    // Terms more than SKIP_BELOW below the largest are left out (a lower bound may drop terms);
    // the rest use the fast exp. One coefficient at a time over all kernels, so that the kernels'
    // chains of multiplications overlap.
    const nk = e0 - s0;
    const terms = tmpF64(F_BOUND_TERM, nk);
    const ds = tmpF64(F_BOUND_DELTA, nk);
    let kept = 0;
    for (let k = s0; k < e0; k++) {
      const d = ((mu[k] as number) - z) * iv;
      const e = (c[k] as number) - 0.5 * d * d - C;
      if (!(e > -SKIP_BELOW)) continue;
      ds[kept] = d;
      terms[kept] = expNeg(e);
      kept++;
    }
    const off = b * TERMS;
    const coef = this.coef;
    for (let p = 0; p < TERMS; p++) {
      let acc = 0;
      for (let j = 0; j < kept; j++) {
        const t = terms[j] as number;
        acc += t;
        terms[j] = t * (ds[j] as number);
      }
      coef[off + p] = acc * (INV_FACTORIAL[p] as number);
    }
    this.scale[b] = C;
    this.span[b] = span;
  }
}

/**
 * The index of the point with the largest `ll[i] − index.logSumExp(xs[i])`, the first on ties (0
 * when none is larger than −∞): what scoring every point gives, but each point is first bounded
 * (its score is at most ll − lower bound) and the sums are evaluated in order of decreasing bound
 * only until the best score found beats every remaining bound. TPE's candidates are drawn where
 * l is large, so where g's observations crowd too: with a window of a few bandwidths the bounds are
 * tight enough that a few of the 24 are scored in full.
 */
export function bestRatio(index: BucketIndex, bounds: RatioBounds, ll: Float64Array, xs: Float64Array, halfWidth: number): number {
  const n = xs.length;
  const upper = new Float64Array(n);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = (ll[i] as number) - bounds.lowerBound(xs[i] as number, halfWidth);
    // Unbounded or undefined scores: score every point the plain way.
    if (!(u > -Infinity && u < Infinity)) return bestRatioFull(index, ll, xs);
    upper[i] = u;
    order.push(i);
  }
  order.sort((a, b) => (upper[b] as number) - (upper[a] as number));
  let best = 0;
  let bestScore = -Infinity;
  for (const i of order) {
    // Every later point's score is at most its bound, below the best: none can win or tie.
    if ((upper[i] as number) < bestScore) break;
    const score = (ll[i] as number) - index.logSumExp(xs[i] as number);
    if (score > bestScore || (score === bestScore && i < best)) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

function bestRatioFull(index: BucketIndex, ll: Float64Array, xs: Float64Array): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const score = (ll[i] as number) - index.logSumExp(xs[i] as number);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}
