import assert from "node:assert/strict";
import { test } from "node:test";
import { categoricalColumn, makeTable } from "../table.js";
import { OrdinalEncoder } from "./ordinal.js";

const train = makeTable([categoricalColumn("size", ["M", "S", "L", "M", null, "M", "S"]), categoricalColumn("num", ["10", "9", "100", "9", "9", "10", "9"])]);
const valid = makeTable([categoricalColumn("size", ["L", "XL", null, "S"]), categoricalColumn("num", ["100", "9", "7", null])]);

function column(t: ReturnType<OrdinalEncoder["fit"]>, name: string): number[] {
  const c = t.transform(valid).columns.find((x) => x.name === name)!;
  assert.equal(c.kind, "numeric");
  return Array.from(c.kind === "numeric" ? c.values : []);
}

test("lexical order sorts numbers as numbers; unseen and missing become NaN", () => {
  const f = new OrdinalEncoder().fit(train);
  assert.deepEqual(f.columns.map((c) => c.categories), [["L", "M", "S"], ["9", "10", "100"]]);
  assert.deepEqual(column(f, "size"), [0, Number.NaN, Number.NaN, 2]);
  assert.deepEqual(column(f, "num"), [2, 0, Number.NaN, Number.NaN]);
});

test("frequency and first-seen orders; unknownValue", () => {
  assert.deepEqual(new OrdinalEncoder({ order: "frequency" }).fit(train).columns[1]!.categories, ["9", "10", "100"]);
  assert.deepEqual(new OrdinalEncoder({ order: "first-seen" }).fit(train).columns[1]!.categories, ["10", "9", "100"]);
  assert.deepEqual(column(new OrdinalEncoder({ unknownValue: -1 }).fit(train), "size"), [0, -1, Number.NaN, 2]);
});

test("an explicit order is used and must cover the training categories", () => {
  const f = new OrdinalEncoder({ categories: { size: ["S", "M", "L", "XL"] }, columns: ["size"] }).fit(train);
  assert.deepEqual(column(f, "size"), [2, 3, Number.NaN, 0]);
  assert.equal(f.transform(valid).columns[1]!.kind, "categorical", "columns not listed pass through");
  assert.throws(() => new OrdinalEncoder({ categories: { size: ["S", "M"] } }).fit(train), /column "size" has categories not in the given order: L/);
});
