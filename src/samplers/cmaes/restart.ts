/**
 * Restart strategies: what the next CMA-ES run looks like once the current one has converged.
 */
import type { Random } from "../../core/rng.js";
import { initialState, type CmaState } from "./state.js";
import { defaultPopsize } from "./strategy.js";

/** `ipop`: double λ at every restart; `bipop`: alternate large-λ and small-λ runs by budget. */
export type RestartStrategy = "ipop" | "bipop";

/** Settings of {@link restartState}. */
export interface RestartConfig {
  readonly strategy: RestartStrategy;
  /** Factor λ grows by per large restart. Default 2. */
  readonly incPopsize: number;
  /** λ of the first run. */
  readonly basePopsize: number;
  /** σ of the first run. */
  readonly sigma0: number;
  readonly separable: boolean;
}

/**
 * The first state of the next run after `ended` stopped. The mean is drawn uniformly in [0, 1]ⁿ
 * (as Optuna restarts), σ and C reset, and the restart bookkeeping carried over. The generation
 * counter keeps counting, so trials of an earlier run can never be mistaken for this one's.
 *
 * IPOP-CMA-ES (Auger & Hansen 2005): λ ← λ·incPopsize at every restart. BIPOP-CMA-ES (Hansen
 * 2009): the first run counts as "large"; afterwards, whichever regime has used fewer evaluations
 * so far runs next: a large run with λ = λ₀·incPopsize^k (k counting large restarts) and σ₀, or a
 * small run with λ = ⌊λ₀ (½ λ_large/λ₀)^{U²}⌋ and σ = σ₀·10^{−2U}, U ~ U(0, 1), which searches
 * locally around a random point with a small budget.
 *
 * @see A. Auger and N. Hansen, "A Restart CMA Evolution Strategy With Increasing Population Size",
 *   CEC 2005.
 * @see N. Hansen, "Benchmarking a BI-Population CMA-ES on the BBOB-2009 Function Testbed", GECCO 2009.
 */
export function restartState(ended: CmaState, config: RestartConfig, rng: Random): CmaState {
  const n = ended.mean.length;
  const used = ended.popsize * ended.runGeneration;
  let budgetLarge = ended.budgetLarge;
  let budgetSmall = ended.budgetSmall;
  if (ended.regime === "small") budgetSmall += used;
  else budgetLarge += used;
  const lambda0 = Math.max(2, config.basePopsize);
  let nLarge = ended.nLarge;
  let popsize: number;
  let sigma = config.sigma0;
  let regime: CmaState["regime"] = "large";
  if (config.strategy === "bipop" && budgetSmall < budgetLarge) {
    regime = "small";
    const large = lambda0 * Math.pow(config.incPopsize, nLarge);
    const u = rng.next();
    popsize = Math.max(2, Math.floor(lambda0 * Math.pow(large / (2 * lambda0), u * u)));
    sigma = config.sigma0 * Math.pow(10, -2 * rng.next());
  } else {
    nLarge += 1;
    popsize = Math.round(lambda0 * Math.pow(config.incPopsize, nLarge));
  }
  const mean = new Float64Array(n);
  for (let i = 0; i < n; i++) mean[i] = rng.next();
  const fresh = initialState({ spaceKey: ended.spaceKey, generation: ended.generation, popsize, mean, sigma, separable: config.separable });
  return { ...fresh, restarts: ended.restarts + 1, regime, nLarge, budgetLarge, budgetSmall };
}

/** λ of the first run: the option, or 4 + ⌊3 ln n⌋. */
export function firstPopsize(n: number, popsize: number | undefined): number {
  return popsize ?? defaultPopsize(n);
}
