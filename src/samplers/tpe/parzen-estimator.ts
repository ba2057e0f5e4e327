/**
 * Length: over 500 lines for now (kernels, bandwidth rules and the fast evaluation paths together);
 * to be split into kernels / bandwidths / evaluation (noted on issue 2).
 *
 * The Parzen estimator of TPE: a weighted mixture of product kernels, one component per observed
 * trial plus an optional prior component, over a set of parameters in "model space".
 *
 * Model space (see {@link paramSpace}): a float is itself, a log float is log x, a log int is log x
 * on [log(low − ½), log(high + ½)] (rounded back after sampling, as Optuna does), a stepped float or
 * a (non-log) int is its grid index 0..K−1 (so its step is 1), and a categorical is its choice
 * index. Numerical kernels are normals truncated to the parameter's range; on grids the kernel puts
 * on each grid point the normal mass of its cell [k − ½, k + ½] (Optuna's discrete truncated normal).
 * Categorical kernels are Optuna's: an observation of choice c puts weight `priorWeight / nKernels`
 * on every choice plus 1 on c, normalised (a smoothed indicator, close to Aitchison–Aitken with a
 * bandwidth that shrinks as observations accumulate); the prior component is uniform.
 *
 * Bandwidths follow Optuna 3.x exactly. Univariate: each kernel's σ is the larger distance to its
 * sorted neighbours (the range ends count as neighbours; with `considerEndpoints: false` the two
 * outermost kernels use their inner neighbour only). Multivariate: Scott-like σ = 0.2 n^(−1/(d+4))
 * × range for every kernel (as in BOHB). Then σ is clipped to [range / min(100, 1 + n + prior),
 * range] with the magic clip, or [1e-12, range] without. The prior component sits at the centre
 * with σ = range and weight `priorWeight`. With `widthWeightedKernels` (the TPE sampler's default)
 * continuous kernels are evaluated without their 1/σ factor, as Optuna 3.1–3.4 do.
 *
 * Evaluation is exact up to dropping terms 40 nats below the largest (relative error < 1e-17 per
 * term) and computing exp with a table and a short polynomial (relative error < 1e-13). One-parameter
 * mixtures use fast paths: grid kernels with equal centre and width are merged, cell masses are
 * tabulated per width, and continuous kernels are bucketed by centre so far buckets are skipped
 * (and, from 2048 kernels, crowded buckets of equal widths are summed through a 24-term Taylor
 * expansion, a fast Gauss transform, relative error < 1e-13). Grid kernels 32 or more steps wide
 * use a closed form of the cell mass (error < 2e-7 nats).
 *
 * @see Bergstra et al., "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011.
 * @see Watanabe, "Tree-structured Parzen Estimator: Understanding Its Algorithm Components and
 *   Their Roles for Better Empirical Performance", 2023.
 */
import { cardinality, snapInternal, type Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { Random } from "../../core/rng.js";
import { erfcNonNeg, logGaussMass, sampleTruncatedStandardNormal } from "./truncated-normal.js";

const EPS = 1e-12;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** Terms more than this many nats below the largest one are dropped from a log-sum-exp (e^-40 ≈ 4e-18). */
const LSE_CUTOFF = 40;
/** Beyond this many standard deviations from a kernel's centre, Φ(−z) < 1e-19 counts as 0. */
const FAR = 9;
/** Grid kernels at least this wide (in steps) use the closed-form approximation of the cell mass. */
const WIDE_DISCRETE_SIGMA = 32;
/** One-parameter continuous mixtures of at least this many observations are evaluated through a {@link BucketIndex}. */
const BUCKET_MIN_COMPONENTS = 64;
/** Taylor terms of a bucket's fast Gauss transform, and the fewest kernels worth expanding. */
const TAYLOR_TERMS = 24;
const TAYLOR_MIN_KERNELS = 6;
/** Below this many observations, expanding buckets costs more than it saves. */
const TAYLOR_MIN_OBS = 2048;
/** Grids of at most this many points tabulate cell masses by offset. */
const MAX_TABLE = 4096;

/** How one parameter is represented inside the estimator. */
export interface ParamSpace {
  readonly name: string;
  readonly distribution: Distribution;
  readonly kind: "continuous" | "discrete" | "categorical";
  /** Truncation bounds of the kernels in model space (for a grid: −½ and K − ½). */
  readonly lowEdge: number;
  readonly highEdge: number;
  /** Grid points (discrete) or choices (categorical); 0 for continuous. */
  readonly size: number;
}

/** The model-space description of a parameter (the distribution must admit more than one value). */
export function paramSpace(name: string, d: Distribution): ParamSpace {
  if (d.kind === "categorical") {
    return { name, distribution: d, kind: "categorical", lowEdge: 0, highEdge: d.choices.length, size: d.choices.length };
  }
  if (d.log === true) {
    if (d.kind === "int") {
      return { name, distribution: d, kind: "continuous", lowEdge: Math.log(d.low - 0.5), highEdge: Math.log(d.high + 0.5), size: 0 };
    }
    return { name, distribution: d, kind: "continuous", lowEdge: Math.log(d.low), highEdge: Math.log(d.high), size: 0 };
  }
  if (d.kind === "int" || d.step !== undefined) {
    const k = cardinality(d);
    return { name, distribution: d, kind: "discrete", lowEdge: -0.5, highEdge: k - 0.5, size: k };
  }
  return { name, distribution: d, kind: "continuous", lowEdge: d.low, highEdge: d.high, size: 0 };
}

/**
 * An internal value in model space, or NaN when it lies outside the distribution (an observation
 * made under another range is then left out). Categorical indices pass through unchanged.
 */
export function toModelSpace(p: ParamSpace, x: number): number {
  const d = p.distribution;
  if (d.kind === "categorical") return Number.isInteger(x) && x >= 0 && x < p.size ? x : NaN;
  const tol = 1e-9 * Math.max(Math.abs(d.low), Math.abs(d.high), 1e-300);
  if (!(x >= d.low - tol && x <= d.high + tol)) return NaN;
  if (d.log === true) return Math.log(Math.min(d.high, Math.max(d.low, x)));
  if (p.kind === "discrete") {
    const k = Math.round((x - d.low) / (d.step ?? 1));
    return Math.min(p.size - 1, Math.max(0, k));
  }
  return x;
}

/** The internal value (inside the distribution, on its grid) for a model-space point. */
export function fromModelSpace(p: ParamSpace, u: number): number {
  const d = p.distribution;
  if (d.kind === "categorical") return Math.min(p.size - 1, Math.max(0, Math.round(u)));
  if (p.kind === "discrete") {
    const k = Math.min(p.size - 1, Math.max(0, Math.round(u)));
    return snapInternal(d, d.low + k * (d.step ?? 1));
  }
  if (d.log === true) return snapInternal(d, Math.exp(u));
  return snapInternal(d, u);
}

/** Options of the estimator (a subset of the TPE sampler's). */
export interface ParzenEstimatorOptions {
  readonly considerPrior: boolean;
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  readonly multivariate: boolean;
  /**
   * Evaluate continuous kernels without their 1/σ factor, so each weighs in proportion to its
   * bandwidth (Optuna 3.1–3.4, whose truncated-normal log density omitted log σ). Sampling is
   * unchanged. Default false: every kernel is a normalised density (Optuna ≥ 3.5).
   */
  readonly widthWeightedKernels?: boolean;
}

interface NumericKernels {
  readonly kind: "continuous" | "discrete";
  readonly lowEdge: number;
  readonly highEdge: number;
  readonly size: number;
  readonly mu: Float64Array;
  /** Discrete: 2·mu as integers (table offsets). */
  readonly mu2: Int32Array;
  readonly sigma: Float64Array;
  readonly invSigma: Float64Array;
  /** Continuous: −log σ − ½ log 2π − log Z. Discrete: −log Z (Z = the mass inside the edges). */
  readonly logNorm: Float64Array;
  /** Discrete: kernels grouped by σ, so cell masses are tabulated per distinct width. */
  readonly sigmaClass: Int32Array;
  readonly classSigma: Float64Array;
}

interface CategoricalKernels {
  readonly kind: "categorical";
  readonly size: number;
  /** Observed choice per kernel, −1 for the (uniform) prior kernel. */
  readonly obs: Int32Array;
  readonly hit: number;
  readonly miss: number;
  readonly logHit: number;
  readonly logMiss: number;
  readonly logPrior: number;
}

type Kernels = NumericKernels | CategoricalKernels;

// Reused scratch memory: a typed array of more than 64 bytes is a separate allocation in V8
// (microseconds each), which would dominate building an estimator. Single-threaded, and no
// function below holds a slot across a call that uses the same slot.
const f64Pool: Float64Array[] = [];
const i32Pool: Int32Array[] = [];
function tmpF64(slot: number, n: number): Float64Array {
  let a = f64Pool[slot];
  if (a === undefined || a.length < n) {
    a = new Float64Array(Math.max(n, 2 * (a?.length ?? 128)));
    f64Pool[slot] = a;
  }
  return a;
}
function tmpI32(slot: number, n: number): Int32Array {
  let a = i32Pool[slot];
  if (a === undefined || a.length < n) {
    a = new Int32Array(Math.max(n, 2 * (a?.length ?? 128)));
    i32Pool[slot] = a;
  }
  return a;
}
// Float64 slots.
const F_ACC = 0;
const F_ZEROS = 1;
const F_WEIGHTS = 2;
const F_MINV = 3;
const F_MAXV = 4;
const F_PREV = 5;
const F_NEXT = 6;
const F_SIGMA = 7;
const F_SORT_OBS = 8;
const F_SORT_W = 9;
const F_SORT_LOGW = 10;

// Int32 slots.
const I_COUNT = 0;
const I_MINI = 1;
const I_MAXI = 2;
const I_BUCKET = 3;
const I_SLOT = 4;

function scratchOf(n: number): Float64Array {
  return tmpF64(F_ACC, n);
}
function ZEROS(n: number): Float64Array {
  const z = tmpF64(F_ZEROS, n);
  z.fill(0, 0, n);
  return z;
}

/** log Σ exp(v[k]) over the first n entries, dropping terms negligible against the largest. */
function logSumExp(v: Float64Array, n: number): number {
  let m = -Infinity;
  for (let k = 0; k < n; k++) if ((v[k] as number) > m) m = v[k] as number;
  return logSumExpGivenMax(v, n, m);
}

// exp(d) for d ∈ [−LSE_CUTOFF, 0], the inner loop of every density evaluation: d = (k + r) ln2/64
// with integer k ≤ 0 and |r| ≤ ½, so exp(d) = 2^(k/64) · exp(r ln2/64), the first from a table and
// the second from a degree-4 Taylor polynomial (relative error < 1e-13, five times faster than
// Math.exp in V8, and the same on every platform).
const EXP_STEPS = 64 / Math.LN2;
const EXP_STEP = Math.LN2 / 64;
const EXP_TABLE = Float64Array.from({ length: Math.ceil(LSE_CUTOFF * EXP_STEPS) + 2 }, (_, j) => Math.pow(2, -j / 64));

/** exp(d) for d ∈ [−LSE_CUTOFF, 0] (see {@link EXP_TABLE}). */
function expNeg(d: number): number {
  const j = (0.5 - d * EXP_STEPS) | 0;
  const r = d + j * EXP_STEP;
  return (EXP_TABLE[j] as number) * (1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24)))));
}

/** {@link logSumExp} when the maximum `m` of the entries is known. */
function logSumExpGivenMax(v: Float64Array, n: number, m: number): number {
  if (m === -Infinity || m === Infinity || Number.isNaN(m)) return m;
  const cut = m - LSE_CUTOFF;
  let s = 0;
  for (let k = 0; k < n; k++) {
    const x = v[k] as number;
    if (x > cut) s += expNeg(x - m);
  }
  return m + Math.log(s);
}

/**
 * log(Φ(b) − Φ(a)), for a kernel's truncation bounds (usually a ≤ 0 ≤ b): 1 − Φ(a) − Φ(−b)
 * directly, each tail from erfc and taken as 0 beyond {@link FAR} standard deviations.
 */
function logTruncationMass(a: number, b: number): number {
  if (!(a < 0 && b > 0)) return logGaussMass(a, b);
  const pa = a <= -FAR ? 0 : 0.5 * erfcNonNeg(-a * Math.SQRT1_2);
  const pb = b >= FAR ? 0 : 0.5 * erfcNonNeg(b * Math.SQRT1_2);
  return Math.log1p(-(pa + pb));
}

/** log(sinh(y) / y). */
function logSinhc(y: number): number {
  const ay = Math.abs(y);
  if (ay < 0.5) {
    const y2 = ay * ay;
    return y2 * (1 / 6 + y2 * (-1 / 180 + y2 * (1 / 2835)));
  }
  return ay + Math.log1p(-Math.exp(-2 * ay)) - Math.log(2 * ay);
}

/**
 * log mass of N(0, 1) on the cell of width h centred on m: φ(m) h · sinh(mh/2)/(mh/2) · e^(−h²/24),
 * for h ≤ 1/32 (error below 2e-7 nats within 12 standard deviations, where all mass that matters is).
 */
function logNarrowCellMass(m: number, h: number): number {
  return -0.5 * m * m - HALF_LOG_2PI + Math.log(h) + logSinhc(0.5 * m * h) - (h * h) / 24;
}

/**
 * @internal Exported for tests.
 * Univariate bandwidths (Optuna's rule): distance to the farther sorted neighbour, the range ends
 * acting as neighbours. `mus` holds the observations followed by the prior centre when `withPrior`.
 */
export function neighbourSigmas(mus: Float64Array, lowEdge: number, highEdge: number, considerEndpoints: boolean): Float64Array {
  const m = mus.length;
  const sorted = mus.slice().sort();
  const e = new Float64Array(m + 2);
  e[0] = lowEdge;
  e.set(sorted, 1);
  e[m + 1] = highEdge;
  const sigSorted = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const left = (e[j + 1] as number) - (e[j] as number);
    const right = (e[j + 2] as number) - (e[j + 1] as number);
    sigSorted[j] = left > right ? left : right;
  }
  if (!considerEndpoints && m >= 2) {
    sigSorted[0] = (e[2] as number) - (e[1] as number);
    sigSorted[m - 1] = (e[m] as number) - (e[m - 1] as number);
  }
  // Equal values take the slots of their run in tie order (see tieKey).
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => (mus[a] as number) - (mus[b] as number) || tieKey(a) - tieKey(b));
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) out[order[j] as number] = sigSorted[j] as number;
  return out;
}

/**
 * Order among kernels with equal centres, which decides which of them get the gaps to the
 * neighbouring values as bandwidths (the others get the clipped minimum). Optuna's unstable
 * quicksort leaves this arbitrary; ordering by index would hand the gaps to the oldest and the
 * newest observations, whose weights differ under the age ramp, and skew every grid parameter's
 * density to one side. A fixed pseudo-random permutation of the indices (Knuth's multiplicative
 * hash) keeps the choice deterministic and unbiased.
 */
function tieKey(i: number): number {
  return Math.imul(i + 1, 0x9e3779b1) >>> 0;
}

/**
 * @internal Exported for tests.
 * The same bandwidths as {@link neighbourSigmas} after clipping from below at `minSigma`, in
 * O(m + B) without sorting. With B buckets of width w = range / B ≤ minSigma, a point that is not
 * the first (in sorted, then tie, order) of its bucket has a left gap ≤ w, and one that is not the
 * last has a right gap ≤ w; such gaps are clipped to minSigma anyway, so only the gaps of bucket
 * extremes to the neighbouring non-empty buckets need computing. Returns unclipped values that
 * clip to the exact Optuna bandwidths.
 */
export function bucketedNeighbourSigmas(mus: Float64Array, lowEdge: number, highEdge: number, considerEndpoints: boolean, buckets: number): Float64Array {
  const out = new Float64Array(mus.length);
  bucketedNeighbourSigmasInto(mus, mus.length, lowEdge, highEdge, considerEndpoints, buckets, out);
  return out;
}

function bucketedNeighbourSigmasInto(mus: Float64Array, m: number, lowEdge: number, highEdge: number, considerEndpoints: boolean, buckets: number, out: Float64Array): void {
  if (m === 1) {
    const v = mus[0] as number;
    out[0] = Math.max(v - lowEdge, highEdge - v);
    return;
  }
  const B = buckets;
  const scale = B / (highEdge - lowEdge);
  const count = tmpI32(I_COUNT, B).fill(0, 0, B);
  const minV = tmpF64(F_MINV, B).fill(Infinity, 0, B);
  const maxV = tmpF64(F_MAXV, B).fill(-Infinity, 0, B);
  const minI = tmpI32(I_MINI, B);
  const maxI = tmpI32(I_MAXI, B);
  const bucketOf = tmpI32(I_BUCKET, m);
  for (let i = 0; i < m; i++) {
    const v = mus[i] as number;
    let b = Math.floor((v - lowEdge) * scale);
    b = b < 0 ? 0 : b >= B ? B - 1 : b;
    bucketOf[i] = b;
    count[b] = (count[b] as number) + 1;
    const mn = minV[b] as number;
    if (v < mn || (v === mn && tieKey(i) < tieKey(minI[b] as number))) {
      minV[b] = v;
      minI[b] = i;
    }
    const mx = maxV[b] as number;
    if (v > mx || (v === mx && tieKey(i) > tieKey(maxI[b] as number))) {
      maxV[b] = v;
      maxI[b] = i;
    }
  }
  // Neighbouring values across buckets: the previous bucket's max and the next bucket's min.
  const prevMax = tmpF64(F_PREV, B);
  const nextMin = tmpF64(F_NEXT, B);
  let last = lowEdge;
  let first = -1;
  for (let b = 0; b < B; b++) {
    prevMax[b] = last;
    if ((count[b] as number) > 0) {
      last = maxV[b] as number;
      if (first < 0) first = b;
    }
  }
  let next = highEdge;
  let lastB = -1;
  for (let b = B - 1; b >= 0; b--) {
    nextMin[b] = next;
    if ((count[b] as number) > 0) {
      next = minV[b] as number;
      if (lastB < 0) lastB = b;
    }
  }
  for (let i = 0; i < m; i++) {
    const b = bucketOf[i] as number;
    const v = mus[i] as number;
    const alone = (count[b] as number) === 1;
    const gl = minI[b] === i ? v - (prevMax[b] as number) : 0;
    const gr = maxI[b] === i ? (nextMin[b] as number) - v : 0;
    let sigma = gl > gr ? gl : gr;
    if (!considerEndpoints) {
      // The outermost points use their inner neighbour only.
      if (b === first && minI[b] === i) sigma = alone ? gr : 0;
      else if (b === lastB && maxI[b] === i) sigma = alone ? gl : 0;
    }
    out[i] = sigma;
  }
}

/**
 * Kernels of a one-parameter continuous mixture grouped into buckets by centre (the estimator
 * orders its observation kernels by bucket when it is built), with per-bucket bounds (largest log
 * weight, smallest 1/σ, centre span), so a density evaluation skips buckets whose every term lies
 * more than {@link LSE_CUTOFF} nats below a term already seen: the result is the same as summing
 * every term with the cutoff, at a fraction of the cost once kernels are narrow (the magic clip
 * keeps σ ≥ range/100). Kernels after the observations (the prior) are always evaluated.
 */
class BucketIndex {
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly maxC: Float64Array;
  private readonly minInv: Float64Array;
  private readonly ub: Float64Array;
  /** Crowded buckets of equal widths: centre z, 1/σ, log scale C and TAYLOR_TERMS Taylor coefficients (NaN z: not expanded). */
  private readonly tz: Float64Array;
  private readonly tinv: Float64Array;
  private readonly tc: Float64Array;
  private readonly coef: Float64Array;

  constructor(
    private readonly mu: Float64Array,
    private readonly inv: Float64Array,
    private readonly c: Float64Array,
    private readonly start: Int32Array,
    private readonly nObs: number,
  ) {
    const nb = start.length - 1;
    const buf = new Float64Array(5 * nb);
    this.lo = buf.subarray(0, nb);
    this.hi = buf.subarray(nb, 2 * nb);
    this.maxC = buf.subarray(2 * nb, 3 * nb);
    this.minInv = buf.subarray(3 * nb, 4 * nb);
    this.ub = buf.subarray(4 * nb);
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
    // below 1e-13.
    const tb = new Float64Array(3 * nb + TAYLOR_TERMS * nb);
    this.tz = tb.subarray(0, nb).fill(NaN);
    this.tinv = tb.subarray(nb, 2 * nb);
    this.tc = tb.subarray(2 * nb, 3 * nb);
    this.coef = tb.subarray(3 * nb);
    for (let b = 0; b < nb && nObs >= TAYLOR_MIN_OBS; b++) {
      const s0 = start[b] as number;
      const e0 = start[b + 1] as number;
      if (e0 - s0 < TAYLOR_MIN_KERNELS) continue;
      const iv = inv[s0] as number;
      let same = true;
      for (let k = s0 + 1; k < e0; k++) {
        if (inv[k] !== iv) {
          same = false;
          break;
        }
      }
      const z = 0.5 * ((this.lo[b] as number) + (this.hi[b] as number));
      if (!same || ((this.hi[b] as number) - z) * iv > 0.25) continue;
      let C = -Infinity;
      for (let k = s0; k < e0; k++) {
        const d = ((mu[k] as number) - z) * iv;
        const v = (c[k] as number) - 0.5 * d * d;
        if (v > C) C = v;
      }
      const off = b * TAYLOR_TERMS;
      for (let k = s0; k < e0; k++) {
        const d = ((mu[k] as number) - z) * iv;
        let term = Math.exp((c[k] as number) - 0.5 * d * d - C);
        for (let p = 0; p < TAYLOR_TERMS; p++) {
          this.coef[off + p] = (this.coef[off + p] as number) + term;
          term *= d / (p + 1);
        }
      }
      this.tz[b] = z;
      this.tinv[b] = iv;
      this.tc[b] = C;
    }
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
      } else if (v > m - LSE_CUTOFF) s += expNeg(v - m);
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
        if (!((ub[b] as number) > m - LSE_CUTOFF)) continue;
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
            } else if (v > m - LSE_CUTOFF) s += expNeg(v - m);
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
          } else if (v > m - LSE_CUTOFF) s += expNeg(v - m);
        }
      }
    }
    return m === -Infinity ? -Infinity : m + Math.log(s);
  }
}

/**
 * A mixture of product kernels: `l(x)` or `g(x)` of TPE. Built from observations in model space
 * (one Float64Array per parameter, equal lengths) and their unnormalised weights.
 */
export class ParzenEstimator {
  readonly nComponents: number;
  private readonly spaces: readonly ParamSpace[];
  private readonly logW: Float64Array;
  private readonly cumW: Float64Array;
  private readonly kernels: readonly Kernels[];
  /** logW + logNorm of a one-parameter continuous mixture, built on first use. */
  private logWNorm: Float64Array | undefined;
  private readonly logWNormBuf: Float64Array;
  private bucketIndex: BucketIndex | undefined;
  private bucketStart: Int32Array | undefined;

  constructor(
    spaces: readonly ParamSpace[],
    observations: readonly Float64Array[],
    weights: ArrayLike<number>,
    options: ParzenEstimatorOptions,
    /** Optional: log of each weight, when the caller has them (saves a log per kernel). */
    logWeights?: ArrayLike<number>,
  ) {
    if (observations.length !== spaces.length) {
      throw new OuroborosError("invalid-argument", `expected ${spaces.length} observation arrays, but got ${observations.length}`);
    }
    const n = observations[0]?.length ?? 0;
    if (weights.length < n) {
      throw new OuroborosError("invalid-argument", `the weights function must return at least ${n} weights, but returned ${weights.length}`);
    }
    const withPrior = options.considerPrior || n === 0;
    if (withPrior && !(options.priorWeight > 0 && Number.isFinite(options.priorWeight))) {
      throw new OuroborosError("invalid-argument", `priorWeight must be a positive finite number, but got ${options.priorWeight}`);
    }
    const nc = n + (withPrior ? 1 : 0);
    this.spaces = spaces;

    // A large one-parameter continuous mixture keeps its observation kernels ordered by bucket of
    // centre (a stable counting sort), for the BucketIndex of logPdf.
    const sp0 = spaces[0];
    if (spaces.length === 1 && sp0?.kind === "continuous" && n >= BUCKET_MIN_COMPONENTS) {
      const obs = observations[0] as Float64Array;
      // From TAYLOR_MIN_OBS observations on there are at least 256 buckets, narrow enough
      // (range/256 ≤ σ/2.56 under the magic clip) to replace a crowded one by its Taylor expansion.
      const nb = Math.max(8, Math.min(512, n >> 3));
      const scale = nb / (sp0.highEdge - sp0.lowEdge);
      const bucket = tmpI32(I_BUCKET, n);
      const start = new Int32Array(nb + 1);
      for (let i = 0; i < n; i++) {
        let b = Math.floor(((obs[i] as number) - sp0.lowEdge) * scale);
        b = b < 0 ? 0 : b >= nb ? nb - 1 : b;
        bucket[i] = b;
        start[b + 1] = (start[b + 1] as number) + 1;
      }
      for (let b = 0; b < nb; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
      const fill = tmpI32(I_MINI, nb + 1);
      fill.set(start);
      const so = tmpF64(F_SORT_OBS, n).subarray(0, n);
      const sw = tmpF64(F_SORT_W, n).subarray(0, n);
      const slw = logWeights !== undefined && logWeights.length >= n ? tmpF64(F_SORT_LOGW, n).subarray(0, n) : undefined;
      for (let i = 0; i < n; i++) {
        const b = bucket[i] as number;
        const j = fill[b] as number;
        fill[b] = j + 1;
        so[j] = obs[i] as number;
        sw[j] = weights[i] as number;
        if (slw !== undefined) slw[j] = (logWeights as ArrayLike<number>)[i] as number;
      }
      observations = [so];
      weights = sw;
      logWeights = slw;
      this.bucketStart = start;
    }

    const w = tmpF64(F_WEIGHTS, nc).subarray(0, nc);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const wi = weights[i] as number;
      if (!(wi >= 0 && Number.isFinite(wi))) {
        throw new OuroborosError("invalid-argument", `weights must be finite and non-negative, but got ${wi} for ${n} observations`);
      }
      w[i] = wi;
      total += wi;
    }
    if (n > 0 && !(total > 0)) throw new OuroborosError("invalid-argument", `weights must not be all zero (${n} observations)`);
    if (withPrior) {
      w[n] = n === 0 ? 1 : options.priorWeight;
      total += w[n] as number;
    }
    for (let k = 0; k < nc; k++) w[k] = (w[k] as number) / total;

    let kernels: Kernels[] = spaces.map((space, dim) => {
      const obs = observations[dim] as Float64Array;
      return space.kind === "categorical"
        ? buildCategorical(space, obs, n, withPrior, options)
        : buildNumeric(space, obs, n, withPrior, options, spaces.length);
    });
    let weightsOut: Float64Array = w;
    let logWeightsIn = logWeights !== undefined && logWeights.length >= n ? logWeights : undefined;
    const only = kernels[0];
    if (kernels.length === 1 && only?.kind === "discrete") {
      logWeightsIn = undefined;
      // One grid parameter: kernels with the same centre and width are one kernel of their summed weight.
      const merged = mergeDiscrete(only, w);
      kernels = [merged.kernels];
      weightsOut = merged.weights;
    }
    this.kernels = kernels;
    this.nComponents = weightsOut.length;
    const nk = weightsOut.length;
    const buf = new Float64Array(3 * nk);
    this.logW = buf.subarray(0, nk);
    this.cumW = buf.subarray(nk, 2 * nk);
    this.logWNormBuf = buf.subarray(2 * nk);
    let acc = 0;
    const logTotal = Math.log(total);
    for (let k = 0; k < weightsOut.length; k++) {
      const p = weightsOut[k] as number;
      // Known logs of the unnormalised weights save one log per kernel.
      this.logW[k] = logWeightsIn !== undefined && k < n ? (logWeightsIn[k] as number) - logTotal : Math.log(p);
      acc += p;
      this.cumW[k] = acc;
    }
  }

  /** Draws `size` points from the mixture; one Float64Array per parameter, in model space. */
  sample(rng: Random, size: number): Float64Array[] {
    const out = this.spaces.map(() => new Float64Array(size));
    const nc = this.nComponents;
    for (let i = 0; i < size; i++) {
      // Component by inverse CDF over the cumulative weights.
      const r = rng.next();
      let lo = 0;
      let hi = nc - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((this.cumW[mid] as number) <= r) lo = mid + 1;
        else hi = mid;
      }
      const k = lo;
      for (let dim = 0; dim < this.kernels.length; dim++) {
        const ker = this.kernels[dim] as Kernels;
        const col = out[dim] as Float64Array;
        if (ker.kind === "categorical") {
          const c = ker.obs[k] as number;
          if (c < 0) col[i] = rng.int(ker.size);
          else if (rng.next() < ker.hit) col[i] = c;
          else {
            const j = rng.int(ker.size - 1);
            col[i] = j >= c ? j + 1 : j;
          }
          continue;
        }
        const mu = ker.mu[k] as number;
        const sigma = ker.sigma[k] as number;
        const a = (ker.lowEdge - mu) / sigma;
        const b = (ker.highEdge - mu) / sigma;
        let z: number;
        if (a < -4 && b > 4) {
          // At most 6e-5 of the mass is cut off: rejection from the full normal is exact and cheaper.
          do z = rng.normal();
          while (z < a || z > b);
        } else {
          z = sampleTruncatedStandardNormal(a, b, rng.next());
        }
        let x = mu + sigma * z;
        x = x < ker.lowEdge ? ker.lowEdge : x > ker.highEdge ? ker.highEdge : x;
        if (ker.kind === "discrete") x = Math.min(ker.size - 1, Math.max(0, Math.round(x)));
        col[i] = x;
      }
    }
    return out;
  }

  /** log density (mass, on grids and choices) of each point; `samples` as returned by `sample`. */
  logPdf(samples: readonly Float64Array[]): Float64Array {
    const only = this.kernels[0];
    if (this.kernels.length === 1 && only !== undefined) {
      if (only.kind === "categorical") return logPdfCategorical1D(only, this.logW, samples[0] as Float64Array);
      const c = this.logWNormOf(only);
      if (only.kind === "discrete") return logPdfDiscrete1D(only, c, samples[0] as Float64Array);
      if (this.bucketStart !== undefined) {
        const start = this.bucketStart;
        const index = (this.bucketIndex ??= new BucketIndex(only.mu, only.invSigma, c, start, start[start.length - 1] as number));
        return index.logPdf(samples[0] as Float64Array);
      }
      return logPdfContinuous1D(only, c, samples[0] as Float64Array);
    }
    return logPdfGeneral(this.kernels, this.logW, samples);
  }

  /** logW + logNorm per kernel of a one-parameter numeric mixture, built on first use. */
  private logWNormOf(ker: NumericKernels): Float64Array {
    let c = this.logWNorm;
    if (c === undefined) {
      c = this.logWNormBuf;
      for (let k = 0; k < c.length; k++) c[k] = (this.logW[k] as number) + (ker.logNorm[k] as number);
      this.logWNorm = c;
    }
    return c;
  }
}

// logPdf is split by case into small functions: each compiles on its own and quickly, which keeps
// the JIT warm-up of the first trials short.

function logPdfCategorical1D(ker: CategoricalKernels, logW: Float64Array, col: Float64Array): Float64Array {
  const lp = categoricalMarginal(ker, logW);
  const out = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = lp[col[i] as number] as number;
  return out;
}

/** One continuous parameter, few kernels: one fused pass computing the terms and their maximum. */
function logPdfContinuous1D(ker: NumericKernels, c: Float64Array, col: Float64Array): Float64Array {
  const { mu, invSigma } = ker;
  const nc = c.length;
  const out = new Float64Array(col.length);
  const acc = scratchOf(nc);
  for (let i = 0; i < col.length; i++) {
    const x = col[i] as number;
    let m = -Infinity;
    for (let k = 0; k < nc; k++) {
      const t = (x - (mu[k] as number)) * (invSigma[k] as number);
      const v = (c[k] as number) - 0.5 * t * t;
      acc[k] = v;
      if (v > m) m = v;
    }
    out[i] = logSumExpGivenMax(acc, nc, m);
  }
  return out;
}

/** One grid parameter: equal candidates share a result, and terms are fused as above. */
function logPdfDiscrete1D(ker: NumericKernels, c: Float64Array, col: Float64Array): Float64Array {
  const nc = c.length;
  const out = new Float64Array(col.length);
  const tables = ker.size <= MAX_TABLE ? Array.from(ker.classSigma, (sg) => cellTable(sg, ker.size)) : undefined;
  const acc = scratchOf(nc);
  const done = new Map<number, number>();
  for (let i = 0; i < col.length; i++) {
    const x = col[i] as number;
    const hit = done.get(x);
    if (hit !== undefined) {
      out[i] = hit;
      continue;
    }
    acc.fill(0, 0, nc);
    addDiscrete(ker, x, acc, nc, tables, false);
    let m = -Infinity;
    for (let k = 0; k < nc; k++) {
      const v = (acc[k] as number) + (c[k] as number);
      acc[k] = v;
      if (v > m) m = v;
    }
    const r = logSumExpGivenMax(acc, nc, m);
    done.set(x, r);
    out[i] = r;
  }
  return out;
}

/** Any number of parameters: product kernels summed over the components. */
function logPdfGeneral(kernels: readonly Kernels[], logW: Float64Array, samples: readonly Float64Array[]): Float64Array {
  const size = samples[0]?.length ?? 0;
  const nc = logW.length;
  const out = new Float64Array(size);
  const discreteTables = kernels.map((ker) =>
    ker.kind === "discrete" && ker.size <= MAX_TABLE ? Array.from(ker.classSigma, (sg) => cellTable(sg, ker.size)) : undefined,
  );
  const acc = scratchOf(nc);
  for (let i = 0; i < size; i++) {
    acc.set(logW);
    for (let dim = 0; dim < kernels.length; dim++) {
      const ker = kernels[dim] as Kernels;
      const x = (samples[dim] as Float64Array)[i] as number;
      if (ker.kind === "categorical") addCategorical(ker, x, acc, nc);
      else if (ker.kind === "continuous") addContinuous(ker, x, acc, nc);
      else addDiscrete(ker, x, acc, nc, discreteTables[dim]);
    }
    out[i] = logSumExp(acc, nc);
  }
  return out;
}

function addCategorical(ker: CategoricalKernels, x: number, acc: Float64Array, nc: number): void {
  const { obs, logHit, logMiss, logPrior } = ker;
  for (let k = 0; k < nc; k++) {
    const c = obs[k] as number;
    acc[k] = (acc[k] as number) + (c === x ? logHit : c < 0 ? logPrior : logMiss);
  }
}

function addContinuous(ker: NumericKernels, x: number, acc: Float64Array, nc: number): void {
  const { mu, invSigma, logNorm } = ker;
  for (let k = 0; k < nc; k++) {
    const t = (x - (mu[k] as number)) * (invSigma[k] as number);
    acc[k] = (acc[k] as number) + (logNorm[k] as number) - 0.5 * t * t;
  }
}

function buildNumeric(
  space: ParamSpace,
  obs: Float64Array,
  n: number,
  withPrior: boolean,
  options: ParzenEstimatorOptions,
  nParams: number,
): NumericKernels {
  const { lowEdge, highEdge } = space;
  const range = highEdge - lowEdge;
  const nc = n + (withPrior ? 1 : 0);
  const priorMu = 0.5 * (lowEdge + highEdge);
  const buf = new Float64Array(4 * nc);
  const mu = buf.subarray(0, nc);
  const sigma = buf.subarray(nc, 2 * nc);
  const invSigma = buf.subarray(2 * nc, 3 * nc);
  const logNorm = buf.subarray(3 * nc, 4 * nc);
  mu.set(obs.subarray(0, n));
  if (withPrior) mu[n] = priorMu;

  if (n > 0) {
    if (options.multivariate) {
      sigma.fill(0.2 * Math.pow(Math.max(n, 1), -1 / (nParams + 4)) * range, 0, n);
    } else {
      const points = withPrior ? mu : mu.subarray(0, n);
      if (options.considerMagicClip) {
        const s = tmpF64(F_SIGMA, points.length);
        // Buckets no wider than the smallest bandwidth the clip allows.
        bucketedNeighbourSigmasInto(points, points.length, lowEdge, highEdge, options.considerEndpoints, Math.min(100, 1 + n + (withPrior ? 1 : 0)), s);
        sigma.set(s.subarray(0, n));
      } else {
        sigma.set(neighbourSigmas(points, lowEdge, highEdge, options.considerEndpoints).subarray(0, n));
      }
    }
    const maxSigma = range;
    const minSigma = options.considerMagicClip ? range / Math.min(100, 1 + n + (withPrior ? 1 : 0)) : EPS;
    for (let k = 0; k < n; k++) {
      const s = sigma[k] as number;
      sigma[k] = s < minSigma ? minSigma : s > maxSigma ? maxSigma : s;
    }
  }
  if (withPrior) sigma[n] = range;

  for (let k = 0; k < nc; k++) invSigma[k] = 1 / (sigma[k] as number);

  if (space.kind === "continuous") {
    const widthWeighted = options.widthWeightedKernels === true;
    for (let k = 0; k < nc; k++) {
      const m = mu[k] as number;
      const inv = invSigma[k] as number;
      logNorm[k] = (widthWeighted ? 0 : Math.log(inv)) - HALF_LOG_2PI - logTruncationMass((lowEdge - m) * inv, (highEdge - m) * inv);
    }
    return numericKernels("continuous", lowEdge, highEdge, 0, mu, EMPTY_I32, sigma, invSigma, logNorm, EMPTY_I32, EMPTY_F64);
  }

  // Grid kernels: grouped by width, so cell masses can be tabulated per distinct width.
  const classOf = new Map<number, number>();
  const ibuf = new Int32Array(2 * nc);
  const sigmaClass = ibuf.subarray(0, nc);
  const mu2 = ibuf.subarray(nc);
  const classSigmaList: number[] = [];
  let lastSigma = NaN;
  let lastClass = -1;
  // Normalisers depend on (width, centre) only: memoised per class over the 2K + 1 half-steps.
  const memo: Float64Array[] = [];
  const memoSpan = 2 * space.size + 1;
  const useMemo = space.size <= MAX_TABLE;
  for (let k = 0; k < nc; k++) {
    const s = sigma[k] as number;
    let c = lastClass;
    if (s !== lastSigma) {
      c = classOf.get(s) ?? -1;
      if (c < 0) {
        c = classSigmaList.length;
        classOf.set(s, c);
        classSigmaList.push(s);
      }
      lastSigma = s;
      lastClass = c;
    }
    sigmaClass[k] = c;
    const m = mu[k] as number;
    const m2 = Math.round(2 * m);
    mu2[k] = m2;
    const inv = invSigma[k] as number;
    if (useMemo) {
      let tab = memo[c];
      if (tab === undefined) {
        tab = new Float64Array(memoSpan).fill(NaN);
        memo[c] = tab;
      }
      let z = tab[m2] as number;
      if (z !== z) {
        z = -logTruncationMass((lowEdge - m) * inv, (highEdge - m) * inv);
        tab[m2] = z;
      }
      logNorm[k] = z;
    } else {
      logNorm[k] = -logTruncationMass((lowEdge - m) * inv, (highEdge - m) * inv);
    }
  }
  return numericKernels("discrete", lowEdge, highEdge, space.size, mu, mu2, sigma, invSigma, logNorm, sigmaClass, Float64Array.from(classSigmaList));
}

const EMPTY_I32 = new Int32Array(0);
const EMPTY_F64 = new Float64Array(0);

/** Every numeric kernel set is built here, so all share one object shape (one hidden class in V8). */
function numericKernels(
  kind: "continuous" | "discrete",
  lowEdge: number,
  highEdge: number,
  size: number,
  mu: Float64Array,
  mu2: Int32Array,
  sigma: Float64Array,
  invSigma: Float64Array,
  logNorm: Float64Array,
  sigmaClass: Int32Array,
  classSigma: Float64Array,
): NumericKernels {
  return { kind, lowEdge, highEdge, size, mu, mu2, sigma, invSigma, logNorm, sigmaClass, classSigma };
}

/** Merges grid kernels with equal centre and width (exact for a one-parameter mixture). */
function mergeDiscrete(ker: NumericKernels, w: Float64Array): { kernels: NumericKernels; weights: Float64Array } {
  const nc = w.length;
  const span = 4 * ker.size + 1;
  const nClass = ker.classSigma.length;
  if (nClass * span > 1 << 22) return { kernels: ker, weights: w };
  const slot = tmpI32(I_SLOT, nClass * span).fill(-1, 0, nClass * span);
  const keep: number[] = [];
  const weights: number[] = [];
  for (let k = 0; k < nc; k++) {
    const key = (ker.sigmaClass[k] as number) * span + (ker.mu2[k] as number) + 2 * ker.size;
    const j = slot[key] as number;
    if (j < 0) {
      slot[key] = keep.length;
      keep.push(k);
      weights.push(w[k] as number);
    } else {
      weights[j] = (weights[j] as number) + (w[k] as number);
    }
  }
  if (keep.length === nc) return { kernels: ker, weights: w };
  const r = keep.length;
  const fb = new Float64Array(5 * r);
  const ib = new Int32Array(2 * r);
  const mu = fb.subarray(0, r);
  const sigma = fb.subarray(r, 2 * r);
  const invSigma = fb.subarray(2 * r, 3 * r);
  const logNorm = fb.subarray(3 * r, 4 * r);
  const wOut = fb.subarray(4 * r);
  const mu2 = ib.subarray(0, r);
  const sigmaClass = ib.subarray(r);
  for (let j = 0; j < r; j++) {
    const k = keep[j] as number;
    mu[j] = ker.mu[k] as number;
    sigma[j] = ker.sigma[k] as number;
    invSigma[j] = ker.invSigma[k] as number;
    logNorm[j] = ker.logNorm[k] as number;
    mu2[j] = ker.mu2[k] as number;
    sigmaClass[j] = ker.sigmaClass[k] as number;
    wOut[j] = weights[j] as number;
  }
  return {
    kernels: numericKernels(ker.kind, ker.lowEdge, ker.highEdge, ker.size, mu, mu2, sigma, invSigma, logNorm, sigmaClass, ker.classSigma),
    weights: wOut,
  };
}

/**
 * log cell masses of grid kernels by width σ (in steps) and |2·offset|, shared by every estimator:
 * the mass is a pure function of the two (and symmetric in the offset), and widths recur from trial
 * to trial (the magic clip pins most of them), so each value is computed about once per study.
 */
const cellCache = new Map<number, Float64Array>();
const MAX_CELL_TABLES = 128;

function cellTable(sigma: number, size: number): Float64Array {
  const need = 2 * size + 1;
  let t = cellCache.get(sigma);
  if (t === undefined || t.length < need) {
    const grown = new Float64Array(Math.max(need, 64)).fill(NaN);
    if (t !== undefined) grown.set(t);
    else if (cellCache.size >= MAX_CELL_TABLES) cellCache.clear();
    cellCache.set(sigma, grown);
    t = grown;
  }
  return t;
}

/** Adds the log cell mass of grid point x under every kernel to acc. */
function addDiscrete(ker: NumericKernels, x: number, acc: Float64Array, nc: number, tables: readonly Float64Array[] | undefined, withNorm = true): void {
  const { mu, mu2, invSigma, sigmaClass, classSigma, size } = ker;
  const logNorm = withNorm ? ker.logNorm : ZEROS(nc);
  if (tables === undefined) {
    for (let k = 0; k < nc; k++) {
      const h = invSigma[k] as number;
      const d = x - (mu[k] as number);
      const lm = (classSigma[sigmaClass[k] as number] as number) >= WIDE_DISCRETE_SIGMA ? logNarrowCellMass(d * h, h) : cellMass(d, h);
      acc[k] = (acc[k] as number) + lm + (logNorm[k] as number);
    }
    return;
  }
  // Offsets x − mu are multiples of ½ (the prior's centre may be a half-integer): tables are
  // indexed by |2·offset|, per width, and filled on first use.
  const x2 = 2 * x;
  for (let k = 0; k < nc; k++) {
    const c = sigmaClass[k] as number;
    const tab = tables[c] as Float64Array;
    const i2 = x2 - (mu2[k] as number);
    const idx = i2 < 0 ? -i2 : i2;
    let lm = tab[idx] as number;
    if (lm !== lm) {
      const h = invSigma[k] as number;
      const d = 0.5 * idx;
      lm = (classSigma[c] as number) >= WIDE_DISCRETE_SIGMA ? logNarrowCellMass(d * h, h) : cellMass(d, h);
      tab[idx] = lm;
    }
    acc[k] = (acc[k] as number) + lm + (logNorm[k] as number);
  }
}

/** log mass of N(0, 1) on [(d − ½) h, (d + ½) h]. */
function cellMass(d: number, h: number): number {
  return logGaussMass((d - 0.5) * h, (d + 0.5) * h);
}

function buildCategorical(space: ParamSpace, obs: Float64Array, n: number, withPrior: boolean, options: ParzenEstimatorOptions): CategoricalKernels {
  const size = space.size;
  const nc = n + (withPrior ? 1 : 0);
  const o = new Int32Array(nc);
  for (let k = 0; k < n; k++) o[k] = obs[k] as number;
  if (withPrior) o[n] = -1;
  // Each observation's row: priorWeight / nKernels on every choice, plus 1 on its own, normalised.
  const base = n === 0 ? 1 : options.priorWeight / nc;
  const z = 1 + size * base;
  const hit = (base + 1) / z;
  const miss = base / z;
  return { kind: "categorical", size, obs: o, hit, miss, logHit: Math.log(hit), logMiss: Math.log(miss), logPrior: -Math.log(size) };
}

/** log p(c) of a one-parameter categorical mixture, for every choice c. */
function categoricalMarginal(ker: CategoricalKernels, logW: Float64Array): Float64Array {
  const p = new Float64Array(ker.size);
  let missMass = 0;
  for (let k = 0; k < logW.length; k++) {
    const w = Math.exp(logW[k] as number);
    const c = ker.obs[k] as number;
    if (c < 0) {
      for (let j = 0; j < ker.size; j++) p[j] = (p[j] as number) + w / ker.size;
    } else {
      missMass += w * ker.miss;
      p[c] = (p[c] as number) + w * (ker.hit - ker.miss);
    }
  }
  for (let j = 0; j < ker.size; j++) p[j] = Math.log((p[j] as number) + missMass);
  return p;
}
