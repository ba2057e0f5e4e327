/**
 * The kernels of a Parzen estimator, one set per parameter: truncated normals (continuous),
 * discretised truncated normals on grids, and Optuna's smoothed categorical indicators; how they
 * are built from observations, and how a point's log density under each is accumulated.
 *
 * Bandwidths follow Optuna 3.x. Univariate: the neighbour rule of `bandwidths.ts`. Multivariate:
 * the same rule per dimension (`multivariateBandwidth: "neighbour"`), or Optuna's Scott-like
 * σ = 0.2 n^(−1/(d+4)) × range for every kernel (`"scott"`, as in BOHB). Then σ is
 * clipped to [range / min(100, 1 + n + prior), range] with the magic clip, or [1e-12, range]
 * without. The prior component sits at the centre with σ = range and weight `priorWeight`.
 */
import { bucketedNeighbourSigmasInto, neighbourSigmas } from "./bandwidths.js";
import { HALF_LOG_2PI, cellMass, logNarrowCellMass, logTruncationMass } from "./mixture-math.js";
import type { ParamSpace } from "./param-space.js";
import { F_SIGMA, F_T_KERNELS, I_SLOT, I_T_KERNELS, tmpF64, tmpI32 } from "./scratch.js";

const EPS = 1e-12;
/** Grid kernels at least this wide (in steps) use the closed-form approximation of the cell mass. */
const WIDE_DISCRETE_SIGMA = 32;
/** Grids of at most this many points tabulate cell masses by offset. */
export const MAX_TABLE = 4096;

/** Options of the estimator (a subset of the TPE sampler's). */
export interface ParzenEstimatorOptions {
  readonly considerPrior: boolean;
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  readonly multivariate: boolean;
  /**
   * Bandwidths of multivariate (joint) kernels: `"scott"` gives every kernel σ = 0.2 n^(−1/(d+4))
   * × range (Optuna, after BOHB); `"neighbour"` gives each kernel, per dimension, the univariate
   * neighbour-gap bandwidth (Hyperopt's rule, the recommended setting of Watanabe 2023). Default
   * `"scott"`.
   */
  readonly multivariateBandwidth?: "scott" | "neighbour";
  /**
   * Evaluate continuous kernels without their 1/σ factor, so each weighs in proportion to its
   * bandwidth (Optuna 3.1–3.4, whose truncated-normal log density omitted log σ). Sampling is
   * unchanged. Default false: every kernel is a normalised density (Optuna ≥ 3.5).
   */
  readonly widthWeightedKernels?: boolean;
}

export interface NumericKernels {
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

export interface CategoricalKernels {
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

export type Kernels = NumericKernels | CategoricalKernels;

export function addCategorical(ker: CategoricalKernels, x: number, acc: Float64Array, nc: number): void {
  const { obs, logHit, logMiss, logPrior } = ker;
  for (let k = 0; k < nc; k++) {
    const c = obs[k] as number;
    acc[k] = (acc[k] as number) + (c === x ? logHit : c < 0 ? logPrior : logMiss);
  }
}

export function addContinuous(ker: NumericKernels, x: number, acc: Float64Array, nc: number): void {
  const { mu, invSigma, logNorm } = ker;
  for (let k = 0; k < nc; k++) {
    const t = (x - (mu[k] as number)) * (invSigma[k] as number);
    acc[k] = (acc[k] as number) + (logNorm[k] as number) - 0.5 * t * t;
  }
}

/**
 * log normaliser of a continuous kernel with centre m and 1/σ = inv, truncated to [lowEdge,
 * highEdge]: −log σ − ½ log 2π − log Z, or without −log σ when `widthWeighted`.
 */
export function continuousLogNorm(m: number, inv: number, lowEdge: number, highEdge: number, widthWeighted: boolean): number {
  return (widthWeighted ? 0 : Math.log(inv)) - HALF_LOG_2PI - logTruncationMass((lowEdge - m) * inv, (highEdge - m) * inv);
}

export function buildNumeric(
  space: ParamSpace,
  obs: Float64Array,
  n: number,
  withPrior: boolean,
  options: ParzenEstimatorOptions,
  nParams: number,
  /** Build in pooled memory, valid until the next transient build (one parameter only). */
  transient = false,
): NumericKernels {
  const { lowEdge, highEdge } = space;
  const range = highEdge - lowEdge;
  const nc = n + (withPrior ? 1 : 0);
  const priorMu = 0.5 * (lowEdge + highEdge);
  const buf = transient ? tmpF64(F_T_KERNELS, 4 * nc).subarray(0, 4 * nc) : new Float64Array(4 * nc);
  const mu = buf.subarray(0, nc);
  const sigma = buf.subarray(nc, 2 * nc);
  const invSigma = buf.subarray(2 * nc, 3 * nc);
  const logNorm = buf.subarray(3 * nc, 4 * nc);
  mu.set(obs.subarray(0, n));
  if (withPrior) mu[n] = priorMu;

  if (n > 0) {
    if (options.multivariate && options.multivariateBandwidth !== "neighbour") {
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
      logNorm[k] = continuousLogNorm(m, inv, lowEdge, highEdge, widthWeighted);
    }
    return numericKernels("continuous", lowEdge, highEdge, 0, mu, EMPTY_I32, sigma, invSigma, logNorm, EMPTY_I32, EMPTY_F64);
  }

  // Grid kernels: grouped by width, so cell masses can be tabulated per distinct width.
  const classOf = new Map<number, number>();
  const ibuf = transient ? tmpI32(I_T_KERNELS, 2 * nc).subarray(0, 2 * nc) : new Int32Array(2 * nc);
  const sigmaClass = ibuf.subarray(0, nc);
  const mu2 = ibuf.subarray(nc);
  const classSigmaList: number[] = [];
  let lastSigma = NaN;
  let lastClass = -1;
  // Normalisers depend on (width, centre) only: memoised per width over the 2K + 1 half-steps.
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
        tab = gridNormTable(lowEdge, highEdge, s, memoSpan);
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

/**
 * −log Z of grid kernels of width σ by doubled centre, for one grid (its edges), shared by every
 * estimator: a pure function of the three, and widths recur from trial to trial (the magic clip
 * pins most of them), so each value is computed about once per study. Entries are NaN until used.
 */
const gridNormCache = new Map<string, Map<number, Float64Array>>();
const MAX_GRID_NORM_TABLES = 256;
let gridNormTables = 0;

export function gridNormTable(lowEdge: number, highEdge: number, sigma: number, span: number): Float64Array {
  const key = `${lowEdge}:${highEdge}`;
  let bySigma = gridNormCache.get(key);
  if (bySigma === undefined) {
    bySigma = new Map();
    gridNormCache.set(key, bySigma);
  }
  let t = bySigma.get(sigma);
  if (t === undefined || t.length < span) {
    if (gridNormTables >= MAX_GRID_NORM_TABLES) {
      gridNormCache.clear();
      gridNormTables = 0;
      bySigma = new Map();
      gridNormCache.set(key, bySigma);
    }
    t = new Float64Array(span).fill(NaN);
    bySigma.set(sigma, t);
    gridNormTables++;
  }
  return t;
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
export function mergeDiscrete(ker: NumericKernels, w: Float64Array): { kernels: NumericKernels; weights: Float64Array } {
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

export function cellTable(sigma: number, size: number): Float64Array {
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

/** log mass of a grid kernel of width σ (1/σ = h) on the cell at offset d from its centre. */
export function gridCellMass(d: number, h: number, sigma: number): number {
  return sigma >= WIDE_DISCRETE_SIGMA ? logNarrowCellMass(d * h, h) : cellMass(d, h);
}

/** Adds the log cell mass of grid point x under every kernel, and its normaliser, to acc. */
export function addDiscrete(ker: NumericKernels, x: number, acc: Float64Array, nc: number, tables: readonly Float64Array[] | undefined): void {
  const { mu, mu2, invSigma, sigmaClass, classSigma, logNorm } = ker;
  if (tables === undefined) {
    for (let k = 0; k < nc; k++) {
      const lm = gridCellMass(x - (mu[k] as number), invSigma[k] as number, classSigma[sigmaClass[k] as number] as number);
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
      lm = gridCellMass(0.5 * idx, invSigma[k] as number, classSigma[c] as number);
      tab[idx] = lm;
    }
    acc[k] = (acc[k] as number) + lm + (logNorm[k] as number);
  }
}

export function buildCategorical(
  space: ParamSpace,
  obs: Float64Array,
  n: number,
  withPrior: boolean,
  options: ParzenEstimatorOptions,
  /** Build in pooled memory, valid until the next transient build (one parameter only). */
  transient = false,
): CategoricalKernels {
  const size = space.size;
  const nc = n + (withPrior ? 1 : 0);
  const o = transient ? tmpI32(I_T_KERNELS, nc).subarray(0, nc) : new Int32Array(nc);
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
export function categoricalMarginal(ker: CategoricalKernels, logW: Float64Array): Float64Array {
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
