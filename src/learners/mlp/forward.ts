/**
 * The inference forward pass of a {@link NetworkSpec} in plain TypeScript (float64 arithmetic over
 * the float32 weights). `Model.predict` is synchronous, so prediction cannot wait on onnxruntime;
 * this pass computes the same function as the exported ONNX graph (batch norm with running
 * statistics, dropout as the identity), agreeing to float32 rounding.
 */
import { layerWidths, NORM_EPS, type NetworkSpec } from "./spec.js";

/** Named weights (parameters and buffers). */
export type Weights = ReadonlyMap<string, Float32Array>;

function dense(x: Float64Array, n: number, inW: number, w: Float32Array, b: Float32Array, outW: number): Float64Array {
  const out = new Float64Array(n * outW);
  for (let i = 0; i < n; i++) {
    const o = i * outW;
    for (let j = 0; j < outW; j++) out[o + j] = b[j]!;
    for (let k = 0; k < inW; k++) {
      const xv = x[i * inW + k]!;
      if (xv === 0) continue;
      const r = k * outW;
      for (let j = 0; j < outW; j++) out[o + j]! += xv * w[r + j]!;
    }
  }
  return out;
}

function gelu(v: number): number {
  return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
}

/** Runs the network on `n` rows of row-major features; returns the output layer (row-major, n × width). */
export function forwardNetwork(spec: NetworkSpec, weights: Weights, x: Float64Array, n: number): Float64Array {
  const widths = layerWidths(spec);
  const values = new Map<string, Float64Array>([["input", x]]);
  const get = (name: string): Float32Array => {
    const w = weights.get(name);
    if (w === undefined) throw new Error(`missing weights for ${name}`);
    return w;
  };
  for (const l of spec.layers) {
    const w = widths.get(l.id)!;
    const inp = values.get(l.op === "add" ? l.inputs[0] : l.input)!;
    let out: Float64Array;
    switch (l.op) {
      case "dense":
        out = dense(inp, n, widths.get(l.input)!, get(`${l.id}.weight`), get(`${l.id}.bias`), w);
        break;
      case "activation": {
        const f = l.fn === "relu" ? (v: number) => (v > 0 ? v : 0) : l.fn === "tanh" ? Math.tanh : l.fn === "sigmoid" ? (v: number) => 1 / (1 + Math.exp(-v)) : gelu;
        out = inp.map(f);
        break;
      }
      case "dropout":
        out = inp;
        break;
      case "batchnorm": {
        const gamma = get(`${l.id}.gamma`);
        const beta = get(`${l.id}.beta`);
        const mean = get(`${l.id}.runningMean`);
        const variance = get(`${l.id}.runningVar`);
        const eps = l.eps ?? NORM_EPS;
        const scale = new Float64Array(w);
        const shift = new Float64Array(w);
        for (let j = 0; j < w; j++) {
          scale[j] = gamma[j]! / Math.sqrt(variance[j]! + eps);
          shift[j] = beta[j]! - mean[j]! * scale[j]!;
        }
        out = new Float64Array(n * w);
        for (let i = 0; i < n; i++) for (let j = 0; j < w; j++) out[i * w + j] = inp[i * w + j]! * scale[j]! + shift[j]!;
        break;
      }
      case "layernorm": {
        const gamma = get(`${l.id}.gamma`);
        const beta = get(`${l.id}.beta`);
        const eps = l.eps ?? NORM_EPS;
        out = new Float64Array(n * w);
        for (let i = 0; i < n; i++) {
          let m = 0;
          for (let j = 0; j < w; j++) m += inp[i * w + j]!;
          m /= w;
          let v = 0;
          for (let j = 0; j < w; j++) v += (inp[i * w + j]! - m) ** 2;
          const inv = 1 / Math.sqrt(v / w + eps);
          for (let j = 0; j < w; j++) out[i * w + j] = (inp[i * w + j]! - m) * inv * gamma[j]! + beta[j]!;
        }
        break;
      }
      case "add": {
        const other = values.get(l.inputs[1])!;
        out = new Float64Array(n * w);
        for (let i = 0; i < out.length; i++) out[i] = inp[i]! + other[i]!;
        break;
      }
    }
    values.set(l.id, out);
  }
  return values.get(spec.output)!;
}

/** Row-wise softmax in place (stable: subtracts the row maximum). */
export function softmaxRows(z: Float64Array, n: number, k: number): Float64Array {
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, z[i * k + j]!);
    let s = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(z[i * k + j]! - m);
      z[i * k + j] = e;
      s += e;
    }
    for (let j = 0; j < k; j++) z[i * k + j]! /= s;
  }
  return z;
}
