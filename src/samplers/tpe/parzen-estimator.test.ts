import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Distribution } from "../../core/distributions.js";
import { Random } from "../../core/rng.js";
import {
  ParzenEstimator,
  bucketedNeighbourSigmas,
  fromModelSpace,
  neighbourSigmas,
  paramSpace,
  toModelSpace,
  type ParzenEstimatorOptions,
} from "./parzen-estimator.js";

const univariate: ParzenEstimatorOptions = { considerPrior: true, priorWeight: 1, considerMagicClip: true, considerEndpoints: false, multivariate: false };

function randomObs(rng: Random, d: Distribution, n: number): Float64Array {
  const sp = paramSpace("x", d);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = sp.lowEdge + (sp.highEdge - sp.lowEdge) * (0.5 + 0.5 * rng.next() * rng.next());
    out[i] = toModelSpace(sp, fromModelSpace(sp, u));
  }
  return out;
}

describe("ParzenEstimator", () => {
  it("bucketed bandwidths equal the sorted-neighbour rule after the magic clip", () => {
    const rng = new Random(3);
    for (let trial = 0; trial < 200; trial++) {
      const m = 1 + rng.int(300);
      const grid = rng.next() < 0.5;
      const mus = new Float64Array(m);
      for (let i = 0; i < m; i++) mus[i] = grid ? rng.int(20) : rng.next() < 0.3 ? 0.5 + 0.01 * rng.next() : rng.next();
      const low = grid ? -0.5 : 0;
      const high = grid ? 19.5 : 1;
      const endpoints = rng.next() < 0.5;
      const nObs = Math.max(1, m - 1);
      const minSigma = (high - low) / Math.min(100, 1 + nObs + 1);
      const exact = neighbourSigmas(mus, low, high, endpoints);
      const fast = bucketedNeighbourSigmas(mus, low, high, endpoints, 100);
      for (let i = 0; i < m; i++) {
        const clip = (s: number): number => Math.min(high - low, Math.max(minSigma, s));
        assert.ok(Math.abs(clip(exact[i] as number) - clip(fast[i] as number)) < 1e-12, `case ${trial}, point ${i}: ${exact[i]} vs ${fast[i]}`);
      }
    }
  });

  const spaces: [string, Distribution][] = [
    ["float", { kind: "float", low: -2, high: 3 }],
    ["log float", { kind: "float", low: 1e-3, high: 10, log: true }],
    ["stepped float", { kind: "float", low: 0, high: 1, step: 0.25 }],
    ["int", { kind: "int", low: -3, high: 7 }],
    ["stepped int", { kind: "int", low: 0, high: 40, step: 5 }],
    ["log int", { kind: "int", low: 1, high: 64, log: true }],
    ["categorical", { kind: "categorical", choices: ["a", "b", "c"] }],
  ];

  for (const [label, d] of spaces) {
    it(`is a normalised density for a ${label} (univariate and multivariate bandwidths)`, () => {
      const rng = new Random(11);
      for (const multivariate of [false, true]) {
        for (const n of [0, 1, 5, 60, 300]) {
          const sp = paramSpace("x", d);
          const obs = randomObs(rng, d, n);
          const pe = new ParzenEstimator([sp], [obs], new Float64Array(n).fill(1), { ...univariate, multivariate });
          let total = 0;
          if (sp.kind === "continuous") {
            // Midpoint rule in model space.
            const steps = 20000;
            const h = (sp.highEdge - sp.lowEdge) / steps;
            const xs = Float64Array.from({ length: steps }, (_, i) => sp.lowEdge + (i + 0.5) * h);
            for (const lp of pe.logPdf([xs])) total += Math.exp(lp) * h;
          } else {
            const xs = Float64Array.from({ length: sp.size }, (_, i) => i);
            for (const lp of pe.logPdf([xs])) total += Math.exp(lp);
          }
          assert.ok(Math.abs(total - 1) < 2e-3, `${label}, n=${n}, multivariate=${multivariate}: total mass ${total}`);
          for (const col of pe.sample(rng, 50)) {
            for (const x of col) {
              assert.ok(x >= sp.lowEdge && x <= sp.highEdge, `sample ${x} outside the edges`);
              if (sp.kind !== "continuous") assert.ok(Number.isInteger(x));
            }
          }
        }
      }
    });
  }

  it("bucketed (Taylor-expanded from 2048 kernels) and merged fast paths agree with the general path", () => {
    const rng = new Random(8);
    const unit = paramSpace("u", { kind: "categorical", choices: ["only"] });
    for (const d of [{ kind: "float", low: -1, high: 4 }, { kind: "int", low: 0, high: 30 }] as Distribution[]) {
      const sp = paramSpace("x", d);
      for (const n of [10, 100, 1000, 3000]) {
        const obs = randomObs(rng, d, n);
        const w = Float64Array.from({ length: n }, (_, i) => 0.1 + (i % 7));
        const fast = new ParzenEstimator([sp], [obs], w, univariate);
        // A one-choice categorical adds log 1 = 0 and forces the general path.
        const general = new ParzenEstimator([sp, unit], [obs, new Float64Array(n)], w, univariate);
        const xs = fast.sample(rng, 40)[0] as Float64Array;
        const a = fast.logPdf([xs]);
        const b = general.logPdf([xs, new Float64Array(xs.length)]);
        for (let i = 0; i < xs.length; i++) {
          assert.ok(Math.abs((a[i] as number) - (b[i] as number)) < 1e-9, `${d.kind}, n=${n}, x=${xs[i]}: ${a[i]} vs ${b[i]}`);
        }
      }
    }
  });

  it("is a normalised joint density over a mixed grid space", () => {
    const rng = new Random(5);
    const ds: Distribution[] = [
      { kind: "int", low: 0, high: 4 },
      { kind: "categorical", choices: [1, 2, 3] },
      { kind: "float", low: 0, high: 1, step: 0.5 },
    ];
    const sps = ds.map((d, i) => paramSpace(`p${i}`, d));
    const n = 30;
    const obs = ds.map((d) => randomObs(rng, d, n));
    const pe = new ParzenEstimator(sps, obs, new Float64Array(n).fill(1), { ...univariate, multivariate: true });
    const cols: number[][] = [[], [], []];
    for (let a = 0; a < 5; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 3; c++) [a, b, c].forEach((v, i) => cols[i]?.push(v));
    let total = 0;
    for (const lp of pe.logPdf(cols.map((c) => Float64Array.from(c)))) total += Math.exp(lp);
    assert.ok(Math.abs(total - 1) < 1e-9, `total mass ${total}`);
  });

  it("stays finite for all-equal observations, far candidates and a tiny range", () => {
    const d: Distribution = { kind: "float", low: 1e-8, high: 1e2, log: true };
    const sp = paramSpace("x", d);
    const obs = new Float64Array(50).fill(Math.log(1e-8));
    for (const considerMagicClip of [true, false]) {
      const pe = new ParzenEstimator([sp], [obs], new Float64Array(50).fill(1), { ...univariate, considerMagicClip, considerPrior: false });
      const lp = pe.logPdf([Float64Array.of(Math.log(1e-8), Math.log(1e2), 0)]);
      for (const v of lp) assert.ok(!Number.isNaN(v) && v < Infinity, `log density ${v}`);
      assert.ok((lp[0] as number) > (lp[1] as number));
    }
    const tiny = paramSpace("y", { kind: "float", low: 1, high: 1 + 1e-12 });
    const pe = new ParzenEstimator([tiny], [Float64Array.of(1, 1, 1 + 1e-12)], [1, 1, 1], univariate);
    for (const x of pe.sample(new Random(1), 20)[0] as Float64Array) assert.ok(x >= 1 && x <= 1 + 1e-12);
  });

  it("rejects bad weights", () => {
    const sp = paramSpace("x", { kind: "float", low: 0, high: 1 });
    assert.throws(() => new ParzenEstimator([sp], [Float64Array.of(0.5, 0.2)], [1, -1], univariate), /weights/);
    assert.throws(() => new ParzenEstimator([sp], [Float64Array.of(0.5, 0.2)], [1], univariate), /at least 2/);
    assert.throws(() => new ParzenEstimator([sp], [Float64Array.of(0.5)], [0], { ...univariate, considerPrior: false }), /all zero/);
  });
  it("multivariate kernels with neighbour bandwidths use the univariate rule in each dimension", () => {
    const rng = new Random(7);
    for (const [label, d] of spaces) {
      if (d.kind === "categorical") continue;
      const sp = paramSpace("x", d);
      const obs = randomObs(rng, d, 30);
      const points = Float64Array.from({ length: 9 }, (_, i) => toModelSpace(sp, fromModelSpace(sp, sp.lowEdge + ((i + 0.5) / 9) * (sp.highEdge - sp.lowEdge))));
      const w = new Float64Array(30).fill(1);
      const uni = new ParzenEstimator([sp], [obs], w, univariate).logPdf([points]);
      const neighbour = new ParzenEstimator([sp], [obs], w, { ...univariate, multivariate: true, multivariateBandwidth: "neighbour" }).logPdf([points]);
      const scott = new ParzenEstimator([sp], [obs], w, { ...univariate, multivariate: true }).logPdf([points]);
      let differs = false;
      for (let i = 0; i < points.length; i++) {
        assert.ok(Math.abs((uni[i] as number) - (neighbour[i] as number)) < 1e-9, `${label} at ${points[i]}: ${uni[i]} vs ${neighbour[i]}`);
        if (Math.abs((uni[i] as number) - (scott[i] as number)) > 1e-6) differs = true;
      }
      assert.ok(differs, `${label}: Scott's bandwidths should differ from the neighbour rule`);
    }
  });
});
