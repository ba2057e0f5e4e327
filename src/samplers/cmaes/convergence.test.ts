/**
 * CMA-ES converges on the classic test functions, through the sampler interface (simulated
 * studies, no storage). Thresholds sit 7 to 30 times above the medians measured over 9 seeds,
 * so the tests catch a broken update, not noise.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Distribution } from "../../core/distributions.js";
import { SimulatedStudyView, simulateStudy, type SimulatedTrial } from "../../testing/simulate.js";
import { CmaEsSampler, type CmaEsSamplerOptions } from "./index.js";

type Fn = (x: readonly number[]) => number;

function box(d: number, low: number, high: number): Record<string, Distribution> {
  return Object.fromEntries(Array.from({ length: d }, (_, i) => [`x${i}`, { kind: "float", low, high }]));
}

function vecOf(t: SimulatedTrial, d: number): number[] {
  return Array.from({ length: d }, (_, i) => t.params[`x${i}`] as number);
}

const sphere: Fn = (x) => x.reduce((s, v) => s + (v - 1) ** 2, 0);
/** Axis-parallel ellipsoid with condition number 1e4 (separable). */
const ellipsoid: Fn = (x) => x.reduce((s, v, i) => s + 10 ** ((4 * i) / Math.max(1, x.length - 1)) * (v - 1) ** 2, 0);
/** The same ellipsoid rotated by 45° in each consecutive pair of coordinates (not separable). */
const rotatedEllipsoid: Fn = (x) => {
  const r = x.map((_, i) => (i % 2 === 0 && i + 1 < x.length ? (x[i]! + x[i + 1]!) / Math.SQRT2 : i % 2 === 1 ? (x[i - 1]! - x[i]!) / Math.SQRT2 : x[i]!));
  return ellipsoid(r.map((v) => v + 1));
};
const rosenbrock: Fn = (x) => {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (x[i]! - 1) ** 2;
  return s;
};

/** Median (over seeds) of the best value after nTrials. */
function medianBest(fn: Fn, d: number, space: Record<string, Distribution>, nTrials: number, options: CmaEsSamplerOptions, seeds = 5): number {
  const best: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const { trials } = simulateStudy(new CmaEsSampler({ seed, ...options }), (t) => fn(vecOf(t, d)), nTrials, space);
    best.push(Math.min(...trials.map((t) => t.value ?? Infinity)));
  }
  best.sort((a, b) => a - b);
  return best[Math.floor(seeds / 2)] as number;
}

test("sphere 5-D: regret below 1e-2 in 300 trials", () => {
  const r = medianBest(sphere, 5, box(5, -5, 5), 300, {});
  assert.ok(r < 1e-2, `median best ${r}`);
});

test("rotated ellipsoid 4-D (condition 1e4): regret below 0.3 in 400 trials", () => {
  const r = medianBest(rotatedEllipsoid, 4, box(4, -5, 5), 400, {});
  assert.ok(r < 0.3, `median best ${r}`);
});

test("Rosenbrock 3-D: regret below 0.5 in 500 trials", () => {
  const r = medianBest(rosenbrock, 3, box(3, -2, 2), 500, {});
  assert.ok(r < 0.5, `median best ${r}`);
});

test("separable CMA-ES on a separable 6-D ellipsoid (condition 1e4): regret below 1 in 600 trials, ahead of full CMA-ES", () => {
  const sep = medianBest(ellipsoid, 6, box(6, -5, 5), 600, { useSeparableCma: true });
  const full = medianBest(ellipsoid, 6, box(6, -5, 5), 600, {});
  assert.ok(sep < 1, `separable: median best ${sep}`);
  assert.ok(sep < full, `separable ${sep} should beat full ${full} on a separable function`);
});

test("learning-rate adaptation still converges on the sphere", () => {
  const r = medianBest(sphere, 5, box(5, -5, 5), 300, { lrAdapt: true });
  assert.ok(r < 1, `median best ${r}`);
});

test("maximisation: the same search as minimising the negated function", () => {
  const space = box(3, -5, 5);
  const a = simulateStudy(new CmaEsSampler({ seed: 3 }), (t) => sphere(vecOf(t, 3)), 60, space);
  const b = simulateStudy(new CmaEsSampler({ seed: 3 }), (t) => -sphere(vecOf(t, 3)), 60, space, { view: new SimulatedStudyView([], ["maximize"]) });
  assert.deepEqual(
    b.trials.map((t) => t.params),
    a.trials.map((t) => t.params),
  );
});
