/** PortfolioSampler: the bandit's allocation, recorded arms, reproducibility and the default rules. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { FrozenTrial, StudyDirection } from "../../core/frozen-trial.js";
import { deriveSeed } from "../../core/rng.js";
import { makeFrozenTrial } from "../../testing/static-study-view.js";
import { SimulatedStudyView, simulateStudy, simulateTrial, type SimulatedObjective } from "../../testing/simulate.js";
import { RandomSampler } from "../random.js";
import { PORTFOLIO_ARM_KEY, PortfolioSampler, defaultArms, trialRewards } from "./index.js";

const SPACE: Record<string, Distribution> = {
  x0: { kind: "float", low: -5, high: 5 },
  x1: { kind: "float", low: -5, high: 5 },
  x2: { kind: "float", low: -5, high: 5 },
};
const sphere: SimulatedObjective = (t) => Object.values(t.params).reduce<number>((s, v) => s + (v as number) ** 2, 0);

const TPE_VS_RANDOM = { tpe: { kind: "tpe", params: { multivariate: true } }, random: { kind: "random", params: {} } } as const;

const arms = (trials: readonly FrozenTrial[]): unknown[] => trials.map((t) => t.systemAttrs[PORTFOLIO_ARM_KEY]);
const params = (trials: readonly FrozenTrial[]): Record<string, number>[] => trials.map((t) => ({ ...t.internalParams }));

describe("PortfolioSampler", () => {
  test("the bandit moves trials to the clearly better member (TPE vs random search on a sphere)", () => {
    let tpe = 0;
    let random = 0;
    for (const seed of [0, 1, 2]) {
      const { trials } = simulateStudy(new PortfolioSampler({ seed, members: TPE_VS_RANDOM }), sphere, 80, SPACE);
      const late = arms(trials).slice(40);
      tpe += late.filter((a) => a === "tpe").length;
      random += late.filter((a) => a === "random").length;
    }
    assert.ok(tpe >= 3 * random, `trials 40–79: TPE got ${tpe}, random ${random}`);
  });

  test("records the arm of every trial: startup first, then members; a recorded arm is obeyed", () => {
    const sampler = new PortfolioSampler({ seed: 3, members: TPE_VS_RANDOM, nStartupTrials: 5 });
    const { trials } = simulateStudy(sampler, sphere, 30, SPACE);
    const recorded = arms(trials);
    assert.deepEqual(recorded.slice(0, 5), ["startup", "startup", "startup", "startup", "startup"]);
    for (const a of recorded.slice(5)) assert.ok(a === "tpe" || a === "random", `arm ${String(a)}`);
    // A trial already recorded as "random" is sampled by the random member, seeded from the portfolio's seed.
    const view = new SimulatedStudyView(trials);
    const { trial } = simulateTrial(sampler, view, 30, (t) => t.suggest("x0", SPACE["x0"] as Distribution) as number, { systemAttrs: { [PORTFOLIO_ARM_KEY]: "random" } });
    const expected = new RandomSampler({ seed: deriveSeed(3, "portfolio", "random") }).sampleIndependent(view, trial, "x0", SPACE["x0"] as Distribution);
    assert.equal(trial.internalParams["x0"], expected);
    assert.equal(trial.systemAttrs[PORTFOLIO_ARM_KEY], "random");
  });

  test("reproducible: same seed, same trials; a fresh instance resuming the study agrees with an uninterrupted run", () => {
    const make = (): PortfolioSampler => new PortfolioSampler({ seed: 4 });
    const whole = simulateStudy(make(), sphere, 50, SPACE);
    assert.deepEqual(params(simulateStudy(make(), sphere, 50, SPACE).trials), params(whole.trials));
    const first = simulateStudy(make(), sphere, 30, SPACE);
    const resumed = simulateStudy(make(), sphere, 20, SPACE, { view: first.view });
    assert.deepEqual(params(resumed.trials), params(whole.trials));
    assert.deepEqual(arms(resumed.trials), arms(whole.trials));
    assert.ok(new Set(arms(whole.trials)).size >= 3, `arms used: ${[...new Set(arms(whole.trials))].join(", ")}`);
  });

  test("a trial's arm does not depend on what the instance sampled before (parallel workers agree)", () => {
    const history = simulateStudy(new PortfolioSampler({ seed: 5 }), sphere, 25, SPACE).trials;
    const one = (sampler: PortfolioSampler, n: number): unknown => simulateTrial(sampler, new SimulatedStudyView(history), n, sphere, { space: SPACE }).trial.systemAttrs[PORTFOLIO_ARM_KEY];
    const reused = new PortfolioSampler({ seed: 5 });
    const forward = [25, 26, 27, 28, 29].map((n) => one(reused, n));
    const fresh = [29, 28, 27, 26, 25].map((n) => one(new PortfolioSampler({ seed: 5 }), n)).reverse();
    assert.deepEqual(fresh, forward);
  });

  test("rewards: the share of earlier complete trials that do not dominate a trial; 0 when pruned or failed", () => {
    const done = (number: number, values: number[]): FrozenTrial => makeFrozenTrial({ number, values });
    const trials = [done(0, [5]), done(1, [3]), done(2, [4]), makeFrozenTrial({ number: 3, state: "pruned" }), done(4, [1]), makeFrozenTrial({ number: 5, state: "running" })];
    assert.deepEqual([...trialRewards(trials, ["minimize"])], [[1, 1], [2, 0.5], [3, 0], [4, 1]]);
    assert.deepEqual([...trialRewards(trials, ["maximize"])], [[1, 0], [2, 0.5], [3, 0], [4, 0]]);
    const mo: StudyDirection[] = ["minimize", "minimize"];
    const front = [done(0, [1, 3]), done(1, [3, 1]), done(2, [2, 2]), done(3, [4, 4])];
    assert.deepEqual([...trialRewards(front, mo)], [[1, 1], [2, 1], [3, 0]]);
  });

  test("default members by search-space type and budget", () => {
    const limits = { gpMaxTrials: 100, cmaesMinTrials: 100 };
    const x: Distribution = { kind: "float", low: 0, high: 1 };
    const c: Distribution = { kind: "categorical", choices: ["a", "b"] };
    const study = (dists: Record<string, Distribution>[], directions: StudyDirection[] = ["minimize"]): SimulatedStudyView =>
      new SimulatedStudyView(
        dists.map((d, number) => makeFrozenTrial({ number, values: directions.map(() => number), distributions: d, internalParams: Object.fromEntries(Object.keys(d).map((k) => [k, 0])) })),
        directions,
      );
    const running = makeFrozenTrial({ number: 10, state: "running" });
    assert.deepEqual(defaultArms(study([{ a: x, b: x }]), running, undefined, limits), ["tpe", "gp", "cmaes"]);
    assert.deepEqual(defaultArms(study([{ a: x, b: x }]), running, 1000, limits), ["tpe", "cmaes"], "GP is for small budgets");
    assert.deepEqual(defaultArms(study([{ a: x, b: x }]), running, 50, limits), ["tpe", "gp"], "CMA-ES is for larger budgets");
    assert.deepEqual(defaultArms(study([{ a: x }]), running, undefined, limits), ["tpe", "gp"], "CMA-ES needs two dimensions");
    assert.deepEqual(defaultArms(study([{ a: x, b: c }]), running, undefined, limits), ["tpe", "gp"], "CMA-ES needs a numeric space");
    assert.deepEqual(defaultArms(study([{ a: x, b: x }, { a: x }]), running, undefined, limits), ["tpe"], "conditional spaces: TPE");
    assert.deepEqual(defaultArms(study([{ a: x, b: x }], ["minimize", "maximize"]), running, undefined, limits), ["nsga2", "tpe"]);
    assert.deepEqual(defaultArms(study([{ a: x, b: x }]), makeFrozenTrial({ number: 150, state: "running" }), undefined, limits), ["tpe", "cmaes"]);
  });

  test("rejects bad options with invalid-argument errors", () => {
    const bad = [
      { discount: 0 },
      { discount: 1.5 },
      { nStartupTrials: -1 },
      { nTrials: 0 },
      { members: {} },
      { members: { startup: { kind: "random", params: {} } } },
      { members: { a: { kind: "no-such-sampler", params: {} } } },
      { members: { a: { kind: "random", params: { nope: 1 } } } },
      { nope: 1 },
    ];
    for (const options of bad) {
      assert.throws(() => new PortfolioSampler(options as never), (e) => e instanceof OuroborosError && e.code === "invalid-argument", JSON.stringify(options));
    }
  });
});
