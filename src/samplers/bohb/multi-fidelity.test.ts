/**
 * BOHB on a multi-fidelity toy problem inside a real study: with the same Hyperband pruner and the
 * same total resource (reported steps), modelling the cheap, correlated low-budget observations
 * finds better final values than random sampling.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Random, deriveSeed } from "../../core/rng.js";
import type { Sampler } from "../../core/sampler.js";
import { HyperbandPruner, RandomSampler, TrialPruned, createStudy, type Trial } from "../../index.js";
import { BOHB_MODEL_KEY, BOHBSampler } from "./index.js";

const MAX_STEPS = 27;
const DIMS = 4;
const CENTRE = [0.7, 0.25, 0.55, 0.4];

/** The converged value f(x): a quadratic bowl with its minimum 0 at CENTRE. */
function converged(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < DIMS; i++) s += 4 * ((x[i] as number) - (CENTRE[i] as number)) ** 2;
  return s;
}

/**
 * A learning curve converging to f(x): an offset that decays with the steps and depends a little on
 * x (so low budgets rank configurations roughly, not exactly), plus noise shrinking as 1/√step.
 */
function objective(seed: number, used: { steps: number }) {
  return async (trial: Trial): Promise<number> => {
    const x = Array.from({ length: DIMS }, (_, i) => trial.suggestFloat(`x${i}`, 0, 1));
    const f = converged(x);
    const offset = 0.6 + 0.6 * (x[1] as number);
    const rng = new Random(deriveSeed(seed, "noise", trial.number));
    let v = Infinity;
    for (let step = 1; step <= MAX_STEPS; step++) {
      used.steps++;
      v = f + offset * Math.exp(-step / 6) + (0.1 * rng.normal()) / Math.sqrt(step);
      trial.report(v, step);
      if (await trial.shouldPrune()) throw new TrialPruned();
    }
    return f;
  };
}

/** Runs trials until `budget` steps were used; returns the best final value and the study. */
async function run(sampler: Sampler, seed: number, budget: number) {
  const study = await createStudy({
    direction: "minimize",
    // A fixed name: Hyperband hashes the study name and trial number to brackets.
    studyName: `multi-fidelity-${seed}`,
    sampler,
    pruner: new HyperbandPruner({ minResource: 1, maxResource: MAX_STEPS, reductionFactor: 3 }),
  });
  const used = { steps: 0 };
  const fn = objective(seed, used);
  while (used.steps < budget) await study.optimize(fn, { nTrials: 1 });
  return { best: study.bestValue, study, steps: used.steps };
}

const median = (v: readonly number[]): number => {
  const s = [...v].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

describe("BOHBSampler with HyperbandPruner on a multi-fidelity problem", () => {
  test("reaches better final values than Hyperband with random sampling at equal total resource (5 seeds)", async () => {
    const budget = 40 * MAX_STEPS;
    const bohb: number[] = [];
    const random: number[] = [];
    let usedRungModel = false;
    for (const seed of [0, 1, 2, 3, 4]) {
      const a = await run(new BOHBSampler({ seed }), seed, budget);
      const b = await run(new RandomSampler({ seed }), seed, budget);
      // Equal resource: both stop at the first trial end past the budget (one trial of overshoot at most).
      for (const r of [a, b]) assert.ok(r.steps >= budget && r.steps < budget + MAX_STEPS, `${r.steps} steps used`);
      bohb.push(a.best);
      random.push(b.best);
      const models = a.study.trials.map((t) => t.systemAttrs[BOHB_MODEL_KEY]);
      assert.ok(models.every((m) => m === "random" || m === "final" || typeof m === "number"), "every trial records its model");
      if (models.some((m) => typeof m === "number")) usedRungModel = true;
    }
    const wins = bohb.filter((v, i) => v < (random[i] as number)).length;
    assert.ok(wins >= 4, `BOHB better in ${wins} of 5 seeds: BOHB ${bohb.join(", ")}; random ${random.join(", ")}`);
    assert.ok(median(bohb) < 0.5 * median(random), `median BOHB ${median(bohb)} vs random ${median(random)}`);
    assert.ok(usedRungModel, "some trials were proposed by a model of a low budget (a rung step)");
  });
});
