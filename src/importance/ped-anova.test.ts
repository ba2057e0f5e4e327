import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../core/rng.js";
import { pedAnovaImportances, type PedAnovaSpace } from "./ped-anova.js";

const continuous: PedAnovaSpace = { kind: "continuous" };

test("a categorical importance is (γ'/γ)² times the Pearson divergence of the frequencies", () => {
  // Losses 0..9: the top 20% are trials 0 and 1, both category 0; all ten are half 0, half 1.
  // D = 1²/0.5 + 0²/0.5 − 1 = 1, scaled by 0.2² = 0.04.
  const codes = Float64Array.from([0, 0, 1, 0, 1, 1, 0, 1, 0, 1]);
  const loss = Float64Array.from({ length: 10 }, (_, i) => i);
  const [h] = pedAnovaImportances([codes], [{ kind: "categorical", nCategories: 2 }], loss, { targetQuantile: 0.2 });
  assert.ok(Math.abs(h! - 0.04) < 1e-12, `${h}`);
  // Against the uniform density of the space (global), the same with q = ½ everywhere.
  const [g] = pedAnovaImportances([codes], [{ kind: "categorical", nCategories: 2 }], loss, { targetQuantile: 0.2, evaluateOnLocal: false });
  assert.ok(Math.abs(g! - 0.04) < 1e-12, `${g}`);
  // With region γ = 0.5 (trials 0–4: three of category 0), p = [1, 0], q = [0.6, 0.4]: D = 1/0.6 − 1.
  const [r] = pedAnovaImportances([codes], [{ kind: "categorical", nCategories: 2 }], loss, { targetQuantile: 0.2, regionQuantile: 0.5 });
  assert.ok(Math.abs(r! - (0.2 / 0.5) ** 2 * (1 / 0.6 - 1)) < 1e-12, `${r}`);
});

test("trials tied with the last of the top set join it", () => {
  // Quantile 0.1 of 10 is one trial (raised to minTopTrials 2), but three trials share the best
  // value: the top set is those three, two of category 1 and one of category 0.
  const codes = Float64Array.from([1, 1, 0, 0, 0, 0, 0, 1, 1, 1]);
  const loss = Float64Array.from([0, 0, 0, 1, 2, 3, 4, 5, 6, 7]);
  const [h] = pedAnovaImportances([codes], [{ kind: "categorical", nCategories: 2 }], loss);
  const p = [1 / 3, 2 / 3];
  const expected = 0.01 * (p[0]! ** 2 / 0.5 + p[1]! ** 2 / 0.5 - 1);
  assert.ok(Math.abs(h! - expected) < 1e-12, `${h} vs ${expected}`);
});

test("a parameter concentrated among the best trials scores far above an irrelevant one", () => {
  const rng = new Random(21);
  const n = 1000;
  const x = Float64Array.from({ length: n }, () => rng.next());
  const z = Float64Array.from({ length: n }, () => rng.next());
  const loss = Float64Array.from(x, (v) => (v - 0.3) ** 2 + 0.001 * rng.normal());
  const [hx, hz] = pedAnovaImportances([x, z], [continuous, continuous], loss);
  assert.ok(hx! > 0.02, `x ${hx}`);
  assert.ok(hz! < hx! / 50, `z ${hz} vs x ${hx}`);
  // Reflection at the ends keeps a uniform marginal flat: an irrelevant parameter scores ~0 even
  // against the uniform density of the space.
  const [, gz] = pedAnovaImportances([x, z], [continuous, continuous], loss, { evaluateOnLocal: false });
  assert.ok(gz! < 5e-4, `global z ${gz}`);
});

test("a discrete parameter is estimated on its own points", () => {
  const rng = new Random(22);
  const n = 500;
  // Three points at the centres of thirds; the best trials all take the first.
  const k = Float64Array.from({ length: n }, () => (rng.int(3) + 0.5) / 3);
  const loss = Float64Array.from(k, (v) => v + 0.01 * rng.next());
  const [h] = pedAnovaImportances([k], [{ kind: "discrete", nPoints: 3 }], loss);
  // p ≈ all mass near the first point; q ≈ a third each: D ≈ 1/(1/3) − 1 = 2, scaled by 0.01,
  // less what the kernel spreads to the neighbour.
  assert.ok(h! > 0.01 && h! < 0.02, `${h}`);
});
