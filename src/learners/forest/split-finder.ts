/**
 * Split search at one tree node from histograms over binned features (the "hist" method): one pass
 * over the node's rows fills per-bin statistics (weighted class counts, or weight / Σwy / Σwy²),
 * then a scan over the bins scores every cut. Impurities are compared through a "proxy" whose
 * difference is exactly the weighted impurity decrease (scikit-learn's proxy improvement):
 * Gini `Σc²/w`, entropy `Σc·ln c − w·ln w`, squared error `(Σwy)²/w`. The missing bin is tried on
 * both sides of every cut and goes where the proxy is higher; a cut separating missing from
 * non-missing rows is a candidate too.
 *
 * Numeric features cut between present bins (midway in bin index, like scikit-learn's midpoint
 * thresholds). Categorical features order their present categories by class-1 share (binary),
 * mean target (regression) or, for more classes, by each class's share in turn, and cut that order:
 * optimal for two classes and for regression (Fisher 1958; Breiman et al. 1984, §4.2.2). Extra
 * trees (`randomSplits`) draw one cut per feature instead: a bin uniformly between the node's
 * lowest and highest present bin, or a random category subset (Geurts et al. 2006).
 *
 * Buffers are allocated once and only the touched bins are cleared after each feature, so a node
 * allocates nothing. A small node spread over many bins lists its bins from its rows instead of
 * scanning the bin range, and a random numeric cut needs no histogram at all (two row passes).
 *
 * @see G. Ke et al., "LightGBM: A Highly Efficient Gradient Boosting Decision Tree", NeurIPS 2017 (histograms).
 * @see W. D. Fisher, "On Grouping for Maximum Homogeneity", JASA 53, 1958 (ordered category splits).
 * @see P. Geurts, D. Ernst, L. Wehenkel, "Extremely randomized trees", Machine Learning 63, 2006.
 */
import type { Random } from "../../core/rng.js";
import { MISSING_BIN } from "../tree/binning.js";

/** How a side's statistics are scored. */
export type ProxyMode = "gini" | "entropy" | "squared-error";

const GINI = 0;
const ENTROPY = 1;
const SQUARED = 2;

/** Finds the best split of one node over the features it is shown. */
export class SplitFinder {
  /** Statistics per bin / node: class count (K) or w, Σwy, Σwy² (3). */
  readonly width: number;
  private readonly mode: number;
  private readonly hist: Float64Array;
  private readonly cnt: Int32Array;
  private readonly cum: Float64Array;
  private readonly node: Float64Array;
  private readonly order = new Int32Array(256);
  private readonly keys = new Float64Array(256);
  private readonly bits = new Uint32Array(8);
  private readonly seen = new Uint8Array(256);
  /** Extra trees: left, right and missing sums of one random cut. */
  private readonly acc: Float64Array;
  private nodeCount = 0;
  private missCount = 0;

  /** Best split so far at this node: proxy score (−∞ when none is valid). */
  bestScore = Number.NEGATIVE_INFINITY;
  bestFeature = -1;
  bestThreshold = 0;
  bestMissingLeft = false;
  bestCategorical = false;
  bestCountLeft = 0;
  /** Statistics of the best split's left side. */
  readonly bestLeft: Float64Array;
  /** Category bitset of the best split (when categorical). */
  readonly bestBits = new Uint32Array(8);

  constructor(
    mode: ProxyMode,
    nClasses: number,
    private readonly minLeaf: number,
    private readonly randomSplits: boolean,
  ) {
    this.mode = mode === "gini" ? GINI : mode === "entropy" ? ENTROPY : SQUARED;
    this.width = this.mode === SQUARED ? 3 : nClasses;
    const s = this.width;
    this.hist = new Float64Array(256 * s);
    this.cnt = new Int32Array(256);
    this.cum = new Float64Array(s);
    this.node = new Float64Array(s);
    this.bestLeft = new Float64Array(s);
    this.acc = new Float64Array(3 * s);
  }

  /** The proxy of the statistics at `a[o …]`; −∞ for an empty side. */
  proxy(a: Float64Array, o: number): number {
    if (this.mode === SQUARED) {
      const w = a[o]!;
      return w > 0 ? (a[o + 1]! * a[o + 1]!) / w : Number.NEGATIVE_INFINITY;
    }
    const k = this.width;
    let w = 0;
    let s = 0;
    if (this.mode === GINI) {
      for (let j = 0; j < k; j++) {
        const c = a[o + j]!;
        w += c;
        s += c * c;
      }
      return w > 0 ? s / w : Number.NEGATIVE_INFINITY;
    }
    for (let j = 0; j < k; j++) {
      const c = a[o + j]!;
      if (c > 0) {
        w += c;
        s += c * Math.log(c);
      }
    }
    return w > 0 ? s - w * Math.log(w) : Number.NEGATIVE_INFINITY;
  }

  /** Total weight of the statistics at `a[o …]`. */
  weightOf(a: Float64Array, o: number): number {
    if (this.mode === SQUARED) return a[o]!;
    let w = 0;
    for (let j = 0; j < this.width; j++) w += a[o + j]!;
    return w;
  }

  /** Starts a node with statistics `stats[o …]` over `count` rows. */
  beginNode(stats: Float64Array, o: number, count: number): void {
    for (let j = 0; j < this.width; j++) this.node[j] = stats[o + j]!;
    this.nodeCount = count;
    this.bestScore = Number.NEGATIVE_INFINITY;
    this.bestFeature = -1;
  }

  /**
   * Scores feature `f` (bins `binsT[base + row]`) over `rows[s..e)`. Returns false when the feature
   * is constant at this node (it then does not count towards `maxFeatures`).
   */
  tryFeature(f: number, categorical: boolean, lastBin: number, binsT: Uint8Array, base: number, rows: Int32Array, s: number, e: number, label: Int32Array | null, w: Float64Array, wy: Float64Array, wyy: Float64Array, rng: Random): boolean {
    if (this.randomSplits && !categorical) return this.randomNumericDirect(f, lastBin, binsT, base, rows, s, e, label, w, wy, wyy, rng);
    const hist = this.hist;
    const cnt = this.cnt;
    let mn = 256;
    let mx = -1;
    if (this.mode === SQUARED) {
      for (let i = s; i < e; i++) {
        const r = rows[i]!;
        const b = binsT[base + r]!;
        const o = b * 3;
        hist[o]! += w[r]!;
        hist[o + 1]! += wy[r]!;
        hist[o + 2]! += wyy[r]!;
        cnt[b]!++;
        if (b !== MISSING_BIN) {
          if (b < mn) mn = b;
          if (b > mx) mx = b;
        }
      }
    } else {
      const k = this.width;
      const lab = label!;
      for (let i = s; i < e; i++) {
        const r = rows[i]!;
        const b = binsT[base + r]!;
        hist[b * k + lab[r]!]! += w[r]!;
        cnt[b]!++;
        if (b !== MISSING_BIN) {
          if (b < mn) mn = b;
          if (b > mx) mx = b;
        }
      }
    }
    this.missCount = cnt[MISSING_BIN]!;
    const constant = mx < 0 || (mn === mx && this.missCount === 0);
    // Present bins into `order`: scan [mn, mx] when the node is dense in it, else collect them
    // from the rows (a small deep node spread over many bins) and sort them.
    const n = mx < 0 ? 0 : (e - s) * 4 < mx - mn ? this.collectBins(binsT, base, rows, s, e, !this.randomSplits) : this.presentBins(mn, mx);
    if (!constant) {
      if (categorical) {
        if (this.randomSplits) this.randomCategorical(f, n, rng);
        else this.scanCategorical(f, n);
      } else this.scanNumeric(f, n, lastBin);
    }
    // Clear only the touched bins (`order` may have been permuted, but it is the same set).
    const sw = this.width;
    const order = this.order;
    for (let i = 0; i < n; i++) {
      const b = order[i]!;
      for (let j = b * sw, end = j + sw; j < end; j++) hist[j] = 0;
      cnt[b] = 0;
    }
    if (this.missCount > 0) {
      for (let j = MISSING_BIN * sw, end = j + sw; j < end; j++) hist[j] = 0;
      cnt[MISSING_BIN] = 0;
    }
    return !constant;
  }

  /** Present bins of [mn, mx] into `order`, ascending; returns how many. */
  private presentBins(mn: number, mx: number): number {
    let n = 0;
    const cnt = this.cnt;
    for (let b = mn; b <= mx; b++) if (cnt[b] !== 0) this.order[n++] = b;
    return n;
  }

  /** Distinct non-missing bins of the node's rows into `order` (ascending when `sorted`); returns how many. */
  private collectBins(binsT: Uint8Array, base: number, rows: Int32Array, s: number, e: number, sorted: boolean): number {
    const order = this.order;
    const seen = this.seen;
    let n = 0;
    for (let i = s; i < e; i++) {
      const b = binsT[base + rows[i]!]!;
      if (b === MISSING_BIN || seen[b] === 1) continue;
      seen[b] = 1;
      order[n++] = b;
    }
    for (let i = 0; i < n; i++) seen[order[i]!] = 0;
    if (sorted) {
      for (let i = 1; i < n; i++) {
        const b = order[i]!;
        let j = i - 1;
        while (j >= 0 && order[j]! > b) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = b;
      }
    }
    return n;
  }

  /**
   * Scores the cut whose non-missing left side is `cum` (`countLeft` rows), the missing bin going
   * left or right: the sum of both sides' proxies, computed in one fused pass per criterion.
   */
  private evaluate(countLeft: number, missingLeft: boolean): number {
    const nl = missingLeft ? countLeft + this.missCount : countLeft;
    const nr = this.nodeCount - nl;
    if (nl < this.minLeaf || nr < this.minLeaf) return Number.NEGATIVE_INFINITY;
    const cum = this.cum;
    const node = this.node;
    const hist = this.hist;
    const k = this.width;
    const mo = MISSING_BIN * k;
    if (this.mode === SQUARED) {
      const lw = missingLeft ? cum[0]! + hist[mo]! : cum[0]!;
      const ly = missingLeft ? cum[1]! + hist[mo + 1]! : cum[1]!;
      const rw = node[0]! - lw;
      const ry = node[1]! - ly;
      return lw > 0 && rw > 0 ? (ly * ly) / lw + (ry * ry) / rw : Number.NEGATIVE_INFINITY;
    }
    let wl = 0;
    let wr = 0;
    let sl = 0;
    let sr = 0;
    if (this.mode === GINI) {
      for (let j = 0; j < k; j++) {
        const l = missingLeft ? cum[j]! + hist[mo + j]! : cum[j]!;
        const r = node[j]! - l;
        wl += l;
        sl += l * l;
        wr += r;
        sr += r * r;
      }
      return wl > 0 && wr > 0 ? sl / wl + sr / wr : Number.NEGATIVE_INFINITY;
    }
    for (let j = 0; j < k; j++) {
      const l = missingLeft ? cum[j]! + hist[mo + j]! : cum[j]!;
      const r = node[j]! - l;
      if (l > 0) {
        wl += l;
        sl += l * Math.log(l);
      }
      if (r > 0) {
        wr += r;
        sr += r * Math.log(r);
      }
    }
    return wl > 0 && wr > 0 ? sl - wl * Math.log(wl) + (sr - wr * Math.log(wr)) : Number.NEGATIVE_INFINITY;
  }

  /** Tries both missing directions for the current `cum`; records an improvement. Returns true when the best changed. */
  private consider(f: number, threshold: number, countLeft: number, categorical: boolean, onlyMissingRight: boolean): boolean {
    let changed = false;
    const right = this.evaluate(countLeft, false);
    if (right > this.bestScore) {
      this.record(f, threshold, countLeft, false, categorical, right);
      changed = true;
    }
    if (this.missCount > 0 && !onlyMissingRight) {
      const left = this.evaluate(countLeft, true);
      if (left > this.bestScore) {
        this.record(f, threshold, countLeft + this.missCount, true, categorical, left);
        changed = true;
      }
    }
    return changed;
  }

  private record(f: number, threshold: number, countLeft: number, missingLeft: boolean, categorical: boolean, score: number): void {
    this.bestScore = score;
    this.bestFeature = f;
    this.bestThreshold = threshold;
    this.bestMissingLeft = missingLeft;
    this.bestCategorical = categorical;
    this.bestCountLeft = countLeft;
    const mo = MISSING_BIN * this.width;
    for (let j = 0; j < this.width; j++) this.bestLeft[j] = missingLeft ? this.cum[j]! + this.hist[mo + j]! : this.cum[j]!;
  }

  private addBin(b: number): number {
    const k = this.width;
    const cum = this.cum;
    const hist = this.hist;
    for (let j = 0, o = b * k; j < k; j++, o++) cum[j]! += hist[o]!;
    return this.cnt[b]!;
  }

  private scanNumeric(f: number, n: number, lastBin: number): void {
    this.cum.fill(0);
    const order = this.order;
    let countLeft = 0;
    for (let i = 0; i < n; i++) {
      const b = order[i]!;
      if (i > 0) this.consider(f, (order[i - 1]! + b - 1) >> 1, countLeft, false, false);
      countLeft += this.addBin(b);
    }
    // Missing against everything else: all real bins go left.
    if (this.missCount > 0) this.consider(f, lastBin, countLeft, false, true);
  }

  /**
   * Extra trees on a numeric feature need no histogram: one pass finds the node's bin range, a cut
   * is drawn in it, and a second pass sums the rows left of it, right of it and missing.
   */
  private randomNumericDirect(f: number, lastBin: number, binsT: Uint8Array, base: number, rows: Int32Array, s: number, e: number, label: Int32Array | null, w: Float64Array, wy: Float64Array, wyy: Float64Array, rng: Random): boolean {
    let mn = 256;
    let mx = -1;
    let miss = 0;
    for (let i = s; i < e; i++) {
      const b = binsT[base + rows[i]!]!;
      if (b === MISSING_BIN) miss++;
      else {
        if (b < mn) mn = b;
        if (b > mx) mx = b;
      }
    }
    if (mx < 0 || (mn === mx && miss === 0)) return false;
    // A cut between the lowest and highest bin; with one real bin, missing against the rest.
    const t = mx > mn ? mn + rng.int(mx - mn) : lastBin;
    const k = this.width;
    const acc = this.acc;
    for (let j = 0; j < 3 * k; j++) acc[j] = 0;
    let nLeft = 0;
    if (label !== null && miss === 0) {
      // The common case without missing values: two slots, no missing test per row.
      for (let i = s; i < e; i++) {
        const r = rows[i]!;
        const left = binsT[base + r]! <= t;
        acc[(left ? 0 : k) + label[r]!]! += w[r]!;
        nLeft += left ? 1 : 0;
      }
    } else if (label === null) {
      for (let i = s; i < e; i++) {
        const r = rows[i]!;
        const b = binsT[base + r]!;
        const o = b === MISSING_BIN ? 6 : b <= t ? 0 : 3;
        acc[o]! += w[r]!;
        acc[o + 1]! += wy[r]!;
        acc[o + 2]! += wyy[r]!;
        if (o === 0) nLeft++;
      }
    } else {
      for (let i = s; i < e; i++) {
        const r = rows[i]!;
        const b = binsT[base + r]!;
        const o = b === MISSING_BIN ? 2 * k : b <= t ? 0 : k;
        acc[o + label[r]!]! += w[r]!;
        if (o === 0) nLeft++;
      }
    }
    const mo = MISSING_BIN * k;
    for (let j = 0; j < k; j++) {
      this.cum[j] = acc[j]!;
      this.hist[mo + j] = acc[2 * k + j]!;
    }
    this.missCount = miss;
    this.consider(f, t, nLeft, false, mx === mn);
    for (let j = 0; j < k; j++) this.hist[mo + j] = 0;
    return true;
  }

  private scanCategorical(f: number, n: number): void {
    const sw = this.width;
    const passes = this.mode === SQUARED || sw <= 2 ? 1 : sw;
    for (let pass = 0; pass < passes; pass++) {
      // Sort key: mean target, class-1 share (binary), or class `pass` share.
      const kc = this.mode === SQUARED ? 1 : sw === 2 ? 1 : pass;
      for (let i = 0; i < n; i++) {
        const o = this.order[i]! * sw;
        const wb = this.weightOf(this.hist, o);
        this.keys[this.order[i]!] = wb > 0 ? this.hist[o + kc]! / wb : 0;
      }
      this.sortOrder(n);
      this.cum.fill(0);
      let countLeft = 0;
      for (let i = 0; i < n; i++) {
        countLeft += this.addBin(this.order[i]!);
        const last = i === n - 1;
        if (last && this.missCount === 0) break;
        if (this.consider(f, 0, countLeft, true, last)) this.saveBits(i + 1);
      }
    }
  }

  private randomCategorical(f: number, n: number, rng: Random): void {
    this.cum.fill(0);
    let countLeft = 0;
    let nLeft = 0;
    if (n === 1) {
      countLeft += this.addBin(this.order[0]!);
      if (this.consider(f, 0, countLeft, true, true)) this.saveBits(1);
      return;
    }
    // A random proper subset: move chosen bins to the front of `order`.
    for (let i = 0; i < n; i++) {
      if ((rng.nextUint32() & 1) === 1) {
        const t = this.order[nLeft]!;
        this.order[nLeft++] = this.order[i]!;
        this.order[i] = t;
      }
    }
    if (nLeft === 0 || nLeft === n) nLeft = 1 + rng.int(n - 1);
    for (let i = 0; i < nLeft; i++) countLeft += this.addBin(this.order[i]!);
    if (this.consider(f, 0, countLeft, true, false)) this.saveBits(nLeft);
  }

  /** Insertion sort of `order[0..n)` by `keys[bin]`, ties by bin (deterministic). */
  private sortOrder(n: number): void {
    const order = this.order;
    const keys = this.keys;
    for (let i = 1; i < n; i++) {
      const b = order[i]!;
      const kb = keys[b]!;
      let j = i - 1;
      while (j >= 0 && (keys[order[j]!]! > kb || (keys[order[j]!]! === kb && order[j]! > b))) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = b;
    }
  }

  private saveBits(n: number): void {
    this.bits.fill(0);
    for (let i = 0; i < n; i++) {
      const b = this.order[i]!;
      this.bits[b >>> 5]! |= 1 << (b & 31);
    }
    this.bestBits.set(this.bits);
  }
}
