/**
 * A small random-forest regressor with exact splits, grown for fANOVA.
 *
 * fANOVA needs each tree's partition of the configuration space: every leaf is a box whose volume
 * weights its value. The library's forest (`src/learners/forest/`) bins features into at most 255
 * histogram bins, which moves thresholds off the midpoints between observed values and so changes
 * the boxes; this forest splits exactly, the way scikit-learn's `RandomForestRegressor` does (the
 * forest Optuna's fANOVA fits): bootstrap rows, every feature considered at every node, squared
 * error, a numeric threshold halfway between two consecutive distinct values. Categorical features
 * split natively into two sets of categories: sorting the node's categories by mean target and
 * scanning the prefixes finds the best squared-error partition (Breiman et al. 1984, §9.4), and a
 * category absent from the node goes right.
 *
 * Growing uses pre-sorted row lists (as CART and scikit-learn's presort did): every numeric
 * feature's in-bag rows are kept in value order and stably partitioned at each split, so a node
 * costs O(rows · features) and no node sorts.
 */
import { Random } from "../core/rng.js";

/** What a feature is: a number on [0, 1], or one of `nCategories` codes 0..n-1. */
export type FeatureKind = { readonly kind: "numeric" } | { readonly kind: "categorical"; readonly nCategories: number };

/** One regression tree in flat arrays; node 0 is the root. */
export interface ExactTree {
  /** Split feature of each node, -1 at a leaf. */
  readonly feature: Int32Array;
  /** Numeric split: rows with value <= threshold go left. */
  readonly threshold: Float64Array;
  /** Categorical split: `leftSet[node][c]` is 1 when category c goes left; null elsewhere. */
  readonly leftSet: readonly (Uint8Array | null)[];
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Mean target of the node's (bootstrap-weighted) rows. */
  readonly value: Float64Array;
}

/** Options of {@link fitExactForest}. */
export interface ExactForestOptions {
  /** Number of trees. Default 64 (Optuna's `FanovaImportanceEvaluator`). */
  readonly nTrees?: number;
  /** Maximum depth. Default 64. */
  readonly maxDepth?: number;
  /** A node with fewer distinct rows is not split. Default 2. */
  readonly minSamplesSplit?: number;
  /** Each child keeps at least this many distinct rows. Default 1. */
  readonly minSamplesLeaf?: number;
  /** Draw each tree's rows with replacement. Default true. */
  readonly bootstrap?: boolean;
  /** Default 0. */
  readonly seed?: number;
}

interface Builder {
  feature: number[];
  threshold: number[];
  leftSet: (Uint8Array | null)[];
  left: number[];
  right: number[];
  value: number[];
}

interface Split {
  gain: number;
  feature: number;
  threshold: number;
  leftSet: Uint8Array | null;
}

/**
 * Fits a forest of exact-split regression trees (see module docs).
 *
 * @param columns one Float64Array per feature (numeric values on [0, 1], or category codes)
 * @param kinds what each feature is
 * @param y targets, one per row
 * @see Breiman 2001, "Random forests", Machine Learning 45
 */
export function fitExactForest(
  columns: readonly Float64Array[],
  kinds: readonly FeatureKind[],
  y: Float64Array,
  options: ExactForestOptions = {},
): ExactTree[] {
  const nTrees = options.nTrees ?? 64;
  const maxDepth = options.maxDepth ?? 64;
  const minSplit = Math.max(2, options.minSamplesSplit ?? 2);
  const minLeaf = Math.max(1, options.minSamplesLeaf ?? 1);
  const rng = new Random(options.seed ?? 0);
  const n = y.length;
  const d = columns.length;
  // Centre the targets: node sums of squares then lose no precision to a large offset.
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]! / n;
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) yc[i] = y[i]! - mean;

  const numeric: number[] = [];
  for (let f = 0; f < d; f++) if (kinds[f]!.kind === "numeric") numeric.push(f);
  const globalOrder = numeric.map((f) => {
    const col = columns[f]!;
    return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => col[a]! - col[b]! || a - b);
  });

  const trees: ExactTree[] = [];
  const weight = new Float64Array(n);
  const goesLeft = new Uint8Array(n);
  for (let t = 0; t < nTrees; t++) {
    weight.fill(0);
    if (options.bootstrap === false) weight.fill(1);
    else for (let i = 0; i < n; i++) weight[rng.int(n)]! += 1;
    let m = 0;
    for (let i = 0; i < n; i++) if (weight[i]! > 0) m++;
    const rows = new Int32Array(m);
    for (let i = 0, k = 0; i < n; i++) if (weight[i]! > 0) rows[k++] = i;
    const sorted = globalOrder.map((order) => {
      const out = new Int32Array(m);
      let k = 0;
      for (let j = 0; j < n; j++) if (weight[order[j]!]! > 0) out[k++] = order[j]!;
      return out;
    });
    const lists = [rows, ...sorted];
    const scratch = new Int32Array(m);
    const b: Builder = { feature: [], threshold: [], leftSet: [], left: [], right: [], value: [] };
    // Depth-first with an explicit stack of [node, start, end, depth].
    const stack: [number, number, number, number][] = [[newNode(b), 0, m, 0]];
    while (stack.length > 0) {
      const [node, start, end, depth] = stack.pop()!;
      let w = 0;
      let s = 0;
      let ss = 0;
      for (let k = start; k < end; k++) {
        const i = rows[k]!;
        w += weight[i]!;
        s += weight[i]! * yc[i]!;
        ss += weight[i]! * yc[i]! * yc[i]!;
      }
      b.value[node] = s / w + mean;
      const sse = ss - (s * s) / w;
      if (end - start < minSplit || depth >= maxDepth || sse <= 1e-12 * (ss + 1e-300)) continue;
      const split = bestSplit(columns, kinds, numeric, sorted, rows, start, end, weight, yc, w, s, minLeaf);
      if (split === null) continue;
      const col = columns[split.feature]!;
      let nLeft = 0;
      for (let k = start; k < end; k++) {
        const i = rows[k]!;
        const x = col[i]!;
        const l = split.leftSet ? split.leftSet[x]! === 1 : x <= split.threshold;
        goesLeft[i] = l ? 1 : 0;
        if (l) nLeft++;
      }
      for (const list of lists) stablePartition(list, start, end, goesLeft, scratch);
      const l = newNode(b);
      const r = newNode(b);
      b.feature[node] = split.feature;
      b.threshold[node] = split.threshold;
      b.leftSet[node] = split.leftSet;
      b.left[node] = l;
      b.right[node] = r;
      stack.push([r, start + nLeft, end, depth + 1], [l, start, start + nLeft, depth + 1]);
    }
    trees.push({
      feature: Int32Array.from(b.feature),
      threshold: Float64Array.from(b.threshold),
      leftSet: b.leftSet,
      left: Int32Array.from(b.left),
      right: Int32Array.from(b.right),
      value: Float64Array.from(b.value),
    });
  }
  return trees;
}

function newNode(b: Builder): number {
  b.feature.push(-1);
  b.threshold.push(0);
  b.leftSet.push(null);
  b.left.push(-1);
  b.right.push(-1);
  b.value.push(0);
  return b.feature.length - 1;
}

/** Left rows first, then right rows, each in their previous order. */
function stablePartition(list: Int32Array, start: number, end: number, goesLeft: Uint8Array, scratch: Int32Array): void {
  let l = start;
  let r = 0;
  for (let k = start; k < end; k++) {
    const i = list[k]!;
    if (goesLeft[i] === 1) list[l++] = i;
    else scratch[r++] = i;
  }
  list.set(scratch.subarray(0, r), l);
}

/**
 * The split maximising the squared-error reduction S_L²/W_L + S_R²/W_R − S²/W, or null when no
 * split separates two distinct values with `minLeaf` rows on each side. Ties keep the first found.
 */
function bestSplit(
  columns: readonly Float64Array[],
  kinds: readonly FeatureKind[],
  numeric: readonly number[],
  sorted: readonly Int32Array[],
  rows: Int32Array,
  start: number,
  end: number,
  weight: Float64Array,
  yc: Float64Array,
  w: number,
  s: number,
  minLeaf: number,
): Split | null {
  const parent = (s * s) / w;
  let best: Split | null = null;
  let bestGain = 1e-12 * (Math.abs(parent) + 1e-300);
  const count = end - start;
  for (let j = 0; j < numeric.length; j++) {
    const f = numeric[j]!;
    const col = columns[f]!;
    const list = sorted[j]!;
    let wl = 0;
    let sl = 0;
    for (let k = start; k < end - 1; k++) {
      const i = list[k]!;
      wl += weight[i]!;
      sl += weight[i]! * yc[i]!;
      const x = col[i]!;
      const next = col[list[k + 1]!]!;
      if (next <= x) continue;
      const nl = k - start + 1;
      if (nl < minLeaf || count - nl < minLeaf) continue;
      const wr = w - wl;
      const sr = s - sl;
      const gain = (sl * sl) / wl + (sr * sr) / wr - parent;
      if (gain > bestGain) {
        bestGain = gain;
        // Halfway between the two values, as scikit-learn; never equal to `next` by rounding.
        let thr = x + (next - x) / 2;
        if (thr >= next) thr = x;
        best = { gain, feature: f, threshold: thr, leftSet: null };
      }
    }
  }
  for (let f = 0; f < kinds.length; f++) {
    const kind = kinds[f]!;
    if (kind.kind !== "categorical") continue;
    const split = bestCategoricalSplit(columns[f]!, kind.nCategories, rows, start, end, weight, yc, w, s, parent, minLeaf);
    if (split !== null && split.gain > bestGain) {
      bestGain = split.gain;
      best = { ...split, feature: f };
    }
  }
  return best;
}

function bestCategoricalSplit(
  col: Float64Array,
  k: number,
  rows: Int32Array,
  start: number,
  end: number,
  weight: Float64Array,
  yc: Float64Array,
  w: number,
  s: number,
  parent: number,
  minLeaf: number,
): Omit<Split, "feature"> | null {
  const cw = new Float64Array(k);
  const cs = new Float64Array(k);
  const cn = new Int32Array(k);
  for (let r = start; r < end; r++) {
    const i = rows[r]!;
    const c = col[i]!;
    cw[c]! += weight[i]!;
    cs[c]! += weight[i]! * yc[i]!;
    cn[c]! += 1;
  }
  const present: number[] = [];
  for (let c = 0; c < k; c++) if (cn[c]! > 0) present.push(c);
  if (present.length < 2) return null;
  present.sort((a, b) => cs[a]! / cw[a]! - cs[b]! / cw[b]! || a - b);
  const count = end - start;
  let wl = 0;
  let sl = 0;
  let nl = 0;
  let bestGain = -Infinity;
  let bestCut = -1;
  for (let p = 0; p < present.length - 1; p++) {
    const c = present[p]!;
    wl += cw[c]!;
    sl += cs[c]!;
    nl += cn[c]!;
    if (nl < minLeaf || count - nl < minLeaf) continue;
    const wr = w - wl;
    const sr = s - sl;
    const gain = (sl * sl) / wl + (sr * sr) / wr - parent;
    if (gain > bestGain) {
      bestGain = gain;
      bestCut = p;
    }
  }
  if (bestCut < 0) return null;
  const leftSet = new Uint8Array(k);
  for (let p = 0; p <= bestCut; p++) leftSet[present[p]!] = 1;
  return { gain: bestGain, threshold: 0, leftSet };
}

/** The tree's prediction for one row (`x[f]` is feature f's value). */
export function predictExactTree(tree: ExactTree, x: ArrayLike<number>): number {
  let node = 0;
  for (;;) {
    const f = tree.feature[node]!;
    if (f < 0) return tree.value[node]!;
    const set = tree.leftSet[node];
    const v = x[f]!;
    node = (set ? set[v] === 1 : v <= tree.threshold[node]!) ? tree.left[node]! : tree.right[node]!;
  }
}
