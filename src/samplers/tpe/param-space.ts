/**
 * Model space: how TPE represents one parameter inside its Parzen estimators.
 *
 * A float is itself, a log float is log x, a log int is log x on [log(low − ½), log(high + ½)]
 * (rounded back after sampling, as Optuna does), a stepped float or a (non-log) int is its grid
 * index 0..K−1 (so its step is 1), and a categorical is its choice index.
 */
import { cardinality, snapInternal, type Distribution } from "../../core/distributions.js";

/** How one parameter is represented inside the estimator. */
export interface ParamSpace {
  readonly name: string;
  readonly distribution: Distribution;
  readonly kind: "continuous" | "discrete" | "categorical";
  /** Truncation bounds of the kernels in model space (for a grid: −½ and K − ½). */
  readonly lowEdge: number;
  readonly highEdge: number;
  /** Grid points (discrete) or choices (categorical); 0 for continuous. */
  readonly size: number;
}

/** The model-space description of a parameter (the distribution must admit more than one value). */
export function paramSpace(name: string, d: Distribution): ParamSpace {
  if (d.kind === "categorical") {
    return { name, distribution: d, kind: "categorical", lowEdge: 0, highEdge: d.choices.length, size: d.choices.length };
  }
  if (d.log === true) {
    if (d.kind === "int") {
      return { name, distribution: d, kind: "continuous", lowEdge: Math.log(d.low - 0.5), highEdge: Math.log(d.high + 0.5), size: 0 };
    }
    return { name, distribution: d, kind: "continuous", lowEdge: Math.log(d.low), highEdge: Math.log(d.high), size: 0 };
  }
  if (d.kind === "int" || d.step !== undefined) {
    const k = cardinality(d);
    return { name, distribution: d, kind: "discrete", lowEdge: -0.5, highEdge: k - 0.5, size: k };
  }
  return { name, distribution: d, kind: "continuous", lowEdge: d.low, highEdge: d.high, size: 0 };
}

/**
 * An internal value in model space, or NaN when it lies outside the distribution (an observation
 * made under another range is then left out). Categorical indices pass through unchanged.
 */
export function toModelSpace(p: ParamSpace, x: number): number {
  const d = p.distribution;
  if (d.kind === "categorical") return Number.isInteger(x) && x >= 0 && x < p.size ? x : NaN;
  const tol = 1e-9 * Math.max(Math.abs(d.low), Math.abs(d.high), 1e-300);
  if (!(x >= d.low - tol && x <= d.high + tol)) return NaN;
  if (d.log === true) return Math.log(Math.min(d.high, Math.max(d.low, x)));
  if (p.kind === "discrete") {
    const k = Math.round((x - d.low) / (d.step ?? 1));
    return Math.min(p.size - 1, Math.max(0, k));
  }
  return x;
}

/** The internal value (inside the distribution, on its grid) for a model-space point. */
export function fromModelSpace(p: ParamSpace, u: number): number {
  const d = p.distribution;
  if (d.kind === "categorical") return Math.min(p.size - 1, Math.max(0, Math.round(u)));
  if (p.kind === "discrete") {
    const k = Math.min(p.size - 1, Math.max(0, Math.round(u)));
    return snapInternal(d, d.low + k * (d.step ?? 1));
  }
  if (d.log === true) return snapInternal(d, Math.exp(u));
  return snapInternal(d, u);
}
