import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { makeFrozenTrial } from "../../testing/static-study-view.js";
import { CONSTRAINTS_KEY, splitTrials } from "./split.js";

const numbers = (trials: readonly FrozenTrial[], idx: Int32Array): number[] => [...idx].map((i) => (trials[i] as FrozenTrial).number);

describe("splitTrials", () => {
  it("puts the best complete trials below, in number order", () => {
    const trials = [5, 1, 4, 2, 3].map((value, number) => makeFrozenTrial({ number, value }));
    const min = splitTrials(trials, ["minimize"], 2, { constraints: false, constantLiar: false });
    assert.deepEqual(numbers(trials, min.below), [1, 3]);
    assert.deepEqual(numbers(trials, min.above), [0, 2, 4]);
    const max = splitTrials(trials, ["maximize"], 2, { constraints: false, constantLiar: false });
    assert.deepEqual(numbers(trials, max.below), [0, 2]);
    // Ties go to the older trial.
    const tied = [1, 1, 1].map((value, number) => makeFrozenTrial({ number, value }));
    assert.deepEqual(numbers(tied, splitTrials(tied, ["minimize"], 1, { constraints: false, constantLiar: false }).below), [0]);
  });

  it("ranks pruned trials after complete ones, deepest first, and ignores failed ones", () => {
    const trials = [
      makeFrozenTrial({ number: 0, value: 10 }),
      makeFrozenTrial({ number: 1, state: "pruned", intermediateValues: { 0: 0.1, 1: 0.5 } }),
      makeFrozenTrial({ number: 2, state: "pruned", intermediateValues: { 0: 0.2, 1: 0.3, 2: 9 } }),
      makeFrozenTrial({ number: 3, state: "pruned" }),
      makeFrozenTrial({ number: 4, state: "fail" }),
      makeFrozenTrial({ number: 5, state: "pruned", intermediateValues: { 0: 0.05, 1: 0.4 } }),
    ];
    const s = splitTrials(trials, ["minimize"], 3, { constraints: false, constantLiar: false });
    assert.deepEqual(numbers(trials, s.below), [0, 2, 5]);
    assert.deepEqual(numbers(trials, s.above), [1, 3]);
  });

  it("puts running trials above with the constant liar only", () => {
    const trials = [
      makeFrozenTrial({ number: 0, value: 1 }),
      makeFrozenTrial({ number: 1, state: "running" }),
      makeFrozenTrial({ number: 2, value: 2 }),
    ];
    assert.deepEqual(numbers(trials, splitTrials(trials, ["minimize"], 1, { constraints: false, constantLiar: false }).above), [2]);
    assert.deepEqual(numbers(trials, splitTrials(trials, ["minimize"], 1, { constraints: false, constantLiar: true }).above), [1, 2]);
    assert.deepEqual(numbers(trials, splitTrials(trials, ["minimize"], 1, { constraints: false, constantLiar: true, exclude: 1 }).above), [2]);
  });

  it("ranks infeasible trials after feasible ones by total violation", () => {
    const c = (v: number[]): Record<string, number[]> => ({ [CONSTRAINTS_KEY]: v });
    const trials = [
      makeFrozenTrial({ number: 0, value: 0, systemAttrs: c([1, -5]) }),
      makeFrozenTrial({ number: 1, value: 5, systemAttrs: c([0, -1]) }),
      makeFrozenTrial({ number: 2, value: -1, systemAttrs: c([0.5, 0.1]) }),
      makeFrozenTrial({ number: 3, value: 3 }),
      makeFrozenTrial({ number: 4, value: 9, systemAttrs: c([-1]) }),
    ];
    const s = splitTrials(trials, ["minimize"], 3, { constraints: true, constantLiar: false });
    // Feasible first (1 and 4), then the least violation (2: 0.6 < 0: 1); 3 has no record (infinite).
    assert.deepEqual(numbers(trials, s.below), [1, 2, 4]);
    const off = splitTrials(trials, ["minimize"], 3, { constraints: false, constantLiar: false });
    assert.deepEqual(numbers(trials, off.below), [0, 2, 3]);
  });

  it("splits several objectives by fronts and hypervolume, weighting by contribution", () => {
    const pts = [[1, 9], [9, 1], [5, 5], [6, 6], [2, 8.5], [8, 8], [5.1, 4.9]];
    const trials = pts.map((values, number) => makeFrozenTrial({ number, values }));
    const s = splitTrials(trials, ["minimize", "minimize"], 3, { constraints: false, constantLiar: false });
    assert.equal(s.below.length, 3);
    assert.ok(s.belowWeights !== undefined && s.belowWeights.length === 3);
    for (const w of s.belowWeights) assert.ok(w > 0 && w <= 1);
    const below = numbers(trials, s.below);
    // Only Pareto-optimal trials (0, 1, 2, 4, 6 form the first front; 3 and 5 are dominated).
    assert.ok(below.every((i) => [0, 1, 2, 4, 6].includes(i)), `below ${below}`);
    const all = splitTrials(trials, ["minimize", "minimize"], 6, { constraints: false, constantLiar: false });
    assert.deepEqual(numbers(trials, all.below), [0, 1, 2, 3, 4, 6]);
    // Maximising the second objective flips which points are good.
    const flipped = splitTrials(trials, ["minimize", "maximize"], 1, { constraints: false, constantLiar: false });
    assert.deepEqual(numbers(trials, flipped.below), [0]);
  });
});
