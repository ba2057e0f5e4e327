/**
 * Reused scratch memory of the Parzen estimator code: a typed array of more than 64 bytes is a
 * separate allocation in V8 (microseconds each), which would dominate building an estimator.
 * Single-threaded, and no function holds a slot across a call that uses the same slot.
 */

const f64Pool: Float64Array[] = [];
const i32Pool: Int32Array[] = [];

/** The pooled array of `slot`, grown (at least doubling) to hold n entries; contents are arbitrary. */
function pooled<T extends Float64Array | Int32Array>(pool: T[], slot: number, n: number, make: (size: number) => T): T {
  let a = pool[slot];
  if (a === undefined || a.length < n) {
    a = make(Math.max(n, 2 * (a?.length ?? 128)));
    pool[slot] = a;
  }
  return a;
}

/** A pooled Float64Array of at least n entries (contents arbitrary). */
export function tmpF64(slot: number, n: number): Float64Array {
  return pooled(f64Pool, slot, n, (size) => new Float64Array(size));
}

/** A pooled Int32Array of at least n entries (contents arbitrary). */
export function tmpI32(slot: number, n: number): Int32Array {
  return pooled(i32Pool, slot, n, (size) => new Int32Array(size));
}

// Float64 slots.
export const F_ACC = 0;
export const F_WEIGHTS = 2;
export const F_MINV = 3;
export const F_MAXV = 4;
export const F_PREV = 5;
export const F_NEXT = 6;
export const F_SIGMA = 7;
export const F_SORT_OBS = 8;
export const F_SORT_W = 9;
export const F_SORT_LOGW = 10;
/** Slots of a transient estimator's own arrays (see the ParzenEstimator's `transient`). */
export const F_T_KERNELS = 11;
export const F_T_WEIGHTS = 12;
export const F_TAYLOR_TERM = 13;
export const F_TAYLOR_DELTA = 14;
export const F_BOUND_TERM = 15;
export const F_BOUND_DELTA = 16;
export const F_GRID_W = 17;
export const F_GRID_MU = 18;
export const F_GRID_SUM = 19;

// Int32 slots.
export const I_COUNT = 0;
export const I_MINI = 1;
export const I_MAXI = 2;
export const I_BUCKET = 3;
export const I_SLOT = 4;
export const I_PERM = 5;
export const I_T_KERNELS = 6;
export const I_T_START = 7;
export const I_MINK = 8;
export const I_MAXK = 9;
export const I_GRID_CLASS = 10;
export const I_GRID_KEEP = 11;
export const I_GRID_MU2 = 12;

/** Scratch for a log-sum-exp's terms. */
export function scratchOf(n: number): Float64Array {
  return tmpF64(F_ACC, n);
}
