import assert from "node:assert/strict";
import { test } from "node:test";
import { categoricalColumn, makeTable, numericColumn, type Table } from "../table.js";
import { StandardScaler } from "./standard-scaler.js";

function col(t: Table, name: string): number[] {
  const c = t.columns.find((x) => x.name === name)!;
  return Array.from(c.kind === "numeric" ? c.values : []);
}

const train = makeTable([numericColumn("x", [1, 3, Number.NaN, 5, 7]), numericColumn("k", [2, 2, 2, 2, 2]), categoricalColumn("c", ["a", "b", "a", "b", "a"])]);

test("mean and sd of the training rows' present values; applied unchanged to new rows", () => {
  const f = new StandardScaler().fit(train);
  const sd = Math.sqrt(5); // values 1,3,5,7: mean 4, population variance 5
  assert.deepEqual(f.columns, [
    { name: "x", mean: 4, scale: sd },
    { name: "k", mean: 2, scale: 1 },
  ]);
  const valid = makeTable([numericColumn("x", [4, 4 + sd, Number.NaN]), numericColumn("k", [2, 3, 2]), categoricalColumn("c", ["b", "a", "b"])]);
  const out = f.transform(valid);
  assert.deepEqual(col(out, "x"), [0, 1, Number.NaN]);
  assert.deepEqual(col(out, "k"), [0, 1, 0], "constant column: scale 1");
  assert.equal(out.columns[2], valid.columns[2], "categorical columns pass through");
});

test("withMean / withStd switch the two parts off", () => {
  assert.deepEqual(new StandardScaler({ withMean: false }).fit(train).columns[0], { name: "x", mean: 0, scale: Math.sqrt(5) });
  assert.deepEqual(new StandardScaler({ withStd: false }).fit(train).columns[0], { name: "x", mean: 4, scale: 1 });
});
