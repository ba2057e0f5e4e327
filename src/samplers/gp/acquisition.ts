/**
 * The acquisition function of the GP sampler (log expected improvement times the probability of
 * feasibility, in log space) and its seeded multi-start optimiser over a mixed search space.
 */
import type { Random } from "../../core/rng.js";
import { minimizeLBFGS } from "../../numeric/lbfgs.js";
import type { GPPosterior } from "./gp.js";
import { logExpectedImprovement, logProbabilityFeasible } from "./log-ei.js";
import type { GPSearchSpace } from "./search-space.js";

/** What the acquisition function is computed from. */
export interface AcquisitionModel {
  /** Posterior of the standardised score to maximise. */
  readonly objective: GPPosterior;
  /** Best feasible standardised score observed; undefined when no observation is feasible. */
  readonly best: number | undefined;
  /** Posteriors of the standardised constraint values, each feasible where ≤ its threshold. */
  readonly constraints: readonly GPPosterior[];
  /** Feasibility thresholds of the constraints on their standardised scales. */
  readonly thresholds: readonly number[];
}

/**
 * log a(z) = log EI(z) + Σ_k log P(c_k(z) ≤ t_k), writing ∂/∂z into `grad` when given.
 *
 * Expected improvement over the best feasible observation, weighted by the probability that every
 * constraint holds (Gardner et al. 2014; Gelbart et al. 2014), independent GPs per constraint. In
 * log space the product is a sum and neither factor underflows (Ament et al. 2023). With no
 * feasible observation yet, the EI factor is dropped and the search maximises the probability of
 * feasibility alone, as Gelbart et al. do.
 *
 * @see J. R. Gardner et al., "Bayesian Optimization with Inequality Constraints", ICML 2014.
 * @see S. Ament et al., "Unexpected Improvements to Expected Improvement for Bayesian
 *   Optimization", NeurIPS 2023.
 */
export function logAcquisition(model: AcquisitionModel, z: Float64Array, grad?: Float64Array): number {
  const dim = z.length;
  let value = 0;
  const gm = grad ? new Float64Array(dim) : undefined;
  const gv = grad ? new Float64Array(dim) : undefined;
  if (grad) grad.fill(0);
  if (model.best !== undefined) {
    const p = model.objective.predict(z, gm, gv);
    const ei = logExpectedImprovement(p.mean, p.variance, model.best);
    value += ei.value;
    if (grad && gm && gv) for (let d = 0; d < dim; d++) grad[d] = (grad[d] as number) + ei.dMean * (gm[d] as number) + ei.dVariance * (gv[d] as number);
  }
  model.constraints.forEach((c, k) => {
    const p = c.predict(z, gm, gv);
    const pf = logProbabilityFeasible(p.mean - (model.thresholds[k] as number), p.variance);
    value += pf.value;
    if (grad && gm && gv) for (let d = 0; d < dim; d++) grad[d] = (grad[d] as number) + pf.dMean * (gm[d] as number) + pf.dVariance * (gv[d] as number);
  });
  return value;
}

/** log a at m points (row-major), in batch (see `GPPosterior.predictMany`). */
function logAcquisitionMany(model: AcquisitionModel, z: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m);
  const mean = new Float64Array(m);
  const variance = new Float64Array(m);
  if (model.best !== undefined) {
    model.objective.predictMany(z, m, mean, variance);
    for (let c = 0; c < m; c++) out[c] = logExpectedImprovement(mean[c] as number, variance[c] as number, model.best).value;
  }
  model.constraints.forEach((gp, k) => {
    gp.predictMany(z, m, mean, variance);
    const t = model.thresholds[k] as number;
    for (let c = 0; c < m; c++) out[c] = (out[c] as number) + logProbabilityFeasible((mean[c] as number) - t, variance[c] as number).value;
  });
  return out;
}

/** Options of {@link optimizeAcquisition}. */
export interface AcquisitionSearchOptions {
  /** Random candidates scored in the first phase. */
  readonly nCandidates: number;
  /** Local searches, started from the best candidates and the given starting points. */
  readonly nLocalSearch: number;
  /** Extra starting points for local search (the incumbent, typically), as coordinates. */
  readonly starts?: readonly Float64Array[];
}

/**
 * Maximises {@link logAcquisition} over the search space; returns the best coordinates found
 * (snapped to the space) and the value there.
 *
 * 1. `nCandidates` uniform random points (categoricals uniform over their choices, discrete
 *    coordinates snapped to their grid) are scored in one batch.
 * 2. Local searches start from the `starts` and from the best distinct candidates, up to
 *    `nLocalSearch` in all. Each alternates L-BFGS over the continuous relaxation of the numeric
 *    coordinates (projected onto [0, 1]: the objective is evaluated at the clipped point and the
 *    gradient of clipped coordinates is zeroed) with a sweep that tries every choice of every
 *    categorical, until a sweep changes nothing (at most 3 rounds) — the scheme of Optuna 4's
 *    mixed-space acquisition optimiser, with a quasi-Newton step in place of L-BFGS-B.
 * 3. Every end point is snapped to the space and rescored; the best snapped point wins, so the
 *    value reported is the value at what will be proposed.
 *
 * All randomness comes from `rng`, so the result is a function of the model and the seed.
 */
export function optimizeAcquisition(model: AcquisitionModel, space: GPSearchSpace, rng: Random, options: AcquisitionSearchOptions): { z: Float64Array; value: number } {
  const dim = space.dim;
  const m = Math.max(1, options.nCandidates);
  const cand = new Float64Array(m * dim);
  for (let c = 0; c < m; c++) {
    space.params.forEach((p, d) => {
      cand[c * dim + d] = p.categorical ? rng.int(p.choices) : rng.next();
    });
    space.snap(cand, c * dim);
  }
  const scores = logAcquisitionMany(model, cand, m);
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);

  const starts: Float64Array[] = (options.starts ?? []).map((s) => Float64Array.from(s));
  const seen = new Set(starts.map((s) => s.join()));
  for (const c of order) {
    if (starts.length >= Math.max(1, options.nLocalSearch)) break;
    const z = cand.slice(c * dim, (c + 1) * dim);
    const key = z.join();
    if (seen.has(key)) continue;
    seen.add(key);
    starts.push(z);
  }

  let best: { z: Float64Array; value: number } = { z: cand.slice((order[0] as number) * dim, ((order[0] as number) + 1) * dim), value: scores[order[0] as number] as number };
  if (!Number.isFinite(best.value)) best = { z: best.z, value: -Infinity };
  for (const start of starts) {
    const z: Float64Array = localSearch(model, space, start);
    space.snap(z);
    const v = logAcquisition(model, z);
    if (v > best.value) best = { z, value: v };
  }
  return best;
}

/** The alternating continuous / categorical local search of {@link optimizeAcquisition}. */
function localSearch(model: AcquisitionModel, space: GPSearchSpace, start: Float64Array): Float64Array {
  const dim = space.dim;
  const numeric = space.params.map((p, d) => (p.categorical ? -1 : d)).filter((d) => d >= 0);
  const z = Float64Array.from(start);
  let value = logAcquisition(model, z);
  if (!Number.isFinite(value)) return z;
  const full = new Float64Array(dim);
  const g = new Float64Array(dim);
  for (let round = 0; round < 3; round++) {
    let changed = false;
    if (numeric.length > 0) {
      const objective = (u: Float64Array, grad: Float64Array): number => {
        full.set(z);
        numeric.forEach((d, i) => {
          full[d] = Math.min(1, Math.max(0, u[i] as number));
        });
        const v = logAcquisition(model, full, g);
        numeric.forEach((d, i) => {
          const ui = u[i] as number;
          // Outside the box the clipped objective is flat in that coordinate.
          grad[i] = ui < 0 || ui > 1 ? 0 : -(g[d] as number);
        });
        return Number.isFinite(v) ? -v : Infinity;
      };
      const u0 = Float64Array.from(numeric, (d) => z[d] as number);
      const res = minimizeLBFGS(objective, u0, { maxIter: 50, gtol: 1e-6, ftol: 1e-10 });
      if (-res.f > value) {
        numeric.forEach((d, i) => {
          z[d] = Math.min(1, Math.max(0, res.x[i] as number));
        });
        value = -res.f;
        changed = true;
      }
    }
    space.params.forEach((p, d) => {
      if (!p.categorical) return;
      const current = z[d] as number;
      let bestChoice = current;
      for (let c = 0; c < p.choices; c++) {
        if (c === current) continue;
        z[d] = c;
        const v = logAcquisition(model, z);
        if (v > value) {
          value = v;
          bestChoice = c;
        }
      }
      z[d] = bestChoice;
      if (bestChoice !== current) changed = true;
    });
    if (!changed || numeric.length === dim) break;
  }
  return z;
}
