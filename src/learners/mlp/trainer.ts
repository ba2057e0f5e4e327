/**
 * Trains a {@link NetworkSpec} with onnxruntime: one session runs forward, loss and backward in a
 * single `run()` per mini-batch (weights are graph inputs, gradients graph outputs); the optimiser
 * update, dropout masks and batch-norm running statistics live in TypeScript over Float32Arrays.
 * Sessions are cached per architecture, so refitting the same architecture costs no graph build.
 *
 * With Adam the parameters live in the optimiser's {@link ParamArena} (WebAssembly memory): the
 * session reads them from there and writes the gradients into the arena's gradient slots
 * (pre-allocated outputs), and the SIMD kernel updates them in place, so a step copies nothing.
 */
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { Random } from "../../core/rng.js";
import { cachedSession, loadOrt, type OrtModule } from "../../numeric/onnx/runtime.js";
import { ParamArena, simdAdamAvailable } from "./adam-simd.js";
import { buildInferenceGraph, buildTrainingGraph, type Head, type TrainingGraph } from "./network-graph.js";
import { Optimizer, type OptimizerOptions } from "./optimizers.js";
import { BN_MOMENTUM, layerWidths, networkBuffers, networkParams, type NetworkSpec, type ParamInfo } from "./spec.js";

const graphCache = new Map<string, TrainingGraph>();

/** Seeded initial weights: He-normal or Glorot-uniform for dense weights, zeros/ones elsewhere. */
export function initialWeights(spec: NetworkSpec, seed: number): Map<string, Float32Array> {
  const rng = new Random(seed);
  const out = new Map<string, Float32Array>();
  for (const p of networkParams(spec)) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const a = new Float32Array(n);
    if (p.init === "ones") a.fill(1);
    else if (p.init === "he") {
      const sd = Math.sqrt(2 / p.shape[0]!);
      for (let i = 0; i < n; i++) a[i] = sd * rng.normal();
    } else if (p.init === "glorot") {
      const lim = Math.sqrt(6 / (p.shape[0]! + p.shape[1]!));
      for (let i = 0; i < n; i++) a[i] = rng.uniform(-lim, lim);
    }
    out.set(p.name, a);
  }
  for (const b of networkBuffers(spec)) out.set(b.name, new Float32Array(b.size).fill(b.init === "ones" ? 1 : 0));
  return out;
}

/** One mini-batch, row-major float32. */
export interface Batch {
  readonly rows: number;
  readonly x: Float32Array;
  /** Softmax head: one-hot × normalised row weight [rows, k]. Squared head: targets [rows, 1]. */
  readonly t: Float32Array;
  /** Squared head only: normalised row weights [rows, 1]. */
  readonly w?: Float32Array;
}

/** Options of {@link NetworkTrainer.create}. */
export interface TrainerOptions {
  readonly optimizer: OptimizerOptions;
  /** Seed for the dropout masks. */
  readonly seed: number;
}

/** Holds the weights and optimiser state of one training run. */
export class NetworkTrainer {
  /** Reused `run()` inputs: the parameters, plus the batch tensors of the last step. */
  private readonly feeds: Record<string, Tensor> = {};
  /** Reused `run()` outputs: gradient tensors over the arena (null: onnxruntime allocates). */
  private readonly fetches: Record<string, Tensor | null> = {};
  private lastBatch: Batch | undefined;
  private readonly optimizer: Optimizer;
  private readonly rng: Random;
  private readonly momentum = new Map<string, number>();

  private constructor(
    private readonly ort: OrtModule,
    readonly spec: NetworkSpec,
    readonly head: Head,
    private readonly graph: TrainingGraph,
    private readonly session: InferenceSession,
    private readonly evalSession: InferenceSession,
    readonly params: readonly ParamInfo[],
    /** Current parameters and buffers by name (updated in place). */
    readonly weights: Map<string, Float32Array>,
    options: TrainerOptions,
  ) {
    const arena = options.optimizer.kind !== "sgd" && simdAdamAvailable() ? new ParamArena(params.map((p) => weights.get(p.name)!.length)) : undefined;
    params.forEach((p, k) => {
      if (arena !== undefined) {
        arena.params[k]!.set(weights.get(p.name)!);
        weights.set(p.name, arena.params[k]!);
      }
      this.feeds[p.name] = new ort.Tensor("float32", weights.get(p.name)!, p.shape);
      this.fetches[graph.grads[k]!] = arena === undefined ? null : new ort.Tensor("float32", arena.grads[k]!, p.shape);
    });
    this.fetches[graph.loss] = null;
    for (const s of graph.batchStats) {
      this.fetches[s.mean] = null;
      this.fetches[s.variance] = null;
    }
    this.optimizer = new Optimizer(params.map((p) => weights.get(p.name)!), params.map((p) => p.decay), options.optimizer, arena);
    this.rng = new Random(options.seed);
    for (const l of spec.layers) if (l.op === "batchnorm") this.momentum.set(l.id, l.momentum ?? BN_MOMENTUM);
  }

  /** Builds (or reuses) the sessions and starts from `init` (copied) or fresh seeded weights. */
  static async create(spec: NetworkSpec, head: Head, options: TrainerOptions, init: ReadonlyMap<string, Float32Array>): Promise<NetworkTrainer> {
    const ort = await loadOrt();
    const key = `${head}:${JSON.stringify(spec)}`;
    const buildTrain = (): TrainingGraph => {
      let g = graphCache.get(key);
      if (g === undefined) {
        g = buildTrainingGraph(spec, head);
        graphCache.set(key, g);
        if (graphCache.size > 16) graphCache.delete(graphCache.keys().next().value as string);
      }
      return g;
    };
    const session = await cachedSession(`train:${key}`, () => buildTrain().model);
    const evalSession = await cachedSession(`eval:${key}`, () => buildInferenceGraph(spec, head));
    const weights = new Map<string, Float32Array>();
    for (const [k, v] of init) weights.set(k, v.slice());
    return new NetworkTrainer(ort, spec, head, buildTrain(), session, evalSession, networkParams(spec), weights, options);
  }

  /** One optimisation step on a batch with learning rate `lr`; returns the batch loss. */
  async step(b: Batch, lr: number): Promise<number> {
    const { ort, graph, feeds } = this;
    const last = this.lastBatch;
    if (last === undefined || last.x !== b.x || last.t !== b.t || last.w !== b.w || last.rows !== b.rows) {
      // A new batch object: wrap its arrays (tensors view the arrays, so refilled arrays need no new tensor).
      const k = b.t.length / b.rows;
      feeds.x = new ort.Tensor("float32", b.x, [b.rows, this.spec.inputs]);
      feeds.t = new ort.Tensor("float32", b.t, [b.rows, k]);
      if (this.head === "squared") feeds.w = new ort.Tensor("float32", b.w!, [b.rows, 1]);
      this.lastBatch = { ...b };
    }
    for (const d of graph.dropout) {
      const mask = new Float32Array(b.rows * d.width);
      const keep = 1 / (1 - d.rate);
      for (let i = 0; i < mask.length; i++) mask[i] = this.rng.next() < d.rate ? 0 : keep;
      feeds[`${d.id}.mask`] = new ort.Tensor("float32", mask, [b.rows, d.width]);
    }
    const out = await this.session.run(feeds, this.fetches);
    const grads = graph.grads.map((g) => out[g]!.data as Float32Array);
    this.optimizer.step(grads, lr);
    for (const s of graph.batchStats) {
      const m = this.momentum.get(s.id)!;
      const mean = out[s.mean]!.data as Float32Array;
      const variance = out[s.variance]!.data as Float32Array;
      const rm = this.weights.get(`${s.id}.runningMean`)!;
      const rv = this.weights.get(`${s.id}.runningVar`)!;
      // Running variance is unbiased, as in PyTorch.
      const unbias = b.rows > 1 ? b.rows / (b.rows - 1) : 1;
      for (let j = 0; j < rm.length; j++) {
        rm[j] = (1 - m) * rm[j]! + m * mean[j]!;
        rv[j] = (1 - m) * rv[j]! + m * variance[j]! * unbias;
      }
    }
    return (out[graph.loss]!.data as Float32Array)[0]!;
  }

  /** Inference outputs for `rows` rows with the current weights: probabilities, or standardised values. */
  async evaluate(x: Float32Array, rows: number): Promise<Float32Array> {
    const feeds: Record<string, Tensor> = { x: new this.ort.Tensor("float32", x, [rows, this.spec.inputs]) };
    for (const [name, v] of this.weights) feeds[name] = new this.ort.Tensor("float32", v, name.endsWith(".weight") ? this.params.find((p) => p.name === name)!.shape : [v.length]);
    const out = await this.evalSession.run(feeds);
    return out[this.head === "softmax" ? "probabilities" : "values"]!.data as Float32Array;
  }

  /** A copy of the current weights and buffers. */
  snapshot(): Map<string, Float32Array> {
    return new Map([...this.weights].map(([k, v]) => [k, v.slice()] as const));
  }

  /** Overwrites the weights and buffers in place (the tensors keep pointing at the same arrays). */
  restore(w: ReadonlyMap<string, Float32Array>): void {
    for (const [k, v] of w) this.weights.get(k)!.set(v);
  }

  /** Output width of the network. */
  get outputs(): number {
    return layerWidths(this.spec).get(this.spec.output)!;
  }
}
