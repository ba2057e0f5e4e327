/**
 * Growing one regression tree on gradient/hessian histograms (the `hist` method of XGBoost and
 * LightGBM). Rows are binned once into a byte matrix; each open node owns a contiguous range of a
 * row-index array, partitioned in place (stably) when the node splits. A node's histogram sums
 * g and h per (feature, bin); only the smaller child's histogram is built from its rows, and the
 * larger child's is the parent's minus it (the subtraction trick), computed in the parent's buffer.
 * Histograms are built from sparse rows that skip each feature's most frequent bin (see
 * `buildSparse`). Split search is in `split.ts`; a node splits when its best gain exceeds
 * `minSplitGain` (checked as the tree grows, as LightGBM does, not by XGBoost's post-pruning).
 * Leaf values are −T(G)/(H+λ) times the learning rate, T the L1 soft threshold.
 *
 * Growth is depth-wise (all nodes level by level, up to `maxDepth`) or loss-guided (always split the
 * open leaf of largest gain, up to `maxLeaves`, LightGBM's leaf-wise growth).
 *
 * @see Ke et al., "LightGBM: a highly efficient gradient boosting decision tree", NeurIPS 2017.
 * @see Chen & Guestrin, "XGBoost: a scalable tree boosting system", KDD 2016.
 */
import { CAT_WORDS, type TreeEnsemble } from "./ensemble.js";
import { categoricalSplit, numericSplit, score, type CategoryScratch, type SplitCandidate } from "./split.js";

/** The training rows binned for growing: only features that can split, missing coded as `nBins[j]`. */
export interface TrainMatrix {
  readonly nRows: number;
  /** Number of (active) features: the row stride of `bins`. */
  readonly nFeatures: number;
  /** `bins[row * nFeatures + j]` in 0..nBins[j] (the value nBins[j] is missing). */
  readonly bins: Uint8Array;
  readonly nBins: Int32Array;
  /** 1 for a categorical feature. */
  readonly isCat: Uint8Array;
  /** Index of each active feature in the binner (the column of the model's schema). */
  readonly featureIndex: Int32Array;
}

/** Tree-shape and regularisation options of {@link TreeGrower}. */
export interface GrowOptions {
  /** Maximum depth (0 = unlimited, loss-guided growth only). */
  readonly maxDepth: number;
  /** Maximum leaves (0 = unlimited). */
  readonly maxLeaves: number;
  readonly growPolicy: "depthwise" | "lossguide";
  readonly minChildWeight: number;
  readonly minSplitGain: number;
  readonly lambda: number;
  readonly alpha: number;
  readonly learningRate: number;
}

interface OpenNode extends SplitCandidate {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  hist: Float64Array | null;
}


/** Grows trees on one {@link TrainMatrix}, reusing its buffers from tree to tree. */
export class TreeGrower {
  /** The row partition of the last tree: leaf `i` owns `rows[leafStart[i] .. leafEnd[i])`. */
  readonly rows: Int32Array;
  readonly leafNode: number[] = [];
  readonly leafStart: number[] = [];
  readonly leafEnd: number[] = [];
  private readonly tmp: Int32Array;
  /** Histogram offset (in doubles) of each feature: 2 × (sum of earlier features' nBins + 1). */
  private readonly off2: Int32Array;
  private readonly histLength: number;
  private readonly pool: Float64Array[] = [];
  private readonly sortScratch: CategoryScratch = { order: new Int32Array(256), key: new Float64Array(256) };
  private readonly catScratch = new Uint32Array(CAT_WORDS);
  private feats: Int32Array = new Int32Array(0);
  /** Per feature, the bin left out of the sparse rows (-1 when rows are dense). */
  private readonly mostFrequent: Int32Array;
  private rowPtr: Int32Array | null = null;
  private slots: Uint16Array | null = null;
  private g: Float64Array = new Float64Array(0);
  private h: Float64Array = new Float64Array(0);

  constructor(
    private readonly m: TrainMatrix,
    private readonly o: GrowOptions,
  ) {
    this.rows = new Int32Array(m.nRows);
    this.tmp = new Int32Array(m.nRows);
    this.off2 = new Int32Array(m.nFeatures + 1);
    let s = 0;
    for (let j = 0; j < m.nFeatures; j++) {
      this.off2[j] = 2 * s;
      s += m.nBins[j]! + 1;
    }
    this.off2[m.nFeatures] = 2 * s;
    this.histLength = 2 * s;
    this.mostFrequent = new Int32Array(m.nFeatures).fill(-1);
    if (s <= 65536 && m.nRows * m.nFeatures <= 1 << 26) this.buildSparse();
  }

  /**
   * The sparse row form: per row, the histogram slots of its (feature, bin) pairs, leaving out each
   * feature's most frequent bin (LightGBM's trick for sparse features: that bin's sums are the
   * node's totals minus the other bins'). On data full of zeros this halves histogram work, and
   * slots are precomputed either way.
   */
  private buildSparse(): void {
    const { nRows: n, nFeatures: p, bins, nBins } = this.m;
    const counts = new Int32Array(this.histLength >> 1);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) counts[(this.off2[j]! >> 1) + bins[i * p + j]!]!++;
    let nnz = 0;
    for (let j = 0; j < p; j++) {
      const o = this.off2[j]! >> 1;
      let best = 0;
      for (let b = 1; b <= nBins[j]!; b++) if (counts[o + b]! > counts[o + best]!) best = b;
      this.mostFrequent[j] = best;
      nnz += n - counts[o + best]!;
    }
    const rowPtr = new Int32Array(n + 1);
    const slots = new Uint16Array(nnz);
    let e = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const b = bins[i * p + j]!;
        if (b !== this.mostFrequent[j]) slots[e++] = (this.off2[j]! >> 1) + b;
      }
      rowPtr[i + 1] = e;
    }
    this.rowPtr = rowPtr;
    this.slots = slots;
  }

  /**
   * Grows one tree into `ensemble` from gradients `g` and hessians `h` (indexed by row) over the
   * first `nSample` entries of `sample` (row indices, ascending), splitting only on the active
   * features listed in `feats`. Afterwards {@link rows} and the leaf arrays describe which sampled
   * rows reached which leaf.
   */
  grow(ensemble: TreeEnsemble, g: Float64Array, h: Float64Array, sample: Int32Array, nSample: number, feats: Int32Array): void {
    const o = this.o;
    this.g = g;
    this.h = h;
    this.feats = feats;
    this.leafNode.length = 0;
    this.leafStart.length = 0;
    this.leafEnd.length = 0;
    const rows = this.rows;
    rows.set(sample.subarray(0, nSample));
    let G = 0;
    let H = 0;
    for (let i = 0; i < nSample; i++) {
      const r = rows[i]!;
      G += g[r]!;
      H += h[r]!;
    }
    const rootId = ensemble.beginTree();
    const root = this.node(rootId, 0, nSample, 0, G, H);
    if (this.canSplit(root)) {
      this.buildHist((root.hist = this.acquire()), 0, nSample, G, H);
      this.findSplit(root);
    }
    const open: OpenNode[] = [root];
    let nLeaves = 1;
    const lossguide = o.growPolicy === "lossguide";
    let head = 0;
    while (head < open.length) {
      let pick = head;
      if (lossguide) for (let i = head + 1; i < open.length; i++) if (open[i]!.gain > open[pick]!.gain) pick = i;
      const node = open[pick]!;
      open[pick] = open[head]!;
      open[head++] = node;
      if (node.gain <= 0 || (o.maxLeaves > 0 && nLeaves >= o.maxLeaves)) {
        this.finishLeaf(ensemble, node);
        continue;
      }
      nLeaves++;
      const mid = this.partition(node);
      const first = ensemble.addNodes(2);
      this.writeSplit(ensemble, node, first);
      const l = this.node(first, node.start, mid, node.depth + 1, node.GL, node.HL);
      const r = this.node(first + 1, mid, node.end, node.depth + 1, node.G - node.GL, node.H - node.HL);
      const needL = this.canSplit(l);
      const needR = this.canSplit(r);
      const parentHist = node.hist;
      node.hist = null;
      if (parentHist !== null && (needL || needR)) {
        const [small, large] = mid - node.start <= node.end - mid ? [l, r] : [r, l];
        small.hist = this.acquire();
        this.buildHist(small.hist, small.start, small.end, small.G, small.H);
        this.subtract(parentHist, small.hist);
        large.hist = parentHist;
      } else if (parentHist !== null) {
        this.release(parentHist);
      }
      for (const c of [l, r]) {
        if (c.hist !== null && this.canSplit(c)) this.findSplit(c);
        else if (c.hist !== null) {
          this.release(c.hist);
          c.hist = null;
        }
        open.push(c);
      }
    }
  }

  private node(id: number, start: number, end: number, depth: number, G: number, H: number): OpenNode {
    return { id, start, end, depth, G, H, hist: null, gain: 0, feat: -1, thr: 0, missLeft: false, GL: 0, HL: 0, cat: null };
  }

  private canSplit(n: OpenNode): boolean {
    return (this.o.maxDepth === 0 || n.depth < this.o.maxDepth) && n.end - n.start >= 2 && n.H >= 2 * this.o.minChildWeight;
  }

  private leafValue(G: number, H: number): number {
    const { alpha, lambda, learningRate } = this.o;
    const t = G > alpha ? G - alpha : G < -alpha ? G + alpha : 0;
    const d = H + lambda;
    return d > 0 && t !== 0 ? (-t / d) * learningRate : 0;
  }

  private finishLeaf(e: TreeEnsemble, n: OpenNode): void {
    if (n.hist !== null) {
      this.release(n.hist);
      n.hist = null;
    }
    e.value[n.id] = this.leafValue(n.G, n.H);
    e.cover[n.id] = n.H;
    this.leafNode.push(n.id);
    this.leafStart.push(n.start);
    this.leafEnd.push(n.end);
  }

  private writeSplit(e: TreeEnsemble, n: OpenNode, first: number): void {
    const id = n.id;
    e.feature[id] = this.m.featureIndex[n.feat]!;
    e.missingLeft[id] = n.missLeft ? 1 : 0;
    e.left[id] = first;
    e.value[id] = this.leafValue(n.G, n.H);
    e.gain[id] = n.gain;
    e.cover[id] = n.H;
    if (n.cat === null) {
      e.threshold[id] = n.thr;
    } else {
      // Training codes missing as bin nBins; saved sets use bit 255 for it.
      const bits = this.catScratch;
      bits.set(n.cat);
      const nb = this.m.nBins[n.feat]!;
      bits[nb >> 5]! &= ~(1 << (nb & 31));
      if (n.missLeft) bits[7]! |= 1 << 31;
      e.threshold[id] = e.addCatSet(bits);
    }
  }

  private acquire(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.histLength);
  }

  private release(h: Float64Array): void {
    this.pool.push(h);
  }

  private buildHist(hist: Float64Array, start: number, end: number, G: number, H: number): void {
    const { rows, g, h, slots, rowPtr } = this;
    if (slots !== null && rowPtr !== null) {
      hist.fill(0);
      for (let i = start; i < end; i++) {
        const r = rows[i]!;
        const gr = g[r]!;
        const hr = h[r]!;
        for (let e = rowPtr[r]!, stop = rowPtr[r + 1]!; e < stop; e++) {
          const k = slots[e]! << 1;
          hist[k]! += gr;
          hist[k + 1]! += hr;
        }
      }
      this.fillMostFrequent(hist, G, H);
      return;
    }
    const { bins, nFeatures: p } = this.m;
    const { off2, feats } = this;
    const nf = feats.length;
    for (let jj = 0; jj < nf; jj++) {
      const j = feats[jj]!;
      hist.fill(0, off2[j], off2[j + 1]);
    }
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const gr = g[r]!;
      const hr = h[r]!;
      const base = r * p;
      for (let jj = 0; jj < nf; jj++) {
        const j = feats[jj]!;
        const k = off2[j]! + (bins[base + j]! << 1);
        hist[k]! += gr;
        hist[k + 1]! += hr;
      }
    }
  }

  /** Sets each sampled feature's left-out bin to the node totals minus its other bins. */
  private fillMostFrequent(hist: Float64Array, G: number, H: number): void {
    const { feats, off2, mostFrequent } = this;
    for (let jj = 0; jj < feats.length; jj++) {
      const j = feats[jj]!;
      let gs = 0;
      let hs = 0;
      for (let k = off2[j]!, e = off2[j + 1]!; k < e; k += 2) {
        gs += hist[k]!;
        hs += hist[k + 1]!;
      }
      const k = off2[j]! + 2 * mostFrequent[j]!;
      hist[k] = G - gs;
      hist[k + 1] = H - hs;
    }
  }

  /** parent ← parent − child over the sampled features (the larger sibling's histogram). */
  private subtract(parent: Float64Array, child: Float64Array): void {
    const { feats, off2 } = this;
    if (feats.length === this.m.nFeatures) {
      for (let i = 0; i < this.histLength; i++) parent[i]! -= child[i]!;
      return;
    }
    for (let jj = 0; jj < feats.length; jj++) {
      const j = feats[jj]!;
      for (let i = off2[j]!, e = off2[j + 1]!; i < e; i++) parent[i]! -= child[i]!;
    }
  }

  private findSplit(n: OpenNode): void {
    const { feats, off2 } = this;
    const { isCat, nBins } = this.m;
    const hist = n.hist!;
    for (let jj = 0; jj < feats.length; jj++) {
      const j = feats[jj]!;
      if (isCat[j] === 1) categoricalSplit(n, hist, j, off2[j]!, nBins[j]!, this.o, this.sortScratch);
      else numericSplit(n, hist, j, off2[j]!, nBins[j]!, this.o);
    }
    const { minSplitGain, lambda, alpha } = this.o;
    // Gains below rounding noise of the parent's score are not real improvements.
    if (!(n.gain > minSplitGain) || !(n.gain > 1e-10 * score(n.G, n.H, alpha, lambda))) n.gain = 0;
  }

  /** Stable in-place partition of a node's rows by its split; returns the first right row. */
  private partition(n: OpenNode): number {
    const { bins, nFeatures: p } = this.m;
    const { rows, tmp } = this;
    const j = n.feat;
    const nb = this.m.nBins[j]!;
    let l = n.start;
    let t = 0;
    if (n.cat === null) {
      const thr = n.thr;
      const ml = n.missLeft;
      for (let i = n.start; i < n.end; i++) {
        const r = rows[i]!;
        const b = bins[r * p + j]!;
        if (b === nb ? ml : b <= thr) rows[l++] = r;
        else tmp[t++] = r;
      }
    } else {
      // The set's bit nb is the missing direction (training coding).
      const bits = n.cat;
      for (let i = n.start; i < n.end; i++) {
        const r = rows[i]!;
        const b = bins[r * p + j]!;
        if (((bits[b >> 5]! >>> (b & 31)) & 1) === 1) rows[l++] = r;
        else tmp[t++] = r;
      }
    }
    rows.set(tmp.subarray(0, t), l);
    return l;
  }
}
