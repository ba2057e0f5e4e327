import assert from "node:assert/strict";
import { test } from "node:test";
import type { Distribution } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import { makeFrozenTrial, StaticStudyView } from "../testing/static-study-view.js";
import { RandomSampler, uniformToInternal } from "./random.js";

const view = new StaticStudyView([]);
const trial = (number: number) => makeFrozenTrial({ number });

function draws(sampler: RandomSampler, d: Distribution, n: number, name = "x"): number[] {
  return Array.from({ length: n }, (_, i) => sampler.sampleIndependent(view, trial(i), name, d));
}

test("uniformToInternal maps [0, 1) onto each kind's uniform law", () => {
  assert.equal(uniformToInternal({ kind: "float", low: -2, high: 2 }, 0.75), 1);
  assert.ok(Math.abs(uniformToInternal({ kind: "float", low: 1e-4, high: 1, log: true }, 0.5) - 0.01) < 1e-15);
  assert.equal(uniformToInternal({ kind: "float", low: 0, high: 1, step: 0.1 }, 0.3), 0.3);
  assert.equal(uniformToInternal({ kind: "float", low: 0, high: 1, step: 0.1 }, 0.999999), 1);
  assert.equal(uniformToInternal({ kind: "int", low: -3, high: 3 }, 0), -3);
  assert.equal(uniformToInternal({ kind: "int", low: -3, high: 3 }, 0.999999), 3);
  assert.equal(uniformToInternal({ kind: "int", low: 0, high: 10, step: 5 }, 0.5), 5);
  assert.equal(uniformToInternal({ kind: "int", low: 5, high: 5 }, 0.7), 5);
  const cat: Distribution = { kind: "categorical", choices: ["a", null, true, 2] };
  assert.deepEqual([0.1, 0.3, 0.6, 0.9].map((u) => uniformToInternal(cat, u)), [0, 1, 2, 3]);
  // Equal-width cells: 8 evenly spread u give each of 4 int values twice.
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 8; i++) counts[uniformToInternal({ kind: "int", low: 0, high: 3 }, (i + 0.5) / 8)]! += 1;
  assert.deepEqual(counts, [2, 2, 2, 2]);
});

test("a draw depends only on seed, trial number and name", () => {
  const a = new RandomSampler({ seed: 5 });
  const b = new RandomSampler({ seed: 5 });
  const d: Distribution = { kind: "float", low: 0, high: 1 };
  assert.equal(a.sampleIndependent(view, trial(17), "lr", d), b.sampleIndependent(new StaticStudyView([trial(0)]), trial(17), "lr", d));
  assert.notEqual(a.sampleIndependent(view, trial(17), "lr", d), a.sampleIndependent(view, trial(17), "wd", d));
  assert.notEqual(a.sampleIndependent(view, trial(17), "lr", d), a.sampleIndependent(view, trial(18), "lr", d));
  assert.notEqual(a.sampleIndependent(view, trial(17), "lr", d), new RandomSampler({ seed: 6 }).sampleIndependent(view, trial(17), "lr", d));
});

test("draws are uniform over int grids, stepped floats and categoricals", () => {
  const sampler = new RandomSampler({ seed: 1 });
  const n = 20000;
  for (const d of [
    { kind: "int", low: 0, high: 9 },
    { kind: "int", low: 0, high: 27, step: 3 },
    { kind: "float", low: 0, high: 0.9, step: 0.1 },
    { kind: "categorical", choices: [0, "a", true, null, 1.5, false, "b", 2, 3, 4] },
  ] as Distribution[]) {
    const counts = new Map<number, number>();
    for (const x of draws(sampler, d, n)) counts.set(x, (counts.get(x) ?? 0) + 1);
    assert.equal(counts.size, 10, JSON.stringify(d));
    for (const c of counts.values()) assert.ok(Math.abs(c - n / 10) < 0.06 * (n / 10), `${JSON.stringify(d)}: count ${c}`);
  }
});

test("log draws are uniform in log space; log ints favour small values", () => {
  const sampler = new RandomSampler({ seed: 2 });
  const xs = draws(sampler, { kind: "float", low: 1e-6, high: 1, log: true }, 20000);
  const belowMid = xs.filter((x) => x < 1e-3).length / xs.length;
  assert.ok(Math.abs(belowMid - 0.5) < 0.02, `fraction below the log midpoint: ${belowMid}`);
  const ks = draws(sampler, { kind: "int", low: 1, high: 1000, log: true }, 20000);
  const small = ks.filter((k) => k <= 31).length / ks.length;
  assert.ok(small > 0.45 && small < 0.55, `fraction of log ints <= 31: ${small}`);
  assert.ok(ks.every((k) => Number.isInteger(k) && k >= 1 && k <= 1000));
});

test("float draws cover the range and stay inside it", () => {
  const xs = draws(new RandomSampler({ seed: 3 }), { kind: "float", low: -10.2, high: 10.5 }, 5000);
  assert.ok(xs.every((x) => x >= -10.2 && x <= 10.5));
  assert.ok(Math.min(...xs) < -10 && Math.max(...xs) > 10.3);
});

test("without a seed a fresh one is drawn and exposed in params", () => {
  const a = new RandomSampler();
  assert.equal(typeof a.params.seed, "number");
  const b = new RandomSampler({ seed: a.params.seed });
  const d: Distribution = { kind: "float", low: 0, high: 1 };
  assert.deepEqual(draws(a, d, 10), draws(b, d, 10));
  assert.equal(a.kind, "random");
  assert.deepEqual(a.inferRelativeSearchSpace(), {});
  assert.deepEqual(a.sampleRelative(), {});
});

test("a seed that is not a finite number is rejected", () => {
  assert.throws(() => new RandomSampler({ seed: Number.NaN }), (e) => e instanceof OuroborosError && e.code === "invalid-argument" && /seed/.test(e.message));
  assert.throws(() => new RandomSampler({ seed: "1" as unknown as number }), OuroborosError);
});
