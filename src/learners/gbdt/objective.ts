/**
 * Boosting objectives: each turns the current margins (raw scores) into per-row gradients and
 * hessians of its loss, gives the starting margin (`baseScore`, from the target's prior), measures
 * the loss, and maps margins to predictions.
 *
 * - `logloss` (binary): p = σ(f), g = p − y, h = p(1 − p); base score = logit of the weighted
 *   positive rate.
 * - `softmax` (multiclass, K margins): g_k = p_k − [y = k], h_k = 2 p_k (1 − p_k) (XGBoost's
 *   conservative diagonal bound); base score = log of the weighted class priors, centred.
 * - `squared-error`: g = f − y, h = 1; base score = weighted mean.
 * - `absolute-error`: g = sign(f − y), h = 1; leaf values are then replaced by the weighted median of
 *   the residuals in the leaf (as XGBoost's `reg:absoluteerror` does); base score = weighted median.
 *
 * Every gradient and hessian is multiplied by the row's sample weight.
 *
 * @see Friedman, "Greedy function approximation: a gradient boosting machine", Ann. Stat. 2001.
 * @see Chen & Guestrin, "XGBoost: a scalable tree boosting system", KDD 2016 (second-order form).
 */

/** Name of a boosting objective. */
export type ObjectiveName = "logloss" | "softmax" | "squared-error" | "absolute-error";

/** Smallest hessian, so leaves of confidently-predicted rows stay finite. */
const MIN_HESS = 1e-16;

/**
 * A boosting loss. `y` is the class label (as a number) or the regression value per row; margins are
 * row-major `nRows × nOutputs`; gradients and hessians are output-major (`g[k * nRows + i]`) so the
 * tree of output k reads one contiguous slice.
 */
export interface Objective {
  readonly name: ObjectiveName;
  readonly nOutputs: number;
  /** Whether leaf values are recomputed from residuals after a tree's structure is grown. */
  readonly refreshLeaves: boolean;
  /** The starting margins. */
  baseScore(y: ArrayLike<number>, w: Float64Array | undefined): Float64Array;
  /** Writes gradients and hessians; returns the weighted mean loss of `margins`. */
  gradients(margins: Float64Array, y: ArrayLike<number>, w: Float64Array | undefined, g: Float64Array, h: Float64Array): number;
  /** The weighted mean loss of `margins`. */
  loss(margins: Float64Array, y: ArrayLike<number>, w: Float64Array | undefined): number;
}

/** The objective object for a name and number of classes. */
export function makeObjective(name: ObjectiveName, nClasses = 0): Objective {
  switch (name) {
    case "logloss":
      return LOGLOSS;
    case "softmax":
      return softmax(nClasses);
    case "squared-error":
      return SQUARED;
    case "absolute-error":
      return ABSOLUTE;
  }
}

function totalWeight(n: number, w: Float64Array | undefined): number {
  if (w === undefined) return n;
  let s = 0;
  for (let i = 0; i < n; i++) s += w[i]!;
  return s;
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

const LOGLOSS: Objective = {
  name: "logloss",
  nOutputs: 1,
  refreshLeaves: false,
  baseScore(y, w) {
    let pos = 0;
    for (let i = 0; i < y.length; i++) if (y[i] === 1) pos += w === undefined ? 1 : w[i]!;
    const total = totalWeight(y.length, w);
    const p = Math.min(1 - 1e-6, Math.max(1e-6, total > 0 ? pos / total : 0.5));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(margins, y, w, g, h) {
    const n = y.length;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const f = margins[i]!;
      const p = 1 / (1 + Math.exp(-f));
      const wi = w === undefined ? 1 : w[i]!;
      const yi = y[i] === 1 ? 1 : 0;
      g[i] = (p - yi) * wi;
      h[i] = Math.max(p * (1 - p), MIN_HESS) * wi;
      loss += wi * softplus(yi === 1 ? -f : f);
    }
    return loss / totalWeight(n, w);
  },
  loss(margins, y, w) {
    let loss = 0;
    for (let i = 0; i < y.length; i++) loss += (w === undefined ? 1 : w[i]!) * softplus(y[i] === 1 ? -margins[i]! : margins[i]!);
    return loss / totalWeight(y.length, w);
  },
};

function softmax(k: number): Objective {
  const p = new Float64Array(k);
  /** Fills `p` with the softmax of row i; returns log-sum-exp. */
  const probs = (margins: Float64Array, i: number): number => {
    const o = i * k;
    let m = -Infinity;
    for (let c = 0; c < k; c++) m = Math.max(m, margins[o + c]!);
    let s = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(margins[o + c]! - m);
      p[c] = e;
      s += e;
    }
    for (let c = 0; c < k; c++) p[c]! /= s;
    return m + Math.log(s);
  };
  return {
    name: "softmax",
    nOutputs: k,
    refreshLeaves: false,
    baseScore(y, w) {
      const prior = new Float64Array(k);
      for (let i = 0; i < y.length; i++) prior[y[i]!]! += w === undefined ? 1 : w[i]!;
      const total = totalWeight(y.length, w);
      let mean = 0;
      for (let c = 0; c < k; c++) {
        prior[c] = Math.log(Math.max(1e-6, total > 0 ? prior[c]! / total : 1 / k));
        mean += prior[c]! / k;
      }
      for (let c = 0; c < k; c++) prior[c]! -= mean;
      return prior;
    },
    gradients(margins, y, w, g, h) {
      const n = y.length;
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const lse = probs(margins, i);
        const wi = w === undefined ? 1 : w[i]!;
        const yi = y[i]!;
        for (let c = 0; c < k; c++) {
          const pc = p[c]!;
          g[c * n + i] = (c === yi ? pc - 1 : pc) * wi;
          h[c * n + i] = Math.max(2 * pc * (1 - pc), MIN_HESS) * wi;
        }
        loss += wi * (lse - margins[i * k + yi]!);
      }
      return loss / totalWeight(n, w);
    },
    loss(margins, y, w) {
      let loss = 0;
      for (let i = 0; i < y.length; i++) loss += (w === undefined ? 1 : w[i]!) * (probs(margins, i) - margins[i * k + y[i]!]!);
      return loss / totalWeight(y.length, w);
    },
  };
}

const SQUARED: Objective = {
  name: "squared-error",
  nOutputs: 1,
  refreshLeaves: false,
  baseScore(y, w) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (w === undefined ? 1 : w[i]!) * y[i]!;
    const total = totalWeight(y.length, w);
    return Float64Array.of(total > 0 ? s / total : 0);
  },
  gradients(margins, y, w, g, h) {
    let loss = 0;
    for (let i = 0; i < y.length; i++) {
      const wi = w === undefined ? 1 : w[i]!;
      const r = margins[i]! - y[i]!;
      g[i] = r * wi;
      h[i] = wi;
      loss += wi * r * r;
    }
    return loss / totalWeight(y.length, w);
  },
  loss(margins, y, w) {
    let loss = 0;
    for (let i = 0; i < y.length; i++) loss += (w === undefined ? 1 : w[i]!) * (margins[i]! - y[i]!) ** 2;
    return loss / totalWeight(y.length, w);
  },
};

const ABSOLUTE: Objective = {
  name: "absolute-error",
  nOutputs: 1,
  refreshLeaves: true,
  baseScore(y, w) {
    const rows = Int32Array.from({ length: y.length }, (_, i) => i);
    return Float64Array.of(weightedMedian(rows, 0, rows.length, (i) => y[i]!, w));
  },
  gradients(margins, y, w, g, h) {
    let loss = 0;
    for (let i = 0; i < y.length; i++) {
      const wi = w === undefined ? 1 : w[i]!;
      const r = margins[i]! - y[i]!;
      g[i] = (r > 0 ? 1 : r < 0 ? -1 : 0) * wi;
      h[i] = wi;
      loss += wi * Math.abs(r);
    }
    return loss / totalWeight(y.length, w);
  },
  loss(margins, y, w) {
    let loss = 0;
    for (let i = 0; i < y.length; i++) loss += (w === undefined ? 1 : w[i]!) * Math.abs(margins[i]! - y[i]!);
    return loss / totalWeight(y.length, w);
  },
};

/**
 * The weighted median of `value(rows[i])` for i in [start, end): the smallest value whose cumulative
 * weight reaches half the total (the lower median; 0 for an empty or zero-weight range).
 */
export function weightedMedian(rows: Int32Array, start: number, end: number, value: (row: number) => number, w: Float64Array | undefined): number {
  const m = end - start;
  if (m <= 0) return 0;
  const vals = new Float64Array(m);
  for (let i = 0; i < m; i++) vals[i] = value(rows[start + i]!);
  if (w === undefined) {
    vals.sort();
    return vals[(m - 1) >> 1]!;
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => vals[a]! - vals[b]! || a - b);
  let total = 0;
  for (let i = 0; i < m; i++) total += w[rows[start + i]!]!;
  if (!(total > 0)) return 0;
  let acc = 0;
  for (const i of order) {
    acc += w[rows[start + i]!]!;
    if (acc >= total / 2) return vals[i]!;
  }
  return vals[order[m - 1]!]!;
}
