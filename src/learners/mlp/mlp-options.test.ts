/**
 * The mlp learner beyond the conformance suite: ONNX export equals predict, every layer kind and
 * optimiser trains, early stopping restores the best epoch, artifacts reject wrong arrays, and
 * architectures are validated.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OuroborosError } from "../../core/errors.js";
import { decodeArtifact, encodeArtifact } from "../artifact.js";
import { loadOrt } from "../../numeric/onnx/runtime.js";
import { conformanceData } from "../../testing/learner-conformance.js";
import { MLPLearner, MLPModel, mlpLearnerFactory } from "./mlp.js";
import { layerWidths, mlpNetwork } from "./spec.js";

const small = { hiddenLayers: [12, 12], epochs: 12, batchSize: 32, learningRate: 0.01 };

function logLoss(m: MLPModel, d: ReturnType<typeof conformanceData>): number {
  const p = m.predict(d.x);
  if (p.task === "regression" || d.y.task === "regression") throw new Error("classes expected");
  const k = p.classes.length;
  let s = 0;
  for (let i = 0; i < d.y.labels.length; i++) s -= Math.log(p.proba[i * k + d.y.labels[i]!]!);
  return s / d.y.labels.length;
}

async function runOnnx(bytes: Uint8Array, features: Float64Array, rows: number, cols: number, output: string): Promise<Float32Array> {
  const ort = await loadOrt();
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const out = await s.run({ features: new ort.Tensor("float32", Float32Array.from(features), [rows, cols]) });
  return out[output]!.data as Float32Array;
}

describe("mlp: ONNX export", () => {
  for (const [task, params] of [
    ["multiclass", { ...small, norm: "batch", activation: "gelu", dropout: 0.1 }],
    ["binary", { ...small, norm: "layer", residual: true, activation: "tanh" }],
    ["regression", { ...small, activation: "sigmoid" }],
  ] as const) {
    test(`${task}: the standalone .onnx file reproduces predict (${params.activation}, norm ${"norm" in params ? params.norm : "none"})`, async () => {
      const d = conformanceData(task, 120, 7, { missing: true });
      const m = (await new MLPLearner(params).fit(d, { seed: 1 })) as MLPModel;
      const xs = m.encode(d.x);
      const onnx = await runOnnx(m.toOnnx(), xs, d.x.nRows, m.featureNames.length, task === "regression" ? "values" : "probabilities");
      const p = m.predict(d.x);
      const ours = p.task === "regression" ? p.values : p.proba;
      assert.equal(onnx.length, ours.length);
      for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(onnx[i]! - ours[i]!) <= 1e-4 * Math.max(1, Math.abs(ours[i]!)), `output ${i}: onnx ${onnx[i]} vs predict ${ours[i]}`);
    });
  }
});

describe("mlp: training options", () => {
  const data = conformanceData("multiclass", 200, 3);

  test("every optimiser and schedule lowers the training loss below the class-prior baseline", async () => {
    for (const extra of [
      { optimizer: "sgd", learningRate: 0.05, lrSchedule: "step" },
      { optimizer: "adamw", weightDecay: 0.01, lrSchedule: "cosine", warmupEpochs: 2 },
      { optimizer: "adam", weightDecay: 1e-3, classWeight: "balanced", init: "glorot" },
    ] as const) {
      const m = (await new MLPLearner({ ...small, ...extra }).fit(data, { seed: 2 })) as MLPModel;
      assert.ok(logLoss(m, data) < 0.9, `${JSON.stringify(extra)}: log-loss ${logLoss(m, data)} (class priors ≈ 1.08)`);
    }
  });

  test("dropout, batch norm and residual networks train and are deterministic for a seed", async () => {
    const params = { ...small, dropout: 0.2, norm: "batch", residual: true };
    const a = (await new MLPLearner(params).fit(data, { seed: 4 })) as MLPModel;
    const b = (await new MLPLearner(params).fit(data, { seed: 4 })) as MLPModel;
    const c = (await new MLPLearner(params).fit(data, { seed: 5 })) as MLPModel;
    assert.ok(logLoss(a, data) < 0.9);
    assert.deepEqual(a.predict(data.x), b.predict(data.x));
    assert.notDeepEqual(a.predict(data.x), c.predict(data.x));
    // Batch-norm running statistics moved away from their initial 0 / 1.
    assert.ok(Array.from(a.weights.get("bn0.runningMean")!).some((v) => Math.abs(v) > 1e-3));
  });

  test("a custom network spec (the architecture-search entry point) trains", async () => {
    const network = {
      layers: [
        { id: "a", op: "dense", input: "input", units: 8, init: "he" },
        { id: "ar", op: "activation", input: "a", fn: "relu" },
        { id: "b", op: "dense", input: "input", units: 8 },
        { id: "bn", op: "layernorm", input: "b" },
        { id: "bt", op: "activation", input: "bn", fn: "tanh" },
        { id: "sum", op: "add", inputs: ["ar", "bt"] },
      ],
      output: "sum",
    };
    const m = (await new MLPLearner({ ...small, network }).fit(data, { seed: 1 })) as MLPModel;
    assert.ok(logLoss(m, data) < 0.9);
    assert.deepEqual(JSON.parse(JSON.stringify(new MLPLearner({ network }).params.network)), network);
  });

  test("validation: reports validation loss per epoch, stops early and restores the best weights", async () => {
    const train = conformanceData("binary", 60, 8);
    const validation = conformanceData("binary", 200, 9);
    const reports: number[] = [];
    // A large, fast-learning net on few rows overfits: validation loss rises after its minimum.
    const m = (await new MLPLearner({ hiddenLayers: [64, 64], epochs: 200, batchSize: 8, learningRate: 0.01, earlyStoppingPatience: 5 }).fit(train, {
      seed: 1,
      validation,
      report: (_s, loss) => void reports.push(loss),
    })) as MLPModel;
    assert.ok(reports.length < 200, `early stopping ended training after ${reports.length} epochs`);
    const best = Math.min(...reports);
    assert.equal(reports.indexOf(best), reports.length - 6, "stopped exactly `patience` epochs after the best");
    assert.ok(Math.abs(logLoss(m, validation) - best) < 1e-4, `restored model's validation loss ${logLoss(m, validation)} equals the best reported ${best}`);
  });
});

describe("mlp: artifacts and validation", () => {
  test("an artifact with a wrong-sized weight array is refused", async () => {
    const d = conformanceData("binary", 80, 1);
    const a = (await new MLPLearner(small).fit(d, { seed: 1 })).save();
    const bad = { ...a, arrays: { ...a.arrays, "dense0.weight": new Float32Array(3) } };
    const enc = encodeArtifact(bad);
    assert.throws(() => mlpLearnerFactory.load(decodeArtifact(enc.json, enc.weights)), (e: unknown) => e instanceof OuroborosError && e.code === "artifact-corrupt");
  });

  test("bad hyperparameters and architectures are invalid-argument errors that say what is wrong", () => {
    const isArg = (re: RegExp) => (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument" && re.test(e.message);
    assert.throws(() => new MLPLearner({ hiddenLayers: [0] }), isArg(/hiddenLayers/));
    assert.throws(() => new MLPLearner({ dropout: 1 }), isArg(/dropout/));
    assert.throws(() => new MLPLearner({ network: { layers: [{ id: "a", op: "dense", input: "nope", units: 3 }], output: "a" } }), isArg(/reads "nope"/));
    assert.throws(
      () => layerWidths({ inputs: 4, layers: [{ id: "a", op: "dense", input: "input", units: 3 }, { id: "s", op: "add", inputs: ["a", "input"] }], output: "s" }),
      isArg(/widths 3 and 4/),
    );
    const spec = mlpNetwork({ inputs: 5, outputs: 2, hiddenLayers: [4, 4], residual: true, norm: "layer", dropout: 0.5 });
    assert.deepEqual(spec.layers.map((l) => l.op), ["dense", "layernorm", "activation", "dropout", "dense", "layernorm", "activation", "dropout", "add", "dense"]);
  });
});
