import assert from "node:assert/strict";
import { test } from "node:test";
import { classTarget } from "../dataset.js";
import { categoricalColumn, makeTable, numericColumn, type Table } from "../table.js";
import { Imputer } from "./imputer.js";
import { OneHotEncoder } from "./one-hot.js";
import { Pipeline } from "./pipeline.js";
import { createTransform, loadTransform } from "./registry.js";
import { StandardScaler } from "./standard-scaler.js";
import { TargetEncoder } from "./target-encoder.js";
import { transformSpec } from "./transform.js";

function col(t: Table, name: string): number[] {
  const c = t.columns.find((x) => x.name === name)!;
  return Array.from(c.kind === "numeric" ? c.values : []);
}

const train = makeTable([numericColumn("x", [1, Number.NaN, 3, 5]), categoricalColumn("c", ["a", "b", "a", null])]);

test("each step is fitted on the previous steps' output", () => {
  const p = new Pipeline([new Imputer({ strategy: "most-frequent", columns: ["c"] }), new Imputer(), new StandardScaler(), new OneHotEncoder()]);
  const f = p.fit(train);
  // The scaler saw x after median imputation: 1, 3, 3, 5 → mean 3.
  const scaler = f.steps[2]!;
  assert.deepEqual((scaler.state as { columns: { mean: number }[] }).columns[0]!.mean, 3);
  const out = f.transform(makeTable([numericColumn("x", [Number.NaN, 7]), categoricalColumn("c", [null, "b"])]));
  assert.deepEqual(out.columns.map((c) => c.name), ["x", "c=a", "c=b"]);
  assert.deepEqual(col(out, "x"), [0, 4 / Math.sqrt(2)]);
  assert.deepEqual(col(out, "c=a"), [1, 0], "missing c filled with the training mode a");
});

test("fitTransform runs a target encoder out of fold inside the pipeline; fit uses all rows", () => {
  const x = makeTable([categoricalColumn("c", ["a", "a", "a", "a", "b", "b", "b", "b"])]);
  const y = classTarget(["1", "0", "1", "1", "0", "0", "1", "0"]);
  const p = new Pipeline([new TargetEncoder({ nFolds: 4, smoothing: 0 })]);
  const { fitted, output } = p.fitTransform(x, y);
  assert.notDeepEqual(col(output, "c"), col(fitted.transform(x), "c"));
  assert.deepEqual(col(fitted.transform(x), "c"), [0.75, 0.75, 0.75, 0.75, 0.25, 0.25, 0.25, 0.25]);
});

test("a pipeline is built from {kind, params} and nests; the saved state round-trips through JSON", () => {
  const spec = { kind: "pipeline", params: { steps: [{ kind: "imputer" }, { kind: "pipeline", params: { steps: [{ kind: "standard-scaler", params: { withMean: false } }] } }, { kind: "one-hot", params: { minFrequency: 2 } }] } };
  const p = createTransform(spec);
  assert.deepEqual(p.params, { steps: [{ kind: "imputer", params: { strategy: "median", fillValue: null, addIndicator: false, columns: null } }, { kind: "pipeline", params: { steps: [{ kind: "standard-scaler", params: { withMean: false, withStd: true, columns: null } }] } }, { kind: "one-hot", params: { minFrequency: 2, maxCategories: null, handleUnknown: "rare", columns: null } }] });
  const fitted = p.fit(train);
  const saved = JSON.parse(JSON.stringify(transformSpec(fitted)));
  const loaded = loadTransform(saved);
  const valid = makeTable([numericColumn("x", [Number.NaN, 2]), categoricalColumn("c", ["b", "zz"])]);
  assert.deepEqual(loaded.transform(valid), fitted.transform(valid));
  assert.deepEqual(fitted.transform(valid).columns.map((c) => c.name), ["x", "c=a", "c=__rare__"]);
});
