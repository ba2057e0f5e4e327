/**
 * The `"mlp"` learner: a feed-forward neural network trained with mini-batch gradient descent on
 * onnxruntime (forward and backward in one ONNX session, our own reverse-mode autodiff), over the
 * features of the shared numeric encoder (median imputation + missing indicators, one-hot
 * categories, standardisation).
 *
 * Classification minimises softmax cross-entropy, regression half the squared error of the
 * standardised target; both weight each row by its sample weight times an optional "balanced"
 * class weight. Epochs are the training resource: `ctx.report(epoch, loss)` is called after each
 * one with the validation loss (log-loss or MSE) when `ctx.validation` is given, else the training
 * loss; with a validation set, training stops after `earlyStoppingPatience` epochs without
 * improvement and the best weights are restored. Warm start continues from `ctx.initModel`'s
 * weights (same architecture and features) and never returns a model with a higher training loss
 * than the one it started from.
 *
 * @see Goodfellow, Bengio & Courville, "Deep Learning", MIT Press 2016, ch. 6–8.
 */
import { OuroborosError } from "../../core/errors.js";
import type { JsonValue } from "../../core/json.js";
import { deriveSeed, Random } from "../../core/rng.js";
import type { Dataset, Task } from "../../data/dataset.js";
import { encodeNumeric, fitNumericEncoder, type NumericEncoderState } from "../../data/numeric-encoder.js";
import type { Table } from "../../data/table.js";
import type { Artifact, ArtifactArray } from "../artifact.js";
import type { Capabilities, FitContext, Learner, Model, Predictions } from "../learner.js";
import { resolveParams, type ParamRule } from "../params.js";
import type { LearnerFactory } from "../registry.js";
import { forwardNetwork, softmaxRows } from "./forward.js";
import { buildInferenceGraph, type InferenceNet } from "./network-graph.js";
import { scheduledRate, type LRSchedule, type OptimizerKind } from "./optimizers.js";
import { layerWidths, mlpNetwork, networkBuffers, networkParams, type Activation, type LayerSpec, type NetworkSpec } from "./spec.js";
import { initialWeights, NetworkTrainer } from "./trainer.js";

/** Hyperparameters of {@link MLPLearner}. */
export interface MLPParams {
  /** Hidden layer widths. Default [128, 128]. */
  readonly hiddenLayers: readonly number[];
  /** Default "relu". */
  readonly activation: Activation;
  /** Dropout rate after each hidden activation. Default 0. */
  readonly dropout: number;
  /** Default "none". */
  readonly norm: "none" | "batch" | "layer";
  /** Residual connections between equally wide hidden blocks. Default false. */
  readonly residual: boolean;
  /**
   * A custom body instead of the hidden-layer options: layers reading `"input"`, and the id of the
   * last one; a dense output layer `"head"` is appended. Default null.
   */
  readonly network: { readonly layers: readonly LayerSpec[]; readonly output: string } | null;
  /** Training epochs (the resource). Default 100. */
  readonly epochs: number;
  /** Mini-batch size. Default 128. */
  readonly batchSize: number;
  /** Default "adam". */
  readonly optimizer: OptimizerKind;
  /** Default 1e-3. */
  readonly learningRate: number;
  /** SGD momentum. Default 0.9. */
  readonly momentum: number;
  /** L2 (adam, sgd) or decoupled (adamw) weight decay on dense weights. Default 0. */
  readonly weightDecay: number;
  /** Default "constant". */
  readonly lrSchedule: LRSchedule;
  /** Epochs of linear learning-rate warmup. Default 0. */
  readonly warmupEpochs: number;
  /** With `ctx.validation`: stop after this many epochs without improvement. Default 10. */
  readonly earlyStoppingPatience: number;
  /** "balanced" weights each class by n / (k · n_class). Default "none". */
  readonly classWeight: "none" | "balanced";
  /** Weight initialisation ("auto": He for relu/gelu, Glorot otherwise). Default "auto". */
  readonly init: "auto" | "he" | "glorot";
}

const DEFAULTS: MLPParams = {
  hiddenLayers: [128, 128],
  activation: "relu",
  dropout: 0,
  norm: "none",
  residual: false,
  network: null,
  epochs: 100,
  batchSize: 128,
  optimizer: "adam",
  learningRate: 1e-3,
  momentum: 0.9,
  weightDecay: 0,
  lrSchedule: "constant",
  warmupEpochs: 0,
  earlyStoppingPatience: 10,
  classWeight: "none",
  init: "auto",
};

const RULES: { readonly [K in keyof MLPParams]: ParamRule } = {
  hiddenLayers: { type: "int-array", min: 1 },
  activation: { type: "enum", values: ["relu", "tanh", "gelu", "sigmoid"] },
  dropout: { type: "number", min: 0, max: 0.95 },
  norm: { type: "enum", values: ["none", "batch", "layer"] },
  residual: { type: "boolean" },
  network: { type: "any" },
  epochs: { type: "number", min: 1, integer: true },
  batchSize: { type: "number", min: 1, integer: true },
  optimizer: { type: "enum", values: ["adam", "adamw", "sgd"] },
  learningRate: { type: "number", min: 0, exclusiveMin: true },
  momentum: { type: "number", min: 0, max: 0.999 },
  weightDecay: { type: "number", min: 0 },
  lrSchedule: { type: "enum", values: ["constant", "cosine", "step"] },
  warmupEpochs: { type: "number", min: 0, integer: true },
  earlyStoppingPatience: { type: "number", min: 1, integer: true },
  classWeight: { type: "enum", values: ["none", "balanced"] },
  init: { type: "enum", values: ["auto", "he", "glorot"] },
};

const CAPABILITIES: Capabilities = { tasks: ["binary", "multiclass", "regression"], missingValues: true, categorical: true, sampleWeights: true, warmStart: true, resource: "epochs" };

/** The network for `inputs` features and `outputs` outputs under these params. */
export function networkFor(p: MLPParams, inputs: number, outputs: number): NetworkSpec {
  if (p.network === null) {
    return mlpNetwork({ inputs, outputs, hiddenLayers: p.hiddenLayers, activation: p.activation, dropout: p.dropout, norm: p.norm, residual: p.residual, init: p.init });
  }
  const { layers, output } = p.network;
  if (!Array.isArray(layers) || typeof output !== "string") throw new OuroborosError("invalid-argument", "mlp: `network` must be {layers: LayerSpec[], output: string}");
  const spec: NetworkSpec = { inputs, layers: [...layers, { id: "head", op: "dense", input: output, units: outputs, init: "glorot" }], output: "head" };
  layerWidths(spec);
  return spec;
}

/** Fitted state besides the weights. */
export interface MLPState {
  readonly spec: NetworkSpec;
  readonly encoder: NumericEncoderState;
  readonly classes: readonly string[];
  readonly targetMean: number;
  readonly targetScale: number;
  /** Epochs behind the kept weights: early stopping's best epoch, else the last epoch trained (absent in older artifacts). */
  readonly epochsUsed?: number;
}

/** Feed-forward network learner (see the module doc). */
export class MLPLearner implements Learner<MLPParams> {
  readonly kind = "mlp";
  readonly params: MLPParams;
  readonly capabilities = CAPABILITIES;

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = resolveParams("mlp", DEFAULTS, RULES, params);
    if (this.params.network !== null) networkFor(this.params, 1, 1);
  }

  async fit(data: Dataset, ctx: FitContext): Promise<Model> {
    ctx.signal?.throwIfAborted();
    const p = this.params;
    const n = data.x.nRows;
    if (n === 0) throw new OuroborosError("invalid-data", "mlp: the training data has no rows");
    const init = ctx.initModel;
    if (init !== undefined && !(init instanceof MLPModel)) throw new OuroborosError("invalid-argument", `mlp: warm start needs an mlp model, but got a ${init.kind} model`);
    if (init !== undefined && init.task !== data.y.task) throw new OuroborosError("invalid-argument", `mlp: warm start from a ${init.task} model on a ${data.y.task} target`);

    const encoder = init?.state.encoder ?? fitNumericEncoder(data.x);
    const x = Float32Array.from(encodeNumeric(encoder, data.x));
    const d = encoder.featureNames.length;
    const y = data.y;
    const classes = y.task === "regression" ? [] : [...y.classes];
    if (init !== undefined && JSON.stringify(init.state.classes) !== JSON.stringify(classes)) throw new OuroborosError("invalid-argument", `mlp: warm start classes ${JSON.stringify(init.state.classes)} differ from the target's ${JSON.stringify(classes)}`);
    const k = y.task === "regression" ? 1 : classes.length;

    // Row weights: sample weight × class weight, normalised to mean 1.
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = data.weights?.[i] ?? 1;
    if (p.classWeight === "balanced" && y.task !== "regression") {
      const perClass = new Float64Array(k);
      let total = 0;
      for (let i = 0; i < n; i++) {
        perClass[y.labels[i]!]! += w[i]!;
        total += w[i]!;
      }
      for (let i = 0; i < n; i++) w[i]! *= total / (k * perClass[y.labels[i]!]!);
    }
    let wSum = 0;
    for (let i = 0; i < n; i++) wSum += w[i]!;
    if (!(wSum > 0)) throw new OuroborosError("invalid-data", "mlp: the sample weights sum to 0");
    for (let i = 0; i < n; i++) w[i] = (w[i]! * n) / wSum;

    let targetMean = 0;
    let targetScale = 1;
    const target = new Float32Array(y.task === "regression" ? n : 0);
    if (y.task === "regression") {
      if (init !== undefined) {
        targetMean = init.state.targetMean;
        targetScale = init.state.targetScale;
      } else {
        let s = 0;
        for (let i = 0; i < n; i++) s += w[i]! * y.values[i]!;
        targetMean = s / n;
        let ss = 0;
        for (let i = 0; i < n; i++) ss += w[i]! * (y.values[i]! - targetMean) ** 2;
        const sd = Math.sqrt(ss / n);
        targetScale = sd > 1e-12 ? sd : 1;
      }
      for (let i = 0; i < n; i++) target[i] = (y.values[i]! - targetMean) / targetScale;
    }

    const spec = init?.state.spec ?? networkFor(p, d, k);
    const head = y.task === "regression" ? "squared" : "softmax";
    const startWeights = init?.weights ?? initialWeights(spec, deriveSeed(ctx.seed, "mlp-init"));
    const trainer = await NetworkTrainer.create(spec, head, { seed: deriveSeed(ctx.seed, "mlp-dropout"), optimizer: { kind: p.optimizer, weightDecay: p.weightDecay, momentum: p.momentum } }, startWeights);

    const val = ctx.validation;
    const valX = val === undefined ? undefined : Float32Array.from(encodeNumeric(encoder, val.x));
    const validationLoss = async (): Promise<number> => {
      const out = await trainer.evaluate(valX!, val!.x.nRows);
      return outputLoss(out, val!, targetMean, targetScale);
    };

    const order = Int32Array.from({ length: n }, (_, i) => i);
    const shuffle = new Random(deriveSeed(ctx.seed, "mlp-shuffle"));
    const bs = Math.min(p.batchSize, n);
    const stepsPerEpoch = Math.ceil(n / bs);
    const totalSteps = stepsPerEpoch * p.epochs;
    const warmup = Math.min(1, p.warmupEpochs / p.epochs);
    const bx = new Float32Array(bs * d);
    const bt = new Float32Array(bs * k);
    const bw = new Float32Array(bs);

    let best = Infinity;
    let bestWeights: Map<string, Float32Array> | undefined;
    let bestEpoch = 0;
    let lastEpoch = 0;
    let sinceBest = 0;
    if (val !== undefined && init !== undefined) {
      best = await validationLoss();
      bestWeights = trainer.snapshot();
    }
    let step = 0;
    for (let epoch = 1; epoch <= p.epochs; epoch++) {
      ctx.signal?.throwIfAborted();
      lastEpoch = epoch;
      shuffleInPlace(order, shuffle);
      let epochLoss = 0;
      for (let start = 0; start < n; start += bs) {
        const rows = Math.min(bs, n - start);
        bt.fill(0);
        for (let r = 0; r < rows; r++) {
          const i = order[start + r]!;
          bx.set(x.subarray(i * d, (i + 1) * d), r * d);
          if (y.task === "regression") {
            bt[r] = target[i]!;
            bw[r] = w[i]! / rows;
          } else bt[r * k + y.labels[i]!] = w[i]! / rows;
        }
        const batch = { rows, x: bx.subarray(0, rows * d), t: bt.subarray(0, rows * k), w: bw.subarray(0, rows) };
        const lr = scheduledRate(p.learningRate, p.lrSchedule, step / totalSteps, warmup);
        const loss = await trainer.step(batch, lr);
        if (!Number.isFinite(loss)) throw new OuroborosError("invalid-value", `mlp: the training loss became ${loss} at epoch ${epoch}; lower the learning rate (got ${p.learningRate})`);
        epochLoss += loss * rows;
        step++;
      }
      // Training loss per row: cross-entropy, or MSE in target units for regression.
      let report = y.task === "regression" ? (2 * epochLoss * targetScale * targetScale) / n : epochLoss / n;
      if (val !== undefined) {
        report = await validationLoss();
        if (report < best) {
          best = report;
          bestWeights = trainer.snapshot();
          bestEpoch = epoch;
          sinceBest = 0;
        } else sinceBest++;
      }
      await ctx.report?.(epoch, report);
      if (val !== undefined && sinceBest >= p.earlyStoppingPatience) break;
    }
    if (bestWeights !== undefined) trainer.restore(bestWeights);

    const state: MLPState = { spec, encoder, classes, targetMean, targetScale, epochsUsed: bestWeights !== undefined ? bestEpoch : lastEpoch };
    const model = new MLPModel(y.task, state, trainer.snapshot(), p);
    if (init !== undefined && val === undefined) {
      // Warm start must not undo the earlier fit: keep whichever weights fit the training data better.
      const xs64 = encodeNumeric(encoder, data.x);
      if (model.objective(xs64, data, w) > init.objective(xs64, data, w)) return new MLPModel(y.task, state, init.weights, p);
    }
    return model;
  }
}

function shuffleInPlace(a: Int32Array, rng: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** Weighted log-loss (classes) or MSE in target units (regression) of raw network outputs. */
function outputLoss(out: ArrayLike<number>, data: Dataset, targetMean: number, targetScale: number): number {
  const n = data.x.nRows;
  const y = data.y;
  let s = 0;
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const wi = data.weights?.[i] ?? 1;
    sw += wi;
    if (y.task === "regression") s += wi * (out[i]! * targetScale + targetMean - y.values[i]!) ** 2;
    else s -= wi * Math.log(Math.max(1e-15, out[i * y.classes.length + y.labels[i]!]!));
  }
  return sw > 0 ? s / sw : 0;
}

/** A fitted network. */
export class MLPModel implements Model {
  readonly kind = "mlp";

  constructor(
    readonly task: Task,
    /** Architecture, encoder and target scaling (JSON). */
    readonly state: MLPState,
    /** Parameters and batch-norm buffers by name. */
    readonly weights: ReadonlyMap<string, Float32Array>,
    private readonly params: MLPParams,
  ) {}

  /** The epoch early stopping kept, else the last epoch trained. */
  resourceUsed(): number {
    return this.state.epochsUsed ?? this.params.epochs;
  }

  /** The encoded feature matrix (row-major, `nRows × featureNames.length`) the network reads. */
  encode(x: Table): Float64Array {
    return encodeNumeric(this.state.encoder, x);
  }

  /** Names of the encoded features (the columns of {@link encode}'s matrix). */
  get featureNames(): readonly string[] {
    return this.state.encoder.featureNames;
  }

  /** Network outputs for encoded rows: probabilities (row-major) or values in target units. */
  predictEncoded(xs: Float64Array, n: number): Float64Array {
    const z = forwardNetwork(this.state.spec, this.weights, xs, n);
    if (this.task !== "regression") return softmaxRows(z, n, this.state.classes.length);
    const { targetMean, targetScale } = this.state;
    return z.map((v) => v * targetScale + targetMean);
  }

  predict(x: Table): Predictions {
    const out = this.predictEncoded(this.encode(x), x.nRows);
    if (this.task === "regression") return { task: "regression", values: out };
    return { task: this.task, classes: this.state.classes, proba: out };
  }

  /** Training objective on encoded rows with normalised row weights `w` (log-loss or MSE). */
  objective(xs: Float64Array, data: Dataset, w: Float64Array): number {
    const out = this.predictEncoded(xs, data.x.nRows);
    const y = data.y;
    let s = 0;
    for (let i = 0; i < w.length; i++) {
      if (y.task === "regression") s += w[i]! * (out[i]! - y.values[i]!) ** 2;
      else s -= w[i]! * Math.log(Math.max(1e-15, out[i * y.classes.length + y.labels[i]!]!));
    }
    return s / w.length;
  }

  /**
   * The network as a standalone ONNX inference model: input `features` [batch, nFeatures] (the
   * encoded matrix of {@link encode}), output `probabilities` [batch, nClasses] or `values` [batch].
   */
  toOnnx(): Uint8Array {
    const net = this.onnxNet();
    return buildInferenceGraph(net.spec, this.task === "regression" ? "squared" : "softmax", { weights: net.weights, targetMean: this.state.targetMean, targetScale: this.state.targetScale, inputName: "features" });
  }

  /**
   * What an ONNX inference graph of this network needs — architecture, weights and target scaling —
   * for graphs that combine several networks (`buildAveragedInferenceGraph`).
   */
  onnxNet(): InferenceNet {
    return { spec: this.state.spec, weights: this.weights, targetMean: this.state.targetMean, targetScale: this.state.targetScale };
  }

  save(): Artifact {
    const arrays: Record<string, ArtifactArray> = {};
    for (const [name, a] of this.weights) arrays[name] = a;
    return { kind: this.kind, task: this.task, spec: { kind: this.kind, params: { ...this.params } }, state: this.state as unknown as JsonValue, arrays };
  }
}

function corrupt(what: string): OuroborosError {
  return new OuroborosError("artifact-corrupt", `mlp: ${what}`);
}

/** Registry entry of the `"mlp"` learner. */
export const mlpLearnerFactory: LearnerFactory = {
  kind: "mlp",
  create: (params) => new MLPLearner(params),
  load: (a: Artifact) => {
    const s = a.state as unknown as MLPState;
    if (typeof s !== "object" || s === null || typeof s.spec !== "object" || typeof s.encoder !== "object" || !Array.isArray(s.classes)) throw corrupt("the artifact state lacks spec, encoder or classes");
    const spec = s.spec;
    const weights = new Map<string, Float32Array>();
    const expect = [...networkParams(spec).map((p) => ({ name: p.name, size: p.shape.reduce((x, y) => x * y, 1) })), ...networkBuffers(spec)];
    for (const e of expect) {
      const arr = a.arrays[e.name];
      if (!(arr instanceof Float32Array) || arr.length !== e.size) throw corrupt(`array "${e.name}" must be float32 with ${e.size} values`);
      weights.set(e.name, arr);
    }
    return new MLPModel(a.task, s, weights, new MLPLearner(a.spec.params as Record<string, unknown>).params);
  },
};
