/**
 * Generated kNN predictors equal the library on every training row of real bundled files (uniform
 * and distance weights, euclidean and manhattan metrics, classification and regression). kNN
 * embeds its training matrix, so it runs on the smaller files and on the first 300 rows of the
 * large ones; a large matrix gets a size warning.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { generatePredictModule } from "./generate.js";
import { checkOnTrainingRows, fitKind, loadBundledCsv } from "./test-support.js";

const CASES: readonly { readonly kind: string; readonly file: string; readonly target: string; readonly params?: Record<string, unknown>; readonly rows?: number }[] = [
  { kind: "knn", file: "breast_cancer", target: "target" },
  { kind: "knn", file: "penguins", target: "species", params: { weights: "distance" } },
  { kind: "knn", file: "iris", target: "target", params: { metric: "manhattan", nNeighbors: 7 } },
  { kind: "knn", file: "ames", target: "Sale_Price", rows: 300 },
  { kind: "knn", file: "wa_churn", target: "churn", params: { weights: "distance", metric: "manhattan" }, rows: 300 },
];

for (const c of CASES) {
  test(`${c.kind} ${JSON.stringify(c.params ?? {})} on ${c.file}${c.rows === undefined ? "" : ` (first ${c.rows} rows)`}: equal to the library on every training row`, async () => {
    const data = loadBundledCsv(c.file, c.target, c.rows);
    const model = await fitKind(c.kind, c.params ?? {}, data);
    const source = generatePredictModule(model, { target: c.target, schema: data.loaded.schema });
    const r = await checkOnTrainingRows(model, data, source);
    assert.ok(r.maxDiff <= 1e-9, `max |generated - library| = ${r.maxDiff}`);
    assert.equal(r.labelMismatches, 0);
  });
}

test("a kNN module over a large training matrix carries a size warning", async () => {
  const data = loadBundledCsv("breast_cancer", "target");
  const model = await fitKind("knn", {}, data);
  const warnings: string[] = [];
  const source = generatePredictModule(model, { maxEmbeddedValues: 5000, onWarning: (w) => warnings.push(w) });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /embeds about \d+ numbers/);
  assert.match(source, /WARNING: the module embeds/);
  assert.match(source, /fine for small data only/);
});
