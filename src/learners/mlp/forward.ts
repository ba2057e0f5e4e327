/**
 * The inference forward pass of a {@link NetworkSpec} in plain TypeScript (float64 arithmetic over
 * the float32 weights). `Model.predict` is synchronous, so prediction cannot wait on onnxruntime;
 * this pass computes the same function as the exported ONNX graph (batch norm with running
 * statistics, dropout as the identity), agreeing to float32 rounding.
 */
import { layerWidths, NORM_EPS, type NetworkSpec } from "./spec.js";

/** Named weights (parameters and buffers). */
export type Weights = ReadonlyMap<string, Float32Array>;

/**
 * `b + x·W` for `n` rows (W row-major, inW × outW). Blocks of 4 rows × 4 outputs keep their 16
 * running sums in registers while k runs, so each loaded weight and input serves four products
 * (about 1.8× the naive i-k-j loop); leftover rows and columns are plain dot products. Every
 * output sums its terms in the same order, bias first then k ascending, so the result is
 * bit-identical to the naive loop and to the generated `predict.ts` (which skips zero inputs: a
 * zero term adds ±0 and changes nothing).
 */
function dense(x: Float64Array, n: number, inW: number, w: Float32Array, b: Float32Array, outW: number): Float64Array {
  const out = new Float64Array(n * outW);
  const n4 = n - (n % 4);
  const m4 = outW - (outW % 4);
  for (let i = 0; i < n4; i += 4) {
    const r0 = i * inW;
    const r1 = r0 + inW;
    const r2 = r1 + inW;
    const r3 = r2 + inW;
    for (let j = 0; j < m4; j += 4) {
      let c00 = b[j]!, c01 = b[j + 1]!, c02 = b[j + 2]!, c03 = b[j + 3]!;
      let c10 = c00, c11 = c01, c12 = c02, c13 = c03;
      let c20 = c00, c21 = c01, c22 = c02, c23 = c03;
      let c30 = c00, c31 = c01, c32 = c02, c33 = c03;
      for (let k = 0, wi = j; k < inW; k++, wi += outW) {
        const w0 = w[wi]!, w1 = w[wi + 1]!, w2 = w[wi + 2]!, w3 = w[wi + 3]!;
        let a = x[r0 + k]!;
        c00 += a * w0; c01 += a * w1; c02 += a * w2; c03 += a * w3;
        a = x[r1 + k]!;
        c10 += a * w0; c11 += a * w1; c12 += a * w2; c13 += a * w3;
        a = x[r2 + k]!;
        c20 += a * w0; c21 += a * w1; c22 += a * w2; c23 += a * w3;
        a = x[r3 + k]!;
        c30 += a * w0; c31 += a * w1; c32 += a * w2; c33 += a * w3;
      }
      let o = i * outW + j;
      out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03;
      o += outW;
      out[o] = c10; out[o + 1] = c11; out[o + 2] = c12; out[o + 3] = c13;
      o += outW;
      out[o] = c20; out[o + 1] = c21; out[o + 2] = c22; out[o + 3] = c23;
      o += outW;
      out[o] = c30; out[o + 1] = c31; out[o + 2] = c32; out[o + 3] = c33;
    }
  }
  // Leftover columns of the blocked rows, then every column of the leftover rows.
  const dot = (i: number, j: number): void => {
    let s = b[j]!;
    for (let k = 0, r = i * inW, wi = j; k < inW; k++, wi += outW) s += x[r + k]! * w[wi]!;
    out[i * outW + j] = s;
  };
  for (let i = 0; i < n4; i++) for (let j = m4; j < outW; j++) dot(i, j);
  for (let i = n4; i < n; i++) for (let j = 0; j < outW; j++) dot(i, j);
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
