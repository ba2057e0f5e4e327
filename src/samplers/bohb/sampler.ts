/**
 * BOHB-style multi-fidelity sampling: a multivariate TPE model fitted on the largest budget that has
 * enough observations, meant to run under the Hyperband pruner.
 */
import { isSingle, type Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { JsonValue } from "../../core/json.js";
import { Random, deriveSeed } from "../../core/rng.js";
import type { Sampler } from "../../core/sampler.js";
import type { StudyView } from "../../core/study-view.js";
import { resolveSeed, uniformToInternal } from "../random.js";
import { TPESampler } from "../tpe/index.js";
import { BudgetLevels, LevelStudyView, hyperbandRungSteps, type BudgetLevel } from "./budget-levels.js";

/** Trial system attribute: the budget level whose model proposed the trial (a step or `"final"`), or `"random"`. */
export const BOHB_MODEL_KEY = "bohb:model";

/** Options of {@link BOHBSampler}. */
export interface BOHBSamplerOptions {
  /** Seed of every draw. Default: a fresh random seed, reported in `params`. */
  readonly seed?: number;
  /** Probability that a trial is sampled uniformly at random even when a model exists. In [0, 1]. Default 1/3. */
  readonly randomFraction?: number;
  /**
   * A budget level is modelled once it has more than this many observations. Default: the number
   * of non-single parameters seen in the study plus one (BOHB's `N_min = d + 1`).
   */
  readonly minPointsInModel?: number;
  /** Percentage of a level's observations modelled as "good" (by l(x)); at least one. Default 15. */
  readonly topNPercent?: number;
  /** Candidates drawn from l(x) per proposal; the one maximising l(x)/g(x) wins. Default 64. */
  readonly nEICandidates?: number;
  /**
   * Rung-end steps to use as budget levels, ascending. Default: those of the Hyperband
   * configuration the pruner stored in the study (`minResource · η^k ≤ maxResource`).
   */
  readonly budgets?: readonly number[];
  /**
   * Show the model the trials pruned before reaching its level too, as bad observations (ranked
   * after every trial that reached the level, deeper first, as TPE ranks pruned trials). Default true.
   */
  readonly includeStoppedTrials?: boolean;
}

const OPTION_NAMES: readonly string[] = ["seed", "randomFraction", "minPointsInModel", "topNPercent", "nEICandidates", "budgets", "includeStoppedTrials"];

/**
 * BOHB-style model-based multi-fidelity search: Hyperband decides how long each trial runs, and a
 * multivariate TPE (kernel density) model decides which configurations it runs.
 *
 * Per trial: with probability `randomFraction` (drawn from `deriveSeed(seed, trial.number,
 * "bohb")`) the trial is sampled uniformly at random. Otherwise the budget levels are the rung-end
 * steps of the Hyperband configuration stored in the study by {@link HyperbandPruner} (or
 * `budgets`), plus "final" (complete trials' objective values, the largest budget). A trial's
 * observation at a rung is its report at the first reported step at or after the rung end — what
 * successive halving compares there — including pruned trials and running trials past the rung.
 * The model is fitted on the **largest level with more than `minPointsInModel` observations**:
 * those trials are shown to a multivariate, grouped {@link TPESampler} (γ = `topNPercent`%, no
 * startup phase) as complete trials valued by their observation there — and, with
 * `includeStoppedTrials`, the trials pruned before reaching the level as pruned trials, which TPE
 * ranks after all of those (deeper first), so what Hyperband eliminated informs g(x) — and TPE
 * proposes the point maximising l(x)/g(x) among `nEICandidates` draws from l. Until some level has enough
 * observations, trials are sampled at random. So the cheap, plentiful low-budget observations
 * steer the search early, and the model moves up to larger budgets as they fill (Falkner et al.
 * 2018, Algorithm 2). Unlike Optuna's TPE with Hyperband, trials of every bracket are pooled.
 *
 * Which model proposed each trial is recorded as trial system attribute `bohb:model` (the level's
 * step, `"final"` or `"random"`), decided at the trial's first sampler call, so later calls and any
 * worker agree. No other state is kept: a fresh instance on the same study samples the same.
 * Differences from the paper: TPE's kernels and bandwidths (Optuna's) replace BOHB's statsmodels
 * KDE and its bandwidth factor; stopped trials join the model by default (the paper models only
 * the level's observations: `includeStoppedTrials: false`; on the multi-fidelity test problem the
 * default reached an about 3× lower median final value). Multi-objective studies are refused.
 *
 * Options: `seed`; `randomFraction` (1/3); `minPointsInModel` (d + 1); `topNPercent` (15);
 * `nEICandidates` (64); `budgets` (from the Hyperband configuration); `includeStoppedTrials` (true).
 *
 * @example
 * const study = await createStudy({
 *   sampler: new BOHBSampler({ seed: 1 }),
 *   pruner: new HyperbandPruner({ minResource: 1, maxResource: 81, reductionFactor: 3 }),
 * });
 *
 * @see S. Falkner, A. Klein and F. Hutter, "BOHB: Robust and Efficient Hyperparameter Optimization
 *   at Scale", ICML 2018 (arXiv:1807.01774).
 * @see L. Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter Optimization", JMLR 2018.
 */
export class BOHBSampler implements Sampler {
  readonly kind = "bohb";
  readonly params: Readonly<Record<string, JsonValue>>;
  private readonly seed: number;
  private readonly randomFraction: number;
  private readonly minPointsInModel: number | undefined;
  private readonly topNPercent: number;
  private readonly nEICandidates: number;
  private readonly budgets: readonly number[] | undefined;
  private readonly levels: BudgetLevels;
  /** One TPE per level, so each keeps caches over a list of trials that only grows. */
  private readonly models = new Map<BudgetLevel, TPESampler>();

  constructor(options: BOHBSamplerOptions = {}) {
    const bad = (msg: string): never => {
      throw new OuroborosError("invalid-argument", `BOHBSampler: ${msg}`);
    };
    const unknown = Object.keys(options).filter((k) => !OPTION_NAMES.includes(k));
    if (unknown.length > 0) bad(`unknown option(s) ${unknown.map((k) => `"${k}"`).join(", ")}; expected some of ${OPTION_NAMES.join(", ")}`);
    this.seed = resolveSeed("BOHBSampler", options.seed);
    const randomFraction = options.randomFraction ?? 1 / 3;
    if (!(typeof randomFraction === "number" && randomFraction >= 0 && randomFraction <= 1)) bad(`randomFraction must be in [0, 1], but got ${JSON.stringify(randomFraction)}`);
    const mp = options.minPointsInModel;
    if (mp !== undefined && !(Number.isInteger(mp) && mp >= 1)) bad(`minPointsInModel must be an integer >= 1, but got ${JSON.stringify(mp)}`);
    const top = options.topNPercent ?? 15;
    if (!(typeof top === "number" && top > 0 && top < 100)) bad(`topNPercent must be in (0, 100), but got ${JSON.stringify(top)}`);
    const nEI = options.nEICandidates ?? 64;
    if (!(Number.isInteger(nEI) && nEI >= 1)) bad(`nEICandidates must be a positive integer, but got ${JSON.stringify(nEI)}`);
    if (options.budgets !== undefined) {
      const b = options.budgets;
      const ok = Array.isArray(b) && b.length > 0 && b.every((s, i) => Number.isInteger(s) && s >= 0 && (i === 0 || s > (b[i - 1] as number)));
      if (!ok) bad(`budgets must be a non-empty ascending array of integer steps, but got ${JSON.stringify(b)}`);
    }
    this.randomFraction = randomFraction;
    this.minPointsInModel = mp;
    this.topNPercent = top;
    this.nEICandidates = nEI;
    this.budgets = options.budgets === undefined ? undefined : [...options.budgets];
    const includeStopped = options.includeStoppedTrials ?? true;
    if (typeof includeStopped !== "boolean") bad(`includeStoppedTrials must be a boolean, but got ${JSON.stringify(includeStopped)}`);
    this.levels = new BudgetLevels(includeStopped);
    const params: Record<string, JsonValue> = { seed: this.seed, randomFraction, topNPercent: top, nEICandidates: nEI, includeStoppedTrials: includeStopped };
    if (mp !== undefined) params["minPointsInModel"] = mp;
    if (this.budgets !== undefined) params["budgets"] = [...this.budgets];
    this.params = params;
  }

  /** The relative space of the chosen level's TPE; empty for a random trial. */
  inferRelativeSearchSpace(study: StudyView, trial: FrozenTrial): Record<string, Distribution> {
    const level = this.modelOf(study, trial);
    if (level === "random") return {};
    return this.model(level).inferRelativeSearchSpace(new LevelStudyView(study, this.levels, level), trial);
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: Record<string, Distribution>): Record<string, number> {
    const level = this.modelOf(study, trial);
    if (level === "random" || Object.keys(space).length === 0) return {};
    return this.model(level).sampleRelative(new LevelStudyView(study, this.levels, level), trial, space);
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    if (isSingle(distribution)) return distribution.kind === "categorical" ? 0 : distribution.low;
    const level = this.modelOf(study, trial);
    if (level === "random") return uniformToInternal(distribution, new Random(deriveSeed(this.seed, trial.number, name)).next());
    return this.model(level).sampleIndependent(new LevelStudyView(study, this.levels, level), trial, name, distribution);
  }

  /**
   * The model that proposes this trial: the recorded `bohb:model` attribute, else decided now (the
   * random draw, then the largest level with enough observations) and recorded.
   */
  private modelOf(study: StudyView, trial: FrozenTrial): BudgetLevel | "random" {
    if (study.directions.length !== 1) {
      throw new OuroborosError("invalid-argument", `BOHBSampler supports single-objective studies only, but the study has ${study.directions.length} objectives`);
    }
    const stored = trial.systemAttrs[BOHB_MODEL_KEY];
    if (stored === "random" || stored === "final" || (typeof stored === "number" && Number.isInteger(stored))) return stored;
    const decided = this.decide(study, trial);
    study.setTrialSystemAttr(trial.number, BOHB_MODEL_KEY, decided);
    return decided;
  }

  private decide(study: StudyView, trial: FrozenTrial): BudgetLevel | "random" {
    if (new Random(deriveSeed(this.seed, trial.number, "bohb")).next() < this.randomFraction) return "random";
    const all = study.getTrials();
    const steps = this.budgets ?? hyperbandRungSteps(study);
    const levels: BudgetLevel[] = [...steps, "final"];
    let minPoints = this.minPointsInModel;
    if (minPoints === undefined) {
      const names = new Set<string>();
      for (const t of all) for (const [name, d] of Object.entries(t.distributions)) if (!isSingle(d)) names.add(name);
      minPoints = names.size + 1;
    }
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i] as BudgetLevel;
      let observed = 0;
      for (const t of this.levels.trialsAt(all, level)) if (t.state === "complete") observed++;
      if (observed > minPoints) return level;
    }
    return "random";
  }

  private model(level: BudgetLevel): TPESampler {
    let m = this.models.get(level);
    if (!m) {
      const fraction = this.topNPercent / 100;
      m = new TPESampler({
        seed: this.seed,
        nStartupTrials: 0,
        nEICandidates: this.nEICandidates,
        multivariate: true,
        group: true,
        warnIndependentSampling: false,
        gamma: (n) => Math.max(1, Math.ceil(fraction * n)),
      });
      this.models.set(level, m);
    }
    return m;
  }
}
