/**
 * What the samplers benchmark runs: problems, budgets and the job list of both sides, full or
 * `--quick`. Kept apart from the command so the sizes are in one place.
 */
import type { JsonValue } from "../../src/core/json.js";
import type { Side } from "./subprocess.js";

/** The problems and sizes of one benchmark run. */
export interface Plan {
  readonly seeds: readonly number[];
  /** Trials of every single-objective run but GP-BO's, and the checkpoints regret is read at. */
  readonly nTrials: number;
  readonly checkpoints: readonly number[];
  /** GP-BO's trials (it costs ~0.1–0.25 s per trial late in a run) and its checkpoints. */
  readonly gpTrials: number;
  readonly gpCheckpoints: readonly number[];
  /** One long GP-BO run for its per-trial time late in a run. */
  readonly gpTiming: { readonly problem: string; readonly seeds: readonly number[]; readonly nTrials: number };
  /** Multi-objective trials and checkpoints. */
  readonly moTrials: number;
  readonly moCheckpoints: readonly number[];
  /** Multi-fidelity resource budgets, in full evaluations. */
  readonly mfBudgets: readonly number[];
  /** Single-objective problems: the low-dimensional ones (GP-BO's target) and the 5–10-D ones (CMA-ES's). */
  readonly lowDim: readonly string[];
  readonly midDim: readonly string[];
  readonly moProblems: readonly string[];
  readonly mfProblems: readonly string[];
}

/** The full run (`seeds` 20 unless given) or the `--quick` smoke run (3 seeds, short runs). */
export function makePlan(quick: boolean, nSeeds: number | undefined): Plan {
  const seeds = Array.from({ length: nSeeds ?? (quick ? 3 : 20) }, (_, i) => i);
  return {
    seeds,
    nTrials: quick ? 100 : 300,
    checkpoints: quick ? [50, 100] : [50, 100, 300],
    gpTrials: quick ? 50 : 100,
    gpCheckpoints: quick ? [50] : [50, 100],
    gpTiming: { problem: "rosenbrock5", seeds: quick ? [0] : [0, 1], nTrials: quick ? 100 : 300 },
    moTrials: quick ? 100 : 300,
    moCheckpoints: quick ? [50, 100] : [50, 100, 300],
    mfBudgets: quick ? [10, 25] : [25, 50, 100],
    lowDim: ["branin", "hartmann6", "rosenbrock5", "ackley5"],
    midDim: ["hartmann6", "rosenbrock5", "ackley5", "levy10", "styblinski8"],
    moProblems: ["zdt1", "zdt2", "dtlz2"],
    mfProblems: ["hartmann6_mf"],
  };
}

/** One job of either side. */
export interface Job {
  readonly side: Side;
  readonly mode: "single" | "multi" | "fidelity";
  /** Sampler kind; a Hyperband fidelity job is `<kind>+hb`, GP-BO's timing run `gp-timing`. */
  readonly key: string;
  readonly sampler: string;
  readonly params?: Readonly<Record<string, JsonValue>>;
  readonly problem: string;
  readonly seeds: readonly number[];
  readonly nTrials?: number;
  readonly checkpoints: readonly number[];
  readonly hyperband?: boolean;
  /** Rough CPU seconds, to start the longest jobs first. */
  readonly estimateS: number;
}

/** The portfolio's TPE member as a single sampler: multivariate, grouped TPE. */
export const TPE_MV_PARAMS: Readonly<Record<string, JsonValue>> = { multivariate: true, group: true, warnIndependentSampling: false };

/** Rough sampler ms per trial, for ordering only. */
const COST_MS: Readonly<Record<string, number>> = { gp: 30, portfolio: 15, tpe: 1, "optuna:tpe": 10, "optuna:cmaes": 2, "optuna:nsga2": 2 };

/** The multi-fidelity configurations: key, sampler, Hyperband or not, label. */
export const FIDELITY_CONFIGS = [
  { side: "ours", key: "bohb+hb", sampler: "bohb", hyperband: true, label: "BOHB (ours) + Hyperband" },
  { side: "ours", key: "tpe+hb", sampler: "tpe", hyperband: true, label: "TPE + Hyperband" },
  { side: "optuna", key: "tpe+hb", sampler: "tpe", hyperband: true, label: "Optuna TPESampler + HyperbandPruner" },
  { side: "ours", key: "random+hb", sampler: "random", hyperband: true, label: "Random + Hyperband" },
  { side: "ours", key: "tpe", sampler: "tpe", hyperband: false, label: "TPE, every trial to full fidelity" },
  { side: "ours", key: "random", sampler: "random", hyperband: false, label: "Random, every trial to full fidelity" },
] as const;

/** Every job of a plan. Optuna's TPE runs are listed too; the command may take them from an earlier result instead. */
export function jobsOf(plan: Plan): Job[] {
  const jobs: Job[] = [];
  const single = [...new Set([...plan.lowDim, ...plan.midDim])];
  const est = (key: string, trials: number, seeds: number): number => ((COST_MS[key] ?? 0.5) * trials * seeds * (trials / 100)) / 1000;
  const n = plan.seeds.length;
  for (const problem of single) {
    for (const kind of ["tpe", "cmaes", "random"]) {
      jobs.push({ side: "ours", mode: "single", key: kind, sampler: kind, problem, seeds: plan.seeds, nTrials: plan.nTrials, checkpoints: plan.checkpoints, estimateS: est(kind, plan.nTrials, n) });
    }
    jobs.push({ side: "ours", mode: "single", key: "tpe-mv", sampler: "tpe", params: TPE_MV_PARAMS, problem, seeds: plan.seeds, nTrials: plan.nTrials, checkpoints: plan.checkpoints, estimateS: est("tpe", plan.nTrials, n) });
    jobs.push({ side: "ours", mode: "single", key: "gp", sampler: "gp", problem, seeds: plan.seeds, nTrials: plan.gpTrials, checkpoints: plan.gpCheckpoints, estimateS: est("gp", plan.gpTrials, n) });
    // The portfolio is compared where all of its members ran (GP-BO stops at gpTrials).
    jobs.push({ side: "ours", mode: "single", key: "portfolio", sampler: "portfolio", problem, seeds: plan.seeds, nTrials: plan.gpTrials, checkpoints: plan.gpCheckpoints, estimateS: est("portfolio", plan.gpTrials, n) });
    const optunaKinds = plan.midDim.includes(problem) ? ["tpe", "cmaes", "random"] : ["tpe", "cmaes"];
    for (const kind of optunaKinds) {
      jobs.push({ side: "optuna", mode: "single", key: kind, sampler: kind, problem, seeds: plan.seeds, nTrials: plan.nTrials, checkpoints: plan.checkpoints, estimateS: est(`optuna:${kind}`, plan.nTrials, n) });
    }
  }
  const t = plan.gpTiming;
  const timingCheckpoints = plan.checkpoints.filter((k) => k <= t.nTrials);
  jobs.push({ side: "ours", mode: "single", key: "gp-timing", sampler: "gp", problem: t.problem, seeds: t.seeds, nTrials: t.nTrials, checkpoints: timingCheckpoints, estimateS: est("gp", t.nTrials, t.seeds.length) });
  for (const problem of plan.moProblems) {
    for (const kind of ["nsga2", "random"]) {
      jobs.push({ side: "ours", mode: "multi", key: kind, sampler: kind, problem, seeds: plan.seeds, nTrials: plan.moTrials, checkpoints: plan.moCheckpoints, estimateS: est(kind, plan.moTrials, n) });
    }
    jobs.push({ side: "optuna", mode: "multi", key: "nsga2", sampler: "nsga2", problem, seeds: plan.seeds, nTrials: plan.moTrials, checkpoints: plan.moCheckpoints, estimateS: est("optuna:nsga2", plan.moTrials, n) });
  }
  for (const problem of plan.mfProblems) {
    for (const c of FIDELITY_CONFIGS) {
      jobs.push({ side: c.side, mode: "fidelity", key: c.key, sampler: c.sampler, problem, seeds: plan.seeds, checkpoints: plan.mfBudgets, hyperband: c.hyperband, estimateS: (c.sampler === "random" ? 0.5 : 5) * n });
    }
  }
  return jobs;
}
