import assert from "node:assert/strict";
import { test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import { simulateStudy } from "../testing/simulate.js";
import { GridSampler } from "./grid.js";
import { QMCSampler } from "./qmc.js";
import { RandomSampler } from "./random.js";
import { createSampler, registerSampler, samplerKinds } from "./registry.js";

test("createSampler rebuilds each sampler from a JSON copy of { kind, params }", () => {
  const space = { x: { kind: "float", low: 0, high: 1 }, k: { kind: "int", low: 0, high: 3 } } as const;
  for (const original of [
    new RandomSampler({ seed: 1 }),
    new GridSampler({ k: [0, 1, 2, 3], x: [0, 0.5] }, { seed: 2 }),
    new QMCSampler({ qmcType: "halton", scramble: true, seed: 3 }),
    new QMCSampler(),
  ]) {
    const copy = createSampler(JSON.parse(JSON.stringify({ kind: original.kind, params: original.params })));
    assert.equal(copy.constructor, original.constructor);
    assert.deepEqual(copy.params, original.params);
    const a = simulateStudy(original, () => 0, 6, space).trials.map((t) => t.params);
    const b = simulateStudy(copy, () => 0, 6, space).trials.map((t) => t.params);
    assert.deepEqual(b, a);
  }
});

test("unknown kinds and options are errors that list what is known", () => {
  assert.throws(
    () => createSampler({ kind: "smac", params: {} }),
    (e) => e instanceof OuroborosError && e.code === "invalid-argument" && /"smac"/.test(e.message) && /bohb, cmaes, gp, grid, nsga2, nsga3, portfolio, qmc, random, regularized-evolution, tpe/.test(e.message),
  );
  assert.throws(
    () => createSampler({ kind: "random", params: { sed: 1 } }),
    (e) => e instanceof OuroborosError && /"sed"/.test(e.message) && /seed/.test(e.message),
  );
  assert.throws(() => createSampler({ kind: "random", params: { seed: "x" } }), (e) => e instanceof OuroborosError && /seed/.test(e.message));
  assert.throws(() => createSampler({ kind: "grid", params: { searchSpace: 3 } }), OuroborosError);
});

test("third-party samplers can be registered once", () => {
  registerSampler("constant-test", (p) => ({
    kind: "constant-test",
    params: p,
    inferRelativeSearchSpace: () => ({}),
    sampleRelative: () => ({}),
    sampleIndependent: (_s, _t, _n, d) => (d.kind === "categorical" ? 0 : d.low),
  }));
  assert.ok(samplerKinds().includes("constant-test"));
  assert.equal(createSampler({ kind: "constant-test", params: { anything: 1 } }).kind, "constant-test");
  assert.throws(() => registerSampler("random", () => new RandomSampler()), (e) => e instanceof OuroborosError && /already registered/.test(e.message));
});
