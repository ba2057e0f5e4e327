import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import type { StudyDirection } from "../core/frozen-trial.js";
import { makeFrozenTrial, StaticStudyView } from "../testing/static-study-view.js";
import { ThresholdPruner } from "./threshold.js";

/** The decision after each report of `values` (steps 0, 1, …). */
function decisions(pruner: ThresholdPruner, values: readonly (number | number[])[], directions: StudyDirection[] = ["minimize"]): boolean[] {
  const view = new StaticStudyView([], directions);
  const scalars: Record<number, number> = {};
  const vectors: Record<number, number[]> = {};
  return values.map((v, step) => {
    if (typeof v === "number") scalars[step] = v;
    else vectors[step] = v;
    const trial = makeFrozenTrial({ number: 0, state: "running", intermediateValues: { ...scalars }, intermediateVectors: { ...vectors } });
    return pruner.prune(view, trial);
  });
}

describe("ThresholdPruner", () => {
  test("upper and lower bounds (Optuna's examples)", () => {
    assert.deepEqual(decisions(new ThresholdPruner({ upper: 1 }), [0, 0.1, 0.2, 0.5, 1.2]), [false, false, false, false, true]);
    assert.deepEqual(decisions(new ThresholdPruner({ lower: 0 }), [100, 90, 0.1, 0, -1]), [false, false, false, false, true]);
  });

  test("bounds ignore the direction", () => {
    assert.deepEqual(decisions(new ThresholdPruner({ upper: 1 }), [0.5, 2], ["maximize"]), [false, true]);
  });

  test("NaN prunes", () => {
    assert.deepEqual(decisions(new ThresholdPruner({ lower: 0, upper: 1 }), [0.5, NaN]), [false, true]);
  });

  test("warmup and interval", () => {
    const p = new ThresholdPruner({ upper: 1, nWarmupSteps: 2, intervalSteps: 2 });
    assert.deepEqual(decisions(p, [5, 5, 5, 5, 5]), [false, false, true, false, true]);
  });

  test("vector reports: per-objective bounds, null for unbounded, one number for all objectives", () => {
    const both: StudyDirection[] = ["minimize", "maximize"];
    const p = new ThresholdPruner({ lower: [0, null], upper: [null, 10] });
    assert.deepEqual(decisions(p, [[0.5, 5]], both), [false]);
    assert.deepEqual(decisions(p, [[-0.1, 5]], both), [true]);
    assert.deepEqual(decisions(p, [[0.5, 11]], both), [true]);
    assert.deepEqual(decisions(p, [[1e9, -1e9]], both), [false]);
    assert.deepEqual(decisions(p, [[0.5, NaN]], both), [true]);
    const all = new ThresholdPruner({ upper: 1 });
    assert.deepEqual(decisions(all, [[0.5, 0.5], [0.5, 2]], both), [false, true]);
  });

  test("bound arrays must match the number of objectives", () => {
    assert.throws(
      () => decisions(new ThresholdPruner({ upper: [1, 2, 3] }), [[0, 0]], ["minimize", "minimize"]),
      (e: unknown) =>
        e instanceof OuroborosError &&
        e.code === "invalid-argument" &&
        e.message === "ThresholdPruner: upper must have one bound per objective (2), but got 3: [1,2,3]",
    );
  });

  test("a multi-objective trial with scalar reports is refused", () => {
    assert.throws(
      () => decisions(new ThresholdPruner({ upper: 1 }), [0.5], ["minimize", "minimize"]),
      (e: unknown) => e instanceof OuroborosError && e.code === "unsupported",
    );
  });

  test("option checks and JSON params", () => {
    assert.throws(() => new ThresholdPruner({}), /ThresholdPruner: lower or upper must bound something/);
    assert.throws(() => new ThresholdPruner({ upper: Infinity }), /lower or upper must bound something/);
    assert.throws(
      () => new ThresholdPruner({ lower: 2, upper: 1 }),
      (e: unknown) => e instanceof OuroborosError && e.message === "ThresholdPruner: lower must be <= upper, but got lower=2, upper=1",
    );
    assert.throws(() => new ThresholdPruner({ lower: [0, 1], upper: [2] }), /one bound per objective each, but got 2 lower and 1 upper/);
    assert.throws(() => new ThresholdPruner({ upper: NaN }), /upper must be a number or null, but got NaN/);
    assert.throws(() => new ThresholdPruner({ upper: 1, intervalSteps: 0 }), /intervalSteps must be an integer >= 1, but got 0/);
    assert.deepEqual(new ThresholdPruner({ lower: -Infinity, upper: [1, Infinity] }).params, {
      lower: null,
      upper: [1, null],
      nWarmupSteps: 0,
      intervalSteps: 1,
    });
  });
});
