import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Random } from "../../core/rng.js";
import type { Individual } from "./elite.js";
import { associate, dasDennisPoints, defaultDivisions, normalizeObjectives, selectEliteNSGAIII } from "./reference-points.js";

const feasible = (losses: number[]): Individual => ({ losses, violation: 0 });

describe("NSGA-III reference points and niching", () => {
  test("Das–Dennis points: C(p + m − 1, m − 1) distinct points on the unit simplex", () => {
    for (const [m, p, count] of [
      [2, 4, 5],
      [3, 4, 15],
      [3, 12, 91],
      [5, 3, 35],
    ] as const) {
      const pts = dasDennisPoints(m, p);
      assert.equal(pts.length, count);
      assert.equal(new Set(pts.map((x) => x.join())).size, count);
      for (const x of pts) {
        assert.equal(x.length, m);
        assert.ok(Math.abs(x.reduce((s, v) => s + v, 0) - 1) < 1e-12);
        for (const v of x) assert.ok(Number.isInteger(Math.round(v * p)) && Math.abs(v * p - Math.round(v * p)) < 1e-9 && v >= 0);
      }
    }
    assert.deepEqual(dasDennisPoints(2, 2), [
      [1, 0],
      [0.5, 0.5],
      [0, 1],
    ]);
  });

  test("default divisions: the most whose point set fits the population", () => {
    assert.equal(defaultDivisions(3, 50), 8); // 45 points; 9 divisions would give 55
    assert.equal(defaultDivisions(3, 91), 12);
    assert.equal(defaultDivisions(2, 50), 49);
    assert.equal(defaultDivisions(10, 5), 1);
  });

  test("normalisation maps a scaled, shifted simplex front onto the unit simplex", () => {
    // Points on x/2 + y/4 + z/8 = 1, shifted by (1, 1, 1).
    const front = [
      [3, 1, 1],
      [1, 5, 1],
      [1, 1, 9],
      [2, 3, 1],
      [2, 1, 5],
    ];
    const n = normalizeObjectives(front);
    for (const f of n) assert.ok(Math.abs(f.reduce((s, v) => s + v, 0) - 1) < 1e-9, `${f}`);
    assert.deepEqual(n[0], [1, 0, 0]);
  });

  test("association picks the nearest reference line by perpendicular distance", () => {
    const refs = dasDennisPoints(2, 2); // (1,0), (.5,.5), (0,1)
    const { ref, dist } = associate(
      [
        [0.9, 0.05],
        [0.4, 0.45],
        [0, 2],
      ],
      refs,
    );
    assert.deepEqual([...ref], [0, 1, 2]);
    assert.ok(Math.abs((dist[0] as number) - 0.05) < 1e-12);
    assert.ok(Math.abs((dist[1] as number) - 0.05 / Math.SQRT2) < 1e-12);
    assert.equal(dist[2], 0);
  });

  test("survival cuts the last front by niching: one member per reference direction before a second", () => {
    // A clustered front of 3 objectives: many points near one corner, one near each other corner
    // and the centre, plus a dominated point. Keeping 4 must take the spread ones, not the cluster.
    const cluster = [0, 1, 2, 3, 4, 5].map((k) => feasible([0.9 - 0.01 * k, 0.05 + 0.01 * k, 0.05]));
    const spread = [feasible([0.05, 0.9, 0.05]), feasible([0.05, 0.05, 0.9]), feasible([0.34, 0.33, 0.33])];
    const pop = [...cluster, ...spread, feasible([2, 2, 2])];
    const refs = dasDennisPoints(3, 2);
    const keep = selectEliteNSGAIII(pop, 4, refs, new Random(1));
    assert.equal(keep.length, 4);
    for (const i of [6, 7]) assert.ok(keep.includes(i), `corner point ${i} was dropped: kept ${keep}`);
    assert.equal(keep.filter((i) => i < 6).length, 1, `kept ${keep}: more than one member of the cluster`);
    assert.ok(!keep.includes(9), "the dominated point was kept");
    // Whole fronts first: a dominated point survives only once the front is used up.
    assert.deepEqual(selectEliteNSGAIII(pop, 10, refs, new Random(1)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(selectEliteNSGAIII(pop, 9, refs, new Random(1)).includes(9), false);
  });

  test("survival is seeded", () => {
    const rng = new Random(0);
    const pop = Array.from({ length: 40 }, () => {
      const a = rng.next();
      const b = rng.next();
      return feasible([a, b, Math.max(0, 1.5 - a - b)]);
    });
    const refs = dasDennisPoints(3, 4);
    assert.deepEqual(selectEliteNSGAIII(pop, 12, refs, new Random(3)), selectEliteNSGAIII(pop, 12, refs, new Random(3)));
  });
});
