/**
 * The smooth part of the penalised linear-model objectives and their gradients, over a dense
 * row-major design matrix: binary logistic, multinomial (softmax) logistic and squared error.
 */
import { choleskySolve, sigmoid, softplus } from "../../numeric/dense.js";
import type { Objective } from "../../numeric/lbfgs.js";

/** Which loss a linear model minimises. */
export type LinearLoss = "logistic" | "multinomial" | "squared";

/** Inputs of {@link linearObjective}. */
export interface LinearProblem {
  readonly loss: LinearLoss;
  /** Row-major `n × p` features. */
  readonly x: Float64Array;
  readonly nRows: number;
  readonly nFeatures: number;
  /** Outputs: 1 for logistic and squared, the number of classes for multinomial. */
  readonly nOutputs: number;
  /** Class index per row (logistic: 0/1; multinomial: 0..K-1); unused for squared error. */
  readonly labels?: Int32Array;
  /** Real targets (squared error). */
  readonly targets?: Float64Array;
  /** Non-negative weight per row; the data term is Σ w_i ℓ_i / Σ w_i. */
  readonly weights: Float64Array;
  /** L2 strength λ₂ on the coefficients (never on the intercepts). */
  readonly l2: number;
  readonly fitIntercept: boolean;
}

/**
 * Parameter layout used by every linear model here: `K · p` coefficients (output k's row at
 * `k · p`), then `K` intercepts.
 */
export function parameterCount(nFeatures: number, nOutputs: number): number {
  return nOutputs * (nFeatures + 1);
}

/** The objective plus a hook that reads the data term (weighted mean loss) of the last evaluation. */
export interface LinearObjective {
  readonly fg: Objective;
  /** Weighted mean loss Σ w ℓ / Σ w at the most recently evaluated point (no penalty). */
  lastDataLoss(): number;
}

/**
 * F(θ) = Σ_i w_i ℓ(y_i, z_i) / Σ_i w_i + (λ₂/2)‖β‖², z_i = β x_i + b, with ℓ the log-loss of the
 * sigmoid / softmax or ½(z − y)². Dividing by Σ w makes gradient tolerances independent of the row
 * count; the minimiser is that of C · Σ w ℓ + penalty with λ₂ = 1 / (C Σw).
 * Intercept gradients are fixed at 0 when `fitIntercept` is false, so they stay where they start.
 */
export function linearObjective(pr: LinearProblem): LinearObjective {
  const { x, nRows: n, nFeatures: p, nOutputs: K, weights: w, l2, fitIntercept, loss } = pr;
  let sw = 0;
  for (let i = 0; i < n; i++) sw += w[i]!;
  const inv = 1 / sw;
  const z = new Float64Array(K);
  let dataLoss = Number.NaN;
  const labels = pr.labels ?? new Int32Array(0);
  const targets = pr.targets ?? new Float64Array(0);
  const fg: Objective = (theta, g) => {
    g.fill(0);
    let f = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      if (wi === 0) continue;
      const row = i * p;
      for (let k = 0; k < K; k++) {
        let s = theta[K * p + k]!;
        const c = k * p;
        for (let j = 0; j < p; j++) s += theta[c + j]! * x[row + j]!;
        z[k] = s;
      }
      if (loss === "multinomial") {
        let m = z[0]!;
        for (let k = 1; k < K; k++) if (z[k]! > m) m = z[k]!;
        let se = 0;
        for (let k = 0; k < K; k++) {
          const e = Math.exp(z[k]! - m);
          z[k] = e;
          se += e;
        }
        const yi = labels[i]!;
        // z now holds exp(z_k − m); log p_y = log z_y − log Σ.
        f += wi * (Math.log(se) - Math.log(z[yi]!));
        for (let k = 0; k < K; k++) {
          const r = wi * (z[k]! / se - (k === yi ? 1 : 0));
          if (r === 0) continue;
          const c = k * p;
          for (let j = 0; j < p; j++) g[c + j]! += r * x[row + j]!;
          g[K * p + k]! += r;
        }
      } else {
        const zi = z[0]!;
        let r: number;
        if (loss === "logistic") {
          const yi = labels[i]!;
          f += wi * (softplus(zi) - yi * zi);
          r = wi * (sigmoid(zi) - yi);
        } else {
          const d = zi - targets[i]!;
          f += wi * 0.5 * d * d;
          r = wi * d;
        }
        for (let j = 0; j < p; j++) g[j]! += r * x[row + j]!;
        g[p]! += r;
      }
    }
    f *= inv;
    dataLoss = f;
    for (let q = 0; q < K * p; q++) {
      const b = theta[q]!;
      g[q] = g[q]! * inv + l2 * b;
      f += 0.5 * l2 * b * b;
    }
    for (let k = 0; k < K; k++) g[K * p + k] = fitIntercept ? g[K * p + k]! * inv : 0;
    return f;
  };
  return { fg, lastDataLoss: () => dataLoss };
}

/** Linear scores `z = X βᵀ + b` (row-major `n × K`) for the layout of {@link parameterCount}. */
export function linearScores(theta: Float64Array, x: Float64Array, nRows: number, nFeatures: number, nOutputs: number): Float64Array {
  const p = nFeatures;
  const K = nOutputs;
  const out = new Float64Array(nRows * K);
  for (let i = 0; i < nRows; i++) {
    const row = i * p;
    for (let k = 0; k < K; k++) {
      let s = theta[K * p + k]!;
      const c = k * p;
      for (let j = 0; j < p; j++) s += theta[c + j]! * x[row + j]!;
      out[i * K + k] = s;
    }
  }
  return out;
}

/**
 * Exact minimiser of the squared-error objective of {@link linearObjective} (λ₂ ≥ 0, no L1):
 * solves the normal equations (XᵀWX / Σw + λ₂ I) β = XᵀWy / Σw, with an unpenalised intercept
 * column when `fitIntercept`, by Cholesky. Costs O(n p² + p³). Returns `undefined` when the
 * system is singular (collinear features without a penalty), so the caller can iterate instead.
 */
export function solveLeastSquares(pr: LinearProblem): Float64Array | undefined {
  const { x, nRows: n, nFeatures: p, weights: w, l2, fitIntercept } = pr;
  const targets = pr.targets;
  if (pr.loss !== "squared" || targets === undefined) throw new RangeError("solveLeastSquares needs a squared-error problem with targets");
  const q = p + (fitIntercept ? 1 : 0);
  const a = new Float64Array(q * q);
  const b = new Float64Array(q);
  const row = new Float64Array(q);
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    sw += wi;
    for (let j = 0; j < p; j++) row[j] = x[i * p + j]!;
    if (fitIntercept) row[p] = 1;
    const yi = targets[i]!;
    // Lower triangle only; the solver never reads the upper one.
    for (let j = 0; j < q; j++) {
      const v = wi * row[j]!;
      if (v === 0) continue;
      const rj = j * q;
      for (let l = 0; l <= j; l++) a[rj + l]! += v * row[l]!;
      b[j]! += v * yi;
    }
  }
  for (let j = 0; j < q * q; j++) a[j]! /= sw;
  for (let j = 0; j < q; j++) b[j]! /= sw;
  for (let j = 0; j < p; j++) a[j * q + j]! += l2;
  const z = choleskySolve(a, b, q);
  if (z === undefined) return undefined;
  const theta = new Float64Array(parameterCount(p, 1));
  theta.set(z.subarray(0, p));
  if (fitIntercept) theta[p] = z[p]!;
  return theta;
}
