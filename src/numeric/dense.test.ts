import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../core/rng.js";
import { choleskySolve, sigmoid, softplus } from "./dense.js";

test("Cholesky solves a random SPD system and refuses a singular one", () => {
  const rng = new Random(1);
  const n = 12;
  const m = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? 0.1 : 0;
    for (let k = 0; k < n; k++) s += m[k * n + i]! * m[k * n + j]!;
    a[i * n + j] = s;
  }
  const z = Float64Array.from({ length: n }, () => rng.normal());
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i]! += a[i * n + j]! * z[j]!;
  const got = choleskySolve(Float64Array.from(a), b, n);
  assert.ok(got !== undefined);
  got.forEach((v, i) => assert.ok(Math.abs(v - z[i]!) < 1e-8, `${v} vs ${z[i]}`));
  // Rank one: x xᵀ.
  const s = Float64Array.from({ length: 9 }, (_, k) => (Math.floor(k / 3) + 1) * ((k % 3) + 1));
  assert.equal(choleskySolve(s, Float64Array.of(1, 2, 3), 3), undefined);
});

test("softplus and sigmoid are stable at extremes", () => {
  assert.equal(softplus(1000), 1000);
  assert.equal(softplus(-1000), 0);
  assert.ok(Math.abs(softplus(0) - Math.LN2) < 1e-15);
  assert.equal(sigmoid(-1000), 0);
  assert.equal(sigmoid(1000), 1);
  assert.ok(Math.abs(sigmoid(2) + sigmoid(-2) - 1) < 1e-15);
});
