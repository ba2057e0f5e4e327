/**
 * The unit cube the numeric crossovers work in: every float or int parameter mapped to [0, 1],
 * log-scaled ones in log space, so one step of an operator means the same on every dimension.
 */
import { snapInternal, type Distribution, type FloatDistribution, type IntDistribution } from "../../core/distributions.js";

/** A numeric (float or int) distribution. */
export type NumericDistribution = FloatDistribution | IntDistribution;

/**
 * The interval of the transformed line [lo, hi] that maps to the distribution: linear or log, and
 * widened by half a step on each side for grids (ints, stepped floats) so every grid point owns a
 * cell of equal width, as `uniformToInternal` samples them.
 */
function bounds(d: NumericDistribution): { lo: number; hi: number; log: boolean } {
  const log = d.log === true;
  const half = d.kind === "int" || d.step !== undefined ? 0.5 * (d.step ?? 1) : 0;
  if (log) return { lo: Math.log(d.low - half), hi: Math.log(d.high + half), log };
  return { lo: d.low - half, hi: d.high + half, log };
}

/**
 * Maps an internal value to [0, 1]: (x − low) / (high − low) on the linear or log scale (a
 * single-value distribution maps to 0.5).
 */
export function toUnit(d: NumericDistribution, x: number): number {
  const { lo, hi, log } = bounds(d);
  if (!(hi > lo)) return 0.5;
  const t = log ? Math.log(x) : x;
  return Math.min(1, Math.max(0, (t - lo) / (hi - lo)));
}

/**
 * Maps a point of the unit line back to an internal value of the distribution: clipped to [0, 1],
 * un-scaled, then snapped to the step grid or to an integer (so any real input gives a valid value).
 */
export function fromUnit(d: NumericDistribution, u: number): number {
  const { lo, hi, log } = bounds(d);
  const c = Number.isFinite(u) ? Math.min(1, Math.max(0, u)) : 0.5;
  const t = lo + c * (hi - lo);
  return snapInternal(d, log ? Math.exp(t) : t);
}

/** Whether a distribution is numeric (crossed in the unit cube) rather than categorical. */
export function isNumeric(d: Distribution): d is NumericDistribution {
  return d.kind !== "categorical";
}
