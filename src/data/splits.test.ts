import assert from "node:assert/strict";
import { test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import { type Fold, groupKFold, holdout, kFold, repeatedKFold, repeatedStratifiedKFold, stratifiedKFold, timeSeriesSplit } from "./splits.js";

/** Train and test are disjoint, sorted, and cover all n rows. */
function assertSplit(f: Fold, n: number): void {
  assert.equal(f.train.length + f.test.length, n);
  const seen = new Uint8Array(n);
  for (const part of [f.train, f.test]) {
    for (let i = 0; i < part.length; i++) {
      if (i > 0) assert.ok(part[i]! > part[i - 1]!, "indices sorted ascending");
      assert.equal(seen[part[i]!], 0, `row ${part[i]} appears twice`);
      seen[part[i]!] = 1;
    }
  }
}

/** Every row is in exactly one test fold. */
function assertPartition(folds: readonly Fold[], n: number): void {
  const count = new Int32Array(n);
  for (const f of folds) {
    assertSplit(f, n);
    for (const i of f.test) count[i]!++;
  }
  assert.ok(count.every((c) => c === 1), "each row tested exactly once");
}

function codeOf(e: unknown): string | undefined {
  return e instanceof OuroborosError ? e.code : undefined;
}

test("kFold partitions rows into near-equal folds", () => {
  const folds = kFold(23, 5, 1);
  assert.equal(folds.length, 5);
  assertPartition(folds, 23);
  assert.deepEqual(
    folds.map((f) => f.test.length),
    [5, 5, 5, 4, 4],
  );
  // Without shuffling, folds are consecutive blocks.
  const plain = kFold(10, 3, 0, false);
  assert.deepEqual(Array.from(plain[0]!.test), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(plain[2]!.test), [7, 8, 9]);
});

test("kFold is deterministic in the seed and differs across seeds", () => {
  const a = kFold(50, 5, 42);
  const b = kFold(50, 5, 42);
  const c = kFold(50, 5, 43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test("kFold rejects bad k with a clear message", () => {
  assert.throws(
    () => kFold(3, 4, 0),
    (e) => codeOf(e) === "invalid-argument" && /k`=4 folds need at least 4 rows, but got n=3/.test((e as Error).message),
  );
  assert.throws(() => kFold(10, 1, 0), /integer ≥ 2, but got k=1/);
  assert.throws(() => kFold(10, 2.5, 0), /k=2.5/);
});

test("stratifiedKFold keeps class proportions in every fold", () => {
  // 60 / 30 / 10 rows of classes a / b / c.
  const labels = [...Array<string>(60).fill("a"), ...Array<string>(30).fill("b"), ...Array<string>(10).fill("c")];
  const shuffled = kFold(100, 2, 7)[0]!; // use some permutation so classes are interleaved
  const order = [...shuffled.test, ...shuffled.train];
  const mixed = order.map((i) => labels[i]!);
  const folds = stratifiedKFold(mixed, 5, 3);
  assertPartition(folds, 100);
  for (const f of folds) {
    const counts = { a: 0, b: 0, c: 0 } as Record<string, number>;
    for (const i of f.test) counts[mixed[i]!]!++;
    assert.deepEqual(counts, { a: 12, b: 6, c: 2 });
  }
  // Uneven case: counts per class differ by at most one between folds, fold sizes too.
  const uneven = [...Array<number>(17).fill(0), ...Array<number>(8).fill(1), ...Array<number>(4).fill(2)];
  const f2 = stratifiedKFold(uneven, 4, 9);
  assertPartition(f2, uneven.length);
  const sizes = f2.map((f) => f.test.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes}`);
  for (const cls of [0, 1, 2]) {
    const per = f2.map((f) => Array.from(f.test).filter((i) => uneven[i] === cls).length);
    assert.ok(Math.max(...per) - Math.min(...per) <= 1, `class ${cls} per fold ${per}`);
  }
  assert.deepEqual(stratifiedKFold(mixed, 5, 3), folds);
});

test("stratifiedKFold names the class that is too small", () => {
  const labels = ["yes", "no", "no", "no", "no", "yes", "maybe", "no"];
  assert.throws(
    () => stratifiedKFold(labels, 3, 0),
    (e) => codeOf(e) === "invalid-argument" && /class "maybe" has only 1 row, fewer than k=3 folds/.test((e as Error).message),
  );
  assert.throws(() => stratifiedKFold(labels, 9, 0), /need at least 9 rows, but got n=8/);
});

test("repeated k-fold gives k × repeats folds, each round a partition", () => {
  const folds = repeatedKFold(31, 4, 3, 5);
  assert.equal(folds.length, 12);
  for (let r = 0; r < 3; r++) assertPartition(folds.slice(4 * r, 4 * r + 4), 31);
  assert.notDeepEqual(folds[0], folds[4]);
  const labels = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? "x" : "y"));
  const sf = repeatedStratifiedKFold(labels, 5, 2, 1);
  assert.equal(sf.length, 10);
  for (let r = 0; r < 2; r++) assertPartition(sf.slice(5 * r, 5 * r + 5), 40);
  for (const f of sf) assert.equal(Array.from(f.test).filter((i) => labels[i] === "x").length, 2);
  assert.throws(() => repeatedKFold(10, 2, 0, 1), /repeats` must be an integer ≥ 1, but got repeats=0/);
});

test("holdout splits off the requested fraction, stratified if asked", () => {
  const h = holdout(100, 0.25, 1);
  assertSplit(h, 100);
  assert.equal(h.test.length, 25);
  assert.deepEqual(holdout(100, 0.25, 1), h);
  const labels = Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
  const s = holdout(100, 0.3, 2, labels);
  assertSplit(s, 100);
  assert.equal(Array.from(s.test).filter((i) => labels[i] === 0).length, 24);
  assert.equal(Array.from(s.test).filter((i) => labels[i] === 1).length, 6);
  assert.throws(() => holdout(10, 1, 0), /fraction` must be in \(0, 1\), but got fraction=1/);
  assert.throws(() => holdout(10, 0.5, 0, [1, 2]), /2 labels but n=10/);
});

test("groupKFold never puts one group in two folds and balances sizes", () => {
  const groups = ["a", "a", "a", "b", "b", "c", "c", "c", "c", "d", "e", "e", "f"];
  const folds = groupKFold(groups, 3);
  assertPartition(folds, groups.length);
  for (const f of folds) {
    const testGroups = new Set(Array.from(f.test, (i) => groups[i]));
    for (const i of f.train) assert.ok(!testGroups.has(groups[i]), `group ${groups[i]} in train and test`);
  }
  // Greedy by size: c(4) → f0, a(3) → f1, b(2) → f2, e(2) → f2, d(1) → f1, f(1) → f0 (ties to lowest).
  assert.deepEqual(
    folds.map((f) => f.test.length),
    [5, 4, 4],
  );
  assert.deepEqual(groupKFold(groups, 3), folds);
  assert.throws(() => groupKFold(["a", "a", "b"], 3), /at least 3 distinct groups, but got 2/);
});

test("timeSeriesSplit trains only on the past", () => {
  const folds = timeSeriesSplit(10, 3);
  // scikit-learn TimeSeriesSplit(n_splits=3) on 10 rows: test blocks [4,5], [6,7], [8,9].
  assert.deepEqual(
    folds.map((f) => [Array.from(f.train), Array.from(f.test)]),
    [
      [
        [0, 1, 2, 3],
        [4, 5],
      ],
      [
        [0, 1, 2, 3, 4, 5],
        [6, 7],
      ],
      [
        [0, 1, 2, 3, 4, 5, 6, 7],
        [8, 9],
      ],
    ],
  );
  const gapped = timeSeriesSplit(20, 4, { gap: 2, maxTrainSize: 3 });
  for (const f of gapped) {
    assert.ok(f.train[f.train.length - 1]! + 2 < f.test[0]!, "gap respected");
    assert.ok(f.train.length <= 3);
  }
  assert.throws(() => timeSeriesSplit(3, 3), /need at least 4 rows, but got n=3/);
});
