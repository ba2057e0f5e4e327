/**
 * The portfolio's default members and which of them apply to a study, by search-space type and
 * budget (Optuna's guidance on choosing a sampler).
 */
import { isSingle, type Distribution } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { StudyView } from "../../core/study-view.js";
import type { SamplerSpec } from "../registry.js";

/** The default members, by label: multivariate TPE, GP-BO, CMA-ES and NSGA-II. */
export const DEFAULT_MEMBERS: Readonly<Record<string, SamplerSpec>> = {
  tpe: { kind: "tpe", params: { multivariate: true, group: true, warnIndependentSampling: false } },
  // A cheaper acquisition search than GPSampler's default 1024 candidates keeps a portfolio trial affordable.
  gp: { kind: "gp", params: { nPreliminarySamples: 256 } },
  cmaes: { kind: "cmaes", params: { warnIndependentSampling: false } },
  nsga2: { kind: "nsga2", params: {} },
};

/** Budget limits of the default rules. */
export interface DefaultRuleLimits {
  /** GP applies while the budget is at most this many trials. */
  readonly gpMaxTrials: number;
  /** CMA-ES applies when the budget is at least this many trials. */
  readonly cmaesMinTrials: number;
}

/** What the complete trials say about the search space. */
interface SpaceShape {
  /** Non-single parameters seen in complete trials. */
  readonly dimensions: number;
  /** Some non-single parameter is categorical. */
  readonly categorical: boolean;
  /** Some complete trial lacks a parameter another one has (a define-by-run branch). */
  readonly conditional: boolean;
}

function shapeOf(trials: readonly FrozenTrial[]): SpaceShape {
  const union = new Map<string, Distribution>();
  let complete = 0;
  for (const t of trials) {
    if (t.state !== "complete") continue;
    complete++;
    for (const [name, d] of Object.entries(t.distributions)) if (!union.has(name)) union.set(name, d);
  }
  let conditional = false;
  for (const t of trials) {
    if (t.state !== "complete") continue;
    for (const name of union.keys()) if (!(name in t.distributions)) conditional = true;
    if (conditional) break;
  }
  let dimensions = 0;
  let categorical = false;
  for (const d of union.values()) {
    if (isSingle(d)) continue;
    dimensions++;
    if (d.kind === "categorical") categorical = true;
  }
  return { dimensions, categorical, conditional: conditional && complete > 0 };
}

/**
 * The default members that apply to the trial, in a fixed order:
 * - several objectives: NSGA-II and (multi-objective) TPE;
 * - one objective: TPE always; GP when the space has no conditional parameters and the budget is
 *   at most `gpMaxTrials`; CMA-ES when every parameter is numeric, there are at least two, none is
 *   conditional, and the budget is at least `cmaesMinTrials`.
 *
 * The budget is `nTrials` when given; otherwise GP applies while the trial number is below
 * `gpMaxTrials` and CMA-ES always (the bandit decides whether it pays off).
 */
export function defaultArms(study: StudyView, trial: FrozenTrial, nTrials: number | undefined, limits: DefaultRuleLimits): string[] {
  if (study.directions.length > 1) return ["nsga2", "tpe"];
  const shape = shapeOf(study.getTrials());
  const arms = ["tpe"];
  const gpBudget = nTrials ?? trial.number + 1;
  if (!shape.conditional && gpBudget <= limits.gpMaxTrials) arms.push("gp");
  const cmaBudgetOk = nTrials === undefined || nTrials >= limits.cmaesMinTrials;
  if (!shape.conditional && !shape.categorical && shape.dimensions >= 2 && cmaBudgetOk) arms.push("cmaes");
  return arms;
}
