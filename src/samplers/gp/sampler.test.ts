import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { SimulatedStudyView, simulateStudy, simulateTrial, type SimulatedObjective } from "../../testing/simulate.js";
import { RandomSampler } from "../random.js";
import { GPSampler } from "./index.js";

const unit = (name: string): [string, Distribution] => [name, { kind: "float", low: 0, high: 1 }];

const BRANIN_SPACE: Record<string, Distribution> = { x1: { kind: "float", low: -5, high: 10 }, x2: { kind: "float", low: 0, high: 15 } };
const BRANIN_MIN = 0.39788735772973816;
const branin: SimulatedObjective = (t) => {
  const x1 = t.params.x1 as number;
  const x2 = t.params.x2 as number;
  const b = 5.1 / (4 * Math.PI * Math.PI);
  return (x2 - b * x1 * x1 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
};

const H_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];
const HARTMANN_SPACE = Object.fromEntries([0, 1, 2, 3, 4, 5].map((i) => unit(`x${i}`)));
const HARTMANN_MIN = -3.3223680114155147;
const hartmann6: SimulatedObjective = (t) => {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let e = 0;
    for (let j = 0; j < 6; j++) e += (H_A[i]?.[j] as number) * ((t.params[`x${j}`] as number) - (H_P[i]?.[j] as number) * 1e-4) ** 2;
    s -= (H_ALPHA[i] as number) * Math.exp(-e);
  }
  return s;
};

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 === 1 ? (s[s.length >> 1] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

function bestRegret(trials: readonly FrozenTrial[], optimum: number): number {
  return Math.min(...trials.map((t) => t.value ?? Infinity)) - optimum;
}

describe("GPSampler", () => {
  test("beats random search clearly on Branin (40 trials) and Hartmann-6 (50 trials), 3 seeds each", () => {
    for (const [name, objective, space, optimum, n, limit] of [
      ["Branin", branin, BRANIN_SPACE, BRANIN_MIN, 40, 0.05],
      ["Hartmann-6", hartmann6, HARTMANN_SPACE, HARTMANN_MIN, 50, 0.5],
    ] as const) {
      const gp: number[] = [];
      const random: number[] = [];
      for (const seed of [0, 1, 2]) {
        gp.push(bestRegret(simulateStudy(new GPSampler({ seed, nPreliminarySamples: 512 }), objective, n, space).trials, optimum));
        random.push(bestRegret(simulateStudy(new RandomSampler({ seed }), objective, n, space).trials, optimum));
      }
      // Random search's median regret is about 0.5 (Branin) and 1.2 (Hartmann-6) at these budgets.
      assert.ok(median(gp) < limit && median(gp) < 0.2 * median(random), `${name}: GP regrets ${gp.join(", ")}; random ${random.join(", ")}`);
    }
  });

  test("handles log-scaled, integer and categorical parameters", () => {
    const space: Record<string, Distribution> = {
      lr: { kind: "float", low: 1e-6, high: 1, log: true },
      n: { kind: "int", low: 1, high: 100 },
      opt: { kind: "categorical", choices: ["sgd", "adam", "rmsprop"] },
    };
    const objective: SimulatedObjective = (t) => (Math.log10(t.params.lr as number) + 3) ** 2 + (((t.params.n as number) - 37) / 10) ** 2 + (t.params.opt === "adam" ? 0 : 1);
    const { trials } = simulateStudy(new GPSampler({ seed: 3, nPreliminarySamples: 256 }), objective, 30, space);
    const best = trials.reduce((a, b) => ((a.value as number) <= (b.value as number) ? a : b));
    assert.equal(best.params.opt, "adam");
    assert.ok(Math.abs(Math.log10(best.params.lr as number) + 3) < 0.5, `best lr ${String(best.params.lr)}`);
    assert.ok(Math.abs((best.params.n as number) - 37) <= 5, `best n ${String(best.params.n)}`);
  });

  test("constraints steer proposals away from the infeasible region", () => {
    // Minimise the distance to (0.2, 0.2) subject to x ≥ 0.6: the constrained optimum is (0.6, 0.2),
    // on the boundary, so proposals converge to it from both sides: count x ≥ 0.59 as on target.
    const space = Object.fromEntries([unit("x"), unit("y")]);
    const objective: SimulatedObjective = (t) => ((t.params.x as number) - 0.2) ** 2 + ((t.params.y as number) - 0.2) ** 2;
    const constraintsFunc = (t: FrozenTrial): number[] => [0.6 - (t.params.x as number)];
    const feasibleAfterStartup = (sampler: GPSampler): { share: number; best: FrozenTrial } => {
      const { trials } = simulateStudy(sampler, objective, 30, space);
      const model = trials.slice(10);
      const feasible = model.filter((t) => (t.params.x as number) >= 0.59);
      const best = trials.filter((t) => (t.params.x as number) >= 0.6).reduce((a, b) => ((a.value as number) <= (b.value as number) ? a : b));
      return { share: feasible.length / model.length, best };
    };
    const constrained = feasibleAfterStartup(new GPSampler({ seed: 4, constraintsFunc, nPreliminarySamples: 256 }));
    const blind = feasibleAfterStartup(new GPSampler({ seed: 4, nPreliminarySamples: 256 }));
    assert.ok(constrained.share >= 0.7, `only ${constrained.share} of the model-based proposals were (nearly) feasible`);
    assert.ok(blind.share < 0.3, `without constraints ${blind.share} were feasible (the test would not discriminate)`);
    assert.ok(Math.abs((constrained.best.params.x as number) - 0.6) < 0.05 && Math.abs((constrained.best.params.y as number) - 0.2) < 0.05, JSON.stringify(constrained.best.params));
    assert.deepEqual(constrained.best.systemAttrs.constraints, [0.6 - (constrained.best.params.x as number)]);
  });

  test("running trials get distinct proposals (kriging believer and constant liar)", () => {
    const space = Object.fromEntries([unit("x"), unit("y")]);
    const objective: SimulatedObjective = (t) => ((t.params.x as number) - 0.3) ** 2 + ((t.params.y as number) - 0.7) ** 2;
    const history = simulateStudy(new GPSampler({ seed: 5 }), objective, 15, space).trials;
    const minDistance = (strategy: "believer" | "liar" | "none"): number => {
      const sampler = new GPSampler({ seed: 5, pendingStrategy: strategy, nPreliminarySamples: 256 });
      const view = new SimulatedStudyView(history);
      const points: number[][] = [];
      for (let k = 0; k < 4; k++) {
        const { trial } = simulateTrial(sampler, view, 15 + k, () => "running", { space });
        points.push([trial.params.x as number, trial.params.y as number]);
      }
      let d = Infinity;
      for (let i = 0; i < points.length; i++) {
        for (let j = 0; j < i; j++) d = Math.min(d, Math.hypot((points[i]?.[0] as number) - (points[j]?.[0] as number), (points[i]?.[1] as number) - (points[j]?.[1] as number)));
      }
      return d;
    };
    const none = minDistance("none");
    const believer = minDistance("believer");
    const liar = minDistance("liar");
    // Without pending points every worker gets the same point; the liar spreads them out; the
    // believer only separates them slightly once the model is this confident (regret 1e-5 already).
    assert.equal(none, 0);
    assert.ok(liar > 0.05, `liar: closest pair ${liar}`);
    assert.ok(believer > 1e-6, `believer: closest pair ${believer}`);
  });

  test("warm start: complete trials already in the study (added or enqueued) are observations", () => {
    const space = Object.fromEntries([unit("x")]);
    const objective: SimulatedObjective = (t) => ((t.params.x as number) - 0.42) ** 2;
    const history = simulateStudy(new RandomSampler({ seed: 6 }), objective, 10, space).trials;
    const view = new SimulatedStudyView(history);
    const { trial, samples } = simulateTrial(new GPSampler({ seed: 6 }), view, 10, objective, { space });
    assert.ok("x" in samples.relative, "the first GP trial should already be model-based");
    assert.ok(Math.abs((trial.params.x as number) - 0.42) < 0.1, `proposed ${String(trial.params.x)}`);
  });

  test("deterministic per seed, and a fresh sampler resumes exactly where an incremental one was", () => {
    // 36 trials: past the dense refits (30) and between scheduled refits (33, 36), so the sequential
    // sampler extended its posterior by rank-one updates that the fresh one never did.
    const run = simulateStudy(new GPSampler({ seed: 9, nPreliminarySamples: 128 }), branin, 36, BRANIN_SPACE).trials;
    const again = simulateStudy(new GPSampler({ seed: 9, nPreliminarySamples: 128 }), branin, 36, BRANIN_SPACE).trials;
    assert.deepEqual(again.map((t) => t.params), run.map((t) => t.params));
    for (const n of [32, 35]) {
      const view = new SimulatedStudyView(run.slice(0, n));
      const { trial } = simulateTrial(new GPSampler({ seed: 9, nPreliminarySamples: 128 }), view, n, branin, { space: BRANIN_SPACE });
      assert.deepEqual(trial.params, run[n]?.params, `trial ${n} differs when sampled by a fresh sampler`);
    }
  });

  test("options are validated", () => {
    const isArg = (e: unknown): boolean => e instanceof OuroborosError && e.code === "invalid-argument";
    assert.throws(() => new GPSampler({ nStartupTrials: -1 }), isArg);
    assert.throws(() => new GPSampler({ pendingStrategy: "mean" as never }), isArg);
    assert.throws(() => new GPSampler({ bogus: 1 } as never), isArg);
    assert.deepEqual(new GPSampler({ seed: 1 }).params, {
      seed: 1,
      nStartupTrials: 10,
      deterministicObjective: false,
      pendingStrategy: "liar",
      nPreliminarySamples: 1024,
      nLocalSearch: 6,
    });
  });
});
