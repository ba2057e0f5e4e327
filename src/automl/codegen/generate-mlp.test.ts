/**
 * Generated neural-network predictors equal the library on every training row of real bundled
 * files: every activation, batch norm (running statistics), layer norm, dropout (identity at
 * inference), residual adds, softmax and regression heads. Few epochs and small layers keep it fast;
 * the weights need not be good, only reproduced exactly.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { generatePredictModule } from "./generate.js";
import { checkOnTrainingRows, fitKind, loadBundledCsv } from "./test-support.js";

const CASES: readonly { readonly file: string; readonly target: string; readonly params: Record<string, unknown> }[] = [
  { file: "iris", target: "target", params: { epochs: 3, hiddenLayers: [16, 16] } },
  { file: "breast_cancer", target: "target", params: { epochs: 2, hiddenLayers: [16], activation: "tanh", norm: "batch" } },
  { file: "penguins", target: "species", params: { epochs: 3, hiddenLayers: [8, 8], activation: "gelu", norm: "layer", dropout: 0.1, residual: true } },
  { file: "wa_churn", target: "churn", params: { epochs: 1, hiddenLayers: [16], activation: "sigmoid" } },
  { file: "ames", target: "Sale_Price", params: { epochs: 2, hiddenLayers: [16, 16], norm: "batch", residual: true } },
];

for (const c of CASES) {
  test(`mlp ${JSON.stringify(c.params)} on ${c.file}: equal to the library on every training row`, async () => {
    const data = loadBundledCsv(c.file, c.target);
    const model = await fitKind("mlp", c.params, data);
    const source = generatePredictModule(model, { target: c.target, schema: data.loaded.schema });
    assert.match(source, /new Float32Array\(/);
    const r = await checkOnTrainingRows(model, data, source);
    assert.ok(r.maxDiff <= 1e-9, `max |generated - library| = ${r.maxDiff}`);
    assert.equal(r.labelMismatches, 0);
  });
}
