/**
 * Generated predictors of cross-fitted bags (the model `ouro run` promotes by default) equal the
 * library on every training row: a bag of GBDTs (regression, ames), a bag of MLPs with their own
 * per-fold encoders (penguins), and an ensemble of bags (wa_churn, mixed types and missing cells).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import "../../learners/index.js";
import { WeightedEnsembleModel } from "../../learners/ensemble/weighted-ensemble.js";
import { createLearner } from "../../learners/registry.js";
import { generatePredictModule } from "./generate.js";
import { checkOnTrainingRows, loadBundledCsv } from "./test-support.js";

const bag = (kind: string, params: Record<string, unknown>, folds = 3): { kind: string; params: Record<string, unknown> } => ({ kind: "bag", params: { base: { kind, params }, folds } });

for (const c of [
  { file: "ames", target: "Sale_Price", spec: bag("gbdt", { nEstimators: 15, earlyStoppingRounds: 5 }), rows: 400 },
  { file: "penguins", target: "species", spec: bag("mlp", { epochs: 2, hiddenLayers: [8] }), rows: undefined },
]) {
  test(`a bag on ${c.file} (${(c.spec.params.base as { kind: string }).kind}): the generated module equals the library on every training row`, async () => {
    const data = loadBundledCsv(c.file, c.target, c.rows);
    const model = await createLearner(c.spec).fit(data.loaded.dataset, { seed: 2 });
    const source = generatePredictModule(model, { target: c.target, schema: data.loaded.schema });
    assert.match(source, /Average of 3 fold models/);
    const r = await checkOnTrainingRows(model, data, source);
    assert.ok(r.maxDiff <= 1e-9, `max |generated - library| = ${r.maxDiff}`);
    assert.equal(r.labelMismatches, 0);
  });
}

test("an ensemble of bags (wa_churn, 300 rows): the generated module equals the library", async () => {
  const data = loadBundledCsv("wa_churn", "churn", 300);
  const specs = [bag("gbdt", { nEstimators: 10 }), bag("linear", {}), bag("knn", {})];
  const members = await Promise.all(specs.map((s, i) => createLearner(s).fit(data.loaded.dataset, { seed: i })));
  const weights = [0.5, 0.3, 0.2];
  const model = new WeightedEnsembleModel("binary", members, weights, { members: specs.map((spec, i) => ({ spec, weight: weights[i]! })) });
  const r = await checkOnTrainingRows(model, data, generatePredictModule(model, { target: "churn", schema: data.loaded.schema }));
  assert.ok(r.maxDiff <= 1e-9, `max |generated - library| = ${r.maxDiff}`);
  assert.equal(r.labelMismatches, 0);
});
