/**
 * Functional ANOVA of a random forest: the share of the predicted objective's variance that each
 * single parameter explains on its own (Hutter, Hoos & Leyton-Brown 2014).
 *
 * A regression tree is a piecewise-constant function of the configuration: each leaf is a box of
 * the space (an interval per numeric parameter, a set of categories per categorical one) holding
 * one value. Under the uniform measure on the space (each numeric parameter on [0, 1], each
 * category with mass 1/K) the tree's mean is μ = Σ_l v_l·vol_l and its variance
 * V = Σ_l vol_l·(v_l − μ)². The marginal of parameter j, f_j(x_j) = E[f | x_j], averages the other
 * parameters out: a leaf contributes v_l·vol_l / len_lj wherever x_j lies in its j-interval, so
 * f_j is constant between consecutive split thresholds on j and is built with one difference array
 * over those cells. Its variance V_j = Σ_cells width·(f_j − μ)² divided by V is the tree's
 * importance of j; the forest's is the mean over trees with V > 0. This is the paper's algorithm
 * made exact and linear in the leaves (the paper and Optuna walk the tree once per cell).
 */
import { fitExactForest, type ExactForestOptions, type ExactTree, type FeatureKind } from "./exact-forest.js";

/** Per-feature importance of a forest: mean and standard deviation over trees of V_j / V. */
export interface FanovaResult {
  readonly mean: Float64Array;
  readonly sd: Float64Array;
  /** Trees with a non-constant prediction (the others carry no information and are skipped). */
  readonly nTrees: number;
}

interface Leaves {
  readonly value: Float64Array;
  readonly volume: Float64Array;
  /** Row-major leaves × features: interval bounds of numeric features (unused for categorical). */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  /** Per feature, per leaf: the categories in the leaf's box (categorical features only). */
  readonly sets: (Uint8Array | null)[][];
}

/**
 * The leaves of a tree as boxes of the unit space, with their values and volumes. A depth-first
 * walk narrows one shared box in place and restores it on the way back, so nothing is allocated
 * per node except the category sets of categorical splits.
 */
function leafBoxes(tree: ExactTree, kinds: readonly FeatureKind[]): Leaves {
  const d = kinds.length;
  let nLeaves = 0;
  for (let node = 0; node < tree.feature.length; node++) if (tree.feature[node]! < 0) nLeaves++;
  const value = new Float64Array(nLeaves);
  const volume = new Float64Array(nLeaves);
  const lo = new Float64Array(nLeaves * d);
  const hi = new Float64Array(nLeaves * d);
  const sets: (Uint8Array | null)[][] = kinds.map(() => new Array<Uint8Array | null>(nLeaves).fill(null));
  const l = new Float64Array(d);
  const h = new Float64Array(d).fill(1);
  const s = kinds.map((k) => (k.kind === "categorical" ? new Uint8Array(k.nCategories).fill(1) : null));
  let leaf = 0;
  const visit = (node: number): void => {
    const f = tree.feature[node]!;
    if (f < 0) {
      let vol = 1;
      for (let j = 0; j < d; j++) {
        const kind = kinds[j]!;
        if (kind.kind === "numeric") vol *= h[j]! - l[j]!;
        else vol *= countOnes(s[j]!) / kind.nCategories;
        lo[leaf * d + j] = l[j]!;
        hi[leaf * d + j] = h[j]!;
        sets[j]![leaf] = s[j]!;
      }
      value[leaf] = tree.value[node]!;
      volume[leaf] = vol;
      leaf++;
      return;
    }
    const set = tree.leftSet[node];
    if (set) {
      const parent = s[f]!;
      s[f] = parent.map((p, c) => p & set[c]!);
      visit(tree.left[node]!);
      s[f] = parent.map((p, c) => p & (1 - set[c]!));
      visit(tree.right[node]!);
      s[f] = parent;
    } else {
      // Clamp: a threshold outside the box (possible only by rounding) leaves an empty child.
      const t = Math.min(h[f]!, Math.max(l[f]!, tree.threshold[node]!));
      const hf = h[f]!;
      h[f] = t;
      visit(tree.left[node]!);
      h[f] = hf;
      const lf = l[f]!;
      l[f] = t;
      visit(tree.right[node]!);
      l[f] = lf;
    }
  };
  visit(0);
  return { value, volume, lo, hi, sets };
}

function countOnes(a: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) c += a[i]!;
  return c;
}

/**
 * V_j / V for every feature of one tree, or null when the tree predicts a constant (V = 0).
 * Exposed for tests; {@link fanovaImportances} is the entry point.
 */
export function treeVarianceFractions(tree: ExactTree, kinds: readonly FeatureKind[]): Float64Array | null {
  const d = kinds.length;
  const leaves = leafBoxes(tree, kinds);
  const nLeaves = leaves.value.length;
  let mu = 0;
  for (let i = 0; i < nLeaves; i++) mu += leaves.value[i]! * leaves.volume[i]!;
  let total = 0;
  for (let i = 0; i < nLeaves; i++) total += leaves.volume[i]! * (leaves.value[i]! - mu) ** 2;
  if (!(total > 1e-300)) return null;
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const kind = kinds[j]!;
    let vj = 0;
    if (kind.kind === "categorical") {
      const k = kind.nCategories;
      const marginal = new Float64Array(k);
      const sets = leaves.sets[j]!;
      for (let i = 0; i < nLeaves; i++) {
        const vol = leaves.volume[i]!;
        if (vol <= 0) continue;
        const set = sets[i]!;
        const c = (leaves.value[i]! * vol * k) / countOnes(set);
        for (let q = 0; q < k; q++) if (set[q] === 1) marginal[q]! += c;
      }
      for (let q = 0; q < k; q++) vj += (marginal[q]! - mu) ** 2 / k;
    } else {
      const cuts = thresholdsOn(tree, j);
      const m = cuts.length - 1;
      const diff = new Float64Array(m + 1);
      for (let i = 0; i < nLeaves; i++) {
        const vol = leaves.volume[i]!;
        if (vol <= 0) continue;
        const a = leaves.lo[i * d + j]!;
        const b = leaves.hi[i * d + j]!;
        const c = (leaves.value[i]! * vol) / (b - a);
        diff[indexOf(cuts, a)]! += c;
        diff[indexOf(cuts, b)]! -= c;
      }
      let run = 0;
      for (let q = 0; q < m; q++) {
        run += diff[q]!;
        vj += (cuts[q + 1]! - cuts[q]!) * (run - mu) ** 2;
      }
    }
    out[j] = Math.min(1, Math.max(0, vj / total));
  }
  return out;
}

/** Sorted distinct cell boundaries of feature j: 0, the tree's thresholds on j, 1. */
function thresholdsOn(tree: ExactTree, j: number): Float64Array {
  const t: number[] = [0, 1];
  for (let node = 0; node < tree.feature.length; node++) {
    if (tree.feature[node] === j && tree.leftSet[node] === null) t.push(Math.min(1, Math.max(0, tree.threshold[node]!)));
  }
  const sorted = Float64Array.from(t).sort();
  let k = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[k - 1]) sorted[k++] = sorted[i]!;
  return sorted.subarray(0, k);
}

/** Index of a value known to be among the sorted boundaries. */
function indexOf(cuts: Float64Array, x: number): number {
  let lo = 0;
  let hi = cuts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Options of {@link fanovaImportances}: the forest's. */
export type FanovaOptions = ExactForestOptions;

/**
 * fANOVA importance of each feature: fits an exact-split random forest to (features → y) and
 * averages the trees' single-feature variance fractions (see module docs). Numeric features must
 * lie on [0, 1] (the space whose uniform measure defines the variance); categorical ones are codes.
 * All-zero when every tree is constant (Optuna 3.1 raises there instead).
 *
 * @see Hutter, Hoos & Leyton-Brown 2014, "An efficient approach for assessing hyperparameter
 * importance", ICML
 */
export function fanovaImportances(
  columns: readonly Float64Array[],
  kinds: readonly FeatureKind[],
  y: Float64Array,
  options: FanovaOptions = {},
): FanovaResult {
  const d = kinds.length;
  const trees = fitExactForest(columns, kinds, y, options);
  const sum = new Float64Array(d);
  const sumSq = new Float64Array(d);
  let used = 0;
  for (const tree of trees) {
    const fr = treeVarianceFractions(tree, kinds);
    if (fr === null) continue;
    used++;
    for (let j = 0; j < d; j++) {
      sum[j]! += fr[j]!;
      sumSq[j]! += fr[j]! * fr[j]!;
    }
  }
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  if (used > 0) {
    for (let j = 0; j < d; j++) {
      mean[j] = sum[j]! / used;
      sd[j] = Math.sqrt(Math.max(0, sumSq[j]! / used - mean[j]! ** 2));
    }
  }
  return { mean, sd, nTrees: used };
}
