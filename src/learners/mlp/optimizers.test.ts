import assert from "node:assert/strict";
import { test } from "node:test";
import { Optimizer, scheduledRate } from "./optimizers.js";

const close = (a: ArrayLike<number>, b: readonly number[], tol = 1e-6): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `[${i}] ${a[i]} vs ${b[i]}`);
};

test("adam: the first step moves each weight by lr against the gradient's sign", () => {
  const p = Float32Array.of(1, -2, 3);
  new Optimizer([p], [false], { kind: "adam" }).step([Float32Array.of(0.5, -4, 1e-3)], 0.1);
  close(p, [0.9, -1.9, 2.9], 1e-4);
});

test("sgd momentum accumulates velocity; L2 decay only on decay-flagged params", () => {
  const w = Float32Array.of(1);
  const b = Float32Array.of(1);
  const opt = new Optimizer([w, b], [true, false], { kind: "sgd", momentum: 0.5, weightDecay: 0.1 });
  opt.step([Float32Array.of(1), Float32Array.of(1)], 0.1);
  close(w, [1 - 0.1 * 1.1]);
  close(b, [0.9]);
  opt.step([Float32Array.of(0), Float32Array.of(0)], 0.1);
  // v = 0.5·1.1 + 0.1·w₁ for w; v = 0.5·1 for b.
  close(w, [0.89 - 0.1 * (0.55 + 0.1 * 0.89)]);
  close(b, [0.9 - 0.05]);
});

test("adamw decays decoupled from the gradient: zero gradient still shrinks weights", () => {
  const w = Float32Array.of(2);
  new Optimizer([w], [true], { kind: "adamw", weightDecay: 0.5 }).step([Float32Array.of(0)], 0.1);
  close(w, [2 * (1 - 0.05)]);
});

test("learning-rate schedules", () => {
  assert.equal(scheduledRate(1, "constant", 0.7), 1);
  assert.ok(Math.abs(scheduledRate(1, "cosine", 0.5) - 0.5) < 1e-12);
  assert.ok(scheduledRate(1, "cosine", 0.999) < 1e-4);
  assert.equal(scheduledRate(1, "step", 0.6), 0.1);
  assert.equal(scheduledRate(1, "step", 0.8), 0.01);
  assert.ok(Math.abs(scheduledRate(1, "constant", 0.05, 0.1) - 0.5) < 1e-6);
});
