/**
 * The hypervolume the genetic samplers are reported by (`hypervolume` of `tpe/multi-objective.ts`,
 * WFG for 3 or more objectives) against exact values computed independently: boxes by hand, the
 * union of random boxes by inclusion–exclusion, and the analytic volume under a DTLZ2 front.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Random } from "../../core/rng.js";
import { hypervolume } from "../tpe/index.js";

/** Volume of the union of the boxes [p, ref] by inclusion–exclusion over all 2^n − 1 subsets. */
function inclusionExclusion(points: readonly number[][], ref: readonly number[]): number {
  let total = 0;
  const n = points.length;
  for (let mask = 1; mask < 1 << n; mask++) {
    const corner = ref.map(() => -Infinity);
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if (!(mask & (1 << i))) continue;
      bits++;
      (points[i] as number[]).forEach((x, k) => (corner[k] = Math.max(corner[k] as number, x)));
    }
    const vol = corner.reduce((v, x, k) => v * Math.max(0, (ref[k] as number) - x), 1);
    total += bits % 2 === 1 ? vol : -vol;
  }
  return total;
}

describe("hypervolume for reporting", () => {
  test("hand-computed 3-objective values", () => {
    assert.equal(hypervolume([[1, 2, 3]], [4, 4, 4]), 6);
    // Boxes 2·2·1 and 1·1·3 overlapping in 1·1·1.
    assert.equal(hypervolume([[1, 1, 3], [2, 2, 1]], [3, 3, 4]), 6);
    // A dominated point and a point outside the reference box add nothing.
    assert.equal(hypervolume([[1, 1, 3], [2, 2, 1], [2, 2, 3.5], [0, 0, 5]], [3, 3, 4]), 6);
  });

  for (const m of [3, 4, 5]) {
    test(`${m} objectives: equals inclusion–exclusion on random point sets`, () => {
      const rng = new Random(m);
      for (let rep = 0; rep < 20; rep++) {
        const pts = Array.from({ length: 2 + rng.int(9) }, () => Array.from({ length: m }, () => rng.next()));
        const ref = new Array<number>(m).fill(1.1);
        const exact = inclusionExclusion(pts, ref);
        const got = hypervolume(pts, ref);
        assert.ok(Math.abs(got - exact) <= 1e-12 * Math.max(1, exact), `rep ${rep}: ${got} vs ${exact}`);
      }
    });
  }

  test("a dense DTLZ2 front approaches its analytic hypervolume 1.331 − π/6 from below", () => {
    const pts: number[][] = [];
    const k = 40;
    for (let i = 0; i <= k; i++) {
      for (let j = 0; j <= k; j++) {
        const a = (i / k) * (Math.PI / 2);
        const b = (j / k) * (Math.PI / 2);
        pts.push([Math.cos(a) * Math.cos(b), Math.cos(a) * Math.sin(b), Math.sin(a)]);
      }
    }
    const v = hypervolume(pts, [1.1, 1.1, 1.1]);
    const exact = 1.331 - Math.PI / 6;
    assert.ok(v < exact && v > exact - 0.02, `${v} vs ${exact}`);
  });
});
