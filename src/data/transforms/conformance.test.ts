/**
 * Properties every transform kind must have: state learned from training rows only, transforming
 * other tables never changes the state nor the input, rows are transformed independently, and the
 * JSON round trip of a fitted step gives identical output.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../../core/rng.js";
import { classTarget, regressionTarget, type Target } from "../dataset.js";
import { categoricalColumn, makeTable, numericColumn, selectRows, type Table } from "../table.js";
import { createTransform, loadTransform, transformKinds } from "./registry.js";
import { fitTransform, transformSpec } from "./transform.js";

function mixedTable(n: number, seed: number, levels: readonly string[]): { table: Table; y: Target; yReg: Target } {
  const rng = new Random(seed);
  const a: number[] = [];
  const b: number[] = [];
  const c: (string | null)[] = [];
  const d: (string | null)[] = [];
  const labels: string[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.normal() * 3 + 1;
    a.push(rng.next() < 0.1 ? Number.NaN : x);
    b.push(Math.round(rng.uniform(0, 20)));
    const level = levels[Math.min(levels.length - 1, Math.floor(Math.pow(rng.next(), 2) * levels.length))]!;
    c.push(rng.next() < 0.05 ? null : level);
    d.push(rng.next() < 0.5 ? "u" : rng.next() < 0.9 ? "v" : null);
    labels.push(x + (level === "p" ? 2 : 0) + rng.normal() > 1.5 ? (rng.next() < 0.5 ? "hi" : "top") : "lo");
    values.push(x * 2 + rng.normal());
  }
  const table = makeTable([numericColumn("a", a), numericColumn("b", b), categoricalColumn("c", c), categoricalColumn("d", d)]);
  return { table, y: classTarget(labels), yReg: regressionTarget(values) };
}

const train = mixedTable(300, 1, ["p", "q", "r", "s", "t", "rare1", "rare2"]);
// Validation: different seed, categories in another first-seen order, and one unseen category.
const valid = mixedTable(120, 2, ["s", "new", "q", "p"]);

/** `fixed`: the state legitimately does not depend on the rows (a constant fill). */
const CASES: readonly { kind: string; params: Record<string, unknown>; fixed?: boolean }[] = [
  { kind: "imputer", params: { strategy: "median", addIndicator: true } },
  { kind: "imputer", params: { strategy: "most-frequent" } },
  { kind: "imputer", params: { strategy: "constant", fillValue: "none" }, fixed: true },
  { kind: "one-hot", params: { minFrequency: 10 } },
  { kind: "one-hot", params: { handleUnknown: "zeros" } },
  { kind: "ordinal", params: { order: "frequency" } },
  { kind: "target-encoder", params: { smoothing: 5 } },
  { kind: "standard-scaler", params: {} },
  { kind: "quantile-binning", params: { nBins: 4 } },
  { kind: "quantile-binning", params: { nBins: 5, strategy: "uniform" } },
  {
    kind: "pipeline",
    params: { steps: [{ kind: "imputer", params: { strategy: "most-frequent", columns: ["c", "d"] } }, { kind: "imputer", params: { addIndicator: true } }, { kind: "target-encoder", params: { columns: ["c"] } }, { kind: "one-hot", params: {} }, { kind: "standard-scaler", params: {} }] },
  },
];

test("every registered kind is covered", () => {
  assert.deepEqual(transformKinds(), [...new Set(CASES.map((c) => c.kind))].sort());
});

function snapshot(t: Table): string {
  return JSON.stringify(t.columns.map((c) => (c.kind === "numeric" ? [c.name, Array.from(c.values, String)] : [c.name, c.categories, Array.from(c.codes)])));
}

for (const { kind, params, fixed } of CASES) {
  for (const [taskName, yOf] of [["classes", (d: typeof train) => d.y], ["regression", (d: typeof train) => d.yReg]] as const) {
    test(`${kind} ${JSON.stringify(params)} (${taskName} target): train-only state, no mutation, row independence, JSON round trip`, () => {
      const step = createTransform({ kind, params: params as never });
      const trainBefore = snapshot(train.table);
      const validBefore = snapshot(valid.table);
      const { fitted, output } = fitTransform(step, train.table, yOf(train));
      assert.equal(output.nRows, train.table.nRows);
      const spec = JSON.stringify(transformSpec(fitted));

      // State comes from the training rows alone: fitting again on them gives the same state.
      assert.equal(JSON.stringify(transformSpec(fitTransform(createTransform({ kind, params: params as never }), train.table, yOf(train)).fitted)), spec);
      // …and it does depend on them: other training rows give another state.
      if (fixed !== true) assert.notEqual(JSON.stringify(transformSpec(step.fit(valid.table, yOf(valid)))), spec);

      const out = fitted.transform(valid.table);
      assert.equal(out.nRows, valid.table.nRows);
      assert.equal(JSON.stringify(transformSpec(fitted)), spec, "transforming other rows never changes the state");
      assert.equal(snapshot(train.table), trainBefore, "inputs are not written to");
      assert.equal(snapshot(valid.table), validBefore, "inputs are not written to");
      for (const c of out.columns) if (c.kind === "numeric") for (const v of c.values) assert.ok(Number.isNaN(v) || Number.isFinite(v));

      // Rows are transformed independently: a permutation of the input permutes the output.
      const perm = new Random(9).shuffle(Array.from({ length: valid.table.nRows }, (_, i) => i));
      assert.equal(snapshot(fitted.transform(selectRows(valid.table, perm))), snapshot(selectRows(out, perm)));

      const loaded = loadTransform(JSON.parse(spec));
      assert.equal(snapshot(loaded.transform(valid.table)), snapshot(out), "JSON round trip gives identical output");
      assert.equal(JSON.stringify(transformSpec(loaded)), spec);
    });
  }
}

test("createTransform and loadTransform reject unknown kinds and bad params by name", () => {
  assert.throws(() => createTransform({ kind: "pca" }), /unknown transform kind "pca"; known kinds: imputer/);
  assert.throws(() => createTransform({ kind: "imputer", params: { strategy: "mode" } }), /imputer: `strategy` must be one of/);
  assert.throws(() => createTransform({ kind: "one-hot", params: { minFreq: 3 } }), /one-hot: unknown hyperparameter "minFreq"/);
  assert.throws(() => createTransform({ kind: "standard-scaler", params: { columns: "a" } }), /`columns` must be null or an array/);
  assert.throws(() => loadTransform({ kind: "ordinal", params: {}, state: { cols: [] } }), (e: Error & { code?: string }) => e.code === "artifact-corrupt");
});
