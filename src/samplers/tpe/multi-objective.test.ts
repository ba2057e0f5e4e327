import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Random } from "../../core/rng.js";
import {
  dominates,
  greedyHypervolumeSubset,
  hypervolume,
  hypervolumeContributions,
  nonDominatedRanks,
  referencePoint,
  type Point,
} from "./multi-objective.js";

/** Hypervolume by inclusion–exclusion over all subsets (exact, exponential: for small sets). */
function bruteForceHV(points: readonly Point[], ref: Point): number {
  let v = 0;
  const n = points.length;
  for (let mask = 1; mask < 1 << n; mask++) {
    const corner = ref.map(() => -Infinity);
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) {
        bits++;
        (points[i] as Point).forEach((x, k) => (corner[k] = Math.max(corner[k] as number, x)));
      }
    }
    let box = 1;
    corner.forEach((c, k) => (box *= Math.max(0, (ref[k] as number) - c)));
    v += bits % 2 === 1 ? box : -box;
  }
  return v;
}

describe("multi-objective helpers", () => {
  it("dominance and non-dominated ranks", () => {
    assert.ok(dominates([1, 2], [2, 2]));
    assert.ok(!dominates([1, 2], [1, 2]));
    assert.ok(!dominates([1, 3], [2, 2]));
    const pts: Point[] = [[1, 5], [2, 2], [5, 1], [3, 3], [4, 4], [6, 6], [2, 2]];
    assert.deepEqual([...nonDominatedRanks(pts)], [0, 0, 0, 1, 2, 3, 0]);
    // Stops once enough points are ranked.
    assert.deepEqual([...nonDominatedRanks(pts, 4)], [0, 0, 0, -1, -1, -1, 0]);
  });

  it("computes exact hypervolumes in 2, 3 and 4 objectives", () => {
    assert.equal(hypervolume([[1, 2], [2, 1]], [3, 3]), 3);
    assert.equal(hypervolume([[0, 0, 0]], [1, 2, 3]), 6);
    assert.equal(hypervolume([], [1, 1]), 0);
    assert.equal(hypervolume([[2, 2]], [1, 1]), 0);
    assert.equal(hypervolume([[0, 0]], [Infinity, 1]), Infinity);
    const rng = new Random(2);
    for (const m of [2, 3, 4]) {
      for (let rep = 0; rep < 20; rep++) {
        const n = 1 + rng.int(9);
        const pts: Point[] = Array.from({ length: n }, () => Array.from({ length: m }, () => Math.round(rng.next() * 10) / 10));
        const ref = Array.from({ length: m }, () => 1.05);
        const want = bruteForceHV(pts, ref);
        assert.ok(Math.abs(hypervolume(pts, ref) - want) < 1e-12, `m=${m}: ${hypervolume(pts, ref)} vs ${want}`);
      }
    }
  });

  it("contributions equal HV(all) − HV(all without the point) in 2 to 4 objectives", () => {
    const rng = new Random(4);
    for (const m of [2, 3, 4]) {
      for (let rep = 0; rep < 10; rep++) {
        const pts: Point[] = Array.from({ length: 2 + rng.int(8) }, () => Array.from({ length: m }, () => Math.round(rng.next() * 20) / 20));
        const ref = referencePoint(pts);
        const c = hypervolumeContributions(pts, ref);
        const total = bruteForceHV(pts, ref);
        pts.forEach((_, i) => {
          const want = total - bruteForceHV(pts.filter((__, j) => j !== i), ref);
          assert.ok(Math.abs((c[i] as number) - want) < 1e-12, `m=${m}, point ${i}: ${c[i]} vs ${want}`);
        });
      }
    }
  });

  it("contributions and the reference point", () => {
    const pts: Point[] = [[1, 3], [2, 2], [3, 1], [3, 3]];
    const ref = referencePoint(pts);
    assert.deepEqual(ref.map((r) => Math.round(r * 1e9) / 1e9), [3.3, 3.3]);
    const c = hypervolumeContributions(pts, ref);
    assert.ok(Math.abs((c[1] as number) - 1) < 1e-12);
    assert.equal(c[3], 0);
    assert.deepEqual(referencePoint([[-2, 0]]), [-1.8, 1e-12]);
  });

  it("greedy subset selection is within (1 − 1/e) of the best subset", () => {
    const rng = new Random(9);
    for (let rep = 0; rep < 20; rep++) {
      const n = 4 + rng.int(6);
      const m = 2 + rng.int(2);
      // Points on a front (no point dominates another): x spread, last coordinate decreasing.
      const pts: Point[] = Array.from({ length: n }, () => {
        const p = Array.from({ length: m - 1 }, () => rng.next());
        return [...p, 1 - p.reduce((a, b) => a + b, 0) / (m - 1) + 0.01 * rng.next()];
      });
      const ref = referencePoint(pts);
      const k = 1 + rng.int(n - 1);
      const picked = greedyHypervolumeSubset(pts, k, ref);
      assert.equal(new Set(picked).size, k);
      let best = 0;
      for (let mask = 0; mask < 1 << n; mask++) {
        let bits = 0;
        for (let i = 0; i < n; i++) if (mask & (1 << i)) bits++;
        if (bits !== k) continue;
        best = Math.max(best, hypervolume(pts.filter((_, i) => mask & (1 << i)), ref));
      }
      const got = hypervolume(picked.map((i) => pts[i] as Point), ref);
      assert.ok(got >= (1 - 1 / Math.E) * best - 1e-12, `greedy ${got} vs best ${best}`);
      // The first pick is the largest single box.
      const boxes = pts.map((p) => hypervolume([p], ref));
      assert.ok(picked.includes(boxes.indexOf(Math.max(...boxes))));
    }
    // Duplicates only when distinct points run out.
    assert.deepEqual(greedyHypervolumeSubset([[1, 1], [1, 1], [0, 2]], 2, [3, 3]), [0, 2]);
    assert.deepEqual(greedyHypervolumeSubset([[1, 1], [1, 1], [0, 2]], 3, [3, 3]), [0, 1, 2]);
  });
});
