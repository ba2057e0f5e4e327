import assert from "node:assert/strict";
import { test } from "node:test";
import { makeTable, numericColumn, type Table } from "../table.js";
import { QuantileBinning } from "./quantile-binning.js";

function col(t: Table, name: string): number[] {
  const c = t.columns.find((x) => x.name === name)!;
  return Array.from(c.kind === "numeric" ? c.values : []);
}

const range = Array.from({ length: 11 }, (_, i) => i); // 0…10

test("uniform bins cut the training range in equal widths; outside values clamp to the end bins", () => {
  const f = new QuantileBinning({ nBins: 5, strategy: "uniform" }).fit(makeTable([numericColumn("x", [...range, Number.NaN])]));
  assert.deepEqual(f.columns[0]!.edges, [2, 4, 6, 8]);
  assert.deepEqual(col(f.transform(makeTable([numericColumn("x", [-5, 0, 1.99, 2, 5, 8, 10, 99, Number.NaN])])), "x"), [0, 0, 0, 1, 2, 4, 4, 4, Number.NaN]);
});

test("quantile bins hold about equal counts; ties merge cuts", () => {
  const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
  const t = makeTable([numericColumn("x", values)]);
  const f = new QuantileBinning({ nBins: 4 }).fit(t);
  const counts = [0, 0, 0, 0];
  for (const b of col(f.transform(t), "x")) counts[b]!++;
  assert.deepEqual(counts, [250, 250, 250, 250]);
  const tied = new QuantileBinning({ nBins: 4 }).fit(makeTable([numericColumn("x", [0, 0, 0, 0, 0, 0, 0, 1, 2, 3])]));
  // Quartiles of 0×7, 1, 2, 3 are 0, 0, 0.75: the cuts at the minimum give empty bins and go.
  assert.deepEqual(tied.columns[0]!.edges, [0.75]);
  assert.deepEqual(col(tied.transform(makeTable([numericColumn("x", [0, 1, 3])])), "x"), [0, 1, 1]);
});
