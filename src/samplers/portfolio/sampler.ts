/**
 * A self-selecting portfolio: several samplers propose, and a bandit gives each trial to the one
 * whose proposals have been doing best.
 */
import { isSingle, type Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { FrozenTrial, TrialState } from "../../core/frozen-trial.js";
import type { JsonValue } from "../../core/json.js";
import { Random, deriveSeed } from "../../core/rng.js";
import type { Sampler } from "../../core/sampler.js";
import type { StudyView } from "../../core/study-view.js";
import { resolveSeed, uniformToInternal } from "../random.js";
import { createSampler, type SamplerSpec } from "../registry.js";
import { armStatistics, thompsonChoice, trialRewards } from "./bandit.js";
import { DEFAULT_MEMBERS, defaultArms } from "./members.js";

/** Trial system attribute: the label of the member that proposed the trial, or `"startup"`. */
export const PORTFOLIO_ARM_KEY = "portfolio:arm";

/** The arm of the random startup trials. */
const STARTUP = "startup";

/** Options of {@link PortfolioSampler}. */
export interface PortfolioSamplerOptions {
  /** Seed of the bandit and of every member (each gets `deriveSeed(seed, "portfolio", label)` unless its params set one). Default: fresh. */
  readonly seed?: number;
  /**
   * The members, by label, as `{ kind, params }` specs (any registered sampler kind). When given,
   * every member competes for every trial. Default: the built-in members (`tpe`, `gp`, `cmaes`,
   * `nsga2`), chosen per trial by the study's search space, objectives and budget.
   */
  readonly members?: Readonly<Record<string, SamplerSpec>>;
  /** The number of trials the study is expected to run, for the default member rules. Default: unknown. */
  readonly nTrials?: number;
  /** Complete trials sampled at random before the bandit starts. Default 10. */
  readonly nStartupTrials?: number;
  /** Per-trial discount of past rewards, in (0, 1]. Default 0.97 (evidence half-life about 23 trials). */
  readonly discount?: number;
  /** Default rules: GP applies to budgets of at most this many trials. Default 100. */
  readonly gpMaxTrials?: number;
  /** Default rules: CMA-ES applies to budgets of at least this many trials. Default 100. */
  readonly cmaesMinTrials?: number;
}

const OPTION_NAMES: readonly string[] = ["seed", "members", "nTrials", "nStartupTrials", "discount", "gpMaxTrials", "cmaesMinTrials"];

/**
 * A portfolio of samplers with a bandit that learns which one suits the problem at hand.
 *
 * Members: by default multivariate TPE, GP-BO, CMA-ES and NSGA-II, of which those that suit the
 * study compete (Optuna's guidance): with several objectives NSGA-II and TPE; with one, TPE always,
 * GP unless the space is conditional and the budget (`nTrials`, or while the trial number is) at
 * most `gpMaxTrials`, CMA-ES when the space is numeric, unconditional, at least 2-D and the budget
 * at least `cmaesMinTrials` (always when `nTrials` is not given). The space's type is read from the
 * complete trials. With `members`, the given samplers (any registered kind) all compete.
 *
 * Allocation: the first `nStartupTrials` complete trials are sampled at random. Then each trial
 * goes to one member by discounted Thompson sampling: every finished trial a member proposed earns
 * a reward in [0, 1] — the fraction of the complete trials before it that do not dominate it (with
 * one objective, the share of earlier values it equals or beats), 0 when pruned or failed (see
 * {@link trialRewards}) — discounted by `discount` per trial of age; each member's posterior is
 * Beta(1 + discounted rewards, 1 + discounted shortfalls), one draw is taken from each with
 * `deriveSeed(seed, trial.number, "portfolio")`, and the largest wins. So members that keep
 * proposing points among the best get more trials, and a member that starts slowly but improves is
 * noticed as old evidence fades.
 *
 * The chosen member is recorded as trial system attribute `portfolio:arm` (its label, or
 * `"startup"`) at the trial's first sampler call, and that trial is then sampled by that member
 * alone; its choice depends only on the seed and the trials shown, so any worker, and a fresh
 * process on the same storage, agrees. Every member sees the whole study — all trials, whichever
 * member proposed them — so what one learns is shared (TPE and GP model every trial; CMA-ES still
 * updates from its own generations only). A trial recorded with a label that is not a member
 * (the members changed) is sampled at random.
 *
 * Options: `seed`; `members` (defaults above); `nTrials` (unknown); `nStartupTrials` (10);
 * `discount` (0.97); `gpMaxTrials` (100); `cmaesMinTrials` (100). GP's cost grows as the
 * cube of the trials it models, which is why it competes only at small budgets: without `nTrials`,
 * for the first `gpMaxTrials` trials, after which TPE and CMA-ES go on with every trial GP proposed.
 *
 * @example
 * const study = await createStudy({ sampler: new PortfolioSampler({ seed: 1, nTrials: 200 }) });
 *
 * @see V. Raj and S. Kalyani, "Taming Non-stationary Bandits: A Bayesian Approach", arXiv:1707.09727, 2017 (discounted Thompson sampling).
 * @see M. Hoffman, E. Brochu and N. de Freitas, "Portfolio Allocation for Bayesian Optimization", UAI 2011.
 * @see Optuna documentation, "Which sampler should be used?" (sampler choice by space and budget).
 */
export class PortfolioSampler implements Sampler {
  readonly kind = "portfolio";
  readonly params: Readonly<Record<string, JsonValue>>;
  private readonly seed: number;
  private readonly specs: Readonly<Record<string, SamplerSpec>>;
  private readonly explicit: boolean;
  private readonly nTrials: number | undefined;
  private readonly nStartupTrials: number;
  private readonly discount: number;
  private readonly limits: { readonly gpMaxTrials: number; readonly cmaesMinTrials: number };
  private readonly members = new Map<string, Sampler>();

  constructor(options: PortfolioSamplerOptions = {}) {
    const bad = (msg: string): never => {
      throw new OuroborosError("invalid-argument", `PortfolioSampler: ${msg}`);
    };
    const unknown = Object.keys(options).filter((k) => !OPTION_NAMES.includes(k));
    if (unknown.length > 0) bad(`unknown option(s) ${unknown.map((k) => `"${k}"`).join(", ")}; expected some of ${OPTION_NAMES.join(", ")}`);
    this.seed = resolveSeed("PortfolioSampler", options.seed);
    const intAtLeast = (name: string, v: unknown, min: number): number => {
      if (!(typeof v === "number" && Number.isInteger(v) && v >= min)) bad(`${name} must be an integer >= ${min}, but got ${JSON.stringify(v)}`);
      return v as number;
    };
    this.nStartupTrials = intAtLeast("nStartupTrials", options.nStartupTrials ?? 10, 0);
    this.nTrials = options.nTrials === undefined ? undefined : intAtLeast("nTrials", options.nTrials, 1);
    const discount = options.discount ?? 0.97;
    if (!(typeof discount === "number" && discount > 0 && discount <= 1)) bad(`discount must be in (0, 1], but got ${JSON.stringify(discount)}`);
    this.discount = discount;
    this.limits = {
      gpMaxTrials: intAtLeast("gpMaxTrials", options.gpMaxTrials ?? 100, 0),
      cmaesMinTrials: intAtLeast("cmaesMinTrials", options.cmaesMinTrials ?? 100, 0),
    };
    if (options.members !== undefined) {
      const m = options.members;
      if (typeof m !== "object" || m === null || Array.isArray(m) || Object.keys(m).length === 0) {
        bad(`members must be a non-empty object of { kind, params } specs by label, but got ${JSON.stringify(m)}`);
      }
      for (const [label, spec] of Object.entries(m)) {
        if (label === STARTUP) bad(`"${STARTUP}" is reserved and cannot label a member`);
        if (typeof spec !== "object" || spec === null || typeof spec.kind !== "string") bad(`members.${label} must be a { kind, params } spec, but got ${JSON.stringify(spec)}`);
      }
    }
    this.explicit = options.members !== undefined;
    this.specs = options.members ?? DEFAULT_MEMBERS;
    // Build explicit members now, so a bad spec fails here rather than mid-study.
    if (this.explicit) for (const label of Object.keys(this.specs)) this.member(label);
    const params: Record<string, JsonValue> = {
      seed: this.seed,
      nStartupTrials: this.nStartupTrials,
      discount,
      gpMaxTrials: this.limits.gpMaxTrials,
      cmaesMinTrials: this.limits.cmaesMinTrials,
    };
    if (this.nTrials !== undefined) params["nTrials"] = this.nTrials;
    if (this.explicit) params["members"] = JSON.parse(JSON.stringify(this.specs)) as JsonValue;
    this.params = params;
  }

  beforeTrial(study: StudyView, trial: FrozenTrial): void {
    const arm = this.armOf(study, trial);
    this.member(arm)?.beforeTrial?.(study, trial);
  }

  inferRelativeSearchSpace(study: StudyView, trial: FrozenTrial): Record<string, Distribution> {
    const m = this.member(this.armOf(study, trial));
    return m ? m.inferRelativeSearchSpace(study, trial) : {};
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: Record<string, Distribution>): Record<string, number> {
    const m = this.member(this.armOf(study, trial));
    return m && Object.keys(space).length > 0 ? m.sampleRelative(study, trial, space) : {};
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    if (isSingle(distribution)) return distribution.kind === "categorical" ? 0 : distribution.low;
    const m = this.member(this.armOf(study, trial));
    if (m) return m.sampleIndependent(study, trial, name, distribution);
    return uniformToInternal(distribution, new Random(deriveSeed(this.seed, trial.number, name)).next());
  }

  afterTrial(study: StudyView, trial: FrozenTrial, state: TrialState, values: readonly number[] | undefined): void {
    const arm = trial.systemAttrs[PORTFOLIO_ARM_KEY];
    if (typeof arm === "string") this.member(arm)?.afterTrial?.(study, trial, state, values);
  }

  /**
   * The member label for a trial: the recorded `portfolio:arm`, else decided now (startup, or the
   * bandit over the members that apply) and recorded.
   */
  armOf(study: StudyView, trial: FrozenTrial): string {
    const stored = trial.systemAttrs[PORTFOLIO_ARM_KEY];
    if (typeof stored === "string") return stored;
    const arm = this.decide(study, trial);
    study.setTrialSystemAttr(trial.number, PORTFOLIO_ARM_KEY, arm);
    return arm;
  }

  /** The members that compete for this trial, in a fixed order. */
  arms(study: StudyView, trial: FrozenTrial): string[] {
    return this.explicit ? Object.keys(this.specs) : defaultArms(study, trial, this.nTrials, this.limits);
  }

  private decide(study: StudyView, trial: FrozenTrial): string {
    const trials = study.getTrials();
    let complete = 0;
    for (const t of trials) if (t.state === "complete") complete++;
    if (complete < this.nStartupTrials) return STARTUP;
    const arms = this.arms(study, trial);
    if (arms.length === 1) return arms[0] as string;
    const rewards = trialRewards(trials, study.directions);
    const armOf = (t: FrozenTrial): string | undefined => {
      const a = t.systemAttrs[PORTFOLIO_ARM_KEY];
      return typeof a === "string" ? a : undefined;
    };
    const stats = armStatistics(trials, rewards, armOf, arms, trial.number, this.discount);
    return thompsonChoice(new Random(deriveSeed(this.seed, trial.number, "portfolio")), arms, stats);
  }

  /** The member sampler with this label (built on first use), or undefined for startup and unknown labels. */
  private member(label: string): Sampler | undefined {
    let m = this.members.get(label);
    if (m) return m;
    const spec = Object.hasOwn(this.specs, label) ? this.specs[label] : undefined;
    if (spec === undefined) return undefined;
    const params = spec.params ?? {};
    const seeded = params["seed"] === undefined ? { ...params, seed: deriveSeed(this.seed, "portfolio", label) } : params;
    m = createSampler({ kind: spec.kind, params: seeded });
    this.members.set(label, m);
    return m;
  }
}
