/**
 * The TPE sampler's caches (incremental split, incremental "above" mixture, reused columns) must
 * give exactly what a fresh computation gives on the same history.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Distribution } from "../../core/distributions.js";
import type { FrozenTrial, StudyDirection } from "../../core/frozen-trial.js";
import { Random } from "../../core/rng.js";
import { StaticStudyView, makeFrozenTrial } from "../../testing/static-study-view.js";
import { IncrementalMixture } from "./incremental-mixture.js";
import { ParzenEstimator, paramSpace, type ParzenEstimatorOptions } from "./parzen-estimator.js";
import { TPESampler, defaultWeights } from "./sampler.js";
import { IncrementalSplit } from "./split-cache.js";
import { splitTrials } from "./split.js";

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>, what: string): void => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}: entry ${i} is ${a[i]}, expected ${b[i]}`);
};

describe("IncrementalMixture", () => {
  const cases: { d: Distribution; considerEndpoints: boolean; widthWeighted: boolean }[] = [
    { d: { kind: "float", low: -10, high: 10 }, considerEndpoints: false, widthWeighted: true },
    { d: { kind: "float", low: 1e-5, high: 0.1, log: true }, considerEndpoints: true, widthWeighted: false },
  ];
  for (const { d, considerEndpoints, widthWeighted } of cases) {
    it(`gives the fresh estimator's log density bit for bit (${JSON.stringify(d)}, endpoints ${considerEndpoints})`, () => {
      const sp = paramSpace("x", d);
      const options: ParzenEstimatorOptions = { considerPrior: true, priorWeight: 1.5, considerMagicClip: true, considerEndpoints, multivariate: false, widthWeightedKernels: widthWeighted };
      const rng = new Random(7);
      const draw = (): number => {
        // Clustered values, as TPE's observations are, with a few at the range ends.
        const u = rng.next();
        const t = u < 0.05 ? 0.01 * rng.next() : u > 0.95 ? 1 - 0.01 * rng.next() : 0.5 + 0.5 * (rng.next() - 0.5) * rng.next();
        return sp.lowEdge + t * (sp.highEdge - sp.lowEdge);
      };
      // Observations in "trial order" with identities; most steps insert one at a random place,
      // some insert several or remove one (a rebuild).
      let nextId = 0;
      let items: { id: number; v: number }[] = Array.from({ length: 90 }, () => ({ id: nextId++, v: draw() }));
      const inc = new IncrementalMixture(sp, considerEndpoints, widthWeighted, 1.5);
      let used = 0;
      for (let step = 0; step < 160; step++) {
        const r = rng.next();
        const k = r < 0.1 ? 3 : 1;
        for (let i = 0; i < k; i++) items.splice(rng.int(items.length + 1), 0, { id: nextId++, v: draw() });
        if (r > 0.95) items = items.filter((_, i) => i !== rng.int(items.length));
        const obs = Float64Array.from(items, (it) => it.v);
        const w = defaultWeights(obs.length);
        const logW = Float64Array.from(w, Math.log);
        const candidates = Float64Array.from({ length: 24 }, () => (rng.next() < 0.5 ? draw() : (obs[rng.int(obs.length)] as number)));
        const got = inc.logPdf(Int32Array.from(items, (it) => it.id), obs, w, logW, candidates);
        const want = new ParzenEstimator([sp], [obs], w, options, logW).logPdf([candidates]);
        if (got === undefined) continue;
        used++;
        sameBits(got, want, `step ${step}, n ${obs.length}`);
      }
      assert.ok(used > 100, `the incremental path ran ${used} times`);
    });
  }

  it("declines below 98 observations and with tied values", () => {
    const sp = paramSpace("x", { kind: "float", low: 0, high: 1 });
    const inc = new IncrementalMixture(sp, false, true, 1);
    const cand = new Float64Array([0.5]);
    const small = Float64Array.from({ length: 50 }, (_, i) => i / 50);
    const w = defaultWeights(50);
    assert.equal(inc.logPdf(Int32Array.from(small, (_, j) => j), small, w, Float64Array.from(w, Math.log), cand), undefined);
    const tied = Float64Array.from({ length: 120 }, (_, i) => (i % 60) / 60);
    const w2 = defaultWeights(120);
    assert.equal(inc.logPdf(Int32Array.from(tied, (_, j) => j), tied, w2, Float64Array.from(w2, Math.log), cand), undefined);
  });
});

describe("IncrementalSplit", () => {
  it("equals splitTrials as trials are appended (complete and pruned, both directions)", () => {
    for (const direction of ["minimize", "maximize"] as StudyDirection[]) {
      const rng = new Random(direction === "minimize" ? 1 : 2);
      const trials: FrozenTrial[] = [];
      const inc = new IncrementalSplit();
      for (let i = 0; i < 200; i++) {
        const value = Math.round(rng.normal() * 20) / 4; // ties happen
        if (rng.next() < 0.2) {
          const steps = rng.int(4);
          const intermediateValues: Record<number, number> = {};
          for (let s = 0; s < steps; s++) intermediateValues[s * 10] = rng.next() < 0.05 ? NaN : Math.round(rng.normal() * 8) / 4;
          trials.push(makeFrozenTrial({ number: i, state: "pruned", intermediateValues }));
        } else {
          trials.push(makeFrozenTrial({ number: i, values: [value] }));
        }
        const nBelow = Math.min(Math.ceil(0.1 * trials.length), 25);
        const got = inc.split(trials.slice(), [direction], nBelow);
        const want = splitTrials(trials, [direction], nBelow, { constraints: false, constantLiar: false });
        assert.ok(got !== undefined);
        assert.deepEqual([...got.below], [...want.below], `below after ${i + 1} trials`);
        assert.deepEqual([...got.above], [...want.above], `above after ${i + 1} trials`);
      }
    }
  });

  it("starts over when the list is not an extension, and declines several objectives", () => {
    const a = [0, 1, 2, 3].map((i) => makeFrozenTrial({ number: i, values: [i] }));
    const inc = new IncrementalSplit();
    inc.split(a, ["minimize"], 1);
    const b = [a[0], makeFrozenTrial({ number: 1, values: [-5] }), a[2], a[3]] as FrozenTrial[];
    assert.deepEqual([...(inc.split(b, ["minimize"], 1)?.below ?? [])], [1]);
    assert.equal(inc.split(b, ["minimize", "minimize"], 1), undefined);
  });
});

describe("TPESampler caches", () => {
  const space: Record<string, Distribution> = {
    x: { kind: "float", low: -10, high: 10 },
    lr: { kind: "float", low: 1e-5, high: 0.1, log: true },
    n: { kind: "int", low: 1, high: 100 },
    c: { kind: "categorical", choices: ["a", "b", "c"] },
  };

  it("a sampler that has followed the study samples what a fresh sampler samples on the same history", () => {
    const seed = 11;
    const view = new StaticStudyView([], ["minimize"]);
    const followed = new TPESampler({ seed });
    const rng = new Random(3);
    let compared = 0;
    // Count the draws whose g(x) came from the incremental mixture.
    let incremental = 0;
    const original = IncrementalMixture.prototype.index;
    IncrementalMixture.prototype.index = function (this: IncrementalMixture, ...args: Parameters<typeof original>) {
      const r = original.apply(this, args);
      if (r !== undefined) incremental++;
      return r;
    };
    try {
      for (let number = 0; number < 240; number++) {
        const internal: Record<string, number> = {};
        const distributions: Record<string, Distribution> = {};
        view.trials.push(makeFrozenTrial({ number, state: "running" }));
        const check = number >= 100 && number % 7 === 0;
        for (const [name, d] of Object.entries(space)) {
          const running = makeFrozenTrial({ number, state: "running", internalParams: { ...internal }, distributions: { ...distributions } });
          view.trials[number] = running;
          const x = followed.sampleIndependent(view, running, name, d);
          if (check) {
            // A new sampler has no caches: its draw is the reference.
            const fresh = new TPESampler({ seed }).sampleIndependent(view, running, name, d);
            assert.ok(Object.is(x, fresh), `trial ${number}, ${name}: cached ${x}, fresh ${fresh}`);
            compared++;
          }
          internal[name] = x;
          distributions[name] = d;
        }
        // Some trials are pruned with reports, so the split's pruned path is exercised too.
        const value = Math.abs((internal["x"] as number) - 1) + Math.abs(Math.log10(internal["lr"] as number) + 3) + (internal["c"] === 0 ? 0 : 1);
        view.trials[number] =
          rng.next() < 0.1
            ? makeFrozenTrial({ number, state: "pruned", internalParams: internal, distributions, intermediateValues: { 1: value } })
            : makeFrozenTrial({ number, values: [value], internalParams: internal, distributions });
      }
    } finally {
      IncrementalMixture.prototype.index = original;
    }
    assert.ok(compared >= 4 * 20);
    assert.ok(incremental > 200, `the incremental mixture answered ${incremental} times`);
  });
});
