/**
 * The coordinates CMA-ES works in: every numeric parameter mapped to [0, 1], log-scaled ones in
 * log space, discrete ones (ints, stepped floats) as equal-width cells with known thresholds.
 */
import { cardinality, snapInternal, type Distribution } from "../../core/distributions.js";
import type { ParamValue } from "../../core/distributions.js";

/** One dimension of the CMA-ES search space. */
export interface CmaDim {
  readonly name: string;
  readonly distribution: Distribution;
  /** Lower and upper end of the dimension before normalisation (log values for `log: true`). */
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
  /**
   * For discrete dimensions: the cell boundaries between consecutive values, in [0, 1] ascending
   * (K values give K − 1 thresholds). Undefined for a continuous float.
   */
  readonly thresholds: Float64Array | undefined;
}

/** A relative search space in CMA-ES coordinates, dimensions in name order. */
export interface CmaSpace {
  readonly dims: readonly CmaDim[];
  /** A string identifying the space (names and distributions), stored with the CMA-ES state. */
  readonly key: string;
  /** Indices of the discrete dimensions. */
  readonly discrete: readonly number[];
}

/**
 * Builds the CMA-ES coordinates of a space of numeric, non-single distributions. Continuous floats
 * map [low, high] (or [log low, log high]) linearly onto [0, 1]. A discrete dimension with K values
 * maps the cells [v − step/2, v + step/2] (for a log int, [log(v − ½), log(v + ½)], as Optuna does)
 * onto consecutive sub-intervals of [0, 1], so every value owns an interval of positive width and a
 * Gaussian can move between values smoothly; the cell boundaries are the thresholds CMA-ES with
 * margin watches.
 */
export function cmaSpace(space: Readonly<Record<string, Distribution>>): CmaSpace {
  const names = Object.keys(space).sort();
  const dims: CmaDim[] = [];
  const discrete: number[] = [];
  for (const name of names) {
    const d = space[name] as Distribution;
    if (d.kind === "categorical") throw new Error(`cmaSpace: "${name}" is categorical`);
    const log = d.log === true;
    const isDiscrete = d.kind === "int" || d.step !== undefined;
    if (!isDiscrete) {
      dims.push({ name, distribution: d, lo: log ? Math.log(d.low) : d.low, hi: log ? Math.log(d.high) : d.high, log, thresholds: undefined });
      continue;
    }
    const k = cardinality(d);
    const thresholds = new Float64Array(Math.max(0, k - 1));
    let lo: number;
    let hi: number;
    if (log) {
      lo = Math.log(d.low - 0.5);
      hi = Math.log(d.high + 0.5);
      for (let i = 0; i < k - 1; i++) thresholds[i] = (Math.log(d.low + i + 0.5) - lo) / (hi - lo);
    } else {
      const step = d.step ?? 1;
      lo = d.low - step / 2;
      hi = d.low + (k - 0.5) * step;
      for (let i = 0; i < k - 1; i++) thresholds[i] = (i + 1) / k;
    }
    discrete.push(dims.length);
    dims.push({ name, distribution: d, lo, hi, log, thresholds });
  }
  return { dims, key: JSON.stringify(names.map((n) => [n, space[n]])), discrete };
}

/** The internal value of dimension `dim` at normalised coordinate `u` (clipped to the space). */
export function decodeDim(dim: CmaDim, u: number): number {
  const d = dim.distribution;
  const uc = Math.min(1, Math.max(0, u));
  if (d.kind === "categorical") return 0;
  if (dim.thresholds !== undefined) {
    // The cell u falls in: the number of thresholds at or below it.
    const t = dim.thresholds;
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((t[mid] as number) <= uc) lo = mid + 1;
      else hi = mid;
    }
    return snapInternal(d, d.low + lo * (d.step ?? 1));
  }
  const raw = dim.lo + uc * (dim.hi - dim.lo);
  return snapInternal(d, dim.log ? Math.exp(raw) : raw);
}

/**
 * The normalised coordinate of an internal value (the centre of its cell for a discrete
 * dimension), or undefined when the value is not a number.
 */
export function encodeDim(dim: CmaDim, x: ParamValue): number | undefined {
  if (typeof x !== "number" || !Number.isFinite(x)) return undefined;
  const d = dim.distribution;
  if (d.kind === "categorical") return undefined;
  if (dim.log && x <= 0) return undefined;
  const t = dim.log ? Math.log(x) : x;
  const width = dim.hi - dim.lo;
  if (!(width > 0)) return 0.5;
  return Math.min(1, Math.max(0, (t - dim.lo) / width));
}
