/**
 * Best-split search on one feature's histogram (slots of [gradient sum, hessian sum] per bin, the
 * feature's missing bin last). Numeric features are cut at a bin threshold; categorical features by
 * a category set. Each candidate is tried with missing values on the left and on the right, and the
 * gain is XGBoost's
 *   gain = T(G_L)²/(H_L+λ) + T(G_R)²/(H_R+λ) − T(G)²/(H+λ),   T(g) = sign(g)·max(|g| − α, 0)
 * (without its factor ½, so a `minSplitGain` means what XGBoost's `gamma` means), subject to both
 * children having hessian sum ≥ `minChildWeight`. For categories, the non-empty ones are sorted by
 * G/(H+λ) and the best prefix of that order goes left: for this gain the optimal binary partition is
 * such a prefix (Fisher 1958), which is LightGBM's method.
 *
 * @see Fisher, "On grouping for maximum homogeneity", JASA 1958.
 * @see Chen & Guestrin, "XGBoost: a scalable tree boosting system", KDD 2016.
 */
import { CAT_WORDS } from "./ensemble.js";

/** A node's totals and the best split found so far (gain 0 = none); the search updates it in place. */
export interface SplitCandidate {
  readonly G: number;
  readonly H: number;
  gain: number;
  /** Active feature index of the split. */
  feat: number;
  /** Numeric: bins ≤ thr go left. */
  thr: number;
  missLeft: boolean;
  /** Gradient and hessian sums of the left child. */
  GL: number;
  HL: number;
  /** Categorical: bins going left (bit nBins = missing), else null. */
  cat: Uint32Array | null;
}

/** Regularisation that split search needs. */
export interface SplitRules {
  readonly minChildWeight: number;
  readonly lambda: number;
  readonly alpha: number;
}

/** Scratch buffers for sorting categories (reused, so the search does not allocate). */
export interface CategoryScratch {
  readonly order: Int32Array;
  readonly key: Float64Array;
}

/** Hessian sums below this fraction of the node's are rounding residue, not rows. */
const EMPTY = 1e-10;

/** Soft-thresholded gradient sum, squared, over regularised hessian: a node's score. */
export function score(g: number, h: number, alpha: number, lambda: number): number {
  if (alpha > 0) g = g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
  return (g * g) / (h + lambda);
}

/** Improves `n` with the best threshold split of numeric feature `j` (histogram offset `o`, `nb` bins). */
export function numericSplit(n: SplitCandidate, hist: Float64Array, j: number, o: number, nb: number, rules: SplitRules): void {
const { lambda, alpha } = rules;
const { G, H } = n;
  const gm = hist[o + 2 * nb]!;
  const hm = hist[o + 2 * nb + 1]!;
  // Histograms made by subtraction carry rounding residue: treat hessian sums this small as empty.
  const tiny = EMPTY * H;
  const mcw = Math.max(rules.minChildWeight, tiny);
  const hasMiss = hm > tiny;
  let last = nb - 1;
  while (last >= 0 && hist[o + 2 * last + 1]! <= tiny) last--;
  if (last < 0) return;
  const parent = score(G, H, alpha, lambda);
  const before = n.gain;
  let best = before;
  let gl = 0;
  let hl = 0;
  // Threshold b sends bins ≤ b left; b = last is only a split when missing values go right.
  const stop = hasMiss ? last : last - 1;
  for (let b = 0; b <= stop; b++) {
    const hb = hist[o + 2 * b + 1]!;
    if (hb <= tiny) continue;
    gl += hist[o + 2 * b]!;
    hl += hb;
    const hr = H - hl;
    if (hl >= mcw && hr >= mcw) {
      const gain = score(gl, hl, alpha, lambda) + score(G - gl, hr, alpha, lambda) - parent;
      if (gain > best) {
        best = gain;
        record(n, j, b, false, gl, hl, gain);
      }
    }
    if (hasMiss && b < last) {
      const glm = gl + gm;
      const hlm = hl + hm;
      const hrm = H - hlm;
      if (hlm >= mcw && hrm >= mcw) {
        const gain = score(glm, hlm, alpha, lambda) + score(G - glm, hrm, alpha, lambda) - parent;
        if (gain > best) {
          best = gain;
          record(n, j, b, true, glm, hlm, gain);
        }
      }
    }
    if (!hasMiss && hr < mcw) break;
  }
  // No training row of this node was missing: send missing values where most of the weight went.
  if (!hasMiss && best > before) n.missLeft = n.HL >= H - n.HL;
}

function record(n: SplitCandidate, j: number, thr: number, missLeft: boolean, GL: number, HL: number, gain: number): void {
  n.gain = gain;
  n.feat = j;
  n.thr = thr;
  n.missLeft = missLeft;
  n.GL = GL;
  n.HL = HL;
  n.cat = null;
}

/** Improves `n` with the best category-set split of categorical feature `j`. */
export function categoricalSplit(n: SplitCandidate, hist: Float64Array, j: number, o: number, nb: number, rules: SplitRules, scratch: CategoryScratch): void {
const { lambda, alpha } = rules;
const { G, H } = n;
  const gm = hist[o + 2 * nb]!;
  const hm = hist[o + 2 * nb + 1]!;
  const tiny = EMPTY * H;
  const mcw = Math.max(rules.minChildWeight, tiny);
  const hasMiss = hm > tiny;
  const { order, key } = scratch;
  let m = 0;
  for (let b = 0; b < nb; b++) {
    const hb = hist[o + 2 * b + 1]!;
    if (hb <= tiny) continue;
    order[m] = b;
    key[m++] = hist[o + 2 * b]! / (hb + lambda);
  }
  if (m === 0 || (m === 1 && !hasMiss)) return;
  // Insertion sort by key (few categories; stable, so ties keep bin order and stay deterministic).
  for (let i = 1; i < m; i++) {
    const b = order[i]!;
    const k = key[i]!;
    let q = i - 1;
    while (q >= 0 && key[q]! > k) {
      order[q + 1] = order[q]!;
      key[q + 1] = key[q]!;
      q--;
    }
    order[q + 1] = b;
    key[q + 1] = k;
  }
  const parent = score(G, H, alpha, lambda);
  let best = n.gain;
  let bestCount = -1;
  let bestMiss = false;
  let bestGL = 0;
  let bestHL = 0;
  let gl = 0;
  let hl = 0;
  for (let i = 0; i < m; i++) {
    const b = order[i]!;
    gl += hist[o + 2 * b]!;
    hl += hist[o + 2 * b + 1]!;
    if (i < m - 1 || hasMiss) {
      const hr = H - hl;
      if (hl >= mcw && hr >= mcw) {
        const gain = score(gl, hl, alpha, lambda) + score(G - gl, hr, alpha, lambda) - parent;
        if (gain > best) [best, bestCount, bestMiss, bestGL, bestHL] = [gain, i + 1, false, gl, hl];
      }
    }
    if (hasMiss && i < m - 1) {
      const glm = gl + gm;
      const hlm = hl + hm;
      const hrm = H - hlm;
      if (hlm >= mcw && hrm >= mcw) {
        const gain = score(glm, hlm, alpha, lambda) + score(G - glm, hrm, alpha, lambda) - parent;
        if (gain > best) [best, bestCount, bestMiss, bestGL, bestHL] = [gain, i + 1, true, glm, hlm];
      }
    }
  }
  if (bestCount < 0) return;
  const bits = new Uint32Array(CAT_WORDS);
  for (let i = 0; i < bestCount; i++) {
    const b = order[i]!;
    bits[b >> 5]! |= 1 << (b & 31);
  }
  // Without missing rows here, missing values follow the heavier side.
  const missLeft = hasMiss ? bestMiss : bestHL >= H - bestHL;
  if (missLeft) bits[nb >> 5]! |= 1 << (nb & 31);
  record(n, j, 0, missLeft, bestGL, bestHL, best);
  n.cat = bits;
}
