import assert from "node:assert/strict";
import { test } from "node:test";
import { categoricalColumn, makeTable, numericColumn, type Table } from "../table.js";
import { OneHotEncoder } from "./one-hot.js";

const train = makeTable([numericColumn("n", [1, 2, 3, 4, 5, 6, 7, 8]), categoricalColumn("c", ["a", "b", "a", "c", "a", "b", "d", null])]);
// Another order of first appearance, an unseen category "z", and a missing cell.
const valid = makeTable([numericColumn("n", [0, 0, 0, 0, 0]), categoricalColumn("c", ["b", "z", "a", null, "d"])]);

function matrix(t: Table): { names: string[]; rows: number[][] } {
  const names = t.columns.map((c) => c.name);
  const rows = Array.from({ length: t.nRows }, (_, i) => t.columns.map((c) => (c.kind === "numeric" ? c.values[i]! : Number.NaN)));
  return { names, rows };
}

test("one column per training category; unseen and missing are all zeros without a rare bucket", () => {
  const out = matrix(new OneHotEncoder().fit(train).transform(valid));
  assert.deepEqual(out.names, ["n", "c=a", "c=b", "c=c", "c=d"]);
  assert.deepEqual(out.rows.map((r) => r.slice(1)), [
    [0, 1, 0, 0],
    [0, 0, 0, 0],
    [1, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 1],
  ]);
});

test("rare categories share a bucket, which also takes unseen categories", () => {
  const f = new OneHotEncoder({ minFrequency: 2 }).fit(train);
  assert.deepEqual(f.columns[0], { name: "c", categories: ["a", "b"], rare: ["c", "d"] });
  const out = matrix(f.transform(valid));
  assert.deepEqual(out.names, ["n", "c=a", "c=b", "c=__rare__"]);
  assert.deepEqual(out.rows.map((r) => r.slice(1)), [
    [0, 1, 0],
    [0, 0, 1],
    [1, 0, 0],
    [0, 0, 0],
    [0, 0, 1],
  ]);
  const zeros = matrix(new OneHotEncoder({ minFrequency: 2, handleUnknown: "zeros" }).fit(train).transform(valid));
  assert.deepEqual(zeros.rows[1]!.slice(1), [0, 0, 0], "unseen → zeros; known rare still → bucket");
  assert.deepEqual(zeros.rows[4]!.slice(1), [0, 0, 1]);
});

test("minFrequency as a fraction of rows, and maxCategories keeps the most frequent", () => {
  assert.deepEqual(new OneHotEncoder({ minFrequency: 0.3 }).fit(train).columns[0]!.categories, ["a"]);
  assert.deepEqual(new OneHotEncoder({ maxCategories: 2 }).fit(train).columns[0], { name: "c", categories: ["a", "b"], rare: ["c", "d"] });
  assert.throws(() => new OneHotEncoder({ maxCategories: 0 }), /`maxCategories` must be an integer ≥ 1/);
});
