import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../core/rng.js";
import { fitExactForest, predictExactTree, type FeatureKind } from "./exact-forest.js";

const numeric: FeatureKind = { kind: "numeric" };

test("a single unbootstrapped deep tree reproduces its training targets exactly", () => {
  const rng = new Random(3);
  const n = 200;
  const x0 = Float64Array.from({ length: n }, () => rng.next());
  const x1 = Float64Array.from({ length: n }, () => rng.next());
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(6 * x0[i]!) + x1[i]! * x1[i]! + 100);
  const [tree] = fitExactForest([x0, x1], [numeric, numeric], y, { nTrees: 1, bootstrap: false });
  for (let i = 0; i < n; i++) assert.ok(Math.abs(predictExactTree(tree!, [x0[i]!, x1[i]!]) - y[i]!) < 1e-9, `row ${i}`);
});

test("numeric thresholds lie halfway between neighbouring distinct values", () => {
  const x = Float64Array.from([0.1, 0.2, 0.3, 0.7, 0.8, 0.9]);
  const y = Float64Array.from([0, 0, 0, 5, 5, 5]);
  const [tree] = fitExactForest([x], [numeric], y, { nTrees: 1, bootstrap: false });
  assert.equal(tree!.feature[0], 0);
  assert.ok(Math.abs(tree!.threshold[0]! - 0.5) < 1e-12);
  // A pure split leaves two leaves and nothing else.
  assert.equal(tree!.feature.length, 3);
  assert.deepEqual([tree!.value[tree!.left[0]!], tree!.value[tree!.right[0]!]], [0, 5]);
});

test("categorical features split natively into two sets by mean target", () => {
  // Categories 0 and 2 are low, 1 and 3 high: one split separates them; category 4 never occurs.
  const codes = Float64Array.from([0, 1, 2, 3, 0, 1, 2, 3]);
  const y = Float64Array.from([0, 10, 1, 11, 0, 10, 1, 11]);
  const [tree] = fitExactForest([codes], [{ kind: "categorical", nCategories: 5 }], y, { nTrees: 1, bootstrap: false, maxDepth: 1 });
  const set = tree!.leftSet[0]!;
  assert.deepEqual([...set], [1, 0, 1, 0, 0]);
  assert.equal(predictExactTree(tree!, [2]), 0.5);
  assert.equal(predictExactTree(tree!, [3]), 10.5);
  assert.equal(predictExactTree(tree!, [4]), 10.5, "an unseen category goes right");
});

test("forests are reproducible from the seed and differ across seeds", () => {
  const rng = new Random(8);
  const x = Float64Array.from({ length: 100 }, () => rng.next());
  const y = Float64Array.from(x, (v) => v * v + 0.1 * rng.normal());
  const a = fitExactForest([x], [numeric], y, { nTrees: 4, seed: 1 });
  const b = fitExactForest([x], [numeric], y, { nTrees: 4, seed: 1 });
  const c = fitExactForest([x], [numeric], y, { nTrees: 4, seed: 2 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a[0]!.threshold, c[0]!.threshold);
});

test("maxDepth and minSamplesLeaf bound the trees", () => {
  const rng = new Random(5);
  const x = Float64Array.from({ length: 300 }, () => rng.next());
  const y = Float64Array.from(x, () => rng.normal());
  const [shallow] = fitExactForest([x], [numeric], y, { nTrees: 1, maxDepth: 2 });
  assert.ok(shallow!.feature.length <= 7);
  const [leafy] = fitExactForest([x], [numeric], y, { nTrees: 1, bootstrap: false, minSamplesLeaf: 20 });
  // Each leaf keeps at least 20 of the 300 rows: at most 15 leaves, 29 nodes.
  assert.ok(leafy!.feature.length <= 29, `${leafy!.feature.length} nodes`);
});
