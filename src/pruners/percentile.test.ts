import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial, StudyDirection } from "../core/frozen-trial.js";
import { makeFrozenTrial, StaticStudyView } from "../testing/static-study-view.js";
import { MedianPruner } from "./median.js";
import { PercentilePruner, percentileOf } from "./percentile.js";

/** Completed trials with the given values at steps 0..3 (value v at step s: v + 3 - s). */
function completed(finals: readonly number[]): FrozenTrial[] {
  return finals.map((v, i) =>
    makeFrozenTrial({
      number: i,
      value: v,
      intermediateValues: { 0: v + 3, 1: v + 2, 2: v + 1, 3: v },
    }),
  );
}

function decide(
  pruner: PercentilePruner,
  population: readonly FrozenTrial[],
  reports: Record<number, number>,
  direction: StudyDirection = "minimize",
): boolean {
  const trial = makeFrozenTrial({ number: population.length, state: "running", intermediateValues: reports });
  return pruner.prune(new StaticStudyView([...population, trial], [direction]), trial);
}

describe("MedianPruner", () => {
  const five = completed([1, 2, 3, 4, 5]); // at step 3: 1..5, median 3

  test("prunes a trial whose best value so far is worse than the median at its step", () => {
    const median = new MedianPruner();
    assert.equal(decide(median, five, { 0: 6, 1: 5, 2: 4, 3: 3.2 }), true);
    assert.equal(decide(median, five, { 0: 6, 1: 5, 2: 4, 3: 2.9 }), false);
    // equal to the median is not worse
    assert.equal(decide(median, five, { 3: 3 }), false);
    // the best value over all steps counts, not the latest
    assert.equal(decide(median, five, { 0: 2.5, 3: 3.2 }), false);
    // at step 1 the median is 5 (values 3..7)
    assert.equal(decide(median, five, { 0: 9, 1: 5.5 }), true);
    assert.equal(decide(median, five, { 0: 9, 1: 4.5 }), false);
  });

  test("maximize mirrors the rule", () => {
    const median = new MedianPruner();
    assert.equal(decide(median, five, { 3: 2.9 }, "maximize"), true);
    assert.equal(decide(median, five, { 3: 3.2 }, "maximize"), false);
    assert.equal(decide(median, five, { 0: 3.5, 3: 2.9 }, "maximize"), false);
  });

  test("interpolates between the two middle values of an even count", () => {
    const median = new MedianPruner({ nStartupTrials: 4 });
    const four = completed([1, 2, 3, 4]); // median 2.5
    assert.equal(decide(median, four, { 3: 2.6 }), true);
    assert.equal(decide(median, four, { 3: 2.4 }), false);
  });

  test("waits for nStartupTrials completed trials; pruned and failed trials do not count", () => {
    const median = new MedianPruner();
    const four = completed([1, 2, 3, 4]);
    assert.equal(decide(median, four, { 3: 100 }), false);
    const others = [
      makeFrozenTrial({ number: 4, state: "pruned", intermediateValues: { 3: 0 } }),
      makeFrozenTrial({ number: 5, state: "fail", intermediateValues: { 3: 0 } }),
    ];
    assert.equal(decide(median, [...four, ...others], { 3: 100 }), false);
    assert.equal(decide(new MedianPruner({ nStartupTrials: 0 }), [], { 3: 100 }), false, "no completed trial: no pruning");
  });

  test("warmup and interval steps", () => {
    const median = new MedianPruner({ nWarmupSteps: 2, intervalSteps: 2 });
    // pruning steps are 2, 4, 6, ...; every value below is worse than every completed one
    assert.equal(decide(median, five, { 0: 9, 1: 9 }), false, "step 1 is in the warmup");
    assert.equal(decide(median, five, { 0: 9, 1: 9, 2: 9 }), true, "step 2 is a pruning step");
    assert.equal(decide(median, five, { 0: 9, 1: 9, 2: 9, 3: 9 }), false, "step 3 is between pruning steps");
    // a check with no report exactly at its step happens at the next report
    assert.equal(decide(median, five, { 0: 9, 3: 9 }), true, "step 3 stands in for the missed step 2");
  });

  test("nMinTrials: too few completed trials reported at the step", () => {
    const sparse = [
      ...completed([1, 2, 3]),
      ...[4, 5, 6].map((v, i) => makeFrozenTrial({ number: 3 + i, value: v, intermediateValues: { 0: v } })),
    ];
    assert.equal(decide(new MedianPruner({ nMinTrials: 3 }), sparse, { 3: 9 }), true, "3 trials reported at step 3");
    assert.equal(decide(new MedianPruner({ nMinTrials: 4 }), sparse, { 3: 9 }), false, "only 3 reported at step 3");
  });

  test("NaN: an all-NaN trial is pruned; NaN values of others are ignored", () => {
    const median = new MedianPruner();
    assert.equal(decide(median, five, { 0: NaN, 1: NaN }), true);
    assert.equal(decide(median, five, { 0: 2.5, 3: NaN }), false, "best over the non-NaN values");
    assert.equal(decide(median, five, { 0: 9, 3: NaN }), true);
    const withNaN = [...five, makeFrozenTrial({ number: 5, value: 0, intermediateValues: { 3: NaN } })];
    assert.equal(decide(median, withNaN, { 3: 3.2 }), true, "NaN at the step is ignored: median still 3");
    const allNaN = completed([1, 2, 3, 4, 5]).map((t) => ({ ...t, intermediateValues: { 3: NaN } }));
    assert.equal(decide(median, allNaN, { 3: 100 }), false, "nothing to compare with");
  });

  test("params, kind and option checks", () => {
    const median = new MedianPruner({ nWarmupSteps: 3 });
    assert.equal(median.kind, "median");
    assert.deepEqual(median.params, { nStartupTrials: 5, nWarmupSteps: 3, intervalSteps: 1, nMinTrials: 1 });
    assert.throws(
      () => new MedianPruner({ intervalSteps: 0 }),
      (e: unknown) =>
        e instanceof OuroborosError &&
        e.code === "invalid-argument" &&
        e.message === "MedianPruner: intervalSteps must be an integer >= 1, but got 0",
    );
    assert.throws(() => new MedianPruner({ nStartupTrials: -1 }), /nStartupTrials must be an integer >= 0, but got -1/);
    assert.throws(() => new MedianPruner({ nMinTrials: 1.5 }), /nMinTrials must be an integer >= 1, but got 1.5/);
  });
});

describe("PercentilePruner", () => {
  const five = completed([1, 2, 3, 4, 5]);

  test("the 25th percentile keeps the best quarter; maximize uses the 75th", () => {
    const p25 = new PercentilePruner({ percentile: 25 });
    assert.equal(decide(p25, five, { 3: 2.1 }), true, "25th percentile of 1..5 is 2");
    assert.equal(decide(p25, five, { 3: 1.9 }), false);
    assert.equal(decide(p25, five, { 3: 3.9 }, "maximize"), true, "75th percentile is 4");
    assert.equal(decide(p25, five, { 3: 4.1 }, "maximize"), false);
  });

  test("percentile 0 prunes anything worse than the best; 100 only what is worse than all", () => {
    assert.equal(decide(new PercentilePruner({ percentile: 0 }), five, { 3: 1.01 }), true);
    assert.equal(decide(new PercentilePruner({ percentile: 0 }), five, { 3: 1 }), false);
    assert.equal(decide(new PercentilePruner({ percentile: 100 }), five, { 3: 4.99 }), false);
    assert.equal(decide(new PercentilePruner({ percentile: 100 }), five, { 3: 5.01 }), true);
  });

  test("percentileOf matches numpy's linear method", () => {
    assert.equal(percentileOf([1, 2, 3, 4], 50), 2.5);
    assert.equal(percentileOf([4, 1, 3, 2], 25), 1.75);
    assert.equal(percentileOf([10], 90), 10);
    assert.equal(percentileOf([1, 2, 3, 4, 5], 0), 1);
    assert.equal(percentileOf([1, 2, 3, 4, 5], 100), 5);
    assert.ok(Math.abs(percentileOf([0, 10], 33) - 3.3) < 1e-12);
  });

  test("percentile out of range is refused, saying expected and got", () => {
    assert.throws(
      () => new PercentilePruner({ percentile: 101 }),
      (e: unknown) =>
        e instanceof OuroborosError && e.message === "PercentilePruner: percentile must be a number in [0, 100], but got 101",
    );
    assert.throws(() => new PercentilePruner({ percentile: NaN }), /percentile must be a number in \[0, 100\], but got NaN/);
  });
});

describe("PercentilePruner and MedianPruner on vector reports", () => {
  // Five completed trials on one Pareto front at step 2 (both objectives minimised).
  const front = [
    [1, 5],
    [2, 4],
    [3, 3],
    [4, 2],
    [5, 1],
  ];
  const population = front.map((v, i) =>
    makeFrozenTrial({ number: i, values: v, intermediateVectors: { 0: v.map((x) => x + 1), 2: v } }),
  );
  const decideVec = (
    pruner: PercentilePruner,
    reports: Record<number, number[]>,
    directions: StudyDirection[] = ["minimize", "minimize"],
    pop: readonly FrozenTrial[] = population,
  ): boolean => {
    const trial = makeFrozenTrial({ number: 99, state: "running", intermediateVectors: reports });
    return pruner.prune(new StaticStudyView([...pop, trial], directions), trial);
  };
  const median = new MedianPruner();

  test("median: pruned when dominated by more than half of the (n - 1) others' vectors", () => {
    // limit = 0.5 * (5 - 1) = 2 dominating vectors
    assert.equal(decideVec(median, { 2: [6, 6] }), true, "dominated by all 5");
    assert.equal(decideVec(median, { 2: [4.5, 4.5] }), true, "dominated by [2,4], [3,3], [4,2]");
    assert.equal(decideVec(median, { 2: [3.5, 3.5] }), false, "dominated by [3,3] only");
    assert.equal(decideVec(median, { 2: [2.5, 3.5] }), false, "on the front");
  });

  test("the trial's best vectors so far count (its own Pareto front)", () => {
    assert.equal(decideVec(median, { 0: [1, 1], 2: [6, 6] }), false);
    assert.equal(decideVec(median, { 0: [7, 7], 2: [6, 6] }), true);
  });

  test("percentile 0 keeps the Pareto front only; 100 prunes only what every vector dominates", () => {
    assert.equal(decideVec(new PercentilePruner({ percentile: 0 }), { 2: [3.5, 3.5] }), true);
    assert.equal(decideVec(new PercentilePruner({ percentile: 0 }), { 2: [2.5, 2.5] }), false);
    assert.equal(decideVec(new PercentilePruner({ percentile: 100 }), { 2: [4.5, 4.5] }), false);
    assert.equal(decideVec(new PercentilePruner({ percentile: 100 }), { 2: [5.5, 5.5] }), true);
  });

  test("directions: a maximised objective is mirrored", () => {
    const mirrored = population.map((t) => ({
      ...t,
      intermediateVectors: Object.fromEntries(Object.entries(t.intermediateVectors).map(([s, v]) => [s, [v[0]!, -v[1]!]])),
    }));
    assert.equal(decideVec(median, { 2: [4.5, -4.5] }, ["minimize", "maximize"], mirrored), true);
    assert.equal(decideVec(median, { 2: [3.5, -3.5] }, ["minimize", "maximize"], mirrored), false);
  });

  test("NaN: invalid vectors do not compete, an all-invalid trial is pruned", () => {
    assert.equal(decideVec(median, { 0: [NaN, 1], 2: [1, NaN] }), true);
    assert.equal(decideVec(median, { 0: [NaN, 1], 2: [3.5, 3.5] }), false);
    const broken = population.map((t) => ({ ...t, intermediateVectors: { 2: [NaN, 0] } }));
    assert.equal(decideVec(median, { 2: [9, 9] }, undefined, broken), false, "nothing valid to compare with");
  });

  test("a trial that reported scalars only is refused with a clear message", () => {
    const trial = makeFrozenTrial({ number: 99, state: "running", intermediateValues: { 2: 3 } });
    assert.throws(
      () => median.prune(new StaticStudyView([...population, trial], ["minimize", "minimize"]), trial),
      (e: unknown) =>
        e instanceof OuroborosError &&
        e.code === "unsupported" &&
        /MedianPruner: the study has 2 objectives .* must report a vector of 2 values per step/.test(e.message),
    );
  });
});
