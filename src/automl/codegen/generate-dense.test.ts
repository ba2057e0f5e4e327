/**
 * Generated predictors of linear / logistic / multinomial regression (on the numeric encoder's
 * rows), naive Bayes and the constant baseline equal the library on every training row of real
 * bundled files (mixed types and missing values in wa_churn and penguins, many categoricals in ames).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { generatePredictModule } from "./generate.js";
import { checkOnTrainingRows, fitKind, loadBundledCsv } from "./test-support.js";

const CASES: readonly { readonly kind: string; readonly file: string; readonly target: string; readonly params?: Record<string, unknown>; readonly rows?: number }[] = [
  { kind: "constant", file: "iris", target: "target" },
  { kind: "constant", file: "ames", target: "Sale_Price", params: { median: true } },
  { kind: "linear", file: "breast_cancer", target: "target" },
  { kind: "linear", file: "wa_churn", target: "churn" },
  { kind: "linear", file: "iris", target: "target" },
  { kind: "linear", file: "ames", target: "Sale_Price" },
  { kind: "linear", file: "penguins", target: "species", params: { penalty: "l1", C: 0.5 } },
  { kind: "naive-bayes", file: "wa_churn", target: "churn" },
  { kind: "naive-bayes", file: "penguins", target: "species" },
  { kind: "naive-bayes", file: "breast_cancer", target: "target" },
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

