/**
 * Code generator of the `"mlp"` learner: the numeric encoder, then the network's inference pass
 * written out layer by layer as calls to small loop helpers over the embedded float32 weights
 * (widened to doubles as the library widens them): dense layers (skipping zero inputs, as
 * `forward.ts` does), relu / tanh / sigmoid / gelu, batch norm with running statistics, layer norm,
 * residual adds, dropout as the identity; then softmax, or the target's scale and mean.
 */
import { OuroborosError } from "../../core/errors.js";
import type { NumericEncoderState } from "../../data/numeric-encoder.js";
import type { Model } from "../../learners/learner.js";
import { layerWidths, NORM_EPS, type NetworkSpec } from "../../learners/mlp/spec.js";
import type { CodegenContext } from "./context.js";
import { float32ArrayLiteral, num } from "./emit.js";
import { emitEncoder } from "./encoder.js";
import { SOFTMAX } from "./links.js";

const HELPERS: Record<string, string> = {
  dense: `/** An affine layer: b + x·W (W row-major, inputs × outputs). */
function dense(x: Float64Array, w: Float32Array, b: Float32Array, outW: number): Float64Array {
  const out = new Float64Array(outW);
  for (let j = 0; j < outW; j++) out[j] = b[j]!;
  for (let k = 0; k < x.length; k++) {
    const xv = x[k]!;
    if (xv === 0) continue;
    const r = k * outW;
    for (let j = 0; j < outW; j++) out[j]! += xv * w[r + j]!;
  }
  return out;
}`,
  relu: "function relu(x: Float64Array): Float64Array {\n  return x.map((v) => (v > 0 ? v : 0));\n}",
  tanh: "function tanh(x: Float64Array): Float64Array {\n  return x.map((v) => Math.tanh(v));\n}",
  sigmoid: "function logistic(x: Float64Array): Float64Array {\n  return x.map((v) => 1 / (1 + Math.exp(-v)));\n}",
  gelu: `/** GELU, tanh approximation (Hendrycks & Gimpel 2016). */
function gelu(x: Float64Array): Float64Array {
  return x.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
}`,
  batchnorm: `/** Batch norm at inference: running statistics. */
function batchNorm(x: Float64Array, gamma: Float32Array, beta: Float32Array, mean: Float32Array, variance: Float32Array, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) {
    const scale = gamma[j]! / Math.sqrt(variance[j]! + eps);
    const shift = beta[j]! - mean[j]! * scale;
    out[j] = x[j]! * scale + shift;
  }
  return out;
}`,
  layernorm: `/** Layer norm over the row. */
function layerNorm(x: Float64Array, gamma: Float32Array, beta: Float32Array, eps: number): Float64Array {
  const w = x.length;
  let m = 0;
  for (let j = 0; j < w; j++) m += x[j]!;
  m /= w;
  let v = 0;
  for (let j = 0; j < w; j++) v += (x[j]! - m) ** 2;
  const inv = 1 / Math.sqrt(v / w + eps);
  const out = new Float64Array(w);
  for (let j = 0; j < w; j++) out[j] = (x[j]! - m) * inv * gamma[j]! + beta[j]!;
  return out;
}`,
  add: "function add(a: Float64Array, b: Float64Array): Float64Array {\n  return a.map((v, i) => v + b[i]!);\n}",
};

/** Declares the network model's function; returns its name. */
export function mlpCodegen(model: Model, ctx: CodegenContext): string {
  const a = model.save();
  const state = a.state as { spec?: NetworkSpec; encoder?: NumericEncoderState; classes?: string[]; targetMean?: number; targetScale?: number } | null;
  if (state?.spec === undefined || state.encoder === undefined) throw new OuroborosError("artifact-corrupt", "codegen: the mlp artifact lacks its network spec or encoder");
  const spec = state.spec;
  const widths = layerWidths(spec);
  const weight = (name: string): string => {
    const w = a.arrays[name];
    if (!(w instanceof Float32Array)) throw new OuroborosError("artifact-corrupt", `codegen: the mlp artifact has no float32 array "${name}"`);
    return ctx.constant(`W_${name.replace(/[^A-Za-z0-9_]/g, "_")}_`, "Float32Array", float32ArrayLiteral(w));
  };
  const encode = emitEncoder(state.encoder, ctx);
  const v = new Map<string, string>([["input", "input"]]);
  const lines: string[] = [`  const input = ${encode}(x);`];
  for (const l of spec.layers) {
    const id = `h_${l.id}`;
    const inp = v.get(l.op === "add" ? l.inputs[0] : l.input)!;
    let expr: string;
    switch (l.op) {
      case "dense":
        ctx.helper("dense", HELPERS.dense!);
        expr = `dense(${inp}, ${weight(`${l.id}.weight`)}, ${weight(`${l.id}.bias`)}, ${widths.get(l.id)!})`;
        break;
      case "activation":
        ctx.helper(l.fn, HELPERS[l.fn]!);
        expr = `${l.fn === "sigmoid" ? "logistic" : l.fn}(${inp})`;
        break;
      case "dropout":
        expr = `${inp}; // dropout (rate ${num(l.rate)}) is the identity at inference`;
        break;
      case "batchnorm":
        ctx.helper("batchnorm", HELPERS.batchnorm!);
        expr = `batchNorm(${inp}, ${weight(`${l.id}.gamma`)}, ${weight(`${l.id}.beta`)}, ${weight(`${l.id}.runningMean`)}, ${weight(`${l.id}.runningVar`)}, ${num(l.eps ?? NORM_EPS)})`;
        break;
      case "layernorm":
        ctx.helper("layernorm", HELPERS.layernorm!);
        expr = `layerNorm(${inp}, ${weight(`${l.id}.gamma`)}, ${weight(`${l.id}.beta`)}, ${num(l.eps ?? NORM_EPS)})`;
        break;
      case "add":
        ctx.helper("add", HELPERS.add!);
        expr = `add(${inp}, ${v.get(l.inputs[1])!})`;
        break;
    }
    lines.push(`  const ${id} = ${expr}${expr.includes("//") ? "" : ";"}`);
    v.set(l.id, id);
  }
  const out = v.get(spec.output)!;
  let tail: string;
  if (model.task === "regression") {
    tail = `  return ${out}.map((z) => z * ${num(state.targetScale ?? 1)} + ${num(state.targetMean ?? 0)});`;
  } else {
    ctx.helper("softmax", SOFTMAX);
    tail = `  return softmax(${out});`;
  }
  const name = ctx.fresh("networkModel");
  ctx.declare(`/** A neural network: ${spec.layers.map((l) => (l.op === "dense" ? `dense(${l.units})` : l.op === "activation" ? l.fn : l.op)).join(" → ")}. */
function ${name}(x: Cells): Float64Array {
${lines.join("\n")}
${tail}
}`);
  return name;
}
