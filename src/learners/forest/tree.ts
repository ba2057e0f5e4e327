/**
 * One fitted decision tree over binned features, stored as flat typed arrays (no node objects), and
 * its prediction walk. Node `i` is a split when `feature[i] ≥ 0`: a row whose bin is ≤
 * `threshold[i]` (numeric) or is in the category bitset `catBits[8·threshold[i] …]` (categorical)
 * goes to `child[i]`, otherwise to `child[i] + 1` (children are always allocated as a pair); a
 * missing bin goes the way `flags[i] & MISSING_LEFT` says. A leaf (`feature[i] = -1`) keeps in
 * `child[i]` its row in `value` (`nOut` numbers: a class distribution, or a mean).
 */
import { MISSING_BIN } from "../tree/binning.js";

/** `flags` bit: the missing bin goes to the left child. */
export const MISSING_LEFT = 1;
/** `flags` bit: the split is a category subset (bitset in `catBits`), not a threshold. */
export const CATEGORICAL = 2;
/** 32-bit words per category bitset (256 bins). */
export const CAT_WORDS = 8;

/** A fitted tree. */
export interface Tree {
  /** Split feature per node, -1 at leaves. */
  readonly feature: Int32Array;
  /** Left child of a split (the right one is `child + 1`); the leaf's row in `value` at a leaf. */
  readonly child: Int32Array;
  /** Numeric split: the highest bin going left. Categorical split: the bitset's index in `catBits`. */
  readonly threshold: Int32Array;
  /** {@link MISSING_LEFT} | {@link CATEGORICAL}. */
  readonly flags: Uint8Array;
  /** Weighted training rows that reached the node (scikit-learn's `weighted_n_node_samples`). */
  readonly weight: Float64Array;
  /** Weighted impurity decrease of the split (0 at leaves): the basis of feature importance. */
  readonly gain: Float64Array;
  /** Leaf values, `nLeaves × nOut`. */
  readonly value: Float64Array;
  /** Category bitsets, {@link CAT_WORDS} words each: bin b goes left when bit b is set. */
  readonly catBits: Uint32Array;
}

/** Whether a bin goes left at split node `i` (the bin is not missing). */
function goesLeft(t: Tree, i: number, bin: number): boolean {
  const flags = t.flags[i]!;
  if (bin === MISSING_BIN) return (flags & MISSING_LEFT) !== 0;
  if ((flags & CATEGORICAL) !== 0) return ((t.catBits[t.threshold[i]! * CAT_WORDS + (bin >>> 5)]! >>> (bin & 31)) & 1) === 1;
  return bin <= t.threshold[i]!;
}

/** The leaf row (in `value`) a binned row lands in; `bins` is read at `base + feature * stride`. */
export function leafOf(t: Tree, bins: Uint8Array, base: number, stride: number): number {
  const feature = t.feature;
  let i = 0;
  for (;;) {
    const f = feature[i]!;
    if (f < 0) return t.child[i]!;
    i = goesLeft(t, i, bins[base + f * stride]!) ? t.child[i]! : t.child[i]! + 1;
  }
}

/**
 * Adds `scale ×` the tree's leaf values for each row of a row-major binned matrix into `out`
 * (`nRows × nOut`); rows where `mask[row] === 0` are skipped when a mask is given.
 */
export function addTreePredictions(t: Tree, bins: Uint8Array, nRows: number, nFeatures: number, nOut: number, out: Float64Array, scale = 1, mask?: Uint8Array): void {
  const value = t.value;
  for (let r = 0; r < nRows; r++) {
    if (mask !== undefined && mask[r] === 0) continue;
    const leaf = leafOf(t, bins, r * nFeatures, 1) * nOut;
    const o = r * nOut;
    for (let k = 0; k < nOut; k++) out[o + k]! += scale * value[leaf + k]!;
  }
}

/** Number of leaves of a tree. */
export function leafCount(t: Tree, nOut: number): number {
  return t.value.length / nOut;
}

/** Growable arrays a tree is written into; reused across trees so growing allocates little. */
export class TreeBuilder {
  feature = new Int32Array(64);
  child = new Int32Array(64);
  threshold = new Int32Array(64);
  flags = new Uint8Array(64);
  weight = new Float64Array(64);
  gain = new Float64Array(64);
  value: Float64Array;
  catBits = new Uint32Array(CAT_WORDS * 4);
  nNodes = 0;
  nLeaves = 0;
  nCat = 0;

  constructor(readonly nOut: number) {
    this.value = new Float64Array(64 * nOut);
  }

  /** Starts a new tree. */
  reset(): void {
    this.nNodes = 0;
    this.nLeaves = 0;
    this.nCat = 0;
  }

  /** Allocates `n` consecutive nodes; returns the first id. */
  allocate(n: number): number {
    const id = this.nNodes;
    if (id + n > this.feature.length) {
      const cap = Math.max(2 * this.feature.length, id + n);
      this.feature = grow(this.feature, cap);
      this.child = grow(this.child, cap);
      this.threshold = grow(this.threshold, cap);
      this.flags = grow(this.flags, cap);
      this.weight = grow(this.weight, cap);
      this.gain = grow(this.gain, cap);
    }
    this.nNodes += n;
    return id;
  }

  /** Makes node `id` a leaf with the `nOut` values at `src[offset …]`, scaled by `scale`. */
  setLeaf(id: number, src: Float64Array, offset: number, scale: number): void {
    const k = this.nOut;
    if ((this.nLeaves + 1) * k > this.value.length) this.value = grow(this.value, 2 * this.value.length);
    const o = this.nLeaves * k;
    for (let j = 0; j < k; j++) this.value[o + j] = src[offset + j]! * scale;
    this.feature[id] = -1;
    this.child[id] = this.nLeaves++;
    this.threshold[id] = 0;
    this.flags[id] = 0;
    this.gain[id] = 0;
  }

  /** Reserves a category bitset; returns its index (its words are zeroed). */
  addCatSet(): number {
    if ((this.nCat + 1) * CAT_WORDS > this.catBits.length) this.catBits = grow(this.catBits, 2 * this.catBits.length);
    this.catBits.fill(0, this.nCat * CAT_WORDS, (this.nCat + 1) * CAT_WORDS);
    return this.nCat++;
  }

  /** A compact copy of the tree written so far. */
  finish(): Tree {
    const n = this.nNodes;
    return {
      feature: this.feature.slice(0, n),
      child: this.child.slice(0, n),
      threshold: this.threshold.slice(0, n),
      flags: this.flags.slice(0, n),
      weight: this.weight.slice(0, n),
      gain: this.gain.slice(0, n),
      value: this.value.slice(0, this.nLeaves * this.nOut),
      catBits: this.catBits.slice(0, this.nCat * CAT_WORDS),
    };
  }
}

function grow<T extends Int32Array | Uint8Array | Float64Array | Uint32Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}
