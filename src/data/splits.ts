/**
 * Train/test splits for resampling: k-fold (plain, stratified, repeated), holdout, group k-fold and
 * time-series splits. Every random split is seeded and reproducible, and returns row indices only,
 * so the same folds can be replayed on several learners for a paired comparison.
 *
 * Index arrays are sorted ascending so that `selectRows` keeps the original row order.
 */
import { OuroborosError } from "../core/errors.js";
import { deriveSeed, Random } from "../core/rng.js";

/** One resampling split: row indices to fit on and row indices to score on (disjoint). */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

function checkK(k: number, n: number, what: string): void {
  if (!Number.isInteger(k) || k < 2) throw new OuroborosError("invalid-argument", `${what}: \`k\` must be an integer ≥ 2, but got k=${k}`);
  if (k > n) throw new OuroborosError("invalid-argument", `${what}: \`k\`=${k} folds need at least ${k} rows, but got n=${n}`);
}

/** Builds folds from a per-row fold assignment (−1 = in no test fold). */
function foldsFromAssignment(assign: Int32Array, k: number): Fold[] {
  const n = assign.length;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) if (assign[i]! >= 0) sizes[assign[i]!]!++;
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Int32Array(sizes[f]!);
    const train = new Int32Array(n - sizes[f]!);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (assign[i] === f) test[a++] = i;
      else train[b++] = i;
    }
    folds.push({ train, test });
  }
  return folds;
}

function permutation(n: number, seed: number): number[] {
  return new Random(seed).shuffle(Array.from({ length: n }, (_, i) => i));
}

/**
 * K-fold cross-validation splits of `n` rows.
 *
 * Rows (shuffled first when `shuffle`, the default) are cut into `k` consecutive blocks whose sizes
 * differ by at most one (the first `n mod k` blocks get the extra row), as scikit-learn's `KFold`.
 * Every row is in exactly one test fold.
 * @param shuffle shuffle rows before cutting (default true); false keeps blocks of consecutive rows.
 */
export function kFold(n: number, k: number, seed: number, shuffle = true): Fold[] {
  checkK(k, n, "kFold");
  const order = shuffle ? permutation(n, seed) : Array.from({ length: n }, (_, i) => i);
  const assign = new Int32Array(n);
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let j = start; j < start + size; j++) assign[order[j]!] = f;
    start += size;
  }
  return foldsFromAssignment(assign, k);
}

/** Row indices of each distinct label, in first-seen label order. */
function groupRows(labels: ArrayLike<number | string>): Map<number | string, number[]> {
  const byLabel = new Map<number | string, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    let rows = byLabel.get(l);
    if (rows === undefined) byLabel.set(l, (rows = []));
    rows.push(i);
  }
  return byLabel;
}

/**
 * Stratified k-fold: every fold keeps the class proportions of `labels`.
 *
 * Each class's rows are shuffled, the classes are laid end to end (smallest class first), and the
 * rows are dealt to the folds round-robin. So each class's count differs by at most one between
 * folds, and so do the fold sizes. Throws when a class has fewer than `k` rows (some test fold would
 * lack it), naming the class and its count.
 * @param labels one label per row (class codes or names; use names for readable errors).
 */
export function stratifiedKFold(labels: ArrayLike<number | string>, k: number, seed: number): Fold[] {
  const n = labels.length;
  checkK(k, n, "stratifiedKFold");
  const classes = [...groupRows(labels)].sort((a, b) => a[1].length - b[1].length);
  const [smallLabel, smallRows] = classes[0]!;
  if (smallRows.length < k) {
    throw new OuroborosError(
      "invalid-argument",
      `stratifiedKFold: class "${String(smallLabel)}" has only ${smallRows.length} row${smallRows.length === 1 ? "" : "s"}, fewer than k=${k} folds; use k ≤ ${smallRows.length} or merge rare classes`,
    );
  }
  const rng = new Random(seed);
  const assign = new Int32Array(n);
  let position = 0;
  for (const [, rows] of classes) {
    rng.shuffle(rows);
    for (const r of rows) assign[r] = position++ % k;
  }
  return foldsFromAssignment(assign, k);
}

/**
 * `repeats` rounds of {@link kFold}, each reshuffled with a seed derived from `seed` and the round.
 * Returns `k × repeats` folds; fold `j` belongs to round `⌊j / k⌋`.
 */
export function repeatedKFold(n: number, k: number, repeats: number, seed: number): Fold[] {
  checkRepeats(repeats);
  const out: Fold[] = [];
  for (let r = 0; r < repeats; r++) out.push(...kFold(n, k, deriveSeed(seed, "repeat", r)));
  return out;
}

/** `repeats` rounds of {@link stratifiedKFold}; fold `j` belongs to round `⌊j / k⌋`. */
export function repeatedStratifiedKFold(labels: ArrayLike<number | string>, k: number, repeats: number, seed: number): Fold[] {
  checkRepeats(repeats);
  const out: Fold[] = [];
  for (let r = 0; r < repeats; r++) out.push(...stratifiedKFold(labels, k, deriveSeed(seed, "repeat", r)));
  return out;
}

function checkRepeats(repeats: number): void {
  if (!Number.isInteger(repeats) || repeats < 1) throw new OuroborosError("invalid-argument", `\`repeats\` must be an integer ≥ 1, but got repeats=${repeats}`);
}

/**
 * A single random train/test split with a `fraction` of the rows in the test set.
 *
 * Without `stratifyBy` the test set is the first `round(fraction · n)` rows of a seeded permutation
 * (at least one row, and at least one row left to train on). With `stratifyBy`, each class
 * contributes `round(fraction · class size)` rows (at least one when the class has two or more), so
 * class proportions match in both parts.
 * @param fraction test share, strictly between 0 and 1.
 */
export function holdout(n: number, fraction: number, seed: number, stratifyBy?: ArrayLike<number | string>): Fold {
  if (!(fraction > 0 && fraction < 1)) throw new OuroborosError("invalid-argument", `holdout: \`fraction\` must be in (0, 1), but got fraction=${fraction}`);
  if (n < 2) throw new OuroborosError("invalid-argument", `holdout needs at least 2 rows, but got n=${n}`);
  const assign = new Int32Array(n).fill(-1);
  const rng = new Random(seed);
  if (stratifyBy === undefined) {
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    const nTest = Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
    for (let j = 0; j < nTest; j++) assign[order[j]!] = 0;
  } else {
    if (stratifyBy.length !== n) throw new OuroborosError("invalid-argument", `holdout: \`stratifyBy\` has ${stratifyBy.length} labels but n=${n}`);
    for (const [, rows] of groupRows(stratifyBy)) {
      rng.shuffle(rows);
      const nTest = rows.length < 2 ? 0 : Math.min(rows.length - 1, Math.max(1, Math.round(fraction * rows.length)));
      for (let j = 0; j < nTest; j++) assign[rows[j]!] = 0;
    }
  }
  return foldsFromAssignment(assign, 1)[0]!;
}

/**
 * Group k-fold: rows sharing a group (a patient, a customer, a day) never appear in both the train
 * and the test part, so the score measures generalisation to new groups.
 *
 * Deterministic, as scikit-learn's `GroupKFold`: groups are taken from largest to smallest and
 * each goes to the fold with the fewest rows so far (ties to the lowest fold), which balances fold
 * sizes. Throws when there are fewer distinct groups than `k`.
 */
export function groupKFold(groups: ArrayLike<number | string>, k: number): Fold[] {
  const n = groups.length;
  checkK(k, n, "groupKFold");
  const byGroup = [...groupRows(groups)];
  if (byGroup.length < k) throw new OuroborosError("invalid-argument", `groupKFold: k=${k} folds need at least ${k} distinct groups, but got ${byGroup.length}`);
  // Stable sort: equal-sized groups keep first-seen order, so the result does not depend on engine sort details.
  byGroup.sort((a, b) => b[1].length - a[1].length);
  const load = new Float64Array(k);
  const assign = new Int32Array(n);
  for (const [, rows] of byGroup) {
    let best = 0;
    for (let f = 1; f < k; f++) if (load[f]! < load[best]!) best = f;
    load[best]! += rows.length;
    for (const r of rows) assign[r] = best;
  }
  return foldsFromAssignment(assign, k);
}

/** Options of {@link timeSeriesSplit}. */
export interface TimeSeriesSplitOptions {
  /** Rows dropped between the end of the training part and the test part. Default 0. */
  readonly gap?: number;
  /** Keep only the latest this many training rows (a sliding window). Default: all. */
  readonly maxTrainSize?: number;
}

/**
 * Expanding-window splits for ordered data (scikit-learn's `TimeSeriesSplit`): `k` test blocks of
 * ⌊n / (k + 1)⌋ consecutive rows at the end of the series, each trained on every row before it
 * (minus `gap`), so training rows always precede test rows.
 */
export function timeSeriesSplit(n: number, k: number, options: TimeSeriesSplitOptions = {}): Fold[] {
  if (!Number.isInteger(k) || k < 1) throw new OuroborosError("invalid-argument", `timeSeriesSplit: \`k\` must be an integer ≥ 1, but got k=${k}`);
  const gap = options.gap ?? 0;
  if (!Number.isInteger(gap) || gap < 0) throw new OuroborosError("invalid-argument", `timeSeriesSplit: \`gap\` must be an integer ≥ 0, but got gap=${gap}`);
  const testSize = Math.floor(n / (k + 1));
  const firstTest = n - k * testSize;
  if (testSize < 1 || firstTest - gap < 1) {
    throw new OuroborosError("invalid-argument", `timeSeriesSplit: k=${k} splits with gap=${gap} need at least ${k + 1 + gap} rows, but got n=${n}`);
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const testStart = firstTest + f * testSize;
    const trainEnd = testStart - gap;
    const trainStart = options.maxTrainSize === undefined ? 0 : Math.max(0, trainEnd - options.maxTrainSize);
    folds.push({ train: range(trainStart, trainEnd), test: range(testStart, testStart + testSize) });
  }
  return folds;
}

function range(from: number, to: number): Int32Array {
  const out = new Int32Array(Math.max(0, to - from));
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}
