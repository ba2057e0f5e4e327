/**
 * TPE's "above" density g(x) of one continuous parameter, kept up to date from trial to trial
 * instead of rebuilt (see {@link IncrementalMixture}).
 */
import { BucketIndex, BucketStorage } from "./bucket-index.js";
import { RatioBounds } from "./ratio-bound.js";
import { continuousLogNorm } from "./kernels.js";
import type { ParamSpace } from "./param-space.js";
import { I_BUCKET, I_MINI, I_PERM, tmpI32 } from "./scratch.js";

/** The bandwidth rule's bucket count and minimum width are constant from this many observations on. */
export const INCREMENTAL_MIN_OBS = 98;
/** The magic clip's bucket count (and 1/minimum width in ranges) once n ≥ {@link INCREMENTAL_MIN_OBS}. */
const CLIP_BUCKETS = 100;

/**
 * The log density of a one-parameter continuous Parzen mixture (univariate bandwidths with the
 * magic clip, a prior component, observation weights given with their logs), bit for bit the value
 * of `new ParzenEstimator([space], [obs], w, options, logW).logPdf(...)`, maintained across calls.
 *
 * From one TPE trial to the next, the "above" observations of a parameter usually gain one trial
 * and lose none, while every weight changes (the age ramp depends on n). What costs most in a
 * rebuild does not depend on the weights: each kernel's bandwidth (the larger gap to its sorted
 * neighbours, as decided by the estimator's 100-bucket rule, then clipped to [range/100, range])
 * and its truncation normaliser. Those are kept per observation; an insertion changes only the
 * bandwidths of the new point and its two sorted neighbours, which are recomputed by the same rule
 * and arithmetic. Per call what remains is O(n) typed-array passes: matching the observation list
 * against the last one, ordering kernels by centre bucket (the stable counting sort of the
 * estimator), summing the weights in that order and building the {@link BucketIndex}.
 *
 * It applies when the bandwidth rule's constants are fixed (n ≥ 98 with the prior: 100 buckets,
 * minimum width range/100) and no two points are equal (ties are ordered by position in the
 * estimator, which an insertion shifts). Otherwise {@link IncrementalMixture.logPdf} returns
 * undefined and the caller builds the estimator; likewise a list that lost observations is rebuilt
 * from scratch here.
 */
export class IncrementalMixture {
  /** Identities of the observations, in the caller's (trial) order. */
  private ids = new Int32Array(256);
  private nIds = 0;
  /** Per trial-order position: the slot holding its values. */
  private order = new Int32Array(256);
  /** Slots sorted by value (the prior is slot 0). */
  private sorted = new Int32Array(256);
  /** Per slot: value, 1/σ and log normaliser. */
  private value = new Float64Array(256);
  private inv = new Float64Array(256);
  private logNorm = new Float64Array(256);
  private nSlots = 0;
  private valid = false;
  /** Memory of each evaluation (kernels in bucket order, bucket starts, the index), reused. */
  private evalBuf = new Float64Array(0);
  private startBuf = new Int32Array(0);
  private readonly bucketStorage = new BucketStorage();
  private readonly boundStorage = new BucketStorage();

  constructor(
    private readonly space: ParamSpace,
    private readonly considerEndpoints: boolean,
    private readonly widthWeighted: boolean,
    private readonly priorWeight: number,
  ) {}

  /**
   * log g(x) at each candidate, or undefined when this case is left to the estimator. `ids[j]` and
   * `obs[j]` identify and give observation j (equal identities always carry equal values), in a
   * fixed order (trial order); `w` and `logW` are their weights and logs, aligned with `obs`.
   */
  logPdf(ids: Int32Array, obs: Float64Array, w: ArrayLike<number>, logW: ArrayLike<number>, candidates: Float64Array): Float64Array | undefined {
    return this.index(ids, obs, w, logW)?.logPdf(candidates);
  }

  /**
   * The mixture as a {@link BucketIndex} (arguments as for {@link IncrementalMixture.logPdf}), or
   * undefined when this case is left to the estimator. The index lives in memory this object
   * reuses: it is valid until the next call.
   */
  index(ids: Int32Array, obs: Float64Array, w: ArrayLike<number>, logW: ArrayLike<number>): BucketIndex | undefined {
    const n = obs.length;
    if (n < INCREMENTAL_MIN_OBS) {
      this.valid = false;
      return undefined;
    }
    if (!this.update(ids, obs)) return undefined;
    return this.build(w, logW);
  }

  /**
   * Lower bounds of log g for `index` (the last {@link IncrementalMixture.index}), in memory this
   * object reuses, and the half-width of the window they sum over: 4 of the narrowest bandwidths
   * (the magic clip's range/100) once buckets are at most that wide (100 or more), else 2.5 (the
   * bounds' polynomials then apply less often, and summing kernels costs in proportion to the window).
   */
  bounds(index: BucketIndex): { bounds: RatioBounds; halfWidth: number } {
    const range = this.space.highEdge - this.space.lowEdge;
    const nb = index.start.length - 1;
    return { bounds: new RatioBounds(index, this.boundStorage), halfWidth: ((nb >= CLIP_BUCKETS ? 4 : 2.5) * range) / CLIP_BUCKETS };
  }

  /** Brings the per-observation state to `obs`; false when it cannot be kept (ties). */
  private update(ids: Int32Array, obs: Float64Array): boolean {
    const n = obs.length;
    if (this.valid) {
      // The old list must be a subsequence of the new one; the rest are insertions.
      const old = this.ids;
      const nOld = this.nIds;
      const inserted: number[] = [];
      let i = 0;
      for (let j = 0; j < n; j++) {
        if (i < nOld && old[i] === ids[j]) i++;
        else inserted.push(j);
      }
      if (i === nOld) {
        for (const j of inserted) if (!this.insert(j, ids[j] as number, obs[j] as number)) return (this.valid = false);
        return true;
      }
    }
    return (this.valid = this.rebuild(ids, obs));
  }

  private ensure(n: number): void {
    const need = n + 2;
    if (this.value.length >= need) return;
    const size = Math.max(need, 2 * this.value.length);
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (k: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.order = grow(this.order, (k) => new Int32Array(k));
    this.ids = grow(this.ids, (k) => new Int32Array(k));
    this.sorted = grow(this.sorted, (k) => new Int32Array(k));
    this.value = grow(this.value, (k) => new Float64Array(k));
    this.inv = grow(this.inv, (k) => new Float64Array(k));
    this.logNorm = grow(this.logNorm, (k) => new Float64Array(k));
  }

  private rebuild(ids: Int32Array, obs: Float64Array): boolean {
    const n = obs.length;
    this.ensure(n);
    const { lowEdge, highEdge } = this.space;
    this.nIds = n;
    // Slot 0 is the prior; observation j takes slot j + 1.
    this.value[0] = 0.5 * (lowEdge + highEdge);
    for (let j = 0; j < n; j++) {
      this.ids[j] = ids[j] as number;
      this.value[j + 1] = obs[j] as number;
      this.order[j] = j + 1;
    }
    this.nSlots = n + 1;
    const slots = Array.from({ length: n + 1 }, (_, k) => k);
    const value = this.value;
    slots.sort((a, b) => (value[a] as number) - (value[b] as number));
    for (let q = 0; q < slots.length; q++) {
      this.sorted[q] = slots[q] as number;
      if (q > 0 && value[slots[q] as number] === value[slots[q - 1] as number]) return false;
    }
    for (let q = 0; q <= n; q++) this.refresh(q, n + 1);
    return true;
  }

  /** Inserts observation `j` (trial order) with value v; false on a tie. */
  private insert(j: number, id: number, v: number): boolean {
    const nPoints = this.nSlots;
    const n = nPoints - 1;
    this.ensure(n + 1);
    const { sorted, value } = this;
    // First sorted position with a larger value.
    let lo = 0;
    let hi = nPoints;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((value[sorted[mid] as number] as number) <= v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && value[sorted[lo - 1] as number] === v) return false;
    const slot = this.nSlots++;
    value[slot] = v;
    this.ids.copyWithin(j + 1, j, this.nIds);
    this.ids[j] = id;
    this.nIds++;
    this.order.copyWithin(j + 1, j, n);
    this.order[j] = slot;
    sorted.copyWithin(lo + 1, lo, nPoints);
    sorted[lo] = slot;
    const total = nPoints + 1;
    for (let q = Math.max(0, lo - 1); q <= Math.min(total - 1, lo + 1); q++) this.refresh(q, total);
    return true;
  }

  /**
   * Recomputes the bandwidth of the point at sorted position q (of nPoints) exactly as
   * `bucketedNeighbourSigmasInto` with 100 buckets followed by the magic clip does when no two
   * points are equal: a point's gap to a neighbour counts only when the neighbour lies in another
   * bucket (otherwise the gap is below the clip), and the outermost points use their inner side only.
   */
  private refresh(q: number, nPoints: number): void {
    const slot = this.sorted[q] as number;
    const { lowEdge, highEdge } = this.space;
    const range = highEdge - lowEdge;
    let sigma: number;
    if (slot === 0) sigma = range;
    else {
      const value = this.value;
      const scale = CLIP_BUCKETS / (highEdge - lowEdge);
      const v = value[slot] as number;
      const b = clipBucket(v, lowEdge, scale);
      const prev = q > 0 ? (value[this.sorted[q - 1] as number] as number) : NaN;
      const next = q < nPoints - 1 ? (value[this.sorted[q + 1] as number] as number) : NaN;
      const isMin = q === 0 || clipBucket(prev, lowEdge, scale) !== b;
      const isMax = q === nPoints - 1 || clipBucket(next, lowEdge, scale) !== b;
      const gl = isMin ? v - (q > 0 ? prev : lowEdge) : 0;
      const gr = isMax ? (q < nPoints - 1 ? next : highEdge) - v : 0;
      let s = gl > gr ? gl : gr;
      if (!this.considerEndpoints) {
        const alone = isMin && isMax;
        if (q === 0) s = alone ? gr : 0;
        else if (q === nPoints - 1) s = alone ? gl : 0;
      }
      const minSigma = range / CLIP_BUCKETS;
      sigma = s < minSigma ? minSigma : s > range ? range : s;
    }
    const inv = 1 / sigma;
    this.inv[slot] = inv;
    this.logNorm[slot] = continuousLogNorm(this.value[slot] as number, inv, lowEdge, highEdge, this.widthWeighted);
  }

  /** The estimator's kernel order, weights and bucket index. */
  private build(w: ArrayLike<number>, logW: ArrayLike<number>): BucketIndex {
    const n = this.nSlots - 1;
    const { lowEdge, highEdge } = this.space;
    // The estimator's stable counting sort of the observations by centre bucket.
    const nb = Math.max(8, Math.min(512, n >> 3));
    const scale = nb / (highEdge - lowEdge);
    const bucket = tmpI32(I_BUCKET, n);
    if (this.startBuf.length < nb + 1) this.startBuf = new Int32Array(Math.max(nb + 1, 64));
    const start = this.startBuf.subarray(0, nb + 1).fill(0);
    const { order, value } = this;
    for (let i = 0; i < n; i++) {
      let b = Math.floor(((value[order[i] as number] as number) - lowEdge) * scale);
      b = b < 0 ? 0 : b >= nb ? nb - 1 : b;
      bucket[i] = b;
      start[b + 1] = (start[b + 1] as number) + 1;
    }
    for (let b = 0; b < nb; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
    const fill = tmpI32(I_MINI, nb + 1);
    fill.set(start);
    if (this.evalBuf.length < 3 * (n + 1)) this.evalBuf = new Float64Array(Math.max(3 * (n + 1), 2 * this.evalBuf.length));
    const buf = this.evalBuf;
    const mu = buf.subarray(0, n + 1);
    const inv = buf.subarray(n + 1, 2 * (n + 1));
    const c = buf.subarray(2 * (n + 1), 3 * (n + 1));
    // c holds the sorted log weights until the total is known.
    const perm = tmpI32(I_PERM, n);
    for (let i = 0; i < n; i++) {
      const b = bucket[i] as number;
      const k = fill[b] as number;
      fill[b] = k + 1;
      const slot = order[i] as number;
      mu[k] = value[slot] as number;
      inv[k] = this.inv[slot] as number;
      c[k] = logW[i] as number;
      perm[k] = i;
    }
    // The weights summed in kernel order, then the prior, as the estimator does.
    let total = 0;
    for (let k = 0; k < n; k++) total += w[perm[k] as number] as number;
    total += this.priorWeight;
    const logTotal = Math.log(total);
    for (let k = 0; k < n; k++) c[k] = ((c[k] as number) - logTotal) + (this.logNorm[order[perm[k] as number] as number] as number);
    mu[n] = value[0] as number;
    inv[n] = this.inv[0] as number;
    c[n] = Math.log(this.priorWeight / total) + (this.logNorm[0] as number);
    return new BucketIndex(mu, inv, c, start, n, this.bucketStorage, lowEdge, scale);
  }
}

/** The magic clip's bucket of x (as the estimator's bandwidth rule computes it). */
function clipBucket(x: number, lowEdge: number, scale: number): number {
  const b = Math.floor((x - lowEdge) * scale);
  return b < 0 ? 0 : b >= CLIP_BUCKETS ? CLIP_BUCKETS - 1 : b;
}
