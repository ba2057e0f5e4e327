import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import { makeFrozenTrial, StaticStudyView } from "../testing/static-study-view.js";
import {
  HYPERBAND_BRACKET_KEY,
  HYPERBAND_CONFIG_KEY,
  HyperbandPruner,
  hyperbandBracketBudgets,
  hyperbandBracketCount,
  hyperbandBracketOf,
} from "./hyperband.js";

describe("HyperbandPruner brackets", () => {
  test("bracket count is ⌊log_η(max / min)⌋ + 1, exactly", () => {
    const count = (minResource: number, maxResource: number, reductionFactor: number): number =>
      hyperbandBracketCount({ minResource, maxResource, reductionFactor });
    assert.equal(count(1, 81, 3), 5);
    assert.equal(count(1, 27, 3), 4);
    assert.equal(count(1, 243, 3), 6, "floating-point log(243, 3) is 4.999…");
    assert.equal(count(1, 100, 3), 5);
    assert.equal(count(1, 1, 3), 1);
    assert.equal(count(2, 32, 2), 5);
  });

  test("budgets follow Algorithm 1: ⌈B·η^s/(s+1)⌉", () => {
    assert.deepEqual(hyperbandBracketBudgets({ minResource: 1, maxResource: 27, reductionFactor: 3 }), [27, 12, 6, 4]);
    assert.deepEqual(hyperbandBracketBudgets({ minResource: 1, maxResource: 81, reductionFactor: 3 }), [81, 34, 15, 8, 5]);
  });

  test("assignment is stable (any instance, any order) and spread over brackets as the budgets say", () => {
    const pruner = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
    const view = new StaticStudyView([], ["minimize"], "spread-study");
    const trials = Array.from({ length: 4900 }, (_, number) => makeFrozenTrial({ number }));
    const brackets = trials.map((t) => pruner.bracketOf(view, t));
    const again = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
    for (const i of [4899, 17, 0, 2500]) assert.equal(again.bracketOf(view, trials[i]!), brackets[i]);
    const counts = [0, 0, 0, 0];
    for (const b of brackets) counts[b!]!++;
    // expected shares 27/49, 12/49, 6/49, 4/49 of 4900 = 2700, 1200, 600, 400
    [2700, 1200, 600, 400].forEach((expected, b) => {
      assert.ok(Math.abs(counts[b]! - expected) < 4 * Math.sqrt(expected), `bracket ${b}: ${counts[b]} trials, expected about ${expected}`);
    });
    // the study name does not matter (default names are random; a seeded run must repeat)
    const other = trials.map((t) => pruner.bracketOf(new StaticStudyView([], ["minimize"], "another-study"), t));
    assert.deepEqual(other, brackets);
  });

  test("the bracket and configuration are stored, and samplers read them with hyperbandBracketOf", () => {
    const pruner = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
    const trial = makeFrozenTrial({ number: 7, state: "running" });
    const view = new StaticStudyView([trial], ["minimize"], "s");
    assert.equal(hyperbandBracketOf(view, trial), undefined, "nothing stored yet");
    assert.equal(pruner.prune(view, trial), false);
    assert.equal(hyperbandBracketOf(view, trial), undefined, "a trial with no reports changes nothing");
    const reported = { ...trial, intermediateValues: { 0: 1 } };
    view.trials[0] = reported;
    pruner.prune(view, reported);
    assert.deepEqual(view.systemAttrs[HYPERBAND_CONFIG_KEY], { minResource: 1, maxResource: 27, reductionFactor: 3 });
    const bracket = view.trials[0]!.systemAttrs[HYPERBAND_BRACKET_KEY];
    assert.equal(bracket, pruner.bracketOf(view, trial));
    assert.equal(hyperbandBracketOf(view, trial), bracket);
    assert.equal(hyperbandBracketOf(view, makeFrozenTrial({ number: 7 })), bracket, "derived without the trial attribute too");
  });

  test("a recorded bracket wins over the hash", () => {
    const pruner = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
    const view = new StaticStudyView([], ["minimize"], "s");
    const trial = makeFrozenTrial({ number: 3 });
    const hashed = pruner.bracketOf(view, trial)!;
    const forced = (hashed + 1) % 4;
    assert.equal(pruner.bracketOf(view, { ...trial, systemAttrs: { [HYPERBAND_BRACKET_KEY]: forced } }), forced);
  });
});

describe("HyperbandPruner decisions", () => {
  const options = { minResource: 1, maxResource: 27, reductionFactor: 3 } as const;
  const pruner = new HyperbandPruner(options);
  const studyName = "hb-decisions";
  const probe = new StaticStudyView([], ["minimize"], studyName);
  /** Trial numbers by bracket, in order. */
  const byBracket: number[][] = [[], [], [], []];
  for (let n = 0; byBracket.some((b) => b.length < 12); n++) byBracket[pruner.bracketOf(probe, makeFrozenTrial({ number: n }))!]!.push(n);

  test("bracket b's first rung ends at minResource · η^b", () => {
    for (const [bracket, firstRung] of [
      [0, 1],
      [1, 3],
      [2, 9],
      [3, 27],
    ] as const) {
      const number = byBracket[bracket]![0]!;
      const values: Record<number, number> = {};
      const view = new StaticStudyView([makeFrozenTrial({ number })], ["minimize"], studyName);
      for (let step = 0; step <= firstRung; step++) {
        values[step] = 1;
        view.trials[0] = { ...view.trials[0]!, intermediateValues: { ...values } };
        pruner.prune(view, view.trials[0]!);
        const recorded = "completed_rung_0" in view.trials[0]!.systemAttrs;
        assert.equal(recorded, step >= firstRung, `bracket ${bracket}, step ${step}`);
      }
    }
  });

  test("a bracket's successive halving sees only its own trials", () => {
    // Bracket 0 trial reports 0.5 at step 1, after one bracket-0 trial recorded 0.4 at rung 0.
    const [a, b] = byBracket[0]!;
    const strangers = [...byBracket[1]!, ...byBracket[2]!].slice(0, 10);
    const mk = (number: number, v: number, state: FrozenTrial["state"] = "pruned"): FrozenTrial =>
      makeFrozenTrial({ number, state, intermediateValues: { 1: v }, systemAttrs: { completed_rung_0: v } });
    const trial = makeFrozenTrial({ number: b!, state: "running", intermediateValues: { 1: 0.5 } });
    const base = [mk(a!, 0.4), trial];
    // n = 2, top max(1, 0) = 1: 0.4 is better -> pruned
    assert.equal(pruner.prune(new StaticStudyView(base, ["minimize"], studyName), trial), true);
    // Terrible values in other brackets do not rescue it; excellent ones do not matter either
    const worse = strangers.map((n) => mk(n, 9));
    assert.equal(pruner.prune(new StaticStudyView([...base, ...worse], ["minimize"], studyName), trial), true);
    const alone = makeFrozenTrial({ number: b!, state: "running", intermediateValues: { 1: 0.5 } });
    const better = strangers.map((n) => mk(n, 0.01));
    assert.equal(pruner.prune(new StaticStudyView([...better, alone], ["minimize"], studyName), alone), false);
  });

  test("maxResource 'auto': estimated once from the first completed trials, stored, then kept", () => {
    const auto = new HyperbandPruner();
    const running = makeFrozenTrial({ number: 0, state: "running", intermediateValues: { 0: 1 } });
    const view = new StaticStudyView([running], ["minimize"], "auto");
    assert.equal(auto.prune(view, running), false);
    assert.deepEqual(view.systemAttrs, {}, "nothing to estimate from");
    view.trials.push(makeFrozenTrial({ number: 1, value: 1, intermediateValues: { 0: 2, 26: 1 } }));
    auto.prune(view, running);
    assert.deepEqual(view.systemAttrs[HYPERBAND_CONFIG_KEY], { minResource: 1, maxResource: 27, reductionFactor: 3 });
    view.trials.push(makeFrozenTrial({ number: 2, value: 1, intermediateValues: { 80: 1 } }));
    assert.deepEqual(new HyperbandPruner().resolveConfig(view), { minResource: 1, maxResource: 27, reductionFactor: 3 });
  });

  test("a fresh instance over a copy of the study decides as the original did (resume)", () => {
    const original = new HyperbandPruner(options);
    const view = new StaticStudyView([], ["minimize"], studyName);
    const decisions: boolean[] = [];
    const values = [0.5, 0.2, 0.9, 0.4, 0.1, 0.7, 0.3, 0.8, 0.6, 0.05, 0.95, 0.45];
    values.forEach((v, number) => {
      const reports: Record<number, number> = {};
      view.trials.push(makeFrozenTrial({ number }));
      for (let step = 0; step < 10; step++) {
        reports[step] = v + 0.01 * (10 - step);
        const t = (view.trials[number] = { ...view.trials[number]!, intermediateValues: { ...reports } });
        const copy = new StaticStudyView(structuredClone(view.trials), ["minimize"], studyName);
        Object.assign(copy.systemAttrs, structuredClone(view.systemAttrs));
        const fresh = new HyperbandPruner(options).prune(copy, copy.trials[number]!);
        const d = original.prune(view, t);
        assert.equal(fresh, d, `trial ${number} step ${step}`);
        decisions.push(d);
        if (d) break;
      }
      view.trials[number] = { ...view.trials[number]!, state: "complete" };
    });
    assert.ok(decisions.includes(true), "something was pruned");
  });

  test("vector reports: each bracket ranks rung vectors by Pareto rank and crowding", () => {
    const [a, b, c] = byBracket[0]!;
    const mk = (number: number, v: number[]): FrozenTrial =>
      makeFrozenTrial({ number, state: "pruned", intermediateVectors: { 1: v }, systemAttrs: { completed_rung_0: v } });
    const pop = [mk(a!, [1, 1]), mk(b!, [2, 2])];
    const decide = (v: number[]): boolean => {
      const trial = makeFrozenTrial({ number: c!, state: "running", intermediateVectors: { 1: v } });
      return pruner.prune(new StaticStudyView([...pop, trial], ["minimize", "minimize"], studyName), trial);
    };
    // n = 3, top 1
    assert.equal(decide([3, 3]), true);
    assert.equal(decide([0.5, 3]), false, "on the front with [1, 1], both extremes");
  });
});

test("HyperbandPruner option checks", () => {
  const fails = (f: () => unknown, message: string): void => {
    assert.throws(f, (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument" && e.message === message);
  };
  fails(() => new HyperbandPruner({ reductionFactor: 1 }), "HyperbandPruner: reductionFactor must be an integer >= 2, but got 1");
  fails(() => new HyperbandPruner({ minResource: 0 }), "HyperbandPruner: minResource must be an integer >= 1, but got 0");
  fails(() => new HyperbandPruner({ minResource: 5, maxResource: 4 }), "HyperbandPruner: maxResource must be an integer >= 5, but got 4");
  fails(
    () => new HyperbandPruner({ bootstrapCount: 2 }),
    'HyperbandPruner: bootstrapCount must be 0 when maxResource is "auto" (give maxResource a number), but got 2',
  );
  assert.deepEqual(new HyperbandPruner().params, { minResource: 1, maxResource: "auto", reductionFactor: 3, bootstrapCount: 0 });
});
