/**
 * Regularized evolution through the public sampler API: the random start-up, aging (the oldest
 * member dies, not the worst), tournament selection, one mutation per child, define-by-run
 * branches, maximisation, resumption by a fresh instance (in memory and from a journal file),
 * option checks, and optimisation quality against random search on the benchmark's mixed and
 * conditional problems (a sampler that ignored its parents would tie random search).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { problem, evaluate, isActive, type Params } from "../../../bench/problems.js";
import type { Distribution, ParamValue } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import { Random } from "../../core/rng.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { Sampler } from "../../core/sampler.js";
import { createStudy, loadStudy } from "../../study/create-study.js";
import type { Trial } from "../../study/trial.js";
import { makeFrozenTrial } from "../../testing/static-study-view.js";
import { SimulatedStudyView, simulateStudy, simulateTrial, type SimulatedObjective } from "../../testing/simulate.js";
import { RandomSampler } from "../random.js";
import { PARENT_KEY, RegularizedEvolutionSampler, agingPopulation, tournamentSelect, type MutationOperator } from "./index.js";

const SPACE: Record<string, Distribution> = {
  c: { kind: "categorical", choices: ["a", "b", "c", "d"] },
  i: { kind: "int", low: 0, high: 20 },
  x: { kind: "float", low: -5, high: 5 },
  y: { kind: "float", low: 1e-4, high: 1, log: true },
};
const f = (p: Readonly<Record<string, ParamValue>>): number =>
  (p.c === "c" ? 0 : 1) + ((p.i as number) - 7) ** 2 / 20 + ((p.x as number) - 1) ** 2 + (Math.log10(p.y as number) + 2) ** 2;
const objective: SimulatedObjective = (t) => f(t.params);

/** A complete trial with one float parameter `x` and a value. */
const done = (number: number, value: number, x = number / 100): FrozenTrial =>
  makeFrozenTrial({ number, value, internalParams: { x }, distributions: { x: { kind: "float", low: 0, high: 1 } }, state: "complete" });

const parentOf = (t: FrozenTrial): number | undefined => t.systemAttrs[PARENT_KEY] as number | undefined;

describe("RegularizedEvolutionSampler start-up and population", () => {
  test("samples at random (as RandomSampler with the same seed) until populationSize trials are complete", () => {
    const P = 8;
    // Trials 2 and 5 fail, so the population fills at trial 9: trials 0..9 are start-up trials.
    const failing: SimulatedObjective = (t) => (t.number === 2 || t.number === 5 ? (t.suggest("x", SPACE.x as Distribution), "fail") : objective(t));
    const evo = simulateStudy(new RegularizedEvolutionSampler({ seed: 5, populationSize: P, sampleSize: 3 }), failing, 20, SPACE).trials;
    const rnd = simulateStudy(new RandomSampler({ seed: 5 }), failing, 20, SPACE).trials;
    for (let n = 0; n < 10; n++) {
      assert.deepEqual(evo[n]?.internalParams, rnd[n]?.internalParams, `start-up trial ${n}`);
      assert.equal(parentOf(evo[n] as FrozenTrial), undefined);
    }
    for (let n = 10; n < 20; n++) assert.equal(typeof parentOf(evo[n] as FrozenTrial), "number", `trial ${n} has no parent`);
  });

  test("aging: the population is the last P complete trials, so the best trial dies of age", () => {
    // Trial 0 is by far the best; with P = 3 it is in trial 3's population but not in trial 4's.
    const history = [done(0, -100), done(1, 5), makeFrozenTrial({ number: 2, state: "fail" }), done(3, 4), done(4, 3), done(5, 2)];
    assert.deepEqual(
      agingPopulation(history, 4, 3)?.map((t) => t.number),
      [0, 1, 3],
    );
    assert.deepEqual(
      agingPopulation(history, 5, 3)?.map((t) => t.number),
      [1, 3, 4],
    );
    assert.equal(agingPopulation(history, 3, 3), undefined, "only 2 trials below 3 are complete");
    // With sampleSize = populationSize the tournament is the whole population: the parent is its best.
    const sampler = new RegularizedEvolutionSampler({ seed: 1, populationSize: 3, sampleSize: 3 });
    const parentFor = (number: number): number | undefined => {
      const view = new SimulatedStudyView(history.filter((t) => t.number < number));
      return parentOf(simulateTrial(sampler, view, number, (t) => t.suggest("x", { kind: "float", low: 0, high: 1 }) as number).trial);
    };
    assert.equal(parentFor(4), 0, "trial 0 is alive in trial 4's population");
    assert.equal(parentFor(5), 4, "trial 0 has aged out: the best of trials 1, 3, 4 (values 5, 4, 3) is trial 4");
  });

  test("tournamentSelect draws sampleSize distinct members and returns the best of them", () => {
    const losses = Float64Array.from({ length: 30 }, (_, i) => Math.sin(7 * i));
    for (let seed = 0; seed < 100; seed++) {
      const { winner, sample } = tournamentSelect(losses, 6, new Random(seed));
      assert.equal(new Set(sample).size, 6);
      const best = sample.reduce((b, i) => ((losses[i] as number) < (losses[b] as number) ? i : b));
      assert.equal(winner, best);
    }
  });

  test("tournament selection: the parent is the best of its sample, and small samples also pick weaker members", () => {
    // 20 complete trials whose value is their number: the population (P = 20) is all of them.
    const history = Array.from({ length: 20 }, (_, n) => done(n, n));
    const parents = (S: number): number[] =>
      Array.from({ length: 200 }, (_, k) => {
        const view = new SimulatedStudyView(history);
        return parentOf(simulateTrial(new RegularizedEvolutionSampler({ seed: k, populationSize: 20, sampleSize: S }), view, 20, (t) => t.suggest("x", { kind: "float", low: 0, high: 1 }) as number).trial) as number;
      });
    assert.ok(parents(20).every((p) => p === 0), "S = P always picks the best member");
    const small = parents(2);
    // The best of 2 distinct members drawn from 20 is member m with probability 2(19 − m) / 380: mean 19/3.
    const mean = small.reduce((s, p) => s + p, 0) / small.length;
    assert.ok(Math.abs(mean - 19 / 3) < 1.2, `mean parent rank ${mean} with S = 2`);
    assert.ok(small.every((p) => p < 19), "the worst member can never win a tournament of 2 distinct members");
  });
});

describe("RegularizedEvolutionSampler children", () => {
  test("a child is its parent with exactly nMutations parameters changed (categoricals to another choice)", () => {
    for (const nMutations of [1, 3]) {
      const { trials } = simulateStudy(new RegularizedEvolutionSampler({ seed: 2, populationSize: 10, sampleSize: 4, nMutations }), objective, 60, SPACE);
      for (const child of trials.slice(10)) {
        const parent = trials[parentOf(child) as number] as FrozenTrial;
        const changed = Object.keys(SPACE).filter((k) => child.internalParams[k] !== parent.internalParams[k]);
        assert.equal(changed.length, nMutations, `trial ${child.number} changed ${changed.join(", ")} from trial ${parent.number}`);
      }
    }
  });

  test("define-by-run branches: parameters the parent lacks are sampled independently, as RandomSampler would", () => {
    const branchy: SimulatedObjective = (t) => {
      const m = t.suggest("m", { kind: "categorical", choices: ["p", "q"] });
      const v = t.suggest(`${String(m)}.v`, { kind: "float", low: 0, high: 1 }) as number;
      return m === "p" ? v : 1 + v;
    };
    const { trials } = simulateStudy(new RegularizedEvolutionSampler({ seed: 3, populationSize: 6, sampleSize: 2 }), branchy, 40, {});
    const rnd = simulateStudy(new RandomSampler({ seed: 3 }), branchy, 40, {}).trials;
    let switched = 0;
    for (const child of trials.slice(6)) {
      const parent = trials[parentOf(child) as number] as FrozenTrial;
      if (child.params.m === parent.params.m) continue;
      switched++;
      // A switched branch: its parameter comes from the independent stream RandomSampler uses too.
      const name = `${String(child.params.m)}.v`;
      const expected = new RandomSampler({ seed: 3 }).sampleIndependent(new SimulatedStudyView(), child, name, { kind: "float", low: 0, high: 1 });
      assert.equal(child.internalParams[name], expected);
    }
    assert.ok(switched > 3, `only ${switched} children switched branch`);
    assert.ok(rnd.length === 40);
  });

  test("maximize: with S = P the parent is the trial with the largest value", () => {
    const history = [done(0, 1), done(1, 9), done(2, 4)];
    const view = new SimulatedStudyView(history, ["maximize"]);
    const t = simulateTrial(new RegularizedEvolutionSampler({ seed: 1, populationSize: 3, sampleSize: 3 }), view, 3, (tr) => tr.suggest("x", { kind: "float", low: 0, high: 1 }) as number);
    assert.equal(parentOf(t.trial), 1);
  });

  test("a custom mutation operator is used, and what it returns is snapped into the space", () => {
    const calls: string[][] = [];
    const mutate: MutationOperator = (params, space) => {
      calls.push(Object.keys(space).sort());
      return { ...params, x: 99, unknown: 3 };
    };
    const { trials } = simulateStudy(new RegularizedEvolutionSampler({ seed: 1, populationSize: 5, sampleSize: 2, mutate }), objective, 12, SPACE);
    assert.equal(calls.length, 7, "called once per evolved trial (trials 5..11)");
    for (const t of trials.slice(5)) assert.equal(t.params.x, 5, "x = 99 snapped to the bound 5");
  });

  test("refuses multi-objective studies and bad options with an OuroborosError", () => {
    const view = new SimulatedStudyView([], ["minimize", "minimize"]);
    assert.throws(() => simulateStudy(new RegularizedEvolutionSampler({ seed: 1 }), () => [1, 2], 1, SPACE, { view }), OuroborosError);
    for (const bad of [{ populationSize: 0 }, { sampleSize: 0 }, { populationSize: 5, sampleSize: 6 }, { nMutations: 0 }, { sigma: -1 }, { resampleProb: 2 }, { seed: Number.NaN }]) {
      assert.throws(() => new RegularizedEvolutionSampler(bad), OuroborosError, JSON.stringify(bad));
    }
    assert.throws(() => new RegularizedEvolutionSampler({ populaton: 3 } as never), /unknown option/);
  });
});

describe("RegularizedEvolutionSampler resumption", () => {
  test("a fresh instance continuing a simulated study proposes exactly what one instance would", () => {
    const make = (): Sampler => new RegularizedEvolutionSampler({ seed: 9, populationSize: 10, sampleSize: 3 });
    const whole = simulateStudy(make(), objective, 60, SPACE).trials;
    const first = simulateStudy(make(), objective, 25, SPACE);
    const rest = simulateStudy(make(), objective, 35, SPACE, { view: first.view }).trials;
    assert.deepEqual(
      rest.map((t) => t.internalParams),
      whole.map((t) => t.internalParams),
    );
  });

  test("a study stopped part-way and loaded from its journal by a new sampler continues identically", async () => {
    const obj = (t: Trial): number => {
      const c = t.suggestCategorical("c", ["a", "b", "c"]);
      const k = t.suggestInt("k", 0, 20);
      const x = t.suggestFloat("x", -5, 5);
      return (c === "b" ? 0 : 1) + (k - 7) ** 2 / 10 + (x - 1) ** 2;
    };
    const make = (): Sampler => new RegularizedEvolutionSampler({ seed: 4, populationSize: 8, sampleSize: 3 });
    const whole = await createStudy({ sampler: make() });
    await whole.optimize(obj, { nTrials: 30 });
    const dir = mkdtempSync(join(tmpdir(), "evolution-resume-"));
    try {
      const url = `file:${join(dir, "study.jsonl")}`;
      const part = await createStudy({ sampler: make(), storage: url, studyName: "s" });
      await part.optimize(obj, { nTrials: 13 });
      const resumed = await loadStudy({ studyName: "s", storage: url, sampler: make() });
      await resumed.optimize(obj, { nTrials: 17 });
      assert.deepEqual(
        resumed.trials.map((t) => t.params),
        whole.trials.map((t) => t.params),
      );
      assert.deepEqual(
        resumed.trials.map((t) => t.systemAttrs[PARENT_KEY] ?? null),
        whole.trials.map((t) => t.systemAttrs[PARENT_KEY] ?? null),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A benchmark problem as a define-by-run simulated objective (spec order, `if` conditions honoured). */
function benchObjective(name: string): SimulatedObjective {
  const spec = problem(name);
  return (t) => {
    const chosen: Record<string, ParamValue> = {};
    for (const p of spec.params) {
      if (!isActive(p, chosen)) continue;
      const d: Distribution = p.type === "categorical" ? { kind: "categorical", choices: p.choices } : { kind: p.type, low: p.low, high: p.high, ...(p.log ? { log: true } : {}) };
      chosen[p.name] = t.suggest(p.name, d);
    }
    return evaluate(name, chosen as Params);
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2;
};

describe("RegularizedEvolutionSampler beats random search", () => {
  for (const name of ["mixed", "conditional"]) {
    test(`${name}: lower median regret over 7 seeds at 250 trials, and better on most seeds`, () => {
      const optimum = problem(name).optimum;
      const best = (s: Sampler): number => Math.min(...simulateStudy(s, benchObjective(name), 250).trials.map((t) => t.value ?? Infinity)) - optimum;
      const evo: number[] = [];
      const rnd: number[] = [];
      for (let seed = 0; seed < 7; seed++) {
        evo.push(best(new RegularizedEvolutionSampler({ seed, populationSize: 25, sampleSize: 5 })));
        rnd.push(best(new RandomSampler({ seed })));
      }
      const wins = evo.filter((e, i) => e < (rnd[i] as number)).length;
      assert.ok(median(evo) < 0.5 * median(rnd), `median regret: evolution ${median(evo)}, random ${median(rnd)}`);
      assert.ok(wins >= 5, `evolution won on ${wins} of 7 seeds: ${evo.map((e, i) => `${e.toFixed(3)}/${(rnd[i] as number).toFixed(3)}`).join(" ")}`);
    });
  }
});
