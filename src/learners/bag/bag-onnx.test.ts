/**
 * A cross-fitted bag of neural networks exports as one ONNX model (one `features_j` input per
 * fold network, the average as output) that reproduces `predict`; a bag of anything else has no
 * ONNX form.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Dataset } from "../../data/dataset.js";
import { loadCsvDataset } from "../../data/load-dataset.js";
import { loadOrt } from "../../numeric/onnx/runtime.js";
import "../index.js";
import { MLPModel } from "../mlp/mlp.js";
import { createLearner } from "../registry.js";
import { CrossFitBagModel } from "./cross-fit-bag.js";

const DATA = new URL("../../../data/", import.meta.url);

function load(file: string, target: string): Dataset {
  return loadCsvDataset(new URL(file, DATA).pathname, { target }).dataset;
}

async function fitBag(data: Dataset, base: { kind: string; params: Record<string, unknown> }): Promise<CrossFitBagModel> {
  const m = await createLearner({ kind: "bag", params: { base, folds: 3 } }).fit(data, { seed: 1 });
  assert.ok(m instanceof CrossFitBagModel);
  return m;
}

/** Runs the bag's ONNX model on `data.x`, feeding each fold network its own encoded matrix. */
async function runOnnx(bag: CrossFitBagModel, data: Dataset, output: string): Promise<Float32Array> {
  const bytes = bag.toOnnx();
  assert.ok(bytes !== undefined, "a bag of networks exports to ONNX");
  const ort = await loadOrt();
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  assert.deepEqual([...s.inputNames], bag.members.map((_, j) => `features_${j}`));
  assert.deepEqual([...s.outputNames], [output]);
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  for (const [j, m] of bag.members.entries()) {
    assert.ok(m instanceof MLPModel);
    feeds[`features_${j}`] = new ort.Tensor("float32", Float32Array.from(m.encode(data.x)), [data.x.nRows, m.featureNames.length]);
  }
  const out = await s.run(feeds);
  return out[output]!.data as Float32Array;
}

function assertClose(onnx: Float32Array, ours: Float64Array): void {
  assert.equal(onnx.length, ours.length);
  for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(onnx[i]! - ours[i]!) <= 1e-5 * Math.max(1, Math.abs(ours[i]!)), `output ${i}: onnx ${onnx[i]} vs predict ${ours[i]}`);
}

describe("bag: ONNX export", () => {
  const mlp = { kind: "mlp", params: { epochs: 3, hiddenLayers: [8] } };

  test("multiclass (penguins: categorical columns, missing values): the averaged .onnx reproduces predict", async () => {
    const data = load("penguins.csv", "species");
    const bag = await fitBag(data, mlp);
    const p = bag.predict(data.x);
    assert.ok(p.task === "multiclass");
    assertClose(await runOnnx(bag, data, "probabilities"), p.proba);
  });

  test("regression (concrete): the averaged .onnx reproduces predict", async () => {
    const data = load("concrete.csv", "compressive_strength");
    const bag = await fitBag(data, mlp);
    const p = bag.predict(data.x);
    assert.ok(p.task === "regression");
    assertClose(await runOnnx(bag, data, "values"), p.values);
  });

  test("a bag of gradient-boosted trees has no ONNX form", async () => {
    const bag = await fitBag(load("penguins.csv", "species"), { kind: "gbdt", params: { nEstimators: 5 } });
    assert.equal(bag.toOnnx(), undefined);
  });
});
