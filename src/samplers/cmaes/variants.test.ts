/**
 * The CMA-ES variants through the sampler interface: IPOP/BIPOP restarts, the margin for integer
 * dimensions, the WS-CMA-ES warm start, and how failed and pruned trials are handled.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { SimulatedStudyView, simulateStudy, simulateTrial, type SimulatedObjective } from "../../testing/simulate.js";
import { CMAES_GENERATION_KEY, CMAES_STATE_KEY, CmaEsSampler, type CmaEsSamplerOptions } from "./index.js";
import { Random } from "../../core/rng.js";
import { restartState } from "./restart.js";
import { deserializeState, initialState } from "./state.js";

const box = (d: number, low: number, high: number): Record<string, Distribution> =>
  Object.fromEntries(Array.from({ length: d }, (_, i) => [`x${i}`, { kind: "float", low, high }]));
const num = (t: { params: Readonly<Record<string, unknown>> }, k: string): number => t.params[k] as number;
const best = (trials: readonly FrozenTrial[]): number => Math.min(...trials.map((t) => t.value ?? Infinity));

const rastrigin: SimulatedObjective = (t) => {
  let s = 20;
  for (const k of ["x0", "x1"]) s += num(t, k) ** 2 - 10 * Math.cos(2 * Math.PI * num(t, k));
  return s;
};

test("IPOP: runs restart on tolFun with λ doubling, and more seeds reach Rastrigin's global basin", () => {
  const run = (o: CmaEsSamplerOptions): { hits: number; states: ReturnType<typeof deserializeState>[] } => {
    let hits = 0;
    const states = [];
    for (let seed = 0; seed < 8; seed++) {
      const { trials, view } = simulateStudy(new CmaEsSampler({ seed, tolFun: 1e-3, ...o }), rastrigin, 800, box(2, -5.12, 5.12));
      if (best(trials) < 0.5) hits++;
      states.push(deserializeState(view.systemAttrs[CMAES_STATE_KEY]));
    }
    return { hits, states };
  };
  const ipop = run({ restartStrategy: "ipop" });
  const plain = run({});
  for (const s of ipop.states) assert.equal(s.popsize, 6 * 2 ** s.restarts, `λ after ${s.restarts} restarts`);
  assert.ok(ipop.states.some((s) => s.restarts >= 1));
  assert.ok(plain.states.every((s) => s.restarts === 0));
  assert.ok(ipop.hits > plain.hits, `IPOP found the global basin in ${ipop.hits}/8 runs, plain CMA-ES in ${plain.hits}/8`);
});

test("BIPOP: each restart runs the regime that has used less budget (small runs draw λ ≤ λ₀ and a smaller σ)", () => {
  let restarts = 0;
  for (let seed = 0; seed < 3; seed++) {
    const view = new SimulatedStudyView();
    const sampler = new CmaEsSampler({ seed, tolFun: 1e-3, restartStrategy: "bipop" });
    let last = 0;
    for (let i = 0; i < 900; i++) {
      simulateTrial(sampler, view, i, rastrigin, { space: box(2, -5.12, 5.12) });
      const stored = view.systemAttrs[CMAES_STATE_KEY];
      if (stored === undefined) continue;
      const s = deserializeState(stored);
      if (s.restarts === last) continue;
      last = s.restarts;
      restarts++;
      assert.equal(s.regime, s.budgetSmall < s.budgetLarge ? "small" : "large", JSON.stringify(s));
      if (s.regime === "small") assert.ok(s.popsize <= 6 && s.sigma0 <= 1 / 6, `small run: λ ${s.popsize}, σ ${s.sigma0}`);
      else assert.equal(s.popsize, 6 * 2 ** s.nLarge);
    }
  }
  assert.ok(restarts >= 4, `only ${restarts} restarts`);
});

test("BIPOP: a large run (λ doubled) follows once the small runs have used as much budget", () => {
  const ended = { ...initialState({ spaceKey: "k", generation: 50, popsize: 5, mean: new Float64Array(2), sigma: 0.01, separable: false }) };
  const config = { strategy: "bipop", incPopsize: 2, basePopsize: 6, sigma0: 1 / 6, separable: false } as const;
  const afterSmall = restartState({ ...ended, regime: "small", runGeneration: 40, budgetLarge: 150, budgetSmall: 0, restarts: 1 }, config, new Random(1));
  assert.equal(afterSmall.regime, "large");
  assert.equal(afterSmall.popsize, 12);
  assert.equal(afterSmall.sigma0, 1 / 6);
  assert.equal(afterSmall.budgetSmall, 200);
  assert.equal(afterSmall.generation, 50);
  const afterLarge = restartState({ ...afterSmall, runGeneration: 30 }, config, new Random(2));
  assert.equal(afterLarge.regime, "small");
  assert.equal(afterLarge.budgetLarge, 150 + 12 * 30);
  assert.ok(afterLarge.popsize >= 2 && afterLarge.popsize <= 6);
  for (const m of afterLarge.mean) assert.ok(m >= 0 && m <= 1);
});

test("margin keeps integer dimensions exploring after the continuous ones converged", () => {
  const space: Record<string, Distribution> = {
    i0: { kind: "int", low: -10, high: 10 },
    i1: { kind: "int", low: -10, high: 10 },
    x0: { kind: "float", low: -5, high: 5 },
    x1: { kind: "float", low: -5, high: 5 },
  };
  const f: SimulatedObjective = (t) => (num(t, "i0") - 3) ** 2 + (num(t, "i1") + 4) ** 2 + num(t, "x0") ** 2 + (num(t, "x1") - 1) ** 2;
  const distinctLate = (o: CmaEsSamplerOptions): number => {
    let total = 0;
    for (let seed = 0; seed < 4; seed++) {
      const late = simulateStudy(new CmaEsSampler({ seed, ...o }), f, 400, space).trials.slice(250);
      for (const k of ["i0", "i1"]) total += new Set(late.map((t) => t.params[k])).size;
    }
    return total / 8;
  };
  const withMargin = distinctLate({ withMargin: true });
  const without = distinctLate({});
  assert.ok(withMargin >= 2.5, `with margin, integer dims took ${withMargin} values on average in trials 250..399`);
  assert.ok(without < withMargin, `without margin ${without}, with ${withMargin}`);
});

test("margin: a separable run keeps integer dimensions exploring too", () => {
  const space: Record<string, Distribution> = { i0: { kind: "int", low: 0, high: 5 }, x0: { kind: "float", low: -1, high: 1 } };
  const late = simulateStudy(new CmaEsSampler({ seed: 2, withMargin: true, useSeparableCma: true }), (t) => (num(t, "i0") - 2) ** 2 + num(t, "x0") ** 2, 300, space).trials.slice(200);
  assert.ok(new Set(late.map((t) => t.params["i0"])).size >= 2);
});

test("warm start from a similar task's trials converges faster than a cold start", () => {
  const space = box(4, -5, 5);
  const target: SimulatedObjective = (t) => [0, 1, 2, 3].reduce((s, i) => s + (num(t, `x${i}`) - 2) ** 2, 0);
  const source = simulateStudy(new CmaEsSampler({ seed: 99 }), (t) => [0, 1, 2, 3].reduce((s, i) => s + (num(t, `x${i}`) - 2.3) ** 2, 0), 200, space).trials;
  const regret = (o: CmaEsSamplerOptions): number => {
    const r: number[] = [];
    for (let seed = 0; seed < 5; seed++) r.push(best(simulateStudy(new CmaEsSampler({ seed, ...o }), target, 60, space).trials));
    return r.sort((a, b) => a - b)[2] as number;
  };
  const warm = regret({ sourceTrials: source });
  const cold = regret({});
  assert.ok(warm < cold / 4, `warm ${warm}, cold ${cold}`);
  // The params hold a JSON copy of the source trials, so the sampler round-trips through its spec.
  const copy = new CmaEsSampler(JSON.parse(JSON.stringify(new CmaEsSampler({ seed: 1, sourceTrials: source }).params)) as CmaEsSamplerOptions);
  assert.equal((copy.params["sourceTrials"] as unknown[]).length, source.length);
});

test("failed trials are replaced: a generation is told once λ trials of it completed", () => {
  // Every third trial fails; popsize 4; a generation spans the trials needed for 4 completions.
  const f: SimulatedObjective = (t) => (t.number % 3 === 2 ? "fail" : num(t, "x0") ** 2 + num(t, "x1") ** 2);
  const { trials } = simulateStudy(new CmaEsSampler({ seed: 1, popsize: 4 }), f, 40, box(2, -1, 1));
  const byGen = new Map<number, FrozenTrial[]>();
  for (const t of trials) {
    const g = t.systemAttrs[CMAES_GENERATION_KEY];
    if (typeof g === "number") byGen.set(g, [...(byGen.get(g) ?? []), t]);
  }
  const told = [...byGen.keys()].sort((a, b) => a - b).slice(0, -1);
  assert.ok(told.length >= 4);
  for (const g of told) {
    const gen = byGen.get(g) as FrozenTrial[];
    assert.equal(gen.filter((t) => t.state === "complete").length, 4, `generation ${g}: ${gen.map((t) => `${t.number}:${t.state}`).join(" ")}`);
    assert.ok(gen.some((t) => t.state === "fail") || gen.length === 4);
  }
});

test("pruned trials are ignored by default and counted with their last value under considerPrunedTrials", () => {
  const f: SimulatedObjective = (t) => {
    const v = num(t, "x0") ** 2 + num(t, "x1") ** 2;
    if (t.number % 2 === 1) {
      t.report(v, 0);
      return "pruned";
    }
    return v;
  };
  const generations = (o: CmaEsSamplerOptions): number => {
    const { trials } = simulateStudy(new CmaEsSampler({ seed: 1, popsize: 4, ...o }), f, 41, box(2, -1, 1));
    return Math.max(...trials.map((t) => (t.systemAttrs[CMAES_GENERATION_KEY] as number | undefined) ?? 0));
  };
  const ignored = generations({});
  const counted = generations({ considerPrunedTrials: true });
  // 40 CMA trials: half complete → about 5 generations told when ignoring, about 10 when counting.
  assert.ok(counted >= ignored + 3, `generations: ignoring pruned ${ignored}, counting ${counted}`);
});

test("a space of one numeric parameter runs CMA-ES (1-D), and categoricals are sampled independently", () => {
  const space: Record<string, Distribution> = { x: { kind: "float", low: -3, high: 3 }, c: { kind: "categorical", choices: ["a", "b"] } };
  const { trials } = simulateStudy(new CmaEsSampler({ seed: 4, warnIndependentSampling: false }), (t) => (num(t, "x") - 1) ** 2 + (t.params["c"] === "a" ? 0 : 1), 80, space);
  assert.ok(best(trials) < 1e-3, `best ${best(trials)}`);
  assert.ok(trials.some((t) => typeof t.systemAttrs[CMAES_GENERATION_KEY] === "number"));
});

test("rejects bad options with an OuroborosError naming the option", () => {
  for (const o of [{ popsize: 1 }, { sigma0: -1 }, { restartStrategy: "sometimes" }, { nStartupTrials: 1.5 }, { colour: "red" }, { x0: { a: "b" } }]) {
    assert.throws(() => new CmaEsSampler(o as unknown as CmaEsSamplerOptions), (e) => e instanceof OuroborosError && e.code === "invalid-argument");
  }
});
