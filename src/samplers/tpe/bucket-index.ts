/**
 * Fast exact evaluation of a large one-parameter continuous Parzen mixture (see {@link BucketIndex}).
 */
import { expNeg } from "./mixture-math.js";
import { F_TAYLOR_DELTA, F_TAYLOR_TERM, tmpF64 } from "./scratch.js";

/**
 * Terms this many nats below the running maximum are skipped. The running sum s (in units of the
 * maximum term) is at least 1 from the first term on, and e^−36.75 < 2^−53 = half an ulp of 1, so
 * adding such a term would leave s unchanged bit for bit (expNeg's relative error, 1e-13, does not
 * reach the margin): skipping them is exact, not an approximation.
 */
export const SKIP_BELOW = 36.75;

/** Taylor terms of a bucket's fast Gauss transform, and the fewest kernels worth expanding. */
const TAYLOR_TERMS = 24;
const TAYLOR_MIN_KERNELS = 6;
/** Below this many observations, expanding buckets costs more than it saves. */
export const TAYLOR_MIN_OBS = 2048;
/** Most buckets an index has (the estimator uses at most 512). */
const MAX_BUCKETS = 4096;
const NO_TAYLOR = new Float64Array(0);
const NAN_ARRAY = new Float64Array(MAX_BUCKETS).fill(NaN);
const ALL_EXPANDED = new Uint8Array(MAX_BUCKETS).fill(1);

/**
 * Reusable memory of {@link BucketIndex} objects built one after another by the same owner (each
 * used up before the next is built): large typed arrays are slow to allocate in V8.
 */
export class BucketStorage {
  f64 = new Float64Array(0);
  u8 = new Uint8Array(0);

  /** Float64 and byte arrays of at least the given lengths (contents arbitrary). */
  take(nF64: number, nU8: number): { f64: Float64Array; u8: Uint8Array } {
    if (this.f64.length < nF64) this.f64 = new Float64Array(Math.max(nF64, 2 * this.f64.length));
    if (this.u8.length < nU8) this.u8 = new Uint8Array(Math.max(nU8, 2 * this.u8.length));
    return { f64: this.f64, u8: this.u8 };
  }
}

/**
 * Kernels of a one-parameter continuous mixture grouped into buckets by centre (the estimator
 * orders its observation kernels by bucket when it is built), with per-bucket bounds (largest log
 * weight, smallest 1/σ, centre span), so a density evaluation skips buckets whose every term lies
 * more than {@link SKIP_BELOW} nats below a term already seen, which leaves the sum unchanged bit
 * for bit, at a fraction of the cost once kernels are narrow (the magic clip keeps σ ≥ range/100).
 * Kernels after the observations (the prior) are always evaluated.
 */
export class BucketIndex {
  /** Per bucket: the smallest and largest centre. */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  private readonly maxC: Float64Array;
  private readonly minInv: Float64Array;
  private readonly ub: Float64Array;
  /** Crowded buckets of equal widths: centre z, 1/σ, log scale C and TAYLOR_TERMS Taylor coefficients (NaN z: not expanded). */
  private readonly tz: Float64Array;
  private readonly tinv: Float64Array;
  private readonly tc: Float64Array;
  private readonly coef: Float64Array;
  /** 1 once a bucket's expansion was considered (all 1 below {@link TAYLOR_MIN_OBS} observations). */
  private readonly expanded: Uint8Array;

  constructor(
    /** Kernel centres, 1/σ and log scales (log weight + log normaliser), observations by bucket, then the prior. */
    readonly mu: Float64Array,
    readonly inv: Float64Array,
    readonly c: Float64Array,
    /** Bucket b holds kernels start[b] … start[b + 1] − 1. */
    readonly start: Int32Array,
    /** The number of observation kernels (those in buckets). */
    readonly nObs: number,
    /** Optional: memory to reuse (the index then lives until the storage's next use). */
    storage?: BucketStorage,
    /** Optional: the grid of the buckets (bucket b holds centres in [low + b/scale, low + (b+1)/scale)), for `RatioBounds`. */
    readonly gridLow = NaN,
    readonly gridScale = NaN,
  ) {
    const nb = start.length - 1;
    const shared = nObs < TAYLOR_MIN_OBS && nb <= MAX_BUCKETS;
    const nTaylor = shared ? 0 : 3 * nb + TAYLOR_TERMS * nb;
    const taken = storage?.take(5 * nb + nTaylor, shared ? 0 : nb);
    const buf = taken !== undefined ? taken.f64 : new Float64Array(5 * nb);
    this.lo = buf.subarray(0, nb);
    this.hi = buf.subarray(nb, 2 * nb);
    this.maxC = buf.subarray(2 * nb, 3 * nb);
    this.minInv = buf.subarray(3 * nb, 4 * nb);
    this.ub = buf.subarray(4 * nb, 5 * nb);
    for (let b = 0; b < nb; b++) {
      let lo = Infinity;
      let hi = -Infinity;
      let maxC = -Infinity;
      let minInv = Infinity;
      const end = start[b + 1] as number;
      for (let k = start[b] as number; k < end; k++) {
        const m = mu[k] as number;
        if (m < lo) lo = m;
        if (m > hi) hi = m;
        if ((c[k] as number) > maxC) maxC = c[k] as number;
        if ((inv[k] as number) < minInv) minInv = inv[k] as number;
      }
      this.lo[b] = lo;
      this.hi[b] = hi;
      this.maxC[b] = maxC;
      this.minInv[b] = minInv;
    }
    // Fast Gauss transform of crowded buckets whose kernels share one width σ and whose centres lie
    // within σ/4 of the bucket's centre z: with u = (x − z)/σ and δ_k = (μ_k − z)/σ,
    //   Σ_k exp(c_k − ½(u − δ_k)²) = exp(C − ½u²) Σ_p u^p A_p,  A_p = Σ_k exp(c_k − ½δ_k² − C) δ_k^p / p!,
    // and |uδ| ≤ 2.4 wherever a bucket can matter (|u| < 9.6), so 24 terms leave a relative error
    // below 1e-13. Expansions are built on a bucket's first visit (see expand): the candidates
    // cluster where l(x) is large, so most buckets are never visited.
    // Smaller mixtures are never expanded: they share read-only "not expanded" arrays.
    const tb = shared ? NO_TAYLOR : taken !== undefined ? taken.f64.subarray(5 * nb, 5 * nb + nTaylor) : new Float64Array(nTaylor);
    this.tz = shared ? NAN_ARRAY : tb.subarray(0, nb).fill(NaN);
    this.tinv = tb.subarray(nb, 2 * nb);
    this.tc = tb.subarray(2 * nb, 3 * nb);
    this.coef = tb.subarray(3 * nb);
    this.expanded = shared ? ALL_EXPANDED : (taken !== undefined ? taken.u8.subarray(0, nb) : new Uint8Array(nb)).fill(nObs < TAYLOR_MIN_OBS ? 1 : 0);
  }

  /** Builds bucket b's Taylor expansion when it qualifies (once; tz[b] stays NaN when it does not). */
  private expand(b: number): void {
    this.expanded[b] = 1;
    const { mu, inv, c, start } = this;
    const s0 = start[b] as number;
    const e0 = start[b + 1] as number;
    if (e0 - s0 < TAYLOR_MIN_KERNELS) return;
    const iv = inv[s0] as number;
    for (let k = s0 + 1; k < e0; k++) if (inv[k] !== iv) return;
    const z = 0.5 * ((this.lo[b] as number) + (this.hi[b] as number));
    if (((this.hi[b] as number) - z) * iv > 0.25) return;
    const C = peakLogTerm(mu, c, s0, e0, z, iv);
    // A_p = Σ_k term_k,p with term_k,0 = exp(c_k − ½δ_k² − C) and term_k,p+1 = term_k,p · δ_k/(p + 1),
    // summed in kernel order: one coefficient at a time over all kernels, so the kernels' chains of
    // multiplications and divisions overlap instead of waiting on each other.
    const nk = e0 - s0;
    const terms = tmpF64(F_TAYLOR_TERM, nk);
    const ds = tmpF64(F_TAYLOR_DELTA, nk);
    for (let j = 0; j < nk; j++) {
      const d = ((mu[s0 + j] as number) - z) * iv;
      ds[j] = d;
      terms[j] = Math.exp((c[s0 + j] as number) - 0.5 * d * d - C);
    }
    const off = b * TAYLOR_TERMS;
    for (let p = 0; p < TAYLOR_TERMS; p++) {
      const q = p + 1;
      let acc = 0;
      for (let j = 0; j < nk; j++) {
        const t = terms[j] as number;
        acc += t;
        terms[j] = t * ((ds[j] as number) / q);
      }
      this.coef[off + p] = acc;
    }
    this.tz[b] = z;
    this.tinv[b] = iv;
    this.tc[b] = C;
  }

  /** {@link BucketIndex.logSumExp} at every point. */
  logPdf(col: Float64Array): Float64Array {
    const out = new Float64Array(col.length);
    for (let i = 0; i < col.length; i++) out[i] = this.logSumExp(col[i] as number);
    return out;
  }

  /** log Σ_k exp(c_k − ½((x − μ_k)/σ_k)²), terms more than the cutoff below the largest dropped. */
  logSumExp(x: number): number {
    const { mu, inv, c, lo, hi, maxC, minInv, start, ub, tz, tinv, tc, coef } = this;
    const nb = start.length - 1;
    let m = -Infinity;
    let s = 0;
    for (let k = this.nObs; k < mu.length; k++) {
      const t = (x - (mu[k] as number)) * (inv[k] as number);
      const v = (c[k] as number) - 0.5 * t * t;
      if (v > m) {
        s = s * Math.exp(m - v) + 1;
        m = v;
      } else if (v > m - SKIP_BELOW) s += expNeg(v - m);
    }
    // Upper bounds per bucket; the best bucket first, to raise m early.
    let bestB = -1;
    let bestUb = -Infinity;
    for (let b = 0; b < nb; b++) {
      const l = lo[b] as number;
      const h = hi[b] as number;
      const d = x < l ? l - x : x > h ? x - h : 0;
      const t = d * (minInv[b] as number);
      const u = (maxC[b] as number) - 0.5 * t * t;
      ub[b] = u;
      if (u > bestUb) {
        bestUb = u;
        bestB = b;
      }
    }
    if (bestB < 0) return m === -Infinity ? -Infinity : m + Math.log(s);
    for (let pass = 0; pass < 2; pass++) {
      for (let b = pass === 0 ? bestB : 0; b < nb; b++) {
        if (pass === 0 && b !== bestB) break;
        if (pass === 1 && b === bestB) continue;
        if (!((ub[b] as number) > m - SKIP_BELOW)) continue;
        if (this.expanded[b] === 0) this.expand(b);
        const z = tz[b] as number;
        if (z === z) {
          // Taylor-expanded bucket: one term for all its kernels.
          const u = (x - z) * (tinv[b] as number);
          const off = b * TAYLOR_TERMS;
          let poly = coef[off + TAYLOR_TERMS - 1] as number;
          for (let p = TAYLOR_TERMS - 2; p >= 0; p--) poly = poly * u + (coef[off + p] as number);
          if (poly > 0) {
            const v = (tc[b] as number) - 0.5 * u * u + Math.log(poly);
            if (v > m) {
              s = s * Math.exp(m - v) + 1;
              m = v;
            } else if (v > m - SKIP_BELOW) s += expNeg(v - m);
          }
          continue;
        }
        const end = start[b + 1] as number;
        for (let k = start[b] as number; k < end; k++) {
          const t = (x - (mu[k] as number)) * (inv[k] as number);
          const v = (c[k] as number) - 0.5 * t * t;
          if (v > m) {
            s = s * Math.exp(m - v) + 1;
            m = v;
          } else if (v > m - SKIP_BELOW) s += expNeg(v - m);
        }
      }
    }
    return m === -Infinity ? -Infinity : m + Math.log(s);
  }
}

/**
 * max_k (c_k − ½((μ_k − z)·iv)²) over kernels s0..e0−1: the largest log-term of a bucket's kernels
 * at its centre z, subtracted before exponentiating so the Taylor and bound sums cannot overflow.
 */
export function peakLogTerm(mu: ArrayLike<number>, c: ArrayLike<number>, s0: number, e0: number, z: number, iv: number): number {
  let C = -Infinity;
  for (let k = s0; k < e0; k++) {
    const d = ((mu[k] as number) - z) * iv;
    const v = (c[k] as number) - 0.5 * d * d;
    if (v > C) C = v;
  }
  return C;
}
