/**
 * Generated predictors of random forests and extra trees equal the library on every training row
 * of real bundled files (class distributions and regression means; categorical splits and missing
 * values in penguins, wa_churn and ames). Small models (20 trees, shallow where the data is large).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { generatePredictModule } from "./generate.js";
import { checkOnTrainingRows, fitKind, loadBundledCsv } from "./test-support.js";

const CASES: readonly { readonly kind: string; readonly file: string; readonly target: string; readonly params: Record<string, unknown> }[] = [
  { kind: "random-forest", file: "penguins", target: "species", params: { nEstimators: 20 } },
  { kind: "random-forest", file: "ames", target: "Sale_Price", params: { nEstimators: 20, maxDepth: 6 } },
  { kind: "extra-trees", file: "wa_churn", target: "churn", params: { nEstimators: 20, maxDepth: 6 } },
  { kind: "extra-trees", file: "breast_cancer", target: "target", params: { nEstimators: 20 } },
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
