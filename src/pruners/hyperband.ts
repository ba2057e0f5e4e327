/**
 * Hyperband: several brackets of successive halving, from aggressive (many trials, small first
 * rung) to conservative (few trials, large first rung), each trial assigned to one bracket.
 */
import type { FrozenTrial, TrialState } from "../core/frozen-trial.js";
import { lastStep } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { Pruner } from "../core/pruner.js";
import { deriveSeed } from "../core/rng.js";
import type { StudyView } from "../core/study-view.js";
import { readReports } from "./reports.js";
import { SuccessiveHalvingPruner } from "./successive-halving.js";
import { checkInteger, invalidOption } from "./validation.js";

/** Options of {@link HyperbandPruner}. */
export interface HyperbandPrunerOptions {
  /** Steps of the first rung of the most aggressive bracket, `r` in the paper. Integer >= 1. Default 1. */
  readonly minResource?: number;
  /**
   * Steps a trial runs at most (`R · r` in the paper); `"auto"` takes the largest last step + 1 of
   * the first completed trials and stores it in the study. Default "auto".
   */
  readonly maxResource?: "auto" | number;
  /** η of every bracket's successive halving. Integer >= 2. Default 3. */
  readonly reductionFactor?: number;
  /** `bootstrapCount` of every bracket's successive halving; 0 with `maxResource: "auto"`. Default 0. */
  readonly bootstrapCount?: number;
}

/** The trial system attribute holding the trial's bracket (0: the most aggressive). */
export const HYPERBAND_BRACKET_KEY = "hyperband_bracket";

/** The study system attribute holding the resolved {@link HyperbandConfig}. */
export const HYPERBAND_CONFIG_KEY = "hyperband";

/** The resolved shape of a Hyperband run, stored in the study so samplers can find brackets. */
export interface HyperbandConfig {
  readonly minResource: number;
  readonly maxResource: number;
  readonly reductionFactor: number;
}

/** `⌊log_η(max / min)⌋ + 1`, computed in integers (no floating-point log). */
export function hyperbandBracketCount(config: HyperbandConfig): number {
  let n = 1;
  while (config.minResource * config.reductionFactor ** n <= config.maxResource) n++;
  return n;
}

/**
 * Relative number of trials each bracket gets: `⌈B · η^s / (s + 1)⌉` with `B` brackets and
 * `s = B − 1 − bracket`, the `n` of the paper's Algorithm 1 (Optuna's allocation).
 */
export function hyperbandBracketBudgets(config: HyperbandConfig): number[] {
  const n = hyperbandBracketCount(config);
  const budgets: number[] = [];
  for (let bracket = 0; bracket < n; bracket++) {
    const s = n - 1 - bracket;
    budgets.push(Math.ceil((n * config.reductionFactor ** s) / (s + 1)));
  }
  return budgets;
}

/**
 * The bracket a trial number hashes to, weighted by the budgets. Optuna also hashes the study name;
 * we do not, because a default study name is random and a seeded run must assign the same brackets
 * every time (a trial's bracket is also stored on it, so other workers agree).
 */
function hashedBracket(_studyName: string, trialNumber: number, budgets: readonly number[]): number {
  const total = budgets.reduce((a, b) => a + b, 0);
  let r = deriveSeed(0, "hyperband", trialNumber) % total;
  for (let bracket = 0; bracket < budgets.length; bracket++) {
    r -= budgets[bracket] as number;
    if (r < 0) return bracket;
  }
  return budgets.length - 1;
}

function bracketFor(
  studyName: string,
  trial: Pick<FrozenTrial, "number" | "systemAttrs">,
  budgets: readonly number[],
): number {
  const stored = trial.systemAttrs[HYPERBAND_BRACKET_KEY];
  if (typeof stored === "number" && Number.isInteger(stored) && stored >= 0 && stored < budgets.length) return stored;
  return hashedBracket(studyName, trial.number, budgets);
}

function readConfig(value: JsonValue | undefined): HyperbandConfig | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const v = value as Record<string, JsonValue>;
  const ok = (x: JsonValue | undefined, min: number): x is number => typeof x === "number" && Number.isInteger(x) && x >= min;
  if (!ok(v["minResource"], 1) || !ok(v["reductionFactor"], 2) || !ok(v["maxResource"], v["minResource"])) return undefined;
  return { minResource: v["minResource"], maxResource: v["maxResource"], reductionFactor: v["reductionFactor"] };
}

/**
 * The Hyperband bracket of a trial, for samplers: Optuna's TPE, for instance, models only the
 * trials of the current trial's bracket when the pruner is Hyperband. Reads the trial's
 * `hyperband_bracket` attribute, else derives the bracket from the configuration the pruner
 * stored in the study (`hyperband` study system attribute). Undefined when the study has no
 * Hyperband configuration yet (before the first pruning call that could resolve it).
 *
 * @example
 * ```ts
 * const bracket = hyperbandBracketOf(study, trial);
 * const peers = bracket === undefined ? study.getTrials() : study.getTrials().filter((t) => hyperbandBracketOf(study, t) === bracket);
 * ```
 */
export function hyperbandBracketOf(study: StudyView, trial: Pick<FrozenTrial, "number" | "systemAttrs">): number | undefined {
  const config = readConfig(study.systemAttrs[HYPERBAND_CONFIG_KEY]);
  if (!config) return undefined;
  return bracketFor(study.studyName, trial, hyperbandBracketBudgets(config));
}

/** A study view showing only the trials of one bracket; writes go to the study. */
class BracketStudyView implements StudyView {
  constructor(
    private readonly study: StudyView,
    private readonly bracket: number,
    private readonly budgets: readonly number[],
  ) {}

  get studyName(): string {
    return this.study.studyName;
  }

  get directions(): StudyView["directions"] {
    return this.study.directions;
  }

  get systemAttrs(): StudyView["systemAttrs"] {
    return this.study.systemAttrs;
  }

  getTrials(options?: { readonly states?: readonly TrialState[] }): readonly FrozenTrial[] {
    return this.study
      .getTrials(options)
      .filter((t) => bracketFor(this.study.studyName, t, this.budgets) === this.bracket);
  }

  setStudySystemAttr(key: string, value: JsonValue): void {
    this.study.setStudySystemAttr(key, value);
  }

  setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void {
    this.study.setTrialSystemAttr(trialNumber, key, value);
  }

  stop(): void {
    this.study.stop();
  }
}

/**
 * Prunes with Hyperband: each trial is assigned to one of several brackets, and each bracket runs
 * asynchronous successive halving ({@link SuccessiveHalvingPruner}) among its own trials only,
 * bracket `b` with `minEarlyStoppingRate = b` (its first rung ends at `minResource · η^b`).
 *
 * Successive halving needs the trade-off between many cheap trials and few well-funded ones fixed in
 * advance; Hyperband hedges by running `⌊log_η(maxResource / minResource)⌋ + 1` brackets, from the
 * most aggressive (bracket 0) to one that prunes almost nothing. A trial's bracket is a stable hash
 * of its trial number (not the study name, so seeded runs repeat whatever the study is called), weighted by the number of trials the paper's Algorithm 1
 * gives each bracket, so it needs no coordination, and is recorded as trial system attribute
 * `hyperband_bracket`. The resolved configuration is stored as study system attribute `hyperband`,
 * from which samplers find a trial's bracket with {@link hyperbandBracketOf} (to model only the
 * trials of the same bracket, as Optuna's TPE does). Nothing is kept in memory: a fresh instance,
 * in any worker, decides the same from the study.
 *
 * Multi-objective studies: every bracket's successive halving ranks rung vectors by non-dominated
 * rank and crowding distance (see {@link SuccessiveHalvingPruner}).
 *
 * Options: `minResource` = 1, `maxResource` = "auto", `reductionFactor` = 3, `bootstrapCount` = 0.
 * The bracket count is computed exactly in integers (Optuna's floating-point log can be one short,
 * for example for 243 / 1 with η = 3).
 *
 * @example
 * ```ts
 * const pruner = new HyperbandPruner({ minResource: 1, maxResource: 81, reductionFactor: 3 }); // 5 brackets
 * ```
 * @see L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh, A. Talwalkar, "Hyperband: A Novel Bandit-Based
 *   Approach to Hyperparameter Optimization", JMLR 18(185), 2018 (ICLR 2017; arXiv:1603.06560).
 * @see L. Li et al., "Massively Parallel Hyperparameter Tuning", arXiv:1810.05934, 2018 (asynchronous
 *   brackets).
 */
export class HyperbandPruner implements Pruner {
  readonly kind = "hyperband";
  readonly minResource: number;
  readonly maxResource: "auto" | number;
  readonly reductionFactor: number;
  readonly bootstrapCount: number;

  constructor(options: HyperbandPrunerOptions = {}) {
    const owner = "HyperbandPruner";
    this.minResource = checkInteger(owner, "minResource", options.minResource ?? 1, 1);
    const maxResource = options.maxResource ?? "auto";
    if (maxResource !== "auto") checkInteger(owner, "maxResource", maxResource, this.minResource);
    this.maxResource = maxResource;
    this.reductionFactor = checkInteger(owner, "reductionFactor", options.reductionFactor ?? 3, 2);
    this.bootstrapCount = checkInteger(owner, "bootstrapCount", options.bootstrapCount ?? 0, 0);
    if (this.bootstrapCount > 0 && maxResource === "auto") {
      throw invalidOption(owner, "bootstrapCount", '0 when maxResource is "auto" (give maxResource a number)', this.bootstrapCount);
    }
  }

  get params(): Readonly<Record<string, JsonValue>> {
    return {
      minResource: this.minResource,
      maxResource: this.maxResource,
      reductionFactor: this.reductionFactor,
      bootstrapCount: this.bootstrapCount,
    };
  }

  /**
   * The configuration in force: the options, with an `"auto"` `maxResource` taken from the study
   * (or estimated from its completed trials and stored). Undefined while `"auto"` has nothing to
   * estimate from. Stores the configuration in the study when it differs from the stored one.
   */
  resolveConfig(study: StudyView): HyperbandConfig | undefined {
    const stored = readConfig(study.systemAttrs[HYPERBAND_CONFIG_KEY]);
    let maxResource: number;
    if (this.maxResource !== "auto") {
      maxResource = this.maxResource;
    } else if (stored && stored.minResource === this.minResource && stored.reductionFactor === this.reductionFactor) {
      return stored;
    } else {
      let last: number | undefined;
      for (const t of study.getTrials({ states: ["complete"] })) {
        const s = lastStep(t);
        if (s !== undefined && (last === undefined || s > last)) last = s;
      }
      if (last === undefined) return undefined;
      maxResource = Math.max(last + 1, this.minResource);
    }
    const config: HyperbandConfig = { minResource: this.minResource, maxResource, reductionFactor: this.reductionFactor };
    if (
      !stored ||
      stored.minResource !== config.minResource ||
      stored.maxResource !== config.maxResource ||
      stored.reductionFactor !== config.reductionFactor
    ) {
      study.setStudySystemAttr(HYPERBAND_CONFIG_KEY, { ...config });
    }
    return config;
  }

  /** The trial's bracket (0: the most aggressive), or undefined while the configuration is unresolved. */
  bracketOf(study: StudyView, trial: Pick<FrozenTrial, "number" | "systemAttrs">): number | undefined {
    const config = this.resolveConfig(study);
    return config ? bracketFor(study.studyName, trial, hyperbandBracketBudgets(config)) : undefined;
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const reports = readReports(study, trial, "HyperbandPruner");
    if (reports.steps.length === 0) return false;
    const config = this.resolveConfig(study);
    if (!config) return false;
    const budgets = hyperbandBracketBudgets(config);
    const bracket = bracketFor(study.studyName, trial, budgets);
    if (trial.systemAttrs[HYPERBAND_BRACKET_KEY] !== bracket) {
      study.setTrialSystemAttr(trial.number, HYPERBAND_BRACKET_KEY, bracket);
    }
    const sha = new SuccessiveHalvingPruner({
      minResource: config.minResource,
      reductionFactor: config.reductionFactor,
      minEarlyStoppingRate: bracket,
      bootstrapCount: this.bootstrapCount,
    });
    return sha.prune(new BracketStudyView(study, bracket, budgets), trial);
  }
}
