import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../../core/rng.js";
import { ParamArena, simdAdamAvailable } from "./adam-simd.js";
import { Optimizer } from "./optimizers.js";

/** Float64 Adam (the textbook form, bias-corrected moments) as the reference. */
function referenceAdam(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, t: number, lr: number, l2: number, shrink: number): void {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]! + l2 * p[i]!;
    m[i] = b1 * m[i]! + (1 - b1) * gi;
    v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
    const mh = m[i]! / (1 - b1 ** t);
    const vh = v[i]! / (1 - b2 ** t);
    p[i] = p[i]! * shrink - (lr * mh) / (Math.sqrt(vh) + eps);
  }
}

test("this runtime has WebAssembly SIMD (Node ≥ 16.4), so Adam takes the fast path", () => {
  assert.equal(simdAdamAvailable(), true);
});

test("SIMD Adam matches float64 Adam on sizes that are not multiples of 4, with L2 and decoupled decay", () => {
  const sizes = [7, 1, 12, 3];
  const arena = new ParamArena(sizes);
  const rng = new Random(3);
  const ref = sizes.map((n) => Float64Array.from({ length: n }, () => rng.uniform(-1, 1)));
  const m = sizes.map((n) => new Float64Array(n));
  const v = sizes.map((n) => new Float64Array(n));
  sizes.forEach((_, k) => arena.params[k]!.set(ref[k]!));
  for (let t = 1; t <= 20; t++) {
    const lr = 0.01;
    sizes.forEach((n, k) => {
      const g = Float64Array.from({ length: n }, () => rng.normal());
      arena.grads[k]!.set(g);
      const [l2, shrink] = k === 0 ? [0.1, 1] : k === 2 ? [0, 1 - lr * 0.5] : [0, 1];
      arena.adam(k, { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: lr / (1 - 0.9 ** t), sqrtCorrection: 1 / Math.sqrt(1 - 0.999 ** t) }, l2, shrink);
      referenceAdam(ref[k]!, g, m[k]!, v[k]!, t, lr, l2, shrink);
    });
  }
  sizes.forEach((n, k) => {
    assert.equal(arena.params[k]!.length, n);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(arena.params[k]![i]! - ref[k]![i]!) < 1e-5, `param ${k}[${i}]: ${arena.params[k]![i]} vs ${ref[k]![i]}`);
  });
});

test("a parameter's update never touches its neighbours in the arena (padding stays zero)", () => {
  const arena = new ParamArena([5, 2, 6]);
  arena.params[0]!.fill(1);
  arena.params[1]!.fill(2);
  arena.params[2]!.fill(3);
  arena.grads[1]!.fill(0.5);
  arena.adam(1, { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1, sqrtCorrection: 1 }, 0, 1);
  assert.deepEqual([...arena.params[0]!], [1, 1, 1, 1, 1]);
  assert.deepEqual([...arena.params[2]!], [3, 3, 3, 3, 3, 3]);
  assert.ok(arena.params[1]!.every((x) => x < 2));
  // Zero gradients on zero moments leave weights where they are.
  arena.adam(0, { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1, sqrtCorrection: 1 }, 0, 1);
  assert.deepEqual([...arena.params[0]!], [1, 1, 1, 1, 1]);
});

test("Optimizer: arena views (no copies) and plain arrays (copied in and out) give identical weights", () => {
  const sizes = [9, 4];
  const rng = new Random(5);
  const init = sizes.map((n) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1)));
  const grads = Array.from({ length: 5 }, () => sizes.map((n) => Float32Array.from({ length: n }, () => rng.normal())));
  for (const kind of ["adam", "adamw"] as const) {
    const plain = init.map((a) => a.slice());
    const a = new Optimizer(plain, [true, false], { kind, weightDecay: 0.1 });
    const arena = new ParamArena(sizes);
    sizes.forEach((_, k) => arena.params[k]!.set(init[k]!));
    const b = new Optimizer(arena.params, [true, false], { kind, weightDecay: 0.1 }, arena);
    for (const g of grads) {
      a.step(g, 0.01);
      sizes.forEach((_, k) => arena.grads[k]!.set(g[k]!));
      b.step(arena.grads, 0.01);
    }
    sizes.forEach((_, k) => assert.deepEqual([...arena.params[k]!], [...plain[k]!], `${kind} param ${k}`));
    assert.notDeepEqual([...plain[0]!], [...init[0]!]);
  }
});
