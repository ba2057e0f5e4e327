/**
 * The sampler contract as tests: every sampler, ours or a user's, must pass all of them (there is no
 * skip list). Modelled on Optuna's `optuna/testing/pytest_samplers.py`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { containsInternal, toExternal, type Distribution, type ParamValue } from "../core/distributions.js";
import { OuroborosError, TrialPruned } from "../core/errors.js";
import type { FrozenTrial, StudyDirection } from "../core/frozen-trial.js";
import type { Sampler } from "../core/sampler.js";
import { createSampler } from "../samplers/registry.js";
import { makeFrozenTrial } from "./static-study-view.js";
import { SimulatedStudyView, simulateStudy, simulateTrial, type SimulatedObjective, type SimulatedTrial, type TrialSamples } from "./simulate.js";

/**
 * The space the suite samples: every distribution kind, including single-value ones. Exported so a
 * sampler that needs to know its parameters up front (a grid) can be built to match.
 */
export const CONFORMANCE_SPACE = {
  float: { kind: "float", low: -10.2, high: 10.5 },
  floatLog: { kind: "float", low: 1e-5, high: 1, log: true },
  floatStep: { kind: "float", low: 0, high: 1, step: 0.1 },
  int: { kind: "int", low: -5, high: 20 },
  intLog: { kind: "int", low: 1, high: 1000, log: true },
  intStep: { kind: "int", low: 0, high: 30, step: 3 },
  categorical: { kind: "categorical", choices: ["a", 1, 2.5, true, null] },
  singleFloat: { kind: "float", low: 0.5, high: 0.5 },
  singleInt: { kind: "int", low: 3, high: 3 },
  singleCategorical: { kind: "categorical", choices: ["only"] },
} as const satisfies Record<string, Distribution>;

/** Options of {@link runSamplerConformance}. */
export interface SamplerConformanceOptions {
  /**
   * Whether the sampler supports multi-objective studies. When true it must sample them; when false
   * it must refuse them with an `OuroborosError`. Default false.
   */
  readonly multiObjective?: boolean;
}

const N_TRIALS = 40;

/** A deterministic, bumpy objective of whatever parameters the trial has. */
function score(params: Readonly<Record<string, ParamValue>>): number {
  let s = 0;
  for (const [name, v] of Object.entries(params)) {
    s += typeof v === "number" ? Math.sin(1.3 * v + name.length) + 0.01 * v : 0.1 * String(v).length;
  }
  return s;
}

const scoreObjective: SimulatedObjective = (t) => score(t.params);

function assertInside(what: string, d: Distribution, x: unknown): void {
  assert.ok(typeof x === "number" && containsInternal(d, x), `${what}: ${String(x)} is not an internal value of ${JSON.stringify(d)}`);
}

/** Checks every trial's params and every raw value the sampler returned. */
function assertAllInside(trials: readonly FrozenTrial[], samples: readonly TrialSamples[]): void {
  for (const t of trials) {
    for (const [name, x] of Object.entries(t.internalParams)) {
      const d = t.distributions[name] as Distribution;
      assertInside(`trial ${t.number} param "${name}"`, d, x);
      assert.deepEqual(t.params[name], toExternal(d, x));
    }
  }
  for (const s of samples) {
    for (const [name, x] of Object.entries(s.relative)) {
      const d = s.relativeSpace[name];
      assert.ok(d, `trial ${s.number}: sampleRelative returned "${name}", which is not in the space it was given`);
      assertInside(`trial ${s.number} sampleRelative "${name}"`, d, x);
    }
    for (const [name, { distribution, value }] of Object.entries(s.independent)) {
      assertInside(`trial ${s.number} sampleIndependent "${name}"`, distribution, value);
    }
  }
}

const paramsOf = (trials: readonly FrozenTrial[]): Record<string, number>[] => trials.map((t) => ({ ...t.internalParams }));

/** A define-by-run objective with branches: each parameter exists only on some of them. */
const conditionalObjective: SimulatedObjective = (t) => {
  const model = t.suggest("model", { kind: "categorical", choices: ["linear", "tree", "none"] });
  if (model === "linear") {
    t.suggest("linear.alpha", { kind: "float", low: 1e-6, high: 10, log: true });
    t.suggest("linear.l1Ratio", { kind: "float", low: 0, high: 1 });
  } else if (model === "tree") {
    const depth = t.suggest("tree.depth", { kind: "int", low: 1, high: 12 }) as number;
    if (depth > 6) t.suggest("tree.minLeaf", { kind: "int", low: 1, high: 100, log: true });
    t.suggest("tree.criterion", { kind: "categorical", choices: ["gini", "entropy"] });
  }
  return score(t.params);
};

/** Trials that fail (some before any suggestion), are pruned after reports, or are left running. */
function mixedStatesObjective(values: (t: SimulatedTrial) => number | readonly number[]): SimulatedObjective {
  return (t) => {
    if (t.number % 9 === 4) return "fail";
    const names = Object.keys(CONFORMANCE_SPACE).sort() as (keyof typeof CONFORMANCE_SPACE)[];
    for (const [i, name] of names.entries()) {
      if (t.number % 5 === 1 && i === 3) return "fail";
      if (t.number % 7 === 3 && i === 5) return "running";
      t.suggest(name, CONFORMANCE_SPACE[name]);
    }
    if (t.number % 5 === 2) {
      t.report(score(t.params), 0);
      t.report(score(t.params) / 2, 1);
      throw new TrialPruned();
    }
    return values(t);
  };
}

/**
 * Registers (with `node:test`) the tests every sampler must pass, under `describe(name)`. `make`
 * builds the sampler with a seed; it is called several times, with equal and different seeds.
 *
 * Checked: values inside every distribution kind (float, log, stepped, int, log int, stepped int,
 * mixed-type categorical, single-value) from both `sampleRelative` and `sampleIndependent`, over 40
 * trials; same seed, same study; different seeds, different studies; per-trial determinism whatever
 * the order trials are sampled in (the parallel-reproducibility guarantee); conditional spaces;
 * distributions that change between trials; histories with failed, pruned and running trials;
 * maximisation; multi-objective studies (or a clear refusal); no mutation of what the sampler is
 * shown; a `createSampler({ kind, params })` round trip that samples identically.
 *
 * @example
 * // my-sampler.test.ts
 * runSamplerConformance("MySampler", (seed) => new MySampler({ seed }));
 */
export function runSamplerConformance(name: string, make: (seed: number) => Sampler, options: SamplerConformanceOptions = {}): void {
  describe(`${name} conformance`, () => {
    test("samples inside every distribution kind, relatively and independently, over 40 trials", () => {
      const sampler = make(1);
      const { view, trials, samples } = simulateStudy(sampler, scoreObjective, N_TRIALS, CONFORMANCE_SPACE);
      assert.equal(trials.length, N_TRIALS);
      assertAllInside(trials, samples);
      for (const [pname, d] of Object.entries(CONFORMANCE_SPACE)) {
        for (const t of trials) assert.ok(pname in t.internalParams, `trial ${t.number} lacks "${pname}"`);
        const distinct = new Set(trials.map((t) => t.internalParams[pname]));
        const single = d.kind === "categorical" ? d.choices.length === 1 : d.low === d.high;
        if (!single) assert.ok(distinct.size > 1, `"${pname}" took a single value over ${N_TRIALS} trials`);
      }
      // Past the startup phase: every kind through sampleIndependent directly, single values included.
      view.put(makeFrozenTrial({ number: N_TRIALS, state: "running" }));
      const running = view.trial(N_TRIALS) as FrozenTrial;
      for (const [pname, d] of Object.entries(CONFORMANCE_SPACE)) {
        const x = sampler.sampleIndependent(view, running, pname, d);
        assertInside(`sampleIndependent "${pname}" after ${N_TRIALS} trials`, d, x);
        const fresh = sampler.sampleIndependent(view, running, `unseen.${pname}`, d);
        assertInside(`sampleIndependent of a new name "unseen.${pname}"`, d, fresh);
      }
      assert.equal(sampler.sampleIndependent(view, running, "singleFloat", CONFORMANCE_SPACE.singleFloat), 0.5);
      assert.equal(sampler.sampleIndependent(view, running, "singleInt", CONFORMANCE_SPACE.singleInt), 3);
      assert.equal(sampler.sampleIndependent(view, running, "singleCategorical", CONFORMANCE_SPACE.singleCategorical), 0);
      for (const [pname, d] of Object.entries(sampler.inferRelativeSearchSpace(view, running))) {
        assert.ok(d && typeof d === "object" && "kind" in d, `inferRelativeSearchSpace returned a non-distribution for "${pname}"`);
      }
    });

    test("same seed, same params over a whole study", () => {
      const a = simulateStudy(make(7), scoreObjective, N_TRIALS, CONFORMANCE_SPACE);
      const b = simulateStudy(make(7), scoreObjective, N_TRIALS, CONFORMANCE_SPACE);
      assert.deepEqual(paramsOf(b.trials), paramsOf(a.trials));
    });

    test("different seeds, different params", () => {
      const a = simulateStudy(make(1), scoreObjective, N_TRIALS, CONFORMANCE_SPACE);
      const b = simulateStudy(make(2), scoreObjective, N_TRIALS, CONFORMANCE_SPACE);
      assert.notDeepEqual(paramsOf(b.trials), paramsOf(a.trials));
    });

    test("a trial's params do not depend on the order trials are sampled in (trials 10..19 in reverse)", () => {
      const history = simulateStudy(make(3), scoreObjective, 10, CONFORMANCE_SPACE).trials;
      const sampleEach = (sampler: Sampler, numbers: readonly number[]): Map<number, Record<string, number>> => {
        const out = new Map<number, Record<string, number>>();
        for (const n of numbers) {
          const view = new SimulatedStudyView(history);
          const { trial } = simulateTrial(sampler, view, n, scoreObjective, { space: CONFORMANCE_SPACE });
          out.set(n, { ...trial.internalParams });
        }
        return out;
      };
      const numbers = Array.from({ length: 10 }, (_, i) => 10 + i);
      const reused = make(3);
      const forward = sampleEach(reused, numbers);
      const reverse = sampleEach(make(3), [...numbers].reverse());
      const again = sampleEach(reused, [...numbers].reverse());
      for (const n of numbers) {
        assert.deepEqual(reverse.get(n), forward.get(n), `trial ${n} differs when trials are sampled in reverse order`);
        assert.deepEqual(again.get(n), forward.get(n), `trial ${n} differs when the same sampler samples it again`);
      }
    });

    test("conditional (define-by-run) spaces", () => {
      const { trials, samples } = simulateStudy(make(4), conditionalObjective, N_TRIALS);
      assertAllInside(trials, samples);
      const models = new Set(trials.map((t) => t.params.model));
      assert.ok(models.size >= 2, `only ${[...models].join()} was tried over ${N_TRIALS} trials`);
      for (const t of trials) {
        for (const pname of Object.keys(t.params)) {
          if (pname !== "model") assert.ok(pname.startsWith(`${String(t.params.model)}.`), `trial ${t.number} has "${pname}" on branch ${String(t.params.model)}`);
        }
      }
    });

    test("distributions that change between trials (narrowed, widened, disjoint, another kind)", () => {
      const ranges: Distribution[] = [
        { kind: "float", low: 0, high: 10 },
        { kind: "float", low: 2, high: 5 },
        { kind: "float", low: -20, high: 20 },
        { kind: "float", low: 100, high: 200, log: true },
        { kind: "int", low: 0, high: 3 },
      ];
      const objective: SimulatedObjective = (t) => {
        t.suggest("x", ranges[Math.floor(t.number / 8) % ranges.length] as Distribution);
        t.suggest("y", { kind: "int", low: 0, high: 10 + t.number });
        return score(t.params);
      };
      const { trials, samples } = simulateStudy(make(5), objective, N_TRIALS);
      assertAllInside(trials, samples);
    });

    test("histories with failed, pruned and running trials", () => {
      const { trials, samples } = simulateStudy(make(6), mixedStatesObjective((t) => score(t.params)), N_TRIALS);
      assertAllInside(trials, samples);
      const states = new Set(trials.map((t) => t.state));
      for (const s of ["complete", "fail", "pruned", "running"] as const) assert.ok(states.has(s), `the history has no ${s} trial`);
    });

    test("maximize as well as minimize", () => {
      for (const direction of ["minimize", "maximize"] as const) {
        const view = new SimulatedStudyView([], [direction]);
        const { trials, samples } = simulateStudy(make(8), scoreObjective, N_TRIALS, CONFORMANCE_SPACE, { view });
        assertAllInside(trials, samples);
      }
    });

    const mo: readonly StudyDirection[] = ["minimize", "maximize"];
    const moValues = (t: SimulatedTrial): readonly number[] => [score(t.params), Math.cos(score(t.params))];
    if (options.multiObjective === true) {
      test("multi-objective studies, with failed, pruned and running trials", () => {
        const view = new SimulatedStudyView([], mo);
        const a = simulateStudy(make(9), mixedStatesObjective(moValues), N_TRIALS, {}, { view });
        assertAllInside(a.trials, a.samples);
        const b = simulateStudy(make(9), (t) => moValues(t), N_TRIALS, CONFORMANCE_SPACE, { directions: mo });
        assertAllInside(b.trials, b.samples);
        const c = simulateStudy(make(9), (t) => moValues(t), N_TRIALS, CONFORMANCE_SPACE, { directions: mo });
        assert.deepEqual(paramsOf(c.trials), paramsOf(b.trials));
      });
    } else {
      test("refuses multi-objective studies with an OuroborosError", () => {
        assert.throws(
          () => simulateStudy(make(9), (t) => moValues(t), N_TRIALS, CONFORMANCE_SPACE, { directions: mo }),
          (e) => e instanceof OuroborosError,
        );
      });
    }

    test("does not modify the trials, the trials array or the attributes it is shown", () => {
      const history = simulateStudy(make(10), mixedStatesObjective((t) => score(t.params)), 25).trials;
      const before = JSON.stringify(history);
      const view = new SimulatedStudyView(history);
      try {
        simulateStudy(make(10), scoreObjective, 15, CONFORMANCE_SPACE, { view });
      } catch (e) {
        if (e instanceof TypeError) assert.fail(`the sampler modified something it was shown (it is frozen): ${e.message}`);
        throw e;
      }
      assert.equal(JSON.stringify(history), before);
    });

    test("round-trips through createSampler({ kind, params }) and samples identically", () => {
      const original = make(11);
      assert.ok(typeof original.kind === "string" && original.kind.length > 0, "kind must be a non-empty string");
      const spec = JSON.parse(JSON.stringify({ kind: original.kind, params: original.params })) as { kind: string; params: Record<string, never> };
      assert.deepEqual(spec.params, original.params, "params must survive a JSON round trip unchanged");
      const copy = createSampler(spec);
      assert.equal(copy.kind, original.kind);
      assert.deepEqual(copy.params, original.params);
      const a = simulateStudy(original, scoreObjective, 25, CONFORMANCE_SPACE);
      const b = simulateStudy(copy, scoreObjective, 25, CONFORMANCE_SPACE);
      assert.deepEqual(paramsOf(b.trials), paramsOf(a.trials));
    });
  });
}
