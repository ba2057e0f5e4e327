/**
 * NSGA-II / NSGA-III behaviour through the public sampler API: generations, elitism, constraint
 * handling, resumption, option checks, and optimisation quality on ZDT1 and DTLZ2 against random
 * search at a fixed budget (a sampler that ignores its parents, or keeps the wrong ones, fails).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { FrozenTrial, StudyDirection } from "../../core/frozen-trial.js";
import type { Sampler } from "../../core/sampler.js";
import { makeFrozenTrial } from "../../testing/static-study-view.js";
import { SimulatedStudyView, simulateStudy, simulateTrial, type SimulatedObjective } from "../../testing/simulate.js";
import { RandomSampler } from "../random.js";
import { hypervolume } from "../tpe/index.js";
import { NSGAIISampler, NSGAIIISampler } from "./index.js";

const unit = (n: number): Record<string, Distribution> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x${i}`, { kind: "float", low: 0, high: 1 }]));
const xs = (params: Readonly<Record<string, unknown>>, n: number): number[] => Array.from({ length: n }, (_, i) => params[`x${i}`] as number);

/** ZDT1 with n variables (Zitzler, Deb & Thiele 2000): convex front f2 = 1 − √f1. */
function zdt1(x: readonly number[]): number[] {
  const n = x.length;
  let s = 0;
  for (let i = 1; i < n; i++) s += x[i] as number;
  const g = 1 + (9 * s) / (n - 1);
  const f1 = x[0] as number;
  return [f1, g * (1 - Math.sqrt(f1 / g))];
}

/** DTLZ2 with 3 objectives (Deb, Thiele, Laumanns & Zitzler 2002): front on the unit sphere's octant. */
function dtlz2(x: readonly number[]): number[] {
  let g = 0;
  for (let i = 2; i < x.length; i++) g += ((x[i] as number) - 0.5) ** 2;
  const a = ((x[0] as number) * Math.PI) / 2;
  const b = ((x[1] as number) * Math.PI) / 2;
  return [(1 + g) * Math.cos(a) * Math.cos(b), (1 + g) * Math.cos(a) * Math.sin(b), (1 + g) * Math.sin(a)];
}

function run(sampler: Sampler, f: (x: readonly number[]) => number[], n: number, nTrials: number): readonly FrozenTrial[] {
  const directions: StudyDirection[] = f(new Array<number>(n).fill(0.5)).map(() => "minimize");
  return simulateStudy(sampler, (t) => f(xs(t.params, n)), nTrials, unit(n), { directions }).trials;
}

const hv = (trials: readonly FrozenTrial[], ref: number[]): number => hypervolume(trials.map((t) => t.values as number[]), ref);

describe("NSGAIISampler generations", () => {
  test("each trial records its generation: one past the last one with populationSize complete trials", () => {
    const { trials } = simulateStudy(new NSGAIISampler({ seed: 1, populationSize: 10 }), (t) => xs(t.params, 2).reduce((s, v) => s + v, 0), 35, unit(2));
    assert.deepEqual(
      trials.map((t) => t.systemAttrs["nsga2:generation"]),
      trials.map((t) => Math.floor(t.number / 10)),
    );
  });

  test("failed and running trials do not fill a generation", () => {
    const sampler = new NSGAIISampler({ seed: 1, populationSize: 4 });
    const objective: SimulatedObjective = (t) => (t.number === 1 ? "fail" : t.number === 2 ? "running" : xs(t.params, 2)[0] as number);
    const { trials } = simulateStudy(sampler, objective, 8, unit(2));
    // Trials 0, 3, 4, 5 complete generation 0; trials 1 (failed) and 2 (running) belong to it too.
    assert.deepEqual(
      trials.map((t) => t.systemAttrs["nsga2:generation"]),
      [0, 0, 0, 0, 0, 0, 1, 1],
    );
  });

  test("children are built from the elite: with no mutation, every value comes from the best trials so far", () => {
    // One objective, population 10, uniform crossover and no mutation: the parents of generation g
    // are the 10 best complete trials of generations < g, so each child's values are theirs.
    const sampler = new NSGAIISampler({ seed: 3, populationSize: 10, mutationProb: 0, crossoverProb: 1 });
    const f = (x: readonly number[]): number => (x[0] as number) ** 2 + ((x[1] as number) - 0.3) ** 2;
    const { trials } = simulateStudy(sampler, (t) => f(xs(t.params, 2)), 40, unit(2));
    for (let g = 1; g < 4; g++) {
      const elite = trials
        .slice(0, 10 * g)
        .sort((a, b) => (a.value as number) - (b.value as number))
        .slice(0, 10);
      for (const t of trials.slice(10 * g, 10 * (g + 1))) {
        for (const name of ["x0", "x1"]) {
          assert.ok(
            elite.some((e) => e.internalParams[name] === t.internalParams[name]),
            `trial ${t.number} "${name}" = ${t.internalParams[name]} is not a value of the elite of generation ${g - 1}`,
          );
        }
      }
    }
  });

  test("a fresh sampler continues a study exactly (all state is in the trials)", () => {
    const objective: SimulatedObjective = (t) => zdt1(xs(t.params, 4));
    const directions: StudyDirection[] = ["minimize", "minimize"];
    const whole = simulateStudy(new NSGAIISampler({ seed: 9, populationSize: 8, crossover: "sbx" }), objective, 40, unit(4), { directions }).trials;
    const view = new SimulatedStudyView([], directions);
    simulateStudy(new NSGAIISampler({ seed: 9, populationSize: 8, crossover: "sbx" }), objective, 21, unit(4), { view });
    const resumed = simulateStudy(new NSGAIISampler({ seed: 9, populationSize: 8, crossover: "sbx" }), objective, 19, unit(4), { view }).trials;
    assert.deepEqual(
      resumed.map((t) => t.internalParams),
      whole.map((t) => t.internalParams),
    );
  });

  test("mixed spaces: categorical, log, int and stepped parameters evolve and stay valid", () => {
    const space: Record<string, Distribution> = {
      c: { kind: "categorical", choices: ["a", "b", "c", "d"] },
      lr: { kind: "float", low: 1e-5, high: 1, log: true },
      k: { kind: "int", low: 1, high: 64, log: true },
      s: { kind: "float", low: 0, high: 1, step: 0.25 },
    };
    for (const crossover of ["uniform", "blx-alpha", "sbx", "spx", "undx"] as const) {
      const objective: SimulatedObjective = (t) => {
        const p = t.params;
        return [(p.c === "c" ? 0 : 1) + Math.abs(Math.log10(p.lr as number) + 3) + (p.s as number), Math.abs((p.k as number) - 8) - (p.s as number)];
      };
      const { trials } = simulateStudy(new NSGAIISampler({ seed: 2, populationSize: 10, crossover }), objective, 80, space, { directions: ["minimize", "minimize"] });
      const late = trials.slice(60);
      const share = late.filter((t) => t.params.c === "c").length / late.length;
      assert.ok(share >= 0.5, `${crossover}: the good category is ${share * 100}% of the last 20 trials`);
      for (const t of trials) assert.ok(Number.isInteger(t.params.k) && [0, 0.25, 0.5, 0.75, 1].includes(t.params.s as number));
    }
  });
});

describe("constraint handling", () => {
  test("feasible trials dominate: the population is driven into the feasible region and to its boundary", () => {
    // Minimise −x (prefers x = 1) subject to x − 0.3 ≤ 0; the constrained optimum is x = 0.3. (With
    // one parameter the default mutation probability, 1/#params, would re-sample every value.)
    const constraintsFunc = (t: FrozenTrial): number[] => [(t.params.x0 as number) - 0.3];
    const make = (withConstraints: boolean): Sampler =>
      new NSGAIISampler({ seed: 4, populationSize: 10, crossover: "sbx", mutationProb: 0.1, ...(withConstraints ? { constraintsFunc } : {}) });
    const constrained = simulateStudy(make(true), (t) => -(t.params.x0 as number), 100, unit(1)).trials;
    for (const t of constrained) assert.deepEqual(t.systemAttrs.constraints, [(t.params.x0 as number) - 0.3]);
    const last = constrained.slice(70);
    const feasible = last.filter((t) => (t.params.x0 as number) <= 0.3);
    assert.ok(feasible.length >= 20, `only ${feasible.length} of the last 30 trials are feasible`);
    const best = Math.max(...feasible.map((t) => t.params.x0 as number));
    assert.ok(best > 0.29, `best feasible x = ${best}`);
    // Without constraints the same run heads for x = 1.
    const free = simulateStudy(make(false), (t) => -(t.params.x0 as number), 100, unit(1)).trials.slice(70);
    assert.ok(free.filter((t) => (t.params.x0 as number) > 0.3).length >= 20);
  });

  test("a constraintsFunc returning NaN is an OuroborosError", () => {
    const sampler = new NSGAIISampler({ seed: 1, constraintsFunc: () => [NaN] });
    assert.throws(
      () => simulateStudy(sampler, () => 1, 1, unit(1)),
      (e) => e instanceof OuroborosError && e.code === "invalid-value",
    );
  });
});

describe("optimisation quality against random search at equal trials", () => {
  test("ZDT1 (10 variables, 300 trials): NSGA-II's hypervolume clearly beats random search", () => {
    for (const seed of [0, 1]) {
      const nsga = hv(run(new NSGAIISampler({ seed }), zdt1, 10, 300), [11, 11]);
      const random = hv(run(new RandomSampler({ seed }), zdt1, 10, 300), [11, 11]);
      // Measured: NSGA-II 106.7–110.0 and random 98.8–100.4 over seeds 0–5 (optimum 120.67).
      assert.ok(nsga > random + 4, `seed ${seed}: NSGA-II ${nsga.toFixed(3)} vs random ${random.toFixed(3)}`);
    }
  });

  test("DTLZ2 (3 objectives, 7 variables, 300 trials): NSGA-II and NSGA-III beat random search", () => {
    const ref = [1.1, 1.1, 1.1]; // optimum 1.331 − π/6 ≈ 0.807
    for (const seed of [0, 1]) {
      const random = hv(run(new RandomSampler({ seed }), dtlz2, 7, 300), ref);
      const nsga2 = hv(run(new NSGAIISampler({ seed, populationSize: 20 }), dtlz2, 7, 300), ref);
      const nsga3 = hv(run(new NSGAIIISampler({ seed, populationSize: 20 }), dtlz2, 7, 300), ref);
      assert.ok(nsga2 > random + 0.06, `seed ${seed}: NSGA-II ${nsga2.toFixed(3)} vs random ${random.toFixed(3)}`);
      assert.ok(nsga3 > random + 0.06, `seed ${seed}: NSGA-III ${nsga3.toFixed(3)} vs random ${random.toFixed(3)}`);
    }
  });

  test("one objective: NSGA-II minimises a sphere better than random search", () => {
    const sphere = (x: readonly number[]): number[] => [x.reduce((s, v) => s + (v - 0.3) ** 2, 0)];
    const best = (s: Sampler): number => Math.min(...run(s, sphere, 5, 200).map((t) => t.value as number));
    for (const seed of [0, 1]) {
      const nsga = best(new NSGAIISampler({ seed, populationSize: 20, crossover: "blx-alpha" }));
      const random = best(new RandomSampler({ seed }));
      // Measured over seeds 0–5: BLX-α 0.0012–0.0114, random 0.033–0.075.
      assert.ok(nsga < random / 2.5, `seed ${seed}: NSGA-II ${nsga} vs random ${random}`);
    }
  });
});

describe("options", () => {
  test("invalid options are OuroborosErrors naming the option", () => {
    const bad: [string, () => unknown][] = [
      ["populationSize", () => new NSGAIISampler({ populationSize: 1 })],
      ["populationSize", () => new NSGAIISampler({ populationSize: 2, crossover: "undx" })],
      ["crossover", () => new NSGAIISampler({ crossover: "nope" as never })],
      ["mutationProb", () => new NSGAIISampler({ mutationProb: 1.5 })],
      ["crossoverProb", () => new NSGAIISampler({ crossoverProb: -0.1 })],
      ["sbxEta", () => new NSGAIISampler({ sbxEta: 0 })],
      ["unknown option", () => new NSGAIISampler({ popSize: 3 } as never)],
      ["referencePoints", () => new NSGAIIISampler({ referencePoints: [[1, 0], [0]] })],
      ["dividingParameter", () => new NSGAIIISampler({ dividingParameter: 0 })],
    ];
    for (const [name, make] of bad) {
      assert.throws(make, (e) => e instanceof OuroborosError && e.code === "invalid-argument" && e.message.includes(name.split(" ")[0] as string), name);
    }
  });

  test("NSGA-III refuses reference points of the wrong dimension once it meets the study", () => {
    const sampler = new NSGAIIISampler({ seed: 0, populationSize: 4, referencePoints: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] });
    assert.throws(
      () => simulateStudy(sampler, (t) => [t.params.x0 as number, 1 - (t.params.x0 as number)], 12, unit(1), { directions: ["minimize", "minimize"] }),
      (e) => e instanceof OuroborosError && e.message.includes("referencePoints"),
    );
  });

  test("params round-trip the options, without defaults that depend on the study", () => {
    assert.deepEqual(new NSGAIISampler({ seed: 5, crossover: "sbx", sbxEta: 15 }).params, {
      seed: 5,
      populationSize: 50,
      crossover: "sbx",
      crossoverProb: 0.9,
      swappingProb: 0.5,
      blxAlpha: 0.5,
      undxSigmaXi: 0.5,
      sbxEta: 15,
    });
    assert.equal(new NSGAIIISampler({ seed: 1, dividingParameter: 4 }).params.dividingParameter, 4);
  });

  test("a running trial asked twice keeps its generation (written once, in beforeTrial)", () => {
    const view = new SimulatedStudyView([]);
    const sampler = new NSGAIISampler({ seed: 0, populationSize: 2 });
    simulateStudy(sampler, (t) => t.params.x0 as number, 4, unit(1), { view });
    view.put(makeFrozenTrial({ number: 4, state: "running", systemAttrs: { "nsga2:generation": 1 } }));
    sampler.beforeTrial(view, view.trial(4) as FrozenTrial);
    assert.equal((view.trial(4) as FrozenTrial).systemAttrs["nsga2:generation"], 1);
    const { trial } = simulateTrial(sampler, view, 5, (t) => t.params.x0 as number, { space: unit(1) });
    assert.equal(trial.systemAttrs["nsga2:generation"], 2);
  });
});
