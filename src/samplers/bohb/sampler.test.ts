/** BOHBSampler's choice of budget level, its use of low-budget observations, and its options. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { HYPERBAND_CONFIG_KEY } from "../../pruners/hyperband.js";
import { makeFrozenTrial } from "../../testing/static-study-view.js";
import { SimulatedStudyView, simulateTrial } from "../../testing/simulate.js";
import { BOHB_MODEL_KEY, BOHBSampler, BudgetLevels, hyperbandRungSteps, valueAtRung } from "./index.js";

const X: Distribution = { kind: "float", low: 0, high: 1 };

/** A finished trial at `x` with reports at `steps` of value `loss(x) + 1/step`; complete trials end with `loss(x)`. */
function trial(number: number, x: number, steps: readonly number[], state: "pruned" | "complete", loss: (x: number) => number): FrozenTrial {
  const intermediateValues: Record<number, number> = {};
  for (const s of steps) intermediateValues[s] = loss(x) + 1 / s;
  return makeFrozenTrial({
    number,
    state,
    internalParams: { x },
    distributions: { x: X },
    intermediateValues,
    ...(state === "complete" ? { values: [loss(x)] } : {}),
  });
}

/** A Hyperband-shaped history: many trials stopped at step 1, fewer at 3, two complete at 9. */
function history(loss: (x: number) => number): SimulatedStudyView {
  const trials: FrozenTrial[] = [];
  let n = 0;
  for (let i = 0; i < 30; i++) trials.push(trial(n++, (i + 0.5) / 30, [1], "pruned", loss));
  for (let i = 0; i < 6; i++) trials.push(trial(n++, 0.05 + 0.15 * i, [1, 2, 3], "pruned", loss));
  for (let i = 0; i < 2; i++) trials.push(trial(n++, 0.1 + 0.8 * i, [1, 3, 9], "complete", loss));
  const view = new SimulatedStudyView(trials);
  view.setStudySystemAttr(HYPERBAND_CONFIG_KEY, { minResource: 1, maxResource: 9, reductionFactor: 3 });
  return view;
}

const sampleX = (sampler: BOHBSampler, view: SimulatedStudyView, number: number): { x: number; model: unknown } => {
  const { trial: t } = simulateTrial(sampler, view, number, (tr) => {
    tr.suggest("x", X);
    return "running";
  });
  return { x: t.internalParams["x"] as number, model: t.systemAttrs[BOHB_MODEL_KEY] };
};

describe("BOHBSampler", () => {
  test("models the largest budget with more than minPointsInModel observations", () => {
    const loss = (x: number): number => (x - 0.8) ** 2;
    // d = 1, so minPointsInModel = 2: "final" has 2 (not enough), step 3 has 8 (6 + 2 complete).
    assert.equal(sampleX(new BOHBSampler({ seed: 1, randomFraction: 0 }), history(loss), 100).model, 3);
    // Requiring more than 8 points moves the model down to step 1 (38 observations).
    assert.equal(sampleX(new BOHBSampler({ seed: 1, randomFraction: 0, minPointsInModel: 8 }), history(loss), 100).model, 1);
    // Requiring more than 38 leaves no model: random sampling.
    assert.equal(sampleX(new BOHBSampler({ seed: 1, randomFraction: 0, minPointsInModel: 38 }), history(loss), 100).model, "random");
    // The rung steps come from the Hyperband configuration stored in the study.
    assert.deepEqual(hyperbandRungSteps(history(loss)), [1, 3, 9]);
  });

  test("proposals follow the low-budget observations", () => {
    const loss = (x: number): number => (x - 0.8) ** 2;
    const sampler = new BOHBSampler({ seed: 2, randomFraction: 0, minPointsInModel: 8 });
    const xs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const view = history(loss);
      const { x, model } = sampleX(sampler, view, 100 + i);
      assert.equal(model, 1);
      xs.push(x);
    }
    const near = xs.filter((x) => Math.abs(x - 0.8) < 0.15).length;
    assert.ok(near >= 14, `only ${near} of 20 proposals within 0.15 of the best low-budget point: ${xs.map((x) => x.toFixed(2)).join(", ")}`);
  });

  test("randomFraction 1 samples every trial at random, and the choice is recorded", () => {
    const loss = (x: number): number => (x - 0.8) ** 2;
    const xs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { x, model } = sampleX(new BOHBSampler({ seed: 3, randomFraction: 1 }), history(loss), 100 + i);
      assert.equal(model, "random");
      xs.push(x);
    }
    assert.ok(xs.filter((x) => x < 0.5).length >= 5, "uniform draws cover the low half too");
  });

  test("about randomFraction of the trials are random once a model exists", () => {
    const loss = (x: number): number => (x - 0.8) ** 2;
    const sampler = new BOHBSampler({ seed: 4 });
    let random = 0;
    for (let i = 0; i < 300; i++) if (sampleX(sampler, history(loss), 100 + i).model === "random") random++;
    assert.ok(random > 70 && random < 130, `${random} of 300 random, expected about 100`);
  });

  test("a fresh instance proposes the same, and reads the recorded model", () => {
    const loss = (x: number): number => (x - 0.3) ** 2;
    const a = sampleX(new BOHBSampler({ seed: 5 }), history(loss), 100);
    const b = sampleX(new BOHBSampler({ seed: 5 }), history(loss), 100);
    assert.deepEqual(b, a);
    // A trial already marked as random stays random whatever the history says.
    const view = history(loss);
    const { trial: t } = simulateTrial(new BOHBSampler({ seed: 5, randomFraction: 0 }), view, 100, (tr) => {
      tr.suggest("x", X);
      return "running";
    }, { systemAttrs: { [BOHB_MODEL_KEY]: "random" } });
    assert.equal(t.systemAttrs[BOHB_MODEL_KEY], "random");
  });

  test("a level shows its observations as complete trials, and (by default) earlier-stopped trials as pruned", () => {
    const all = history((x) => x).getTrials();
    const strict = new BudgetLevels(false).trialsAt(all, 3);
    assert.equal(strict.length, 8);
    for (const t of strict) {
      assert.equal(t.state, "complete");
      assert.equal(t.value, valueAtRung(all[t.number] as FrozenTrial, 3));
    }
    const withStopped = new BudgetLevels(true).trialsAt(all, 3);
    assert.equal(withStopped.length, 38);
    assert.equal(withStopped.filter((t) => t.state === "pruned").length, 30);
    assert.deepEqual(withStopped.map((t) => t.number), [...withStopped.map((t) => t.number)].sort((a, b) => a - b), "number order");
    assert.equal(new BudgetLevels(true).trialsAt(all, "final").filter((t) => t.state === "complete").length, 2);
  });

  test("a rung value is the report at the first reported step at or after the rung end", () => {
    const t = makeFrozenTrial({ number: 0, state: "pruned", intermediateValues: { 1: 5, 2: 4, 5: 3, 9: Number.NaN } });
    assert.equal(valueAtRung(t, 1), 5);
    assert.equal(valueAtRung(t, 3), 3);
    assert.equal(valueAtRung(t, 9), undefined, "NaN is no observation");
    assert.equal(valueAtRung(t, 10), undefined);
  });

  test("rejects bad options with invalid-argument errors", () => {
    const bad = [{ randomFraction: 1.5 }, { minPointsInModel: 0 }, { topNPercent: 100 }, { nEICandidates: 0 }, { budgets: [3, 1] }, { budgets: [] }, { nope: 1 }];
    for (const options of bad) {
      assert.throws(() => new BOHBSampler(options as never), (e) => e instanceof OuroborosError && e.code === "invalid-argument", JSON.stringify(options));
    }
  });
});
