/**
 * The default mutation operator on its own: valid values for every distribution kind, exactly
 * `nMutations` changes, categoricals moved to another choice, coarse grids always moved, Gaussian
 * steps on the log scale for log parameters, and inputs left untouched.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { containsInternal, type Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import { Random } from "../../core/rng.js";
import { CONFORMANCE_SPACE } from "../../testing/sampler-conformance.js";
import { gaussianMutation } from "./index.js";

const SPACE: Record<string, Distribution> = { ...CONFORMANCE_SPACE };
const PARENT: Record<string, number> = { float: 0, floatLog: 0.01, floatStep: 0.5, int: 20, intLog: 1, intStep: 0, categorical: 2, singleFloat: 0.5, singleInt: 3, singleCategorical: 0 };

test("children stay inside every distribution kind and differ from the parent in exactly nMutations parameters", () => {
  for (const [nMutations, resampleProb] of [[1, 0], [2, 0], [7, 0], [20, 0], [1, 0.3], [7, 0.3]] as const) {
    const mutate = gaussianMutation({ nMutations, resampleProb });
    for (let s = 0; s < 300; s++) {
      const child = mutate(PARENT, SPACE, new Random(s));
      assert.deepEqual(Object.keys(child).sort(), Object.keys(PARENT).sort());
      for (const [name, x] of Object.entries(child)) assert.ok(containsInternal(SPACE[name] as Distribution, x), `${name} = ${x}`);
      const changed = Object.keys(PARENT).filter((k) => child[k] !== PARENT[k]);
      // Seven parameters have more than one value; only a uniform re-draw may land on the parent's value.
      const expected = Math.min(nMutations, 7);
      if (resampleProb === 0) assert.equal(changed.length, expected, `nMutations=${nMutations}`);
      else assert.ok(changed.length <= expected && changed.length >= expected - 3, `${changed.length} changed with nMutations=${nMutations}`);
      assert.ok(!changed.some((k) => k.startsWith("single")));
    }
  }
});

test("without re-draws a mutation always changes a value: categoricals to another choice, coarse grids by a grid point", () => {
  const space: Record<string, Distribution> = { c: { kind: "categorical", choices: ["a", "b", "c"] }, k: { kind: "int", low: 0, high: 1000, step: 100 }, b: { kind: "int", low: 0, high: 1 } };
  const mutate = gaussianMutation({ resampleProb: 0, sigma: 0.001 });
  const seenC = new Set<number>();
  for (let s = 0; s < 200; s++) {
    const child = mutate({ c: 1, k: 1000, b: 0 }, space, new Random(s));
    const changed = Object.keys(space).filter((k) => child[k] !== ({ c: 1, k: 1000, b: 0 } as Record<string, number>)[k]);
    assert.equal(changed.length, 1);
    if (child.c !== 1) seenC.add(child.c as number);
    if (child.k !== 1000) assert.equal(child.k, 900, "the top of the grid moves one step down");
    if (child.b !== 0) assert.equal(child.b, 1);
  }
  assert.deepEqual([...seenC].sort(), [0, 2]);
});

test("numeric steps are Gaussian on the (log-)scale with standard deviation sigma × range", () => {
  const space: Record<string, Distribution> = { lr: { kind: "float", low: 1e-6, high: 1, log: true } };
  const mutate = gaussianMutation({ resampleProb: 0, sigma: 0.05 });
  const steps: number[] = [];
  for (let s = 0; s < 2000; s++) steps.push(Math.log10((mutate({ lr: 1e-3 }, space, new Random(s)).lr as number) / 1e-3));
  const mean = steps.reduce((a, b) => a + b, 0) / steps.length;
  const sd = Math.sqrt(steps.reduce((a, b) => a + (b - mean) ** 2, 0) / steps.length);
  assert.ok(Math.abs(mean) < 0.03, `mean log10 step ${mean}`);
  assert.ok(Math.abs(sd - 0.3) < 0.03, `sd of log10 steps ${sd}, expected 0.05 × 6 decades = 0.3`);
});

test("does not modify its inputs, ignores names outside the space, and checks its options", () => {
  const parent = Object.freeze({ ...PARENT, stray: 1 });
  const space = Object.freeze({ ...SPACE });
  const child = gaussianMutation()(parent, space, new Random(1));
  assert.equal(child.stray, undefined);
  for (const bad of [{ nMutations: 0 }, { nMutations: 1.5 }, { sigma: 0 }, { resampleProb: -0.1 }]) assert.throws(() => gaussianMutation(bad), OuroborosError);
});
