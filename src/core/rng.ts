/**
 * Seeded pseudo-random numbers for every stochastic path.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, used by PractRand):
 * 128 bits of state, passes BigCrush, and is fast in JavaScript because it needs only 32-bit integer
 * operations. Streams are derived from a seed plus any number of keys with {@link deriveSeed}, so a
 * sampler can draw trial 17's numbers without replaying trials 0–16: this is what makes sampling
 * reproducible when trials run in parallel and finish in any order.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any 32-bit integer (other numbers are hashed down to one). */
  constructor(seed: number) {
    const s = hashNumbers([seed]);
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = s >>> 0;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [0, n) without modulo bias. */
  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`Random.int needs n >= 1, got ${n}`);
    if (n <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % n);
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return x % n;
      }
    }
    return Math.floor(this.next() * n);
  }

  /** Standard normal draw (Box–Muller, no cached pair so the stream stays simple to reason about). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Index drawn with probability proportional to `weights` (non-negative, not all zero). */
  choice(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i] as number;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** The generator's state, so a run can be checkpointed and resumed exactly. */
  getState(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  /** Restores a state produced by {@link Random.getState}. */
  static fromState(state: readonly [number, number, number, number]): Random {
    const r = new Random(0);
    [r.a, r.b, r.c, r.d] = state;
    return r;
  }
}

/** FNV-1a over strings, mixed with a murmur3 finaliser: a stable 32-bit hash of the parts. */
function hashNumbers(parts: readonly (number | string)[]): number {
  let h = 0x811c9dc5;
  const mix = (x: number): void => {
    h ^= x & 0xff;
    h = Math.imul(h, 0x01000193);
  };
  for (const part of parts) {
    if (typeof part === "number") {
      // Fold the number's float64 bits so 1 and 1.5 and 2**40 differ.
      const lo = part | 0;
      const hi = Math.floor(part / 4294967296) | 0;
      for (const w of [lo, hi, Math.round((part % 1) * 1e9) | 0]) {
        mix(w);
        mix(w >>> 8);
        mix(w >>> 16);
        mix(w >>> 24);
      }
    } else {
      for (let i = 0; i < part.length; i++) {
        const c = part.charCodeAt(i);
        mix(c);
        mix(c >>> 8);
      }
    }
    mix(0x5f); // separator so ["ab","c"] differs from ["a","bc"]
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit seed derived from a base seed and keys (trial number, parameter name, …). */
export function deriveSeed(seed: number, ...keys: readonly (number | string)[]): number {
  return hashNumbers([seed, ...keys]);
}

/** A fresh seed for callers that passed none (not reproducible, by request). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 4294967296) >>> 0;
}
