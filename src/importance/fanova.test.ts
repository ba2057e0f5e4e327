import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../core/rng.js";
import type { ExactTree, FeatureKind } from "./exact-forest.js";
import { fanovaImportances, treeVarianceFractions } from "./fanova.js";

const numeric: FeatureKind = { kind: "numeric" };

function tree(nodes: { f: number; t?: number; set?: number[]; l?: number; r?: number; v?: number }[]): ExactTree {
  return {
    feature: Int32Array.from(nodes, (n) => n.f),
    threshold: Float64Array.from(nodes, (n) => n.t ?? 0),
    leftSet: nodes.map((n) => (n.set ? Uint8Array.from(n.set) : null)),
    left: Int32Array.from(nodes, (n) => n.l ?? -1),
    right: Int32Array.from(nodes, (n) => n.r ?? -1),
    value: Float64Array.from(nodes, (n) => n.v ?? 0),
  };
}

test("a hand-built tree's variance fractions match the analytic decomposition", () => {
  // f = 4 on x0 > 0.5 and x1 <= 0.25, else 0. Mean 0.5, variance 1.75; the x0 marginal is 0 | 1
  // (variance 0.25), the x1 marginal 2 | 0 on widths 0.25 | 0.75 (variance 0.75): fractions 1/7 and
  // 3/7, the other 3/7 is their interaction.
  const t = tree([
    { f: 0, t: 0.5, l: 1, r: 2 },
    { f: -1, v: 0 },
    { f: 1, t: 0.25, l: 3, r: 4 },
    { f: -1, v: 4 },
    { f: -1, v: 0 },
  ]);
  const fr = treeVarianceFractions(t, [numeric, numeric])!;
  assert.ok(Math.abs(fr[0]! - 1 / 7) < 1e-12, `${fr[0]}`);
  assert.ok(Math.abs(fr[1]! - 3 / 7) < 1e-12, `${fr[1]}`);
});

test("categorical leaves weigh each category 1/K", () => {
  // Category 0 of 3 gives 3, the others 0: mean 1, all variance from the categorical feature.
  const t = tree([{ f: 1, set: [1, 0, 0], l: 1, r: 2 }, { f: -1, v: 3 }, { f: -1, v: 0 }]);
  const fr = treeVarianceFractions(t, [numeric, { kind: "categorical", nCategories: 3 }])!;
  assert.equal(fr[0], 0);
  assert.ok(Math.abs(fr[1]! - 1) < 1e-12, `${fr[1]}`);
  assert.equal(treeVarianceFractions(tree([{ f: -1, v: 2 }]), [numeric]), null, "a constant tree has no variance");
});

function sample(n: number, d: number, f: (x: number[]) => number, seed: number): { columns: Float64Array[]; y: Float64Array } {
  const rng = new Random(seed);
  const columns = Array.from({ length: d }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = columns.map((c) => (c[i] = rng.next()));
    y[i] = f(x);
  }
  return { columns, y };
}

test("an additive function's main effects are recovered as fractions of variance", () => {
  // f = x0 + 2·x1 on the unit square: variances 1/12 and 4/12, so fractions 0.2 and 0.8.
  const { columns, y } = sample(600, 3, (x) => x[0]! + 2 * x[1]!, 11);
  const r = fanovaImportances(columns, [numeric, numeric, numeric], y, { nTrees: 32, seed: 1 });
  assert.ok(Math.abs(r.mean[0]! - 0.2) < 0.03, `x0 ${r.mean[0]}`);
  assert.ok(Math.abs(r.mean[1]! - 0.8) < 0.03, `x1 ${r.mean[1]}`);
  assert.ok(r.mean[2]! < 0.01, `irrelevant x2 ${r.mean[2]}`);
  assert.equal(r.nTrees, 32);
});

test("a pure interaction has no main effects; a product splits them evenly", () => {
  // (x0 − ½)(x1 − ½) averages to 0 along either axis: its variance is all interaction.
  const pure = sample(600, 2, (x) => (x[0]! - 0.5) * (x[1]! - 0.5), 12);
  const rp = fanovaImportances(pure.columns, [numeric, numeric], pure.y, { nTrees: 32, seed: 1 });
  assert.ok(rp.mean[0]! + rp.mean[1]! < 0.2, `main effects ${rp.mean[0]}, ${rp.mean[1]}`);
  // x0·x1: main effects 1/48 each of total 7/144, so 3/7 each and 1/7 interaction.
  const prod = sample(600, 2, (x) => x[0]! * x[1]!, 13);
  const rq = fanovaImportances(prod.columns, [numeric, numeric], prod.y, { nTrees: 32, seed: 1 });
  for (const j of [0, 1]) assert.ok(Math.abs(rq.mean[j]! - 3 / 7) < 0.05, `x${j} ${rq.mean[j]}`);
});

test("a categorical feature's effect is measured with native splits", () => {
  const rng = new Random(14);
  const n = 400;
  const cat = Float64Array.from({ length: n }, () => rng.int(4));
  const x = Float64Array.from({ length: n }, () => rng.next());
  const effect = [0, 3, 0, 1];
  // Category variance: mean 1, values 0,3,0,1 → 1.5; x's: 0.25/12 ≈ 0.021.
  const y = Float64Array.from({ length: n }, (_, i) => effect[cat[i]!]! + 0.5 * x[i]!);
  const r = fanovaImportances([cat, x], [{ kind: "categorical", nCategories: 4 }, numeric], y, { nTrees: 32, seed: 2 });
  assert.ok(Math.abs(r.mean[0]! - 1.5 / (1.5 + 0.25 / 12)) < 0.02, `category ${r.mean[0]}`);
  assert.ok(r.mean[1]! > 0.005 && r.mean[1]! < 0.04, `x ${r.mean[1]}`);
});
