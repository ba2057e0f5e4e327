/**
 * The Parzen estimator of TPE: a weighted mixture of product kernels, one component per observed
 * trial plus an optional prior component, over a set of parameters in model space
 * (`param-space.ts`).
 *
 * Numerical kernels are normals truncated to the parameter's range; on grids the kernel puts on
 * each grid point the normal mass of its cell [k − ½, k + ½] (Optuna's discrete truncated normal).
 * Categorical kernels are Optuna's: an observation of choice c puts weight `priorWeight / nKernels`
 * on every choice plus 1 on c, normalised (a smoothed indicator, close to Aitchison–Aitken with a
 * bandwidth that shrinks as observations accumulate); the prior component is uniform. Kernels and
 * their bandwidths are built in `kernels.ts` and `bandwidths.ts`. With `widthWeightedKernels` (the
 * TPE sampler's default) continuous kernels are evaluated without their 1/σ factor, as Optuna
 * 3.1–3.4 do.
 *
 * Evaluation is exact up to dropping terms 40 nats below the largest (relative error < 1e-17 per
 * term) and computing exp with a table and a short polynomial (relative error < 1e-13; see
 * `mixture-math.ts`). One-parameter mixtures use fast paths: grid kernels with equal centre and
 * width are merged, cell masses are tabulated per width, and continuous kernels are bucketed by
 * centre so far buckets are skipped (`bucket-index.ts`). Grid kernels 32 or more steps wide use a
 * closed form of the cell mass (error < 2e-7 nats).
 *
 * @see Bergstra et al., "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011.
 * @see Watanabe, "Tree-structured Parzen Estimator: Understanding Its Algorithm Components and
 *   Their Roles for Better Empirical Performance", 2023.
 */
import { OuroborosError } from "../../core/errors.js";
import type { Random } from "../../core/rng.js";
import { BucketIndex, BucketStorage } from "./bucket-index.js";
import {
  MAX_TABLE,
  addCategorical,
  addContinuous,
  addDiscrete,
  buildCategorical,
  buildNumeric,
  categoricalMarginal,
  cellTable,
  gridCellMass,
  mergeDiscrete,
  type CategoricalKernels,
  type Kernels,
  type NumericKernels,
  type ParzenEstimatorOptions,
} from "./kernels.js";
import { logSumExp, logSumExpGivenMax } from "./mixture-math.js";
import type { ParamSpace } from "./param-space.js";
import { F_SORT_LOGW, F_SORT_OBS, F_SORT_W, F_T_WEIGHTS, F_WEIGHTS, I_BUCKET, I_MINI, I_T_START, scratchOf, tmpF64, tmpI32 } from "./scratch.js";
import { sampleTruncatedStandardNormal } from "./truncated-normal.js";

export { fromModelSpace, paramSpace, toModelSpace, type ParamSpace } from "./param-space.js";
export { bucketedNeighbourSigmas, neighbourSigmas } from "./bandwidths.js";
export type { ParzenEstimatorOptions } from "./kernels.js";

/** The bucket index memory of transient estimators. */
const transientBuckets = new BucketStorage();

/** One-parameter continuous mixtures of at least this many observations are evaluated through a {@link BucketIndex}. */
const BUCKET_MIN_COMPONENTS = 64;

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
  private readonly transient: boolean;
  private bucketStart: Int32Array | undefined;

  constructor(
    spaces: readonly ParamSpace[],
    observations: readonly Float64Array[],
    weights: ArrayLike<number>,
    options: ParzenEstimatorOptions,
    /** Optional: log of each weight, when the caller has them (saves a log per kernel). */
    logWeights?: ArrayLike<number>,
    /**
     * Build a one-parameter estimator in pooled memory (large typed arrays are slow to allocate):
     * it is then valid only until the next transient estimator is built. For an estimator that is
     * evaluated at once and dropped.
     */
    transient = false,
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
    this.transient = transient;

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
      const start = transient ? tmpI32(I_T_START, nb + 1).subarray(0, nb + 1).fill(0) : new Int32Array(nb + 1);
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
        ? buildCategorical(space, obs, n, withPrior, options, transient && spaces.length === 1)
        : buildNumeric(space, obs, n, withPrior, options, spaces.length, transient && spaces.length === 1);
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
    const buf = transient ? tmpF64(F_T_WEIGHTS, 3 * nk).subarray(0, 3 * nk) : new Float64Array(3 * nk);
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
        const index = (this.bucketIndex ??= new BucketIndex(only.mu, only.invSigma, c, start, start[start.length - 1] as number, this.transient ? transientBuckets : undefined));
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

/**
 * One grid parameter: equal candidates share a result, and the terms (log cell mass, tabulated per
 * width, plus the kernel's log weight and normaliser) are fused as above.
 */
function logPdfDiscrete1D(ker: NumericKernels, c: Float64Array, col: Float64Array): Float64Array {
  const nc = c.length;
  const size = col.length;
  const out = new Float64Array(size);
  const { mu, mu2, invSigma, sigmaClass, classSigma } = ker;
  const tables = ker.size <= MAX_TABLE ? Array.from(classSigma, (sg) => cellTable(sg, ker.size)) : undefined;
  const acc = scratchOf(nc);
  outer: for (let i = 0; i < size; i++) {
    const x = col[i] as number;
    for (let j = 0; j < i; j++) {
      if (col[j] === x) {
        out[i] = out[j] as number;
        continue outer;
      }
    }
    let m = -Infinity;
    if (tables !== undefined) {
      // Offsets x − mu are multiples of ½ (the prior's centre may be a half-integer): tables are
      // indexed by |2·offset|, per width, and filled on first use.
      const x2 = 2 * x;
      for (let k = 0; k < nc; k++) {
        const cls = sigmaClass[k] as number;
        const tab = tables[cls] as Float64Array;
        const i2 = x2 - (mu2[k] as number);
        const idx = i2 < 0 ? -i2 : i2;
        let lm = tab[idx] as number;
        if (lm !== lm) {
          lm = gridCellMass(0.5 * idx, invSigma[k] as number, classSigma[cls] as number);
          tab[idx] = lm;
        }
        const v = lm + (c[k] as number);
        acc[k] = v;
        if (v > m) m = v;
      }
    } else {
      for (let k = 0; k < nc; k++) {
        const lm = gridCellMass(x - (mu[k] as number), invSigma[k] as number, classSigma[sigmaClass[k] as number] as number);
        const v = lm + (c[k] as number);
        acc[k] = v;
        if (v > m) m = v;
      }
    }
    out[i] = logSumExpGivenMax(acc, nc, m);
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
