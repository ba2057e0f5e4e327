/**
 * The direct grid density must give the Parzen estimator's log density bit for bit.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Distribution } from "../../core/distributions.js";
import { Random } from "../../core/rng.js";
import { gridLogPdf } from "./grid-density.js";
import { ParzenEstimator, paramSpace, type ParzenEstimatorOptions } from "./parzen-estimator.js";
import { defaultWeights } from "./sampler.js";

describe("gridLogPdf", () => {
  it("equals the estimator's log density bit for bit (grids, weights, prior, endpoints)", () => {
    const rng = new Random(21);
    let compared = 0;
    for (let trial = 0; trial < 120; trial++) {
      const d: Distribution =
        trial % 3 === 0 ? { kind: "int", low: 1, high: 100 } : trial % 3 === 1 ? { kind: "int", low: -3, high: 4 } : { kind: "float", low: 0, high: 1, step: 0.05 };
      const sp = paramSpace("n", d);
      const n = 1 + rng.int(trial < 60 ? 120 : 900);
      // Clustered grid indices with repeats, as TPE's observations are.
      const centre = rng.int(sp.size);
      const obs = Float64Array.from({ length: n }, () =>
        rng.next() < 0.3 ? rng.int(sp.size) : Math.min(sp.size - 1, Math.max(0, Math.round(centre + rng.normal() * (1 + rng.int(4))))),
      );
      const w = rng.next() < 0.7 ? defaultWeights(n) : Float64Array.from({ length: n }, () => rng.next() + (rng.next() < 0.1 ? 0 : 0.01));
      const options: ParzenEstimatorOptions = {
        considerPrior: rng.next() < 0.85,
        priorWeight: rng.next() < 0.5 ? 1 : 0.5 + 2 * rng.next(),
        considerMagicClip: true,
        considerEndpoints: rng.next() < 0.3,
        multivariate: false,
        widthWeightedKernels: true,
      };
      const candidates = Float64Array.from({ length: 24 }, () => (rng.next() < 0.5 ? (obs[rng.int(n)] as number) : rng.int(sp.size)));
      const got = gridLogPdf(sp, obs, w, options, candidates);
      assert.ok(got !== undefined, `trial ${trial} was declined`);
      const want = new ParzenEstimator([sp], [obs], w, options).logPdf([candidates]);
      for (let i = 0; i < candidates.length; i++) {
        assert.ok(Object.is(got[i], want[i]), `trial ${trial} (n ${n}), candidate ${candidates[i]}: ${got[i]}, expected ${want[i]}`);
      }
      compared++;
    }
    assert.equal(compared, 120);
  });

  it("declines what the estimator handles otherwise, and invalid weights (the estimator reports them)", () => {
    const grid = paramSpace("n", { kind: "int", low: 0, high: 9 });
    const obs = Float64Array.of(1, 2, 2, 3);
    const options: ParzenEstimatorOptions = { considerPrior: true, priorWeight: 1, considerMagicClip: true, considerEndpoints: false, multivariate: false };
    const cand = Float64Array.of(2);
    assert.equal(gridLogPdf(paramSpace("x", { kind: "float", low: 0, high: 1 }), obs, [1, 1, 1, 1], options, cand), undefined);
    assert.equal(gridLogPdf(grid, obs, [1, 1, 1, 1], { ...options, considerMagicClip: false }, cand), undefined);
    assert.equal(gridLogPdf(grid, obs, [1, 1, 1, 1], { ...options, multivariate: true }, cand), undefined);
    assert.equal(gridLogPdf(grid, new Float64Array(0), [], options, cand), undefined);
    assert.equal(gridLogPdf(grid, obs, [1, -1, 1, 1], options, cand), undefined);
    assert.equal(gridLogPdf(grid, obs, [1, 1], options, cand), undefined);
    assert.ok(gridLogPdf(grid, obs, [1, 1, 1, 1], options, cand) !== undefined);
  });
});
