/**
 * The GP's view of a search space: every parameter mapped to one coordinate, continuous ones
 * normalised to [0, 1] (in log space for `log: true`), categoricals as their choice index.
 */
import { snapInternal, type Distribution } from "../../core/distributions.js";

/** How one parameter maps to its GP coordinate. */
export interface EncodedParam {
  readonly name: string;
  readonly distribution: Distribution;
  /** Whether it is a categorical (Hamming kernel term, searched by enumeration). */
  readonly categorical: boolean;
  /** Number of choices of a categorical; 0 otherwise. */
  readonly choices: number;
  /** Whether the coordinate is discrete (int or stepped float): candidates are snapped to its grid. */
  readonly discrete: boolean;
  /** Bounds of the coordinate before normalisation (in log space for log scales). */
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
}

/**
 * The encoding of a search space (its parameters in name order).
 *
 * Continuous floats map linearly to [0, 1], log floats log-linearly. Integers and stepped floats
 * map each grid point to the centre of an equal-width cell, i.e. [low − step/2, high + step/2] is
 * what spans [0, 1] (log ints: [log(low − ½), log(high + ½)]), as Optuna's GPSampler normalises
 * them: the GP then sees discrete parameters as continuous ones ("relaxed") and a decoded
 * coordinate is rounded to the nearest point, with every point owning an equal share of [0, 1].
 * A categorical's coordinate is its index, compared only for equality by the kernel.
 */
export class GPSearchSpace {
  readonly params: readonly EncodedParam[];
  readonly dim: number;
  readonly isCategorical: Uint8Array;

  constructor(space: Readonly<Record<string, Distribution>>) {
    const names = Object.keys(space).sort();
    this.params = names.map((name) => encodeParam(name, space[name] as Distribution));
    this.dim = this.params.length;
    this.isCategorical = Uint8Array.from(this.params, (p) => (p.categorical ? 1 : 0));
  }

  /** Writes the coordinates of internal values into `out` at `offset`. */
  encode(values: Readonly<Record<string, number>>, out: Float64Array, offset = 0): void {
    this.params.forEach((p, d) => {
      out[offset + d] = encodeValue(p, values[p.name] as number);
    });
  }

  /** Internal values of coordinates (snapped into each distribution). */
  decode(z: Float64Array, offset = 0): Record<string, number> {
    const out: Record<string, number> = {};
    this.params.forEach((p, d) => {
      out[p.name] = decodeValue(p, z[offset + d] as number);
    });
    return out;
  }

  /**
   * Moves coordinates to the nearest representable point in place: clipped to [0, 1], discrete
   * ones to their grid point's coordinate, categoricals to a valid index.
   */
  snap(z: Float64Array, offset = 0): void {
    this.params.forEach((p, d) => {
      const i = offset + d;
      const v = z[i] as number;
      if (p.categorical) z[i] = Math.min(p.choices - 1, Math.max(0, Math.round(v)));
      else if (p.discrete) z[i] = encodeValue(p, decodeValue(p, v));
      else z[i] = Math.min(1, Math.max(0, v));
    });
  }
}

function encodeParam(name: string, d: Distribution): EncodedParam {
  if (d.kind === "categorical") {
    return { name, distribution: d, categorical: true, choices: d.choices.length, discrete: true, lo: 0, hi: d.choices.length - 1, log: false };
  }
  const log = d.log === true;
  const discrete = d.kind === "int" || d.step !== undefined;
  const half = discrete ? 0.5 * (d.step ?? 1) : 0;
  let lo = d.low - half;
  let hi = d.high + half;
  if (log) {
    lo = Math.log(discrete ? d.low - 0.5 : d.low);
    hi = Math.log(discrete ? d.high + 0.5 : d.high);
  }
  return { name, distribution: d, categorical: false, choices: 0, discrete, lo, hi, log };
}

function encodeValue(p: EncodedParam, x: number): number {
  if (p.categorical) return x;
  if (p.hi === p.lo) return 0.5;
  const t = p.log ? Math.log(x) : x;
  return (t - p.lo) / (p.hi - p.lo);
}

function decodeValue(p: EncodedParam, u: number): number {
  if (p.categorical) return snapInternal(p.distribution, u);
  const c = Math.min(1, Math.max(0, u));
  const t = p.lo + c * (p.hi - p.lo);
  return snapInternal(p.distribution, p.log ? Math.exp(t) : t);
}
