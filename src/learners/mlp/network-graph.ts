/**
 * Turns a {@link NetworkSpec} into ONNX graphs: the training graph (forward, loss and, through
 * reverse-mode autodiff, every parameter gradient in one run), the evaluation graph (weights as
 * inputs, for validation during training) and the standalone inference graph (weights baked in as
 * initializers, for export), alone or averaged over several networks (a cross-fitted bag).
 *
 * Losses: softmax cross-entropy over the logits, with targets fed as one-hot rows already
 * multiplied by each row's weight (so weighting costs nothing in the graph), or half the weighted
 * squared error for regression. Row weights are normalised by the caller so the loss is a weighted
 * mean over the batch.
 */
import { addGradients } from "../../numeric/onnx/autodiff.js";
import { Graph } from "../../numeric/onnx/graph.js";
import { encodeModel } from "../../numeric/onnx/model-proto.js";
import { layerWidths, NORM_EPS, networkBuffers, networkParams, type NetworkSpec } from "./spec.js";

/** The output head: softmax cross-entropy (classes) or squared error (regression). */
export type Head = "softmax" | "squared";

/** Returns the graph value holding a named parameter or buffer. */
type Source = (name: string, shape: readonly number[]) => string;

/** Batch-norm statistics the training graph outputs, per layer id. */
export interface BatchStatOutputs {
  readonly id: string;
  readonly mean: string;
  readonly variance: string;
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** Appends the network's forward pass; returns the output value name. */
function forward(g: Graph, spec: NetworkSpec, x: string, training: boolean, source: Source, stats: BatchStatOutputs[]): string {
  const widths = layerWidths(spec);
  const value = new Map<string, string>([["input", x]]);
  for (const l of spec.layers) {
    const w = widths.get(l.id)!;
    const inp = value.get(l.op === "add" ? l.inputs[0] : l.input)!;
    let out: string;
    switch (l.op) {
      case "dense":
        out = g.add(g.matmul(inp, source(`${l.id}.weight`, [widths.get(l.input)!, w])), source(`${l.id}.bias`, [w]));
        break;
      case "activation":
        if (l.fn === "relu") out = g.relu(inp);
        else if (l.fn === "tanh") out = g.tanh(inp);
        else if (l.fn === "sigmoid") out = g.sigmoid(inp);
        else {
          // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
          const x3 = g.mul(g.mul(inp, inp), inp);
          const t = g.tanh(g.mul(g.add(inp, g.mul(x3, g.scalar(0.044715))), g.scalar(GELU_C)));
          out = g.mul(g.mul(inp, g.scalar(0.5)), g.add(t, g.scalar(1)));
        }
        break;
      case "dropout":
        out = training && l.rate > 0 ? g.mul(inp, g.input(`${l.id}.mask`, ["batch", w])) : inp;
        break;
      case "batchnorm": {
        const eps = g.scalar(l.eps ?? NORM_EPS);
        const gamma = source(`${l.id}.gamma`, [w]);
        const beta = source(`${l.id}.beta`, [w]);
        if (training) {
          const mean = g.reduceMean(inp, [0], true);
          const xc = g.sub(inp, mean);
          const variance = g.reduceMean(g.mul(xc, xc), [0], true);
          stats.push({ id: l.id, mean, variance });
          out = g.add(g.mul(g.div(xc, g.sqrt(g.add(variance, eps))), gamma), beta);
        } else {
          const scale = g.div(gamma, g.sqrt(g.add(source(`${l.id}.runningVar`, [w]), eps)));
          const shift = g.sub(beta, g.mul(source(`${l.id}.runningMean`, [w]), scale));
          out = g.add(g.mul(inp, scale), shift);
        }
        break;
      }
      case "layernorm": {
        const xc = g.sub(inp, g.reduceMean(inp, [-1], true));
        const variance = g.reduceMean(g.mul(xc, xc), [-1], true);
        const normed = g.div(xc, g.sqrt(g.add(variance, g.scalar(l.eps ?? NORM_EPS))));
        out = g.add(g.mul(normed, source(`${l.id}.gamma`, [w])), source(`${l.id}.beta`, [w]));
        break;
      }
      case "add":
        out = g.add(inp, value.get(l.inputs[1])!);
        break;
    }
    value.set(l.id, out);
  }
  return value.get(spec.output)!;
}

/** Names in a training graph. */
export interface TrainingGraph {
  readonly model: Uint8Array;
  /** Gradient output name per parameter, in {@link networkParams} order. */
  readonly grads: readonly string[];
  readonly loss: string;
  readonly batchStats: readonly BatchStatOutputs[];
  /** Dropout layers that need a mask input named `${id}.mask`. */
  readonly dropout: readonly { readonly id: string; readonly rate: number; readonly width: number }[];
}

/**
 * The training graph. Inputs: `x` [batch, inputs], `t` (softmax: one-hot × row weight, [batch, k];
 * squared: target, [batch, 1]), `w` (squared only: row weight, [batch, 1]), every parameter by
 * name, and a `${id}.mask` per dropout layer. Outputs: `loss`, the gradients, batch statistics.
 */
export function buildTrainingGraph(spec: NetworkSpec, head: Head): TrainingGraph {
  const g = new Graph("float32");
  const widths = layerWidths(spec);
  const k = widths.get(spec.output)!;
  const x = g.input("x", ["batch", spec.inputs]);
  const t = g.input("t", ["batch", k]);
  const params = networkParams(spec);
  const paramNames = new Map<string, string>();
  const source: Source = (name, shape) => {
    let v = paramNames.get(name);
    if (v === undefined) {
      v = g.input(name, shape);
      paramNames.set(name, v);
    }
    return v;
  };
  for (const p of params) source(p.name, p.shape);
  const stats: BatchStatOutputs[] = [];
  const z = forward(g, spec, x, true, source, stats);
  let loss: string;
  if (head === "softmax") {
    loss = g.neg(g.reduceSum(g.mul(t, g.logSoftmax(z))));
  } else {
    const w = g.input("w", ["batch", 1]);
    const d = g.sub(z, t);
    loss = g.mul(g.reduceSum(g.mul(g.mul(d, d), w)), g.scalar(0.5));
  }
  g.output(loss);
  const grads = addGradients(g, loss, params.map((p) => p.name));
  for (const gr of grads) g.output(gr);
  for (const s of stats) {
    g.output(s.mean);
    g.output(s.variance);
  }
  const dropout = spec.layers.flatMap((l) => (l.op === "dropout" && l.rate > 0 ? [{ id: l.id, rate: l.rate, width: widths.get(l.id)! }] : []));
  return { model: encodeModel(g.toProto("train")), grads, loss, batchStats: stats, dropout };
}

/** Options of {@link buildInferenceGraph}. */
export interface InferenceGraphOptions {
  /** Bake these weights in as initializers (export); when absent, parameters and buffers are inputs. */
  readonly weights?: ReadonlyMap<string, Float32Array>;
  /** Regression: multiply the output by this and add `targetMean`. Default 1 and 0. */
  readonly targetScale?: number;
  readonly targetMean?: number;
  /** Name of the features input. Default "x". */
  readonly inputName?: string;
}

/**
 * The inference graph: input features [batch, inputs] → `probabilities` [batch, k] (softmax head)
 * or `values` [batch] (squared head, in target units). Batch norm uses running statistics and
 * dropout is the identity.
 */
export function buildInferenceGraph(spec: NetworkSpec, head: Head, options: InferenceGraphOptions = {}): Uint8Array {
  const g = new Graph("float32");
  const x = g.input(options.inputName ?? "x", ["batch", spec.inputs]);
  outputHead(g, head, appendInference(g, spec, head, x, inferenceSource(g, spec, options.weights, ""), options));
  return encodeModel(g.toProto("inference"), { docString: "Ouroboros neural network" });
}

/** One network of {@link buildAveragedInferenceGraph}: architecture, weights, target scaling. */
export interface InferenceNet {
  readonly spec: NetworkSpec;
  readonly weights: ReadonlyMap<string, Float32Array>;
  /** Regression: multiply the output by this and add `targetMean`. Default 1 and 0. */
  readonly targetScale?: number;
  readonly targetMean?: number;
}

/**
 * One standalone inference graph averaging several networks (a cross-fitted bag's fold models):
 * input `features_j` [batch, nets[j].spec.inputs] feeds network `j` (whose weights are baked in
 * under the prefix `fold<j>/`), and the output is the plain average of the networks' outputs —
 * `probabilities` [batch, k] (the mean of their softmax outputs) or `values` [batch] (the mean of
 * their values in target units), summed in network order and divided by their count.
 */
export function buildAveragedInferenceGraph(nets: readonly InferenceNet[], head: Head): Uint8Array {
  if (nets.length === 0) throw new Error("buildAveragedInferenceGraph: at least one network is needed");
  const widths = new Set(nets.map((n) => layerWidths(n.spec).get(n.spec.output)));
  if (widths.size !== 1) throw new Error(`buildAveragedInferenceGraph: the networks' output widths differ (${[...widths].join(", ")})`);
  const g = new Graph("float32");
  const xs = nets.map((n, j) => g.input(`features_${j}`, ["batch", n.spec.inputs]));
  let sum: string | undefined;
  for (const [j, net] of nets.entries()) {
    const out = appendInference(g, net.spec, head, xs[j]!, inferenceSource(g, net.spec, net.weights, `fold${j}/`), net);
    sum = sum === undefined ? out : g.add(sum, out);
  }
  outputHead(g, head, g.div(sum!, g.scalar(nets.length)));
  return encodeModel(g.toProto("inference"), { docString: `Ouroboros neural network: average of ${nets.length} networks` });
}

/**
 * Parameters and buffers of an inference pass: graph inputs named as in the spec when `weights` is
 * absent, else initializers named `${prefix}${name}`. Every one is declared up front so the input
 * list is stable whatever the layer order.
 */
function inferenceSource(g: Graph, spec: NetworkSpec, weights: ReadonlyMap<string, Float32Array> | undefined, prefix: string): Source {
  const seen = new Map<string, string>();
  const source: Source = (name, shape) => {
    let v = seen.get(name);
    if (v !== undefined) return v;
    if (weights === undefined) v = g.input(`${prefix}${name}`, shape);
    else {
      const data = weights.get(name);
      if (data === undefined) throw new Error(`missing weights for ${name}`);
      v = g.constant(data, shape, `${prefix}${name}`);
    }
    seen.set(name, v);
    return v;
  };
  for (const p of networkParams(spec)) source(p.name, p.shape);
  for (const b of networkBuffers(spec)) source(b.name, [b.size]);
  return source;
}

/**
 * Appends one network's inference pass on `x`: softmax probabilities [batch, k] or, for the squared
 * head, values in target units [batch, 1].
 */
function appendInference(g: Graph, spec: NetworkSpec, head: Head, x: string, source: Source, scaling: { readonly targetScale?: number; readonly targetMean?: number }): string {
  const z = forward(g, spec, x, false, source, []);
  if (head === "softmax") return g.node("Softmax", [z], g.type(z), { axis: { kind: "int", value: -1 } });
  return g.add(g.mul(z, g.scalar(scaling.targetScale ?? 1)), g.scalar(scaling.targetMean ?? 0));
}

/** Names the head's result as the graph output: `probabilities` [batch, k] or `values` [batch]. */
function outputHead(g: Graph, head: Head, v: string): void {
  if (head === "softmax") g.output(g.node("Identity", [v], g.type(v), undefined, "probabilities"));
  else {
    const flat = g.reduceSum(v, [1], false);
    g.output(g.node("Identity", [flat], g.type(flat), undefined, "values"));
  }
}
