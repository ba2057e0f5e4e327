/**
 * Summaries of seeded benchmark results: the median with its distribution-free 95% confidence
 * interval, and the one-sided Mann–Whitney tests of `bench/lib/stats.ts`.
 */
import { mannWhitneyLess, median } from "../lib/stats.js";

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomHalfCdf(k: number, n: number): number {
  let c = 1; // C(n, 0)
  let s = 0;
  for (let i = 0; i <= k; i++) {
    s += c;
    c = (c * (n - i)) / (i + 1);
  }
  return s / 2 ** n;
}

/**
 * The distribution-free confidence interval of the median from order statistics: the widest
 * `[x_(j), x_(n+1−j)]` (1-based, sorted) whose coverage 1 − 2·P(Bin(n, ½) ≤ j − 1) is at least
 * `level`; for n = 20 and 95% that is [x_(6), x_(15)] (coverage 95.9%). With too few samples for
 * the level (n < 6 at 95%) the interval is the full range [min, max].
 *
 * @see W. J. Conover, "Practical Nonparametric Statistics", 3rd ed., 1999, §3.2 (confidence interval for a quantile).
 */
export function medianCI(xs: readonly number[], level = 0.95): [number, number] {
  const n = xs.length;
  if (n === 0) return [NaN, NaN];
  const s = [...xs].sort((a, b) => a - b);
  let j = 1;
  while (j + 1 <= n / 2 && 1 - 2 * binomHalfCdf(j, n) >= level) j++;
  return [s[j - 1] as number, s[n - j] as number];
}

/** A set of seeded results: values, median and its 95% interval. */
export interface Cell {
  readonly values: readonly number[];
  readonly median: number;
  readonly lo: number;
  readonly hi: number;
}

/** The {@link Cell} of some values; undefined when there are none. */
export function cellOf(values: readonly number[]): Cell | undefined {
  if (values.length === 0) return undefined;
  const [lo, hi] = medianCI(values);
  return { values, median: median(values), lo, hi };
}

/** One-sided Mann–Whitney p-values of "a is lower" and "b is lower" (undefined without both). */
export function pLower(a: Cell | undefined, b: Cell | undefined): { aLower: number | undefined; bLower: number | undefined } {
  if (!a || !b) return { aLower: undefined, bLower: undefined };
  return { aLower: mannWhitneyLess(a.values, b.values), bLower: mannWhitneyLess(b.values, a.values) };
}
