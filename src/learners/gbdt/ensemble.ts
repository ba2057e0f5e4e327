/**
 * Boosted trees stored as flat typed arrays (one entry per node, all trees concatenated), which is
 * also how they are saved. Node `i` is a leaf when `feature[i] < 0`; otherwise rows whose bin of
 * `feature[i]` satisfies the split go to `left[i]` and the others to `left[i] + 1` (children are
 * always allocated as a consecutive pair after their parent, so there is no `right` array and a
 * walk can never loop).
 *
 * A split's `threshold[i]` is either a bin `t ≥ 0` (numeric: bin ≤ t goes left; bin
 * {@link MISSING_BIN} follows `missingLeft[i]`) or `~s < 0`, the index of a 256-bit category set in
 * `catBits` (words `8s … 8s+7`; bin b goes left when bit b is set; bit 255 is the missing
 * direction). Tree `t` adds to output `t mod nOutputs`.
 */
import { MISSING_BIN } from "../tree/binning.js";

/** The node arrays of a tree ensemble (see the module comment for their meaning). */
export interface EnsembleArrays {
  readonly feature: Int32Array;
  readonly threshold: Int32Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  /** Leaf value (already scaled by the learning rate); for split nodes, the value they would have. */
  readonly value: Float64Array;
  /** Loss reduction of the split (0 for leaves): summed per feature for importance. */
  readonly gain: Float64Array;
  /** Sum of hessians of the training rows that reached the node. */
  readonly cover: Float64Array;
  readonly catBits: Uint32Array;
  /** Index of each tree's root node. */
  readonly treeStart: Int32Array;
}

/** Words per category set (256 bits). */
export const CAT_WORDS = 8;

/** A growable ensemble; trees are appended node by node while they are grown. */
export class TreeEnsemble {
  feature: Int32Array;
  threshold: Int32Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  value: Float64Array;
  gain: Float64Array;
  cover: Float64Array;
  catBits: Uint32Array;
  treeStart: Int32Array;
  nNodes = 0;
  nCatSets = 0;
  nTrees = 0;

  constructor(capacity = 256) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Int32Array(capacity);
    this.missingLeft = new Uint8Array(capacity);
    this.left = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.gain = new Float64Array(capacity);
    this.cover = new Float64Array(capacity);
    this.catBits = new Uint32Array(CAT_WORDS * 16);
    this.treeStart = new Int32Array(64);
  }

  /** Rebuilds an ensemble from saved arrays (copied, so the source stays untouched). */
  static fromArrays(a: EnsembleArrays): TreeEnsemble {
    const e = new TreeEnsemble(Math.max(16, a.feature.length));
    e.feature.set(a.feature);
    e.threshold.set(a.threshold);
    e.missingLeft.set(a.missingLeft);
    e.left.set(a.left);
    e.value.set(a.value);
    e.gain.set(a.gain);
    e.cover.set(a.cover);
    e.nNodes = a.feature.length;
    e.catBits = Uint32Array.from(a.catBits);
    e.nCatSets = a.catBits.length / CAT_WORDS;
    e.treeStart = Int32Array.from(a.treeStart);
    e.nTrees = a.treeStart.length;
    return e;
  }

  /** The used part of every array (copies, trimmed to size), optionally only the first `nTrees` trees. */
  toArrays(nTrees = this.nTrees): EnsembleArrays {
    const nodes = nTrees < this.nTrees ? this.treeStart[nTrees]! : this.nNodes;
    let cats = 0;
    for (let i = 0; i < nodes; i++) if (this.feature[i]! >= 0 && this.threshold[i]! < 0) cats = Math.max(cats, ~this.threshold[i]! + 1);
    return {
      feature: this.feature.slice(0, nodes),
      threshold: this.threshold.slice(0, nodes),
      missingLeft: this.missingLeft.slice(0, nodes),
      left: this.left.slice(0, nodes),
      value: this.value.slice(0, nodes),
      gain: this.gain.slice(0, nodes),
      cover: this.cover.slice(0, nodes),
      catBits: this.catBits.slice(0, cats * CAT_WORDS),
      treeStart: this.treeStart.slice(0, nTrees),
    };
  }

  /** Starts a new tree; returns its root node (a leaf until split). */
  beginTree(): number {
    if (this.nTrees === this.treeStart.length) this.treeStart = grow(this.treeStart, this.nTrees * 2);
    const root = this.addNodes(1);
    this.treeStart[this.nTrees++] = root;
    return root;
  }

  /** Appends `count` leaf nodes; returns the first index. */
  addNodes(count: number): number {
    const need = this.nNodes + count;
    if (need > this.feature.length) {
      const cap = Math.max(need, this.feature.length * 2);
      this.feature = grow(this.feature, cap);
      this.threshold = grow(this.threshold, cap);
      this.missingLeft = grow(this.missingLeft, cap);
      this.left = grow(this.left, cap);
      this.value = grow(this.value, cap);
      this.gain = grow(this.gain, cap);
      this.cover = grow(this.cover, cap);
    }
    const first = this.nNodes;
    for (let i = first; i < need; i++) {
      this.feature[i] = -1;
      this.threshold[i] = 0;
      this.missingLeft[i] = 0;
      this.left[i] = -1;
      this.value[i] = 0;
      this.gain[i] = 0;
      this.cover[i] = 0;
    }
    this.nNodes = need;
    return first;
  }

  /** Stores a category set (256-bit, in `bits`); returns the threshold code `~index` for it. */
  addCatSet(bits: Uint32Array): number {
    if ((this.nCatSets + 1) * CAT_WORDS > this.catBits.length) this.catBits = grow(this.catBits, this.catBits.length * 2);
    this.catBits.set(bits.subarray(0, CAT_WORDS), this.nCatSets * CAT_WORDS);
    return ~this.nCatSets++;
  }

  /** Drops every tree from index `nTrees` on (keeps the first `nTrees`). */
  truncate(nTrees: number): void {
    if (nTrees >= this.nTrees) return;
    this.nNodes = this.treeStart[nTrees]!;
    this.nTrees = nTrees;
  }
}

function grow<T extends Int32Array | Uint8Array | Float64Array | Uint32Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

/**
 * Adds the leaf values of trees `[from, to)` to `margins` (row-major `nRows × nOutputs`) for rows
 * binned as `bins` (row-major `nRows × nFeatures`, missing = {@link MISSING_BIN}).
 */
export function addTreePredictions(e: EnsembleArrays | TreeEnsemble, bins: Uint8Array, nRows: number, nFeatures: number, nOutputs: number, from: number, to: number, margins: Float64Array): void {
  const { feature, threshold, missingLeft, left, value, catBits, treeStart } = e;
  for (let t = from; t < to; t++) {
    const root = treeStart[t]!;
    const k = t % nOutputs;
    if (feature[root]! < 0) {
      const v = value[root]!;
      for (let i = 0; i < nRows; i++) margins[i * nOutputs + k]! += v;
      continue;
    }
    for (let i = 0, base = 0; i < nRows; i++, base += nFeatures) {
      let node = root;
      let f = feature[node]!;
      while (f >= 0) {
        const b = bins[base + f]!;
        const th = threshold[node]!;
        let goLeft: boolean;
        if (th >= 0) goLeft = b === MISSING_BIN ? missingLeft[node] === 1 : b <= th;
        else goLeft = ((catBits[(~th << 3) + (b >> 5)]! >>> (b & 31)) & 1) === 1;
        node = goLeft ? left[node]! : left[node]! + 1;
        f = feature[node]!;
      }
      margins[i * nOutputs + k]! += value[node]!;
    }
  }
}
