/**
 * Quasi-Monte Carlo sampling: low-discrepancy sequences (Sobol, Halton) that cover the search space
 * more evenly than independent random points.
 *
 * Structure: the sequences (`SobolSequence`, `HaltonSequence`, pure functions of an index) and the
 * sampler that maps trial numbers to their points (`QMCSampler`).
 */
import { isSingle, type Distribution } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import { Random, deriveSeed } from "../core/rng.js";
import type { Sampler } from "../core/sampler.js";
import type { StudyView } from "../core/study-view.js";
import { RandomSampler, resolveSeed, uniformToInternal } from "./random.js";
import { JOE_KUO_D6_1024 } from "./sobol-direction-numbers.js";

const TWO_32 = 4294967296;

/** Options of {@link SobolSequence} and {@link HaltonSequence}. */
export interface QMCSequenceOptions {
  /** Randomise the sequence (keeping its equidistribution). Default true. */
  readonly scramble?: boolean;
  /** Seed of the scrambling. Default 0. */
  readonly seed?: number;
}

/** A low-discrepancy sequence in [0, 1)^d, addressed by index. */
export interface QMCSequence {
  /** Largest dimension supported. */
  readonly maxDimension: number;
  /** The point of the sequence with this index, in its first `dimension` coordinates. */
  point(index: number, dimension: number): number[];
}

interface JoeKuoRow {
  readonly s: number;
  readonly a: number;
  readonly m: readonly number[];
}

let joeKuoRows: JoeKuoRow[] | undefined;

function joeKuo(): JoeKuoRow[] {
  if (joeKuoRows) return joeKuoRows;
  const rows: JoeKuoRow[] = [];
  for (const line of JOE_KUO_D6_1024.split("\n")) {
    if (line.trim() === "") continue;
    const [d, s, a, ...m] = line.trim().split(/\s+/).map(Number);
    if (d !== rows.length + 2 || s === undefined || a === undefined || m.length !== s) {
      throw new OuroborosError("unsupported", `corrupt Sobol direction-number table at line "${line}"`);
    }
    rows.push({ s, a, m });
  }
  joeKuoRows = rows;
  return rows;
}

/**
 * The 32 direction numbers v_1..v_32 of a Sobol dimension (0-based), scaled by 2^32, computed from
 * the Joe–Kuo initial values by the recurrence of Bratley & Fox (1988) as in Joe & Kuo's own
 * reference code: v_i = v_(i−s) ⊕ (v_(i−s) >> s) ⊕ ⊕_k a_k v_(i−k).
 */
function sobolDirections(dim: number): Uint32Array {
  const v = new Uint32Array(32);
  if (dim === 0) {
    for (let i = 0; i < 32; i++) v[i] = 2 ** (31 - i);
    return v;
  }
  const row = joeKuo()[dim - 1] as JoeKuoRow;
  const { s, a, m } = row;
  for (let i = 0; i < Math.min(s, 32); i++) v[i] = (m[i] as number) * 2 ** (31 - i);
  for (let i = s; i < 32; i++) {
    let x = ((v[i - s] as number) ^ ((v[i - s] as number) >>> s)) >>> 0;
    for (let k = 1; k < s; k++) {
      if ((a >>> (s - 1 - k)) & 1) x = (x ^ (v[i - k] as number)) >>> 0;
    }
    v[i] = x;
  }
  return v;
}

function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/**
 * The Sobol sequence (Sobol 1967) with the Joe & Kuo (2008) direction numbers, in Gray-code order
 * (Antonov & Saleev 1979), so its unscrambled points equal SciPy's `qmc.Sobol(scramble=False)`.
 * Coordinates have 32 bits; indices are taken modulo 2^32. Up to 1024 dimensions.
 *
 * Scrambling is Matoušek's linear matrix scrambling plus a digital shift (the method SciPy uses):
 * each dimension's generator matrix is multiplied by a random lower-triangular binary matrix with a
 * unit diagonal, and the result XORed with a random 32-bit shift. Both are drawn from
 * `deriveSeed(seed, "sobol", dimension)`, so a dimension scrambles the same whatever the others.
 * This keeps the (t, m, s)-net property of every block of 2^m points and makes each point uniform on
 * [0, 1)^d: an Owen-type randomisation, though not Owen's full nested scrambling (Owen 1998).
 *
 * @see I. M. Sobol', "On the distribution of points in a cube and the approximate evaluation of
 *   integrals", USSR Comput. Math. Math. Phys. 7(4):86–112, 1967.
 * @see S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better two-dimensional projections",
 *   SIAM J. Sci. Comput. 30(5):2635–2654, 2008.
 * @see J. Matoušek, "On the L2-discrepancy for anchored boxes", J. Complexity 14(4):527–556, 1998.
 * @see A. B. Owen, "Scrambling Sobol' and Niederreiter–Xing points", J. Complexity 14(4):466–489, 1998.
 */
export class SobolSequence implements QMCSequence {
  readonly maxDimension = 1024;
  readonly scramble: boolean;
  readonly seed: number;
  private readonly dims: { v: Uint32Array; shift: number }[] = [];

  constructor(options: QMCSequenceOptions = {}) {
    this.scramble = options.scramble ?? true;
    this.seed = options.seed ?? 0;
  }

  private dimension(j: number): { v: Uint32Array; shift: number } {
    let d = this.dims[j];
    if (d) return d;
    const v = sobolDirections(j);
    let shift = 0;
    if (this.scramble) {
      const rng = new Random(deriveSeed(this.seed, "sobol", j));
      // Row r of L (digit r, 0 = most significant, i.e. bit 31 − r): the diagonal plus random bits
      // on the r more significant digits.
      const rows = new Uint32Array(32);
      for (let r = 0; r < 32; r++) {
        const above = r === 0 ? 0 : (0xffffffff << (32 - r)) >>> 0;
        rows[r] = ((rng.nextUint32() & above) | (2 ** (31 - r))) >>> 0;
      }
      for (let i = 0; i < 32; i++) {
        const col = v[i] as number;
        let out = 0;
        for (let r = 0; r < 32; r++) if (parity(((rows[r] as number) & col) >>> 0)) out += 2 ** (31 - r);
        v[i] = out;
      }
      shift = rng.nextUint32();
    }
    d = { v, shift };
    this.dims[j] = d;
    return d;
  }

  point(index: number, dimension: number): number[] {
    checkIndex(index);
    if (!(Number.isInteger(dimension) && dimension >= 0 && dimension <= this.maxDimension)) {
      throw new OuroborosError("invalid-argument", `SobolSequence supports dimensions 0..${this.maxDimension}, but got ${dimension}`);
    }
    const i = index % TWO_32;
    const gray = (i ^ Math.floor(i / 2)) >>> 0;
    const out = new Array<number>(dimension);
    for (let j = 0; j < dimension; j++) {
      const { v, shift } = this.dimension(j);
      let x = shift;
      for (let k = 0, g = gray; g !== 0; k++, g >>>= 1) if (g & 1) x ^= v[k] as number;
      out[j] = (x >>> 0) / TWO_32;
    }
    return out;
  }
}

const primes: number[] = [2];

function prime(j: number): number {
  for (let c = (primes[primes.length - 1] as number) + 1; primes.length <= j; c++) {
    if (primes.every((p) => p * p > c || c % p !== 0)) primes.push(c);
  }
  return primes[j] as number;
}

/**
 * The Halton sequence (Halton 1960): coordinate j is the radical inverse of the index in the j-th
 * prime base. Unscrambled points equal SciPy's `qmc.Halton(scramble=False)`.
 *
 * Scrambling applies an independent random permutation of the digits 0..b−1 at each digit position
 * of each dimension (random digit permutation, the scrambling SciPy uses), over all the digits a
 * double holds, so leading and trailing digits are both randomised. Permutations are drawn from
 * `deriveSeed(seed, "halton", dimension, position)`. Halton points degrade in high dimensions
 * (large bases correlate); prefer Sobol there.
 *
 * @see J. H. Halton, "On the efficiency of certain quasi-random sequences of points in evaluating
 *   multi-dimensional integrals", Numer. Math. 2:84–90, 1960.
 * @see A. B. Owen, "A randomized Halton algorithm in R", arXiv:1706.02808, 2017.
 */
export class HaltonSequence implements QMCSequence {
  readonly maxDimension = Infinity;
  readonly scramble: boolean;
  readonly seed: number;
  private readonly perms: (readonly Uint32Array[])[] = [];

  constructor(options: QMCSequenceOptions = {}) {
    this.scramble = options.scramble ?? true;
    this.seed = options.seed ?? 0;
  }

  private permutations(j: number, base: number): readonly Uint32Array[] {
    const cached = this.perms[j];
    if (cached) return cached;
    const digits = Math.ceil(53 / Math.log2(base));
    const p: Uint32Array[] = [];
    for (let k = 0; k < digits; k++) {
      const perm = Array.from({ length: base }, (_, i) => i);
      if (this.scramble) new Random(deriveSeed(this.seed, "halton", j, k)).shuffle(perm);
      p.push(Uint32Array.from(perm));
    }
    this.perms[j] = p;
    return p;
  }

  point(index: number, dimension: number): number[] {
    checkIndex(index);
    const out = new Array<number>(dimension);
    for (let j = 0; j < dimension; j++) {
      const base = prime(j);
      const perms = this.permutations(j, base);
      const digits: number[] = [];
      for (let n = index, k = 0; k < perms.length; k++, n = Math.floor(n / base)) digits.push(n % base);
      // Horner from the least significant digit keeps the sum accurate.
      let x = 0;
      for (let k = perms.length - 1; k >= 0; k--) x = (x + ((perms[k] as Uint32Array)[digits[k] as number] as number)) / base;
      out[j] = Math.min(x, 1 - 2 ** -53);
    }
    return out;
  }
}

function checkIndex(index: number): void {
  if (!(Number.isSafeInteger(index) && index >= 0)) {
    throw new OuroborosError("invalid-argument", `a QMC point index must be a non-negative integer, but got ${index}`);
  }
}

/** Options of {@link QMCSampler}. */
export interface QMCSamplerOptions {
  /** The sequence: "sobol" (default) or "halton". */
  readonly qmcType?: "sobol" | "halton";
  /** Randomise the sequence with the seed. Default true (Optuna's default is false). */
  readonly scramble?: boolean;
  /**
   * Seed of the scrambling and of independent sampling. Default: a fresh random seed, reported in
   * `params`. Workers of one study must share the seed to share one sequence.
   */
  readonly seed?: number;
}

/**
 * Samples with a quasi-Monte Carlo sequence: trial n takes point n of a scrambled Sobol (default) or
 * Halton sequence over the relative search space, so a study covers the space evenly (any 2^m
 * consecutive Sobol points from an aligned block form a (t, m, s)-net), a good design for the first
 * trials of an expensive study or a whole low-budget one.
 *
 * Search space (as Optuna's `QMCSampler`): the first trial is sampled independently at random; from
 * then on the relative space is that of the lowest-numbered complete or pruned trial, without
 * single-value dimensions, in name order (dimension k of the sequence is the k-th name). It is read
 * from the study, not cached, so every worker derives the same one. Parameters outside it (for
 * example in a branch the first trial did not take) are sampled by a `RandomSampler` with the same
 * seed. Unlike Optuna, categorical parameters are part of the QMC point (choice ⌊u·n⌋), which keeps
 * their counts balanced over each net; beyond the sequence's 1024 Sobol dimensions the remaining
 * names fall back to independent sampling.
 *
 * Point index = trial number (Optuna keeps a counter in the study instead), so parallel workers and
 * resumed studies get distinct, reproducible points with no coordination; trials sampled
 * independently leave their index unused.
 *
 * Options: `qmcType` ("sobol"), `scramble` (true: Sobol with linear matrix scrambling plus a digital
 * shift, Halton with random digit permutations; see {@link SobolSequence} and {@link HaltonSequence}),
 * `seed` (a fresh random seed, exposed in `params.seed`).
 *
 * @see I. M. Sobol', USSR Comput. Math. Math. Phys. 7(4):86–112, 1967.
 * @see S. Joe and F. Y. Kuo, SIAM J. Sci. Comput. 30(5):2635–2654, 2008.
 * @see A. B. Owen, "Scrambling Sobol' and Niederreiter–Xing points", J. Complexity 14(4):466–489, 1998.
 * @see J. Bergstra and Y. Bengio, JMLR 13:281–305, 2012 (low-discrepancy sequences for hyper-parameter search).
 *
 * @example
 * const study = await createStudy({ sampler: new QMCSampler({ seed: 0 }) });
 */
export class QMCSampler implements Sampler {
  readonly kind = "qmc";
  readonly params: { readonly qmcType: "sobol" | "halton"; readonly scramble: boolean; readonly seed: number };
  private readonly sequence: QMCSequence;
  private readonly independent: RandomSampler;
  private readonly spaces = new WeakMap<FrozenTrial, Record<string, Distribution>>();

  constructor(options: QMCSamplerOptions = {}) {
    const qmcType = options.qmcType ?? "sobol";
    if (qmcType !== "sobol" && qmcType !== "halton") {
      throw new OuroborosError("invalid-argument", `QMCSampler: qmcType must be "sobol" or "halton", but got ${JSON.stringify(qmcType)}`);
    }
    const scramble = options.scramble ?? true;
    if (typeof scramble !== "boolean") {
      throw new OuroborosError("invalid-argument", `QMCSampler: scramble must be a boolean, but got ${JSON.stringify(scramble)}`);
    }
    const seed = resolveSeed("QMCSampler", options.seed);
    this.params = { qmcType, scramble, seed };
    const seqOptions = { scramble, seed };
    this.sequence = qmcType === "sobol" ? new SobolSequence(seqOptions) : new HaltonSequence(seqOptions);
    this.independent = new RandomSampler({ seed });
  }

  /** The space of the lowest-numbered complete or pruned trial (empty before one exists). */
  inferRelativeSearchSpace(study: StudyView, _trial: FrozenTrial): Record<string, Distribution> {
    const first = study.getTrials().find((t) => t.state === "complete" || t.state === "pruned");
    if (!first) return {};
    let space = this.spaces.get(first);
    if (!space) {
      space = {};
      for (const name of Object.keys(first.distributions).sort()) {
        const d = first.distributions[name] as Distribution;
        if (!isSingle(d)) space[name] = d;
      }
      this.spaces.set(first, space);
    }
    return { ...space };
  }

  /** The trial number's point of the sequence, one coordinate per name of `space` in order. */
  sampleRelative(_study: StudyView, trial: FrozenTrial, space: Record<string, Distribution>): Record<string, number> {
    const names = Object.keys(space).slice(0, this.sequence.maxDimension);
    if (names.length === 0) return {};
    const u = this.sequence.point(trial.number, names.length);
    const out: Record<string, number> = {};
    names.forEach((name, k) => {
      out[name] = uniformToInternal(space[name] as Distribution, u[k] as number);
    });
    return out;
  }

  /** Parameters outside the relative space: uniformly at random (a `RandomSampler` with the same seed). */
  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    return this.independent.sampleIndependent(study, trial, name, distribution);
  }
}
