import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { FrozenTrial, StudyDirection } from "../core/frozen-trial.js";
import type { Pruner } from "../core/pruner.js";
import type { StudyView } from "../core/study-view.js";
import { makeFrozenTrial, StaticStudyView } from "../testing/static-study-view.js";
import { MedianPruner } from "./median.js";
import { PatientPruner } from "./patient.js";

function decide(pruner: Pruner, values: readonly (number | number[])[], directions: StudyDirection[] = ["minimize"]): boolean {
  const scalars: Record<number, number> = {};
  const vectors: Record<number, number[]> = {};
  values.forEach((v, step) => {
    if (typeof v === "number") scalars[step] = v;
    else vectors[step] = v;
  });
  const trial = makeFrozenTrial({ number: 0, state: "running", intermediateValues: scalars, intermediateVectors: vectors });
  return pruner.prune(new StaticStudyView([trial], directions), trial);
}

describe("PatientPruner", () => {
  test("prunes when the last patience + 1 values are all worse than the best before them", () => {
    const p = new PatientPruner(null, { patience: 1 });
    assert.equal(decide(p, [1, 2]), false, "needs patience + 2 reports");
    assert.equal(decide(p, [1, 2, 3]), true);
    assert.equal(decide(p, [1, 2, 0.5]), false, "improved within the window");
    assert.equal(decide(p, [1, 1, 1]), false, "equal is not worse (Optuna's strict comparison)");
    assert.equal(decide(p, [3, 2, 1]), false);
  });

  test("minDelta is a tolerance: the window must be worse by more than it", () => {
    assert.equal(decide(new PatientPruner(null, { patience: 1, minDelta: 0.1 }), [1, 1.05, 1.02]), false);
    assert.equal(decide(new PatientPruner(null, { patience: 1, minDelta: 0.01 }), [1, 1.05, 1.02]), true);
  });

  test("maximize mirrors the rule", () => {
    const p = new PatientPruner(null, { patience: 1 });
    assert.equal(decide(p, [3, 2, 1], ["maximize"]), true);
    assert.equal(decide(p, [1, 2, 3], ["maximize"]), false);
  });

  test("NaN values are ignored; a side with only NaN keeps the patience", () => {
    const p = new PatientPruner(null, { patience: 1 });
    assert.equal(decide(p, [1, NaN, 2, 3]), true);
    assert.equal(decide(p, [NaN, 2, 3]), false);
    assert.equal(decide(p, [1, NaN, NaN]), false);
  });

  test("asks the wrapped pruner only after losing patience", () => {
    const calls: number[] = [];
    const spy = (answer: boolean): Pruner => ({
      kind: "spy",
      params: {},
      prune: (_s: StudyView, t: FrozenTrial) => {
        calls.push(t.number);
        return answer;
      },
    });
    assert.equal(decide(new PatientPruner(spy(true), { patience: 1 }), [1, 0.5, 0.2]), false);
    assert.deepEqual(calls, []);
    assert.equal(decide(new PatientPruner(spy(false), { patience: 1 }), [1, 2, 3]), false);
    assert.equal(decide(new PatientPruner(spy(true), { patience: 1 }), [1, 2, 3]), true);
    assert.deepEqual(calls, [0, 0]);
  });

  test("vector reports: lost patience when every recent vector is dominated by an earlier one", () => {
    const both: StudyDirection[] = ["minimize", "minimize"];
    const p = new PatientPruner(null, { patience: 1 });
    assert.equal(decide(p, [[1, 1], [2, 2], [1.5, 1.5]], both), true);
    assert.equal(decide(p, [[1, 1], [2, 0.5], [1.5, 1.5]], both), false, "[2, 0.5] trades off, not dominated");
    assert.equal(decide(new PatientPruner(null, { patience: 1, minDelta: 0.6 }), [[1, 1], [2, 2], [1.5, 1.5]], both), false);
    assert.equal(decide(p, [[1, 1], [2, NaN], [1.5, 1.5]], both), true, "invalid vectors are ignored");
    assert.equal(decide(p, [[1, -1], [2, -2], [1.5, -1.5]], ["minimize", "maximize"]), true);
  });

  test("params carry the wrapped pruner as { kind, params }; options are checked", () => {
    const p = new PatientPruner(new MedianPruner({ nWarmupSteps: 2 }), { patience: 3 });
    assert.deepEqual(p.params, {
      wrapped: { kind: "median", params: { nStartupTrials: 5, nWarmupSteps: 2, intervalSteps: 1, nMinTrials: 1 } },
      patience: 3,
      minDelta: 0,
    });
    assert.throws(() => new PatientPruner(null, { patience: -1 }), /PatientPruner: patience must be an integer >= 0, but got -1/);
    assert.throws(() => new PatientPruner(null, { patience: 1, minDelta: -0.1 }), /minDelta must be a finite number >= 0, but got -0.1/);
  });
});
