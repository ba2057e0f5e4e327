/**
 * Univariate kernel bandwidths of TPE (Optuna's rule): each kernel's σ is the larger distance to
 * its sorted neighbours, the range ends counting as neighbours; with `considerEndpoints: false` the
 * two outermost kernels use their inner neighbour only. The caller clips σ afterwards.
 */
import { F_MAXV, F_MINV, F_NEXT, F_PREV, I_BUCKET, I_COUNT, I_MAXI, I_MAXK, I_MINI, I_MINK, tmpF64, tmpI32 } from "./scratch.js";

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
export function tieKey(i: number): number {
  return Math.imul(i + 1, TIE_MULTIPLIER) >>> 0;
}

const TIE_MULTIPLIER = 0x9e3779b1;
const SIGN_BIT = -0x80000000;

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

export function bucketedNeighbourSigmasInto(mus: Float64Array, m: number, lowEdge: number, highEdge: number, considerEndpoints: boolean, buckets: number, out: Float64Array): void {
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
  // The tie keys of the current extremes, kept as int32 with the sign bit flipped (so a signed
  // comparison orders them as the unsigned keys): one key computed per point.
  const minK = tmpI32(I_MINK, B);
  const maxK = tmpI32(I_MAXK, B);
  const bucketOf = tmpI32(I_BUCKET, m);
  for (let i = 0; i < m; i++) {
    const v = mus[i] as number;
    let b = Math.floor((v - lowEdge) * scale);
    b = b < 0 ? 0 : b >= B ? B - 1 : b;
    bucketOf[i] = b;
    count[b] = (count[b] as number) + 1;
    const key = Math.imul(i + 1, TIE_MULTIPLIER) ^ SIGN_BIT;
    const mn = minV[b] as number;
    if (v < mn || (v === mn && key < (minK[b] as number))) {
      minV[b] = v;
      minI[b] = i;
      minK[b] = key;
    }
    const mx = maxV[b] as number;
    if (v > mx || (v === mx && key > (maxK[b] as number))) {
      maxV[b] = v;
      maxI[b] = i;
      maxK[b] = key;
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
