/**
 * Grows one decision tree over binned features, depth first (CART, Breiman et al. 1984, as used by
 * random forests and extra trees). The node's rows are a range of one index array that is
 * partitioned in place at each split, so growing a tree allocates nothing per node; node statistics
 * of both children come from the split search (left) and a subtraction (right).
 *
 * At each node the features are visited in random order (an incremental Fisher–Yates shuffle);
 * features that are constant at the node do not count, and the search stops once `mtry`
 * non-constant features have been scored (scikit-learn's rule). A node becomes a leaf when it is
 * pure, at `maxDepth`, has fewer than `minSamplesSplit` rows (or fewer than `2·minSamplesLeaf`), or
 * when no split lowers the weighted impurity by `minImpurityDecrease` of the total weight.
 *
 * @see L. Breiman, J. Friedman, R. Olshen, C. Stone, "Classification and Regression Trees", 1984.
 */
import type { Random } from "../../core/rng.js";
import { SplitFinder, type ProxyMode } from "./split-finder.js";
import { CAT_WORDS, CATEGORICAL, MISSING_LEFT, TreeBuilder, type Tree } from "./tree.js";

/** The training data as the grower reads it. */
export interface GrowerData {
  readonly nRows: number;
  readonly nFeatures: number;
  /** Column-major bins: `binsT[feature * nRows + row]`. */
  readonly binsT: Uint8Array;
  /** 1 for a categorical feature. */
  readonly categorical: Uint8Array;
  /** The highest real bin of each feature. */
  readonly lastBin: Int32Array;
  /** Class index per row (classification) or null. */
  readonly label: Int32Array | null;
  /** Target per row (regression) or null. */
  readonly target: Float64Array | null;
  /** Number of classes; 0 for regression. */
  readonly nClasses: number;
}

/** Growth limits, already resolved to counts. */
export interface GrowerOptions {
  readonly criterion: ProxyMode;
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly minImpurityDecrease: number;
  readonly mtry: number;
  /** Extra trees: one random cut per feature instead of the best. */
  readonly randomSplits: boolean;
}

/** Reusable tree grower: buffers live across the trees of a forest. */
export class TreeGrower {
  private readonly finder: SplitFinder;
  private readonly builder: TreeBuilder;
  private readonly rows: Int32Array;
  private readonly feats: Int32Array;
  private readonly wy: Float64Array;
  private readonly wyy: Float64Array;
  private readonly width: number;
  private readonly nOut: number;
  /** Importance (summed weighted impurity decrease) per feature of the last tree grown. */
  readonly importance: Float64Array;
  // The depth-first stack: row range, depth, node id and statistics per entry.
  private stStart = new Int32Array(64);
  private stEnd = new Int32Array(64);
  private stDepth = new Int32Array(64);
  private stNode = new Int32Array(64);
  /** Features known to be constant in the entry's rows: the first `stConst` of `feats`. */
  private stConst = new Int32Array(64);
  private stStats: Float64Array;
  private readonly tmp: Float64Array;

  constructor(
    private readonly data: GrowerData,
    private readonly opts: GrowerOptions,
  ) {
    const regression = data.label === null;
    this.finder = new SplitFinder(regression ? "squared-error" : opts.criterion, data.nClasses, opts.minSamplesLeaf, opts.randomSplits);
    this.width = this.finder.width;
    this.nOut = regression ? 1 : data.nClasses;
    this.builder = new TreeBuilder(this.nOut);
    this.rows = new Int32Array(data.nRows);
    this.feats = Int32Array.from({ length: data.nFeatures }, (_, i) => i);
    this.wy = new Float64Array(regression ? data.nRows : 0);
    this.wyy = new Float64Array(regression ? data.nRows : 0);
    this.importance = new Float64Array(data.nFeatures);
    this.stStats = new Float64Array(64 * this.width);
    this.tmp = new Float64Array(this.width);
  }

  /** Grows one tree on the rows with `weights[row] > 0` (bootstrap counts × sample weights). */
  grow(weights: Float64Array, rng: Random): Tree {
    const { data, opts, rows, width } = this;
    const n = data.nRows;
    const p = data.nFeatures;
    let active = 0;
    for (let r = 0; r < n; r++) if (weights[r]! > 0) rows[active++] = r;
    const y = data.target;
    if (y !== null) {
      for (let r = 0; r < n; r++) {
        const wv = weights[r]! * y[r]!;
        this.wy[r] = wv;
        this.wyy[r] = wv * y[r]!;
      }
    }
    // Each tree starts from the identity order so it depends on its own seed only (warm start).
    for (let f = 0; f < p; f++) this.feats[f] = f;
    this.importance.fill(0);
    const builder = this.builder;
    builder.reset();
    const root = builder.allocate(1);
    this.ensureStack(1);
    this.stStats.fill(0, 0, width);
    for (let i = 0; i < active; i++) {
      const r = rows[i]!;
      if (data.label !== null) this.stStats[data.label[r]!]! += weights[r]!;
      else {
        this.stStats[0]! += weights[r]!;
        this.stStats[1]! += this.wy[r]!;
        this.stStats[2]! += this.wyy[r]!;
      }
    }
    const finder = this.finder;
    const totalWeight = finder.weightOf(this.stStats, 0);
    this.push(0, 0, active, 0, root, 0);
    let top = 1;
    while (top > 0) {
      top--;
      const s = this.stStart[top]!;
      const e = this.stEnd[top]!;
      const depth = this.stDepth[top]!;
      const id = this.stNode[top]!;
      const so = top * width;
      const count = e - s;
      const w = finder.weightOf(this.stStats, so);
      builder.weight[id] = w;
      let leaf = depth >= opts.maxDepth || count < opts.minSamplesSplit || count < 2 * opts.minSamplesLeaf || this.isPure(so, w);
      if (!leaf) {
        finder.beginNode(this.stStats, so, count);
        // Sample features without replacement from feats[nConst, last): known constants sit in
        // feats[0, nConst) and newly found ones are swapped next to them, so the children (whose
        // rows are a subset) skip them; scored features collect at the end.
        const feats = this.feats;
        let nConst = this.stConst[top]!;
        let last = p;
        let visited = 0;
        while (last > nConst && visited < opts.mtry) {
          // When every remaining feature will be scored anyway, the order only breaks ties: skip the draw.
          const j = opts.mtry >= last - nConst + visited ? nConst : nConst + rng.int(last - nConst);
          const f = feats[j]!;
          if (finder.tryFeature(f, data.categorical[f] === 1, data.lastBin[f]!, data.binsT, f * n, rows, s, e, data.label, weights, this.wy, this.wyy, rng)) {
            last--;
            feats[j] = feats[last]!;
            feats[last] = f;
            visited++;
          } else {
            feats[j] = feats[nConst]!;
            feats[nConst++] = f;
          }
        }
        this.stConst[top] = nConst;
        const gain = finder.bestScore - finder.proxy(this.stStats, so);
        leaf = finder.bestFeature < 0 || !(gain / totalWeight + 1e-12 >= opts.minImpurityDecrease);
        if (!leaf) {
          const mid = this.partition(s, e);
          const c = builder.allocate(2);
          const f = finder.bestFeature;
          builder.feature[id] = f;
          builder.child[id] = c;
          builder.gain[id] = Math.max(0, gain);
          builder.flags[id] = (finder.bestMissingLeft ? MISSING_LEFT : 0) | (finder.bestCategorical ? CATEGORICAL : 0);
          if (finder.bestCategorical) {
            const k = builder.addCatSet();
            builder.catBits.set(finder.bestBits, k * CAT_WORDS);
            builder.threshold[id] = k;
          } else builder.threshold[id] = finder.bestThreshold;
          this.importance[f]! += Math.max(0, gain);
          // Children: right then left on the stack, so the left subtree is grown first.
          this.ensureStack(top + 2);
          const st = this.stStats;
          for (let j = 0; j < width; j++) {
            const l = finder.bestLeft[j]!;
            this.tmp[j] = l;
            st[(top + 0) * width + j] = st[so + j]! - l;
          }
          for (let j = 0; j < width; j++) st[(top + 1) * width + j] = this.tmp[j]!;
          this.push(top, mid, e, depth + 1, c + 1, nConst);
          this.push(top + 1, s, mid, depth + 1, c, nConst);
          top += 2;
          continue;
        }
      }
      if (data.label !== null) builder.setLeaf(id, this.stStats, so, 1 / w);
      else builder.setLeaf(id, this.stStats, so + 1, 1 / w);
    }
    return builder.finish();
  }

  private push(slot: number, s: number, e: number, depth: number, node: number, nConst: number): void {
    this.stConst[slot] = nConst;
    this.stStart[slot] = s;
    this.stEnd[slot] = e;
    this.stDepth[slot] = depth;
    this.stNode[slot] = node;
  }

  /** A node whose impurity is zero cannot be split usefully. */
  private isPure(so: number, w: number): boolean {
    const st = this.stStats;
    if (this.data.label === null) {
      const mean = st[so + 1]! / w;
      const meanSq = st[so + 2]! / w;
      return meanSq - mean * mean <= 1e-12 * meanSq;
    }
    let nonzero = 0;
    for (let j = 0; j < this.width; j++) if (st[so + j]! > 0) nonzero++;
    return nonzero <= 1;
  }

  /** Moves the rows of `[s, e)` going left to the front; returns where the right side starts. */
  private partition(s: number, e: number): number {
    const f = this.finder;
    const rows = this.rows;
    const bins = this.data.binsT;
    const base = f.bestFeature * this.data.nRows;
    const missLeft = f.bestMissingLeft;
    const bits = f.bestBits;
    const t = f.bestThreshold;
    const cat = f.bestCategorical;
    let i = s;
    let j = e;
    while (i < j) {
      const r = rows[i]!;
      const b = bins[base + r]!;
      const left = b === 255 ? missLeft : cat ? ((bits[b >>> 5]! >>> (b & 31)) & 1) === 1 : b <= t;
      if (left) i++;
      else {
        j--;
        rows[i] = rows[j]!;
        rows[j] = r;
      }
    }
    return i;
  }

  private ensureStack(size: number): void {
    if (size <= this.stStart.length) return;
    const cap = Math.max(size, 2 * this.stStart.length);
    const g = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.stStart = g(this.stStart);
    this.stEnd = g(this.stEnd);
    this.stDepth = g(this.stDepth);
    this.stNode = g(this.stNode);
    this.stConst = g(this.stConst);
    const st = new Float64Array(cap * this.width);
    st.set(this.stStats);
    this.stStats = st;
  }
}
