import assert from "node:assert/strict";
import { test } from "node:test";
import { countAhead, crowdingDistances, dominatesBy, nonDominatedRanks, paretoFront } from "./multi-objective.js";

test("dominance: no worse everywhere and better somewhere; equal points do not dominate", () => {
  assert.equal(dominatesBy([1, 2], [2, 2]), true);
  assert.equal(dominatesBy([1, 2], [1, 2]), false);
  assert.equal(dominatesBy([1, 3], [2, 2]), false);
  assert.equal(dominatesBy([2, 2], [1, 3]), false);
  // moved 0.5 towards worse, [1, 1] still dominates [2, 1.5] but not [1.4, 3]
  assert.equal(dominatesBy([1, 1], [2, 1.5], 0.5), true);
  assert.equal(dominatesBy([1, 1], [1.4, 3], 0.5), false);
});

test("Pareto front and non-dominated ranks of a hand-drawn set", () => {
  const points = [
    [1, 4],
    [2, 2],
    [4, 1],
    [3, 3],
    [4, 4],
    [5, 5],
    [2, 2],
  ];
  assert.deepEqual(paretoFront(points), [
    [1, 4],
    [2, 2],
    [4, 1],
    [2, 2],
  ]);
  assert.deepEqual(nonDominatedRanks(points), [0, 0, 0, 1, 2, 3, 0]);
  assert.deepEqual(nonDominatedRanks([]), []);
});

test("crowding distance: extremes infinite, interior the normalised gaps summed, duplicates shared", () => {
  const front = [
    [1, 4],
    [2, 2],
    [4, 1],
  ];
  // [2, 2]: objective 0 neighbours 1 and 4 over range 3 -> 1; objective 1 neighbours 1 and 4 over range 3 -> 1
  assert.deepEqual(crowdingDistances(front, [0, 0, 0]), [Infinity, 2, Infinity]);
  const withDuplicate = [...front, [2, 2]];
  assert.deepEqual(crowdingDistances(withDuplicate, [0, 0, 0, 0]), [Infinity, 2, Infinity, 2]);
  // order does not matter
  assert.deepEqual(crowdingDistances([front[1]!, front[2]!, front[0]!], [0, 0, 0]), [2, Infinity, Infinity]);
  // five points, interior ones get different distances
  const five = [
    [0, 10],
    [1, 6],
    [2, 5],
    [6, 1],
    [10, 0],
  ];
  const d = crowdingDistances(five, [0, 0, 0, 0, 0]);
  assert.deepEqual(d.map((x) => (Number.isFinite(x) ? Number(x.toFixed(6)) : x)), [Infinity, 0.2 + 0.5, 0.5 + 0.5, 0.8 + 0.5, Infinity]);
});

test("countAhead orders by rank then crowding, and is the count of smaller values with one objective", () => {
  const values = [3, 1, 2, 2, 5];
  for (let i = 0; i < values.length; i++) {
    const smaller = values.filter((v) => v < (values[i] as number)).length;
    assert.equal(countAhead(values.map((v) => [v]), i), smaller);
  }
  // [2, 2] is on the front with the two extremes (infinite crowding) ahead of it
  const points = [
    [2, 2],
    [1, 5],
    [5, 1],
    [3, 3],
    [4, 4],
    [6, 6],
  ];
  assert.equal(countAhead(points, 0), 2);
  assert.equal(countAhead(points, 3), 3);
  assert.equal(countAhead(points, 5), 5);
});
