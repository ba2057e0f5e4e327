import assert from "node:assert/strict";
import { test } from "node:test";
import type { Distribution } from "../../core/distributions.js";
import { cmaSpace, decodeDim, encodeDim } from "./space.js";

const SPACE: Record<string, Distribution> = {
  a: { kind: "int", low: -3, high: 4 },
  b: { kind: "int", low: 1, high: 100, log: true },
  c: { kind: "float", low: 0, high: 1, step: 0.25 },
  d: { kind: "float", low: 1e-4, high: 1, log: true },
  e: { kind: "int", low: 0, high: 30, step: 3 },
};

test("discrete values own equal cells (log ints: log-width cells) and round-trip through [0, 1]", () => {
  const cs = cmaSpace(SPACE);
  assert.deepEqual(cs.dims.map((d) => d.name), ["a", "b", "c", "d", "e"]);
  assert.deepEqual(cs.discrete, [0, 1, 2, 4]);
  const a = cs.dims[0]!;
  assert.deepEqual([...(a.thresholds ?? [])], [1, 2, 3, 4, 5, 6, 7].map((k) => k / 8));
  for (const dim of cs.dims) {
    const d = dim.distribution;
    if (d.kind === "categorical" || dim.thresholds === undefined) continue;
    for (let v = d.low; v <= d.high; v += d.step ?? 1) {
      const u = encodeDim(dim, v) as number;
      assert.ok(u >= 0 && u <= 1);
      assert.ok(Math.abs(decodeDim(dim, u) - v) < 1e-12, `${dim.name}: ${v} → ${u} → ${decodeDim(dim, u)}`);
    }
    assert.equal(decodeDim(dim, -5), d.low);
    assert.equal(decodeDim(dim, 7), d.high);
  }
  const logInt = cs.dims[1]!;
  // The cell of 1 is [log 0.5, log 1.5] out of [log 0.5, log 100.5].
  assert.ok(Math.abs((logInt.thresholds?.[0] ?? 0) - Math.log(3) / Math.log(201)) < 1e-12);
});

test("continuous log floats are linear in log space", () => {
  const d = cmaSpace(SPACE).dims[3]!;
  assert.ok(Math.abs(decodeDim(d, 0.5) - 1e-2) < 1e-15);
  assert.ok(Math.abs((encodeDim(d, 1e-3) as number) - 0.25) < 1e-12);
  assert.equal(encodeDim(d, "x"), undefined);
});
