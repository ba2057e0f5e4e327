/**
 * TPE's "above" density g(x) of one grid parameter, computed straight from the observations.
 */
import { bucketedNeighbourSigmasInto } from "./bandwidths.js";
import { MAX_TABLE, cellTable, gridCellMass, gridNormTable, type ParzenEstimatorOptions } from "./kernels.js";
import { logSumExpGivenMax, logTruncationMass } from "./mixture-math.js";
import type { ParamSpace } from "./param-space.js";
import { F_GRID_MU, F_GRID_SUM, F_GRID_W, F_SIGMA, I_GRID_CLASS, I_GRID_KEEP, I_GRID_MU2, I_SLOT, scratchOf, tmpF64, tmpI32 } from "./scratch.js";

/** Above this many (width, centre) slots the estimator does not merge kernels (see `mergeDiscrete`). */
const MAX_SLOTS = 1 << 22;

/**
 * log g at the candidates for one grid parameter with univariate, magic-clipped bandwidths: bit for
 * bit `new ParzenEstimator([space], [obs], weights, options).logPdf([candidates])`, or undefined
 * when the case is left to the estimator (other options, a grid over 4096 points, invalid weights:
 * the estimator then reports them).
 *
 * On a grid most observations share a centre and a width, and the estimator merges such kernels
 * into one of their summed weight. This does the same in one pass over the observations, without
 * the estimator's per-observation kernel arrays: each observation's bandwidth (the neighbour rule),
 * its (width, centre) slot, and the slot's weight summed in observation order as the merge sums it;
 * normalisers, logs and cell masses are then computed per slot, and the candidates evaluated as the
 * estimator's one-grid-parameter path does.
 */
export function gridLogPdf(space: ParamSpace, obs: Float64Array, weights: ArrayLike<number>, options: ParzenEstimatorOptions, candidates: Float64Array): Float64Array | undefined {
  if (space.kind !== "discrete" || options.multivariate || !options.considerMagicClip || space.size > MAX_TABLE) return undefined;
  const n = obs.length;
  if (n === 0 || weights.length < n) return undefined;
  const withPrior = options.considerPrior;
  if (withPrior && !(options.priorWeight > 0 && Number.isFinite(options.priorWeight))) return undefined;
  const nc = n + (withPrior ? 1 : 0);

  // Normalised weights, summed in order (as the estimator).
  const w = tmpF64(F_GRID_W, nc);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = weights[i] as number;
    if (!(wi >= 0 && Number.isFinite(wi))) return undefined;
    w[i] = wi;
    total += wi;
  }
  if (!(total > 0)) return undefined;
  if (withPrior) {
    w[n] = options.priorWeight;
    total += options.priorWeight;
  }
  for (let k = 0; k < nc; k++) w[k] = (w[k] as number) / total;

  // Centres (the prior last) and bandwidths: the neighbour rule, then the magic clip.
  const { lowEdge, highEdge, size } = space;
  const range = highEdge - lowEdge;
  const mu = tmpF64(F_GRID_MU, nc);
  mu.set(obs.subarray(0, n));
  if (withPrior) mu[n] = 0.5 * (lowEdge + highEdge);
  const sigma = tmpF64(F_SIGMA, nc);
  const nClip = Math.min(100, 1 + n + (withPrior ? 1 : 0));
  bucketedNeighbourSigmasInto(mu, nc, lowEdge, highEdge, options.considerEndpoints, nClip, sigma);
  const minSigma = range / nClip;
  for (let k = 0; k < n; k++) {
    const s = sigma[k] as number;
    sigma[k] = s < minSigma ? minSigma : s > range ? range : s;
  }
  if (withPrior) sigma[n] = range;

  // Width classes in order of first appearance.
  const classOf = new Map<number, number>();
  const classSigma: number[] = [];
  const cls = tmpI32(I_GRID_CLASS, nc);
  let lastSigma = NaN;
  let lastClass = -1;
  for (let k = 0; k < nc; k++) {
    const s = sigma[k] as number;
    if (s !== lastSigma) {
      let c = classOf.get(s);
      if (c === undefined) {
        c = classSigma.length;
        classOf.set(s, c);
        classSigma.push(s);
      }
      lastSigma = s;
      lastClass = c;
    }
    cls[k] = lastClass;
  }
  const span = 4 * size + 1;
  if (classSigma.length * span > MAX_SLOTS) return undefined;

  // Kernels of equal (width, centre) merged, in order of first appearance, weights summed in order.
  const nSlots = classSigma.length * span;
  const slot = tmpI32(I_SLOT, nSlots).fill(-1, 0, nSlots);
  const keep = tmpI32(I_GRID_KEEP, nc);
  const sum = tmpF64(F_GRID_SUM, nc);
  let r = 0;
  for (let k = 0; k < nc; k++) {
    const key = (cls[k] as number) * span + Math.round(2 * (mu[k] as number)) + 2 * size;
    const j = slot[key] as number;
    if (j < 0) {
      slot[key] = r;
      keep[r] = k;
      sum[r] = w[k] as number;
      r++;
    } else sum[j] = (sum[j] as number) + (w[k] as number);
  }

  // Per merged kernel: doubled centre, 1/σ, width class and log weight + log normaliser.
  const buf = tmpF64(F_GRID_W, 2 * r);
  const inv = buf.subarray(0, r);
  const c = buf.subarray(r, 2 * r);
  const mu2 = tmpI32(I_GRID_MU2, 2 * r);
  const kc = mu2.subarray(r, 2 * r);
  const memoSpan = 2 * size + 1;
  const tables: Float64Array[] = [];
  for (let j = 0; j < r; j++) {
    const k = keep[j] as number;
    const m = mu[k] as number;
    const m2 = Math.round(2 * m);
    const cj = cls[k] as number;
    const s = classSigma[cj] as number;
    const iv = 1 / s;
    const norm = gridNormTable(lowEdge, highEdge, s, memoSpan);
    let z = norm[m2] as number;
    if (z !== z) {
      z = -logTruncationMass((lowEdge - m) * iv, (highEdge - m) * iv);
      norm[m2] = z;
    }
    mu2[j] = m2;
    kc[j] = cj;
    inv[j] = iv;
    c[j] = Math.log(sum[j] as number) + z;
  }
  for (let q = 0; q < classSigma.length; q++) tables.push(cellTable(classSigma[q] as number, size));

  const out = new Float64Array(candidates.length);
  const acc = scratchOf(r);
  outer: for (let i = 0; i < candidates.length; i++) {
    const x = candidates[i] as number;
    for (let p = 0; p < i; p++) {
      if (candidates[p] === x) {
        out[i] = out[p] as number;
        continue outer;
      }
    }
    const x2 = 2 * x;
    let m = -Infinity;
    for (let j = 0; j < r; j++) {
      const q = kc[j] as number;
      const tab = tables[q] as Float64Array;
      const i2 = x2 - (mu2[j] as number);
      const idx = i2 < 0 ? -i2 : i2;
      let lm = tab[idx] as number;
      if (lm !== lm) {
        lm = gridCellMass(0.5 * idx, inv[j] as number, classSigma[q] as number);
        tab[idx] = lm;
      }
      const v = lm + (c[j] as number);
      acc[j] = v;
      if (v > m) m = v;
    }
    out[i] = logSumExpGivenMax(acc, r, m);
  }
  return out;
}
