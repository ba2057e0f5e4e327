/**
 * Generated predictors of gradient-boosted trees equal the library on every training row of real
 * bundled files: sigmoid, softmax and identity links, categorical splits (ames, wa_churn) and
 * missing values (wa_churn, penguins). Small models (20 trees) keep the file fast.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { generatePredictModule } from "./generate.js";
import { checkOnTrainingRows, fitKind, loadBundledCsv } from "./test-support.js";

const CASES: readonly { readonly kind: string; readonly file: string; readonly target: string; readonly params: Record<string, unknown> }[] = [
{ kind: "gbdt", file: "breast_cancer", target: "target", params: { nEstimators: 20 } },
  { kind: "gbdt", file: "wa_churn", target: "churn", params: { nEstimators: 20 } },
  { kind: "gbdt", file: "iris", target: "target", params: { nEstimators: 20 } },
  { kind: "gbdt", file: "ames", target: "Sale_Price", params: { nEstimators: 20 } },
  { kind: "gbdt", file: "penguins", target: "species", params: { nEstimators: 20 } },
];

for (const c of CASES) {
  test(`${c.kind} on ${c.file}: the generated module equals the library on every training row`, async () => {
    const data = loadBundledCsv(c.file, c.target);
    const model = await fitKind(c.kind, c.params, data);
    const source = generatePredictModule(model, { target: c.target, schema: data.loaded.schema });
    const r = await checkOnTrainingRows(model, data, source);
    assert.ok(r.maxDiff <= 1e-9, `max |generated - library| = ${r.maxDiff}`);
    assert.equal(r.labelMismatches, 0);
    assert.ok(source.length < 1_000_000, `the module has ${source.length} characters; trees should be compact arrays`);
  });
}
