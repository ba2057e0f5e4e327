import assert from "node:assert/strict";
import { test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import { HyperbandPruner } from "./hyperband.js";
import { MedianPruner } from "./median.js";
import { NopPruner } from "./nop.js";
import { PatientPruner } from "./patient.js";
import { PercentilePruner } from "./percentile.js";
import { createPruner, prunerKinds } from "./registry.js";
import { SuccessiveHalvingPruner } from "./successive-halving.js";
import { ThresholdPruner } from "./threshold.js";

test("every pruner is rebuilt from its { kind, params }, through JSON", () => {
  const pruners = [
    new NopPruner(),
    new MedianPruner({ nWarmupSteps: 4 }),
    new PercentilePruner({ percentile: 10, intervalSteps: 3 }),
    new PatientPruner(new PatientPruner(new MedianPruner(), { patience: 1 }), { patience: 2, minDelta: 0.5 }),
    new PatientPruner(null, { patience: 0 }),
    new ThresholdPruner({ lower: [0, null], upper: 5 }),
    new SuccessiveHalvingPruner({ minResource: 3, bootstrapCount: 1 }),
    new HyperbandPruner({ maxResource: 100 }),
  ];
  for (const p of pruners) {
    const spec = JSON.parse(JSON.stringify({ kind: p.kind, params: p.params })) as { kind: string; params: Record<string, never> };
    const q = createPruner(spec);
    assert.equal(q.constructor, p.constructor);
    assert.deepEqual(q.params, p.params);
  }
  assert.deepEqual([...prunerKinds].sort(), ["hyperband", "median", "nop", "patient", "percentile", "successive-halving", "threshold"]);
});

test("params default to {}; a pruner with required options says which", () => {
  assert.ok(createPruner({ kind: "median" }) instanceof MedianPruner);
  assert.ok(createPruner({ kind: "successive-halving", params: {} }) instanceof SuccessiveHalvingPruner);
  assert.throws(() => createPruner({ kind: "percentile", params: {} }), /PercentilePruner: percentile must be a number in \[0, 100\], but got undefined/);
  assert.throws(() => createPruner({ kind: "patient" }), /PatientPruner: patience must be an integer >= 0, but got undefined/);
});

test("unknown kinds and parameters are refused, listing what is known", () => {
  const refused = (f: () => unknown, message: string): void => {
    assert.throws(f, (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument" && e.message === message);
  };
  refused(
    () => createPruner({ kind: "asha" }),
    'pruner kind must be one of "nop", "percentile", "median", "patient", "threshold", "successive-halving", "hyperband", but got "asha"',
  );
  refused(
    () => createPruner({ kind: "median", params: { n_startup_trials: 3 } }),
    'pruner "median": unknown parameter "n_startup_trials"; expected one of "nStartupTrials", "nWarmupSteps", "intervalSteps", "nMinTrials"',
  );
  refused(
    () => createPruner({ kind: "successive-halving", params: { reductionFactor: 1 } }),
    "SuccessiveHalvingPruner: reductionFactor must be an integer >= 2, but got 1",
  );
  refused(
    () => createPruner({ kind: "patient", params: { patience: 1, wrapped: "median" } }),
    'pruner "patient": wrapped must be a { kind, params } object or null, but got "median"',
  );
  refused(
    () => createPruner({ kind: "toString" }),
    'pruner kind must be one of "nop", "percentile", "median", "patient", "threshold", "successive-halving", "hyperband", but got "toString"',
  );
});

test("NopPruner never prunes", () => {
  const nop = createPruner({ kind: "nop" });
  assert.equal(nop.prune({} as never, {} as never), false);
  assert.deepEqual(nop.params, {});
});
