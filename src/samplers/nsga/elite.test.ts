import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { makeFrozenTrial } from "../../testing/static-study-view.js";
import { constrainedDominates, constrainedRanks, totalViolation } from "./constraints.js";
import { rankAndCrowding, selectEliteNSGAII, type Individual } from "./elite.js";

const feasible = (losses: number[]): Individual => ({ losses, violation: 0 });

// One front A..D (crowding by hand below) and a dominated point E.
const A = feasible([0, 5]);
const B = feasible([1, 3]);
const C = feasible([2, 2.5]);
const D = feasible([5, 0]);
const E = feasible([5, 5]);

describe("non-dominated sorting and crowding distance", () => {
  test("ranks and crowding distances of a hand-made population", () => {
    const { ranks, crowding } = rankAndCrowding([A, B, C, D, E]);
    assert.deepEqual(ranks, [0, 0, 0, 0, 1]);
    // Ranges 5 and 5. B: (2 − 0)/5 + (5 − 2.5)/5 = 0.9. C: (5 − 1)/5 + (3 − 0)/5 = 1.4.
    assert.equal(crowding[0], Infinity);
    assert.equal(crowding[3], Infinity);
    assert.ok(Math.abs((crowding[1] as number) - 0.9) < 1e-12, `B: ${crowding[1]}`);
    assert.ok(Math.abs((crowding[2] as number) - 1.4) < 1e-12, `C: ${crowding[2]}`);
    assert.equal(crowding[4], Infinity, "a lone point is an extreme of its own front");
  });

  test("three fronts peel in order", () => {
    const pop = [feasible([3, 3]), feasible([1, 1]), feasible([2, 2]), feasible([0, 4]), feasible([4, 4])];
    assert.deepEqual(rankAndCrowding(pop).ranks, [2, 0, 1, 0, 3]);
  });

  test("survival keeps whole fronts, then the least crowded members of the first front that does not fit", () => {
    assert.deepEqual(selectEliteNSGAII([A, B, C, D, E], 4), [0, 1, 2, 3]);
    assert.deepEqual(selectEliteNSGAII([A, B, C, D, E], 3), [0, 2, 3], "B is more crowded than C");
    assert.deepEqual(selectEliteNSGAII([E, A, B, C, D], 5), [0, 1, 2, 3, 4]);
    // A dominated but isolated point never beats a front member, whatever its crowding.
    assert.deepEqual(selectEliteNSGAII([E, B, C], 2), [1, 2]);
  });

  test("one objective: survival keeps the smallest values", () => {
    const pop = [5, 3, 9, 1, 7].map((v) => feasible([v]));
    assert.deepEqual(selectEliteNSGAII(pop, 2), [1, 3]);
  });
});

describe("constraint domination", () => {
  test("feasible beats infeasible, less violation beats more, feasible pairs by Pareto dominance", () => {
    assert.equal(constrainedDominates([9, 9], 0, [0, 0], 0.1), true);
    assert.equal(constrainedDominates([0, 0], 0.1, [9, 9], 0), false);
    assert.equal(constrainedDominates([9, 9], 0.1, [0, 0], 0.2), true);
    assert.equal(constrainedDominates([0, 0], 0.2, [9, 9], 0.1), false);
    assert.equal(constrainedDominates([0, 0], 0.2, [9, 9], 0.2), false, "equal violations: neither dominates");
    assert.equal(constrainedDominates([1, 1], 0, [1, 2], 0), true);
    assert.equal(constrainedDominates([1, 2], 0, [2, 1], 0), false);
  });

  test("ranks: feasible fronts first, then one rank per distinct violation", () => {
    const ranks = constrainedRanks(
      [[1, 1], [2, 2], [0, 0], [0, 0], [5, 5], [0, 0]],
      [0, 0, 0.5, 0.1, 0.5, Infinity],
    );
    assert.deepEqual(ranks, [0, 1, 3, 2, 3, 4]);
  });

  test("survival prefers a dominated feasible trial to an excellent infeasible one", () => {
    const pop: Individual[] = [{ losses: [0, 0], violation: 1 }, feasible([3, 3]), feasible([4, 4]), { losses: [9, 9], violation: 0.5 }];
    assert.deepEqual(selectEliteNSGAII(pop, 3), [1, 2, 3]);
  });

  test("total violation sums the positive constraint values of a trial", () => {
    const t = (c: unknown) => makeFrozenTrial({ number: 0, values: [1], systemAttrs: c === undefined ? {} : { constraints: c as number[] } });
    assert.equal(totalViolation(t([-1, 0, -3])), 0);
    assert.equal(totalViolation(t([0.5, -1, 0.25])), 0.75);
    assert.equal(totalViolation(t(undefined)), Infinity, "no recorded constraints: treated as the worst");
  });
});
