/**
 * Hyperparameter importance of a run by PED-ANOVA (Watanabe, Bansal & Hutter 2023, "PED-ANOVA:
 * efficiently quantifying hyperparameter importance in arbitrary subspaces", IJCAI 2023).
 *
 * For each dimension, compare the marginal density of its values among the top-γ trials with the
 * density among all trials (of the subspace where the dimension exists): the importance is the
 * Pearson divergence ∫ p_all (p_top / p_all − 1)² dx. A dimension whose good values look like all
 * values is unimportant; one whose good values concentrate is important. Densities are Parzen
 * estimates on the unit interval (log-scaled where the distribution is), or smoothed frequencies
 * for categorical dimensions. Conditional dimensions (one learner family's parameters) are measured
 * over the trials of that family, which is what the local-space formulation is for. Importances are
 * normalised to sum to 1.
 */
import type { Distribution, ParamValue } from "../core/distributions.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { Importance } from "./run-record.js";

/** Options of {@link pedAnovaImportances}. */
export interface PedAnovaOptions {
  /** Quantile of best trials. Default 0.1 (at least 2 trials). */
  readonly gamma?: number;
  /** Fewer trials than this in a subspace and its dimensions are skipped. Default 8. */
  readonly minTrials?: number;
}

const GRID = 128;

function unit(d: Distribution, v: ParamValue): number {
  if (d.kind === "categorical") return d.choices.indexOf(v as never);
  const x = v as number;
  if (d.high === d.low) return 0.5;
  return d.log ? (Math.log(x) - Math.log(d.low)) / (Math.log(d.high) - Math.log(d.low)) : (x - d.low) / (d.high - d.low);
}

function kde(xs: readonly number[], grid: Float64Array): Float64Array {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  const h = Math.max(0.05, 1.06 * sd * n ** -0.2);
  const out = new Float64Array(grid.length);
  for (let g = 0; g < grid.length; g++) {
    let s = 0;
    for (const x of xs) s += Math.exp(-0.5 * ((grid[g]! - x) / h) ** 2);
    out[g] = s;
  }
  const total = out.reduce((a, b) => a + b, 0);
  for (let g = 0; g < out.length; g++) out[g]! /= total;
  return out;
}

/** Pearson divergence of the top-γ marginal from the all-trials marginal of one dimension. */
function divergence(d: Distribution, all: readonly number[], top: readonly number[]): number {
  if (d.kind === "categorical") {
    const c = d.choices.length;
    let s = 0;
    for (let k = 0; k < c; k++) {
      const pAll = (all.filter((x) => x === k).length + 0.5) / (all.length + 0.5 * c);
      const pTop = (top.filter((x) => x === k).length + 0.5) / (top.length + 0.5 * c);
      s += pAll * (pTop / pAll - 1) ** 2;
    }
    return s;
  }
  const grid = Float64Array.from({ length: GRID }, (_, i) => (i + 0.5) / GRID);
  const pAll = kde(all, grid);
  const pTop = kde(top, grid);
  let s = 0;
  for (let g = 0; g < GRID; g++) if (pAll[g]! > 1e-300) s += pAll[g]! * (pTop[g]! / pAll[g]! - 1) ** 2;
  return s;
}

/**
 * PED-ANOVA importances of the dimensions of complete, single-objective trials (see module docs).
 * `minimize` says whether lower values are better.
 */
export function pedAnovaImportances(trials: readonly FrozenTrial[], minimize: boolean, options: PedAnovaOptions = {}): Importance[] {
  const gamma = options.gamma ?? 0.1;
  const minTrials = options.minTrials ?? 8;
  const done = trials.filter((t) => t.state === "complete" && t.values !== undefined && Number.isFinite(t.values[0]!));
  const names = new Set<string>();
  for (const t of done) for (const n of Object.keys(t.params)) names.add(n);
  const raw: Importance[] = [];
  for (const name of [...names].sort()) {
    const sub = done.filter((t) => name in t.params);
    if (sub.length < minTrials) continue;
    const dist = sub[0]!.distributions[name]!;
    if (sub.some((t) => JSON.stringify(t.distributions[name]) !== JSON.stringify(dist))) continue;
    if (dist.kind === "categorical" ? dist.choices.length < 2 : dist.low === dist.high) continue;
    const sorted = [...sub].sort((a, b) => (minimize ? a.values![0]! - b.values![0]! : b.values![0]! - a.values![0]!));
    const nTop = Math.max(2, Math.ceil(gamma * sorted.length));
    const all = sorted.map((t) => unit(dist, t.params[name]!));
    const top = all.slice(0, nTop);
    raw.push({ name, value: divergence(dist, all, top) });
  }
  const total = raw.reduce((s, r) => s + r.value, 0);
  return total > 0 ? raw.map((r) => ({ name: r.name, value: r.value / total })).sort((a, b) => b.value - a.value) : raw;
}
