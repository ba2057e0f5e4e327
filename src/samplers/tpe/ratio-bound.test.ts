/**
 * Picking the candidate through lower bounds must pick what scoring every candidate picks.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Random } from "../../core/rng.js";
import { IncrementalMixture } from "./incremental-mixture.js";
import { paramSpace } from "./parzen-estimator.js";
import { bestRatio } from "./ratio-bound.js";
import { defaultWeights } from "./sampler.js";

describe("bestRatio", () => {
  it("bounds log g from below and picks the first candidate with the largest ll − log g", () => {
    const rng = new Random(8);
    const sp = paramSpace("x", { kind: "float", low: -10, high: 10 });
    let pruned = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = trial < 40 ? 98 + rng.int(1500) : 2048 + rng.int(3000);
      // A crowded cluster (as TPE's observations) over a uniform background; no ties.
      const centre = -5 + 10 * rng.next();
      const width = 0.1 + rng.next();
      const obs = Float64Array.from({ length: n }, () => (rng.next() < 0.3 ? -10 + 20 * rng.next() : Math.max(-10, Math.min(10, centre + width * rng.normal()))));
      const ids = Int32Array.from({ length: n }, (_, i) => i);
      const w = defaultWeights(n);
      const logW = Float64Array.from(w, Math.log);
      const mixture = new IncrementalMixture(sp, false, true, 1);
      const index = mixture.index(ids, obs, w, logW);
      assert.ok(index !== undefined);
      const xs = Float64Array.from({ length: 24 }, () => Math.max(-10, Math.min(10, centre + width * rng.normal())));
      // Some exact ties: a repeated candidate, and equal ll.
      xs[7] = xs[3] as number;
      const ll = Float64Array.from({ length: 24 }, () => 0.3 * rng.normal());
      // Every fourth trial the tied pair wins outright: the first of the two must be picked.
      if (trial % 4 === 0) ll[3] = 50;
      ll[7] = ll[3] as number;
      const lg = index.logPdf(xs);
      let want = 0;
      let bestScore = -Infinity;
      for (let i = 0; i < 24; i++) {
        const s = (ll[i] as number) - (lg[i] as number);
        if (s > bestScore) {
          bestScore = s;
          want = i;
        }
      }
      const { bounds, halfWidth } = mixture.bounds(index);
      for (let i = 0; i < 24; i++) {
        const lb = bounds.lowerBound(xs[i] as number, halfWidth);
        assert.ok(lb <= (lg[i] as number), `trial ${trial}, candidate ${i}: bound ${lb} above log g ${lg[i]}`);
        if (lb > (lg[i] as number) - 0.5) pruned++;
      }
      assert.equal(bestRatio(index, bounds, ll, xs, halfWidth), want, `trial ${trial} (n ${n})`);
      if (trial % 4 === 0) assert.equal(want, 3);
    }
    // The bounds are close enough to prune: most are within half a nat.
    assert.ok(pruned > 0.8 * 60 * 24, `${pruned} tight bounds`);
  });
});
