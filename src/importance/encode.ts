/**
 * Parameter values as importance features: every numeric parameter on [0, 1] in the scale its
 * sampler uses, every categorical one as its choice index.
 *
 * The scale defines the measure both evaluators integrate over: a uniform float is uniform on
 * [0, 1], a log float is uniform in log space (Optuna 3.1's fANOVA uses the raw scale instead, so a
 * log-scaled learning rate's small values get almost no volume there), and a discrete parameter
 * with n points gets n cells of width 1/n with each point at its cell's centre, so a forest split
 * between two neighbouring points falls on the cell boundary and every point weighs 1/n.
 */
import { cardinality, type Distribution } from "../core/distributions.js";
import type { FeatureKind } from "./exact-forest.js";
import type { PedAnovaSpace } from "./ped-anova.js";

/** How one parameter enters the evaluators. */
export interface EncodedSpace {
  readonly feature: FeatureKind;
  readonly ped: PedAnovaSpace;
}

/** The feature kinds of a (non-single) distribution for fANOVA and PED-ANOVA. */
export function encodedSpace(d: Distribution): EncodedSpace {
  if (d.kind === "categorical") {
    const k = d.choices.length;
    return { feature: { kind: "categorical", nCategories: k }, ped: { kind: "categorical", nCategories: k } };
  }
  const n = cardinality(d);
  const discrete = Number.isFinite(n) && d.log !== true;
  return { feature: { kind: "numeric" }, ped: discrete ? { kind: "discrete", nPoints: n } : { kind: "continuous" } };
}

/** The encoded value of an internal parameter value (a number, or a categorical's index). */
export function encodeValue(d: Distribution, x: number): number {
  if (d.kind === "categorical") return x;
  if (d.low === d.high) return 0.5;
  const n = cardinality(d);
  if (d.log === true) {
    // A log int's points are cells [k − ½, k + ½] in log space, as Optuna's transform makes them.
    const pad = d.kind === "int" ? 0.5 : 0;
    const lo = Math.log(d.low - pad);
    const hi = Math.log(d.high + pad);
    return clamp01((Math.log(x) - lo) / (hi - lo));
  }
  if (Number.isFinite(n)) {
    const step = d.step ?? 1;
    const k = Math.min(n - 1, Math.max(0, Math.round((x - d.low) / step)));
    return (k + 0.5) / n;
  }
  return clamp01((x - d.low) / (d.high - d.low));
}

function clamp01(u: number): number {
  return Math.min(1, Math.max(0, u));
}
