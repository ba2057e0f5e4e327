import assert from "node:assert/strict";
import { test } from "node:test";
import { categoricalColumn, getColumn, makeTable, numericColumn, type Table } from "../table.js";
import { Imputer } from "./imputer.js";

const NaN_ = Number.NaN;
const train = makeTable([numericColumn("x", [1, NaN_, 3, 10, 3]), numericColumn("full", [1, 2, 3, 4, 5]), categoricalColumn("c", ["a", "b", null, "b", "a"]), categoricalColumn("d", ["k", null, "k", "m", "m"])]);
const valid = makeTable([numericColumn("x", [NaN_, 100]), numericColumn("full", [NaN_, 7]), categoricalColumn("c", [null, "z"]), categoricalColumn("d", [null, "k"])]);

function values(t: Table, name: string): number[] {
  const c = getColumn(t, name);
  assert.equal(c.kind, "numeric");
  return Array.from(c.kind === "numeric" ? c.values : []);
}

function labels(t: Table, name: string): (string | null)[] {
  const c = getColumn(t, name);
  assert.equal(c.kind, "categorical");
  return c.kind === "categorical" ? Array.from(c.codes, (k) => (k < 0 ? null : c.categories[k]!)) : [];
}

test("median and mean come from the training rows; numeric columns only by default", () => {
  const median = new Imputer().fit(train);
  assert.deepEqual(values(median.transform(valid), "x"), [3, 100]);
  assert.deepEqual(values(median.transform(valid), "full"), [3, 7], "a column with no missing training cells is still filled");
  assert.deepEqual(labels(median.transform(valid), "c"), [null, "z"], "categorical columns untouched by median");
  assert.deepEqual(values(new Imputer({ strategy: "mean" }).fit(train).transform(valid), "x"), [17 / 4, 100]);
  assert.throws(() => new Imputer({ columns: ["c"] }).fit(train), /column "c" must be numeric, but it is categorical/);
});

test("most-frequent breaks ties toward the smaller number or first-seen category", () => {
  const f = new Imputer({ strategy: "most-frequent" }).fit(train);
  const out = f.transform(valid);
  assert.deepEqual(values(out, "x"), [3, 100]);
  assert.deepEqual(labels(out, "c"), ["a", "z"]);
  assert.deepEqual(labels(out, "d"), ["k", "k"]);
});

test("constant adds the fill category where needed; indicators follow their column", () => {
  const f = new Imputer({ strategy: "constant", fillValue: "none", addIndicator: true }).fit(train);
  const out = f.transform(valid);
  assert.deepEqual(out.columns.map((c) => c.name), ["x", "x__missing", "full", "c", "c__missing", "d", "d__missing"]);
  assert.deepEqual(values(out, "x"), [0, 100]);
  assert.deepEqual(values(out, "x__missing"), [1, 0]);
  assert.deepEqual(values(out, "full"), [0, 7], "no indicator: full had no missing training cells");
  assert.deepEqual(labels(out, "c"), ["none", "z"]);
  assert.deepEqual(values(out, "c__missing"), [1, 0]);
  const numericFill = new Imputer({ strategy: "constant", fillValue: -1 }).fit(train).transform(valid);
  assert.deepEqual(values(numericFill, "x"), [-1, 100]);
  assert.deepEqual(labels(numericFill, "c"), ["missing", "z"]);
});

test("an all-missing training column is filled with 0 (numeric) or left missing (categorical)", () => {
  const empty = makeTable([numericColumn("x", [NaN_, NaN_]), categoricalColumn("c", [null, null])]);
  const out = new Imputer({ strategy: "most-frequent" }).fit(empty).transform(makeTable([numericColumn("x", [NaN_]), categoricalColumn("c", [null])]));
  assert.deepEqual(values(out, "x"), [0]);
  assert.deepEqual(labels(out, "c"), [null]);
});
