/**
 * Network architectures as data: a small DAG of layers that names its inputs by id, so a search
 * procedure can generate, mutate and save architectures as JSON. The reserved id `"input"` is the
 * encoded feature vector; `output` names the layer whose values are the logits (classification) or
 * the standardised prediction (regression).
 *
 * Layers: `dense` (affine map with its own weight and bias), `activation` (relu, tanh, gelu,
 * sigmoid), `dropout` (inverted dropout; identity at inference), `batchnorm` (batch statistics in
 * training, running statistics at inference), `layernorm` (per-row normalisation with a learned
 * scale and shift) and `add` (a residual connection of two equally wide layers).
 */
import { OuroborosError } from "../../core/errors.js";

/** Nonlinearities; `gelu` is the tanh approximation of Hendrycks & Gimpel (2016). */
export type Activation = "relu" | "tanh" | "gelu" | "sigmoid";

/** One layer of a {@link NetworkSpec}. */
export type LayerSpec =
  | { readonly id: string; readonly op: "dense"; readonly input: string; readonly units: number; readonly init?: "he" | "glorot" }
  | { readonly id: string; readonly op: "activation"; readonly input: string; readonly fn: Activation }
  | { readonly id: string; readonly op: "dropout"; readonly input: string; readonly rate: number }
  | { readonly id: string; readonly op: "batchnorm"; readonly input: string; readonly momentum?: number; readonly eps?: number }
  | { readonly id: string; readonly op: "layernorm"; readonly input: string; readonly eps?: number }
  | { readonly id: string; readonly op: "add"; readonly inputs: readonly [string, string] };

/** A network: input width, layers in topological order, and the output layer's id. */
export interface NetworkSpec {
  readonly inputs: number;
  readonly layers: readonly LayerSpec[];
  readonly output: string;
}

/** A trainable tensor of the network. */
export interface ParamInfo {
  readonly name: string;
  readonly shape: readonly number[];
  /** How it is initialised. */
  readonly init: "he" | "glorot" | "zeros" | "ones";
  /** Whether weight decay applies (dense weights only, as in scikit-learn's `alpha`). */
  readonly decay: boolean;
}

/** A non-trainable tensor kept across steps (batch-norm running statistics). */
export interface BufferInfo {
  readonly name: string;
  readonly size: number;
  readonly init: "zeros" | "ones";
}

/** Default batch-norm momentum (weight of the newest batch in the running averages). */
export const BN_MOMENTUM = 0.1;
/** Default epsilon of batch and layer norm. */
export const NORM_EPS = 1e-5;

function bad(message: string): OuroborosError {
  return new OuroborosError("invalid-argument", `network spec: ${message}`);
}

const ID = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The inputs a layer reads. */
export function layerInputs(l: LayerSpec): readonly string[] {
  return l.op === "add" ? l.inputs : [l.input];
}

/**
 * Checks a spec and returns each layer's width (`"input"` included). Errors name the layer and say
 * what was expected.
 */
export function layerWidths(spec: NetworkSpec): Map<string, number> {
  if (!Number.isInteger(spec.inputs) || spec.inputs < 1) throw bad(`\`inputs\` must be an integer ≥ 1, but got ${String(spec.inputs)}`);
  const widths = new Map<string, number>([["input", spec.inputs]]);
  for (const l of spec.layers) {
    if (typeof l.id !== "string" || !ID.test(l.id) || l.id === "input") throw bad(`layer id ${JSON.stringify(l.id)} must match ${ID} and not be "input"`);
    if (widths.has(l.id)) throw bad(`layer id "${l.id}" is used twice`);
    const ins = layerInputs(l).map((i) => {
      const w = widths.get(i);
      if (w === undefined) throw bad(`layer "${l.id}" reads "${i}", which is not an earlier layer`);
      return w;
    });
    let width = ins[0]!;
    switch (l.op) {
      case "dense":
        if (!Number.isInteger(l.units) || l.units < 1) throw bad(`dense layer "${l.id}" needs integer units ≥ 1, but got ${String(l.units)}`);
        width = l.units;
        break;
      case "activation":
        if (!["relu", "tanh", "gelu", "sigmoid"].includes(l.fn)) throw bad(`activation "${l.id}" has unknown fn ${JSON.stringify(l.fn)}`);
        break;
      case "dropout":
        if (!(l.rate >= 0 && l.rate < 1)) throw bad(`dropout "${l.id}" needs 0 ≤ rate < 1, but got ${String(l.rate)}`);
        break;
      case "batchnorm":
      case "layernorm":
        break;
      case "add":
        if (ins[0] !== ins[1]) throw bad(`add "${l.id}" joins widths ${ins[0]} and ${ins[1]}; they must be equal`);
        break;
      default:
        throw bad(`unknown layer op ${JSON.stringify((l as { op: unknown }).op)}`);
    }
    widths.set(l.id, width);
  }
  if (!widths.has(spec.output) || spec.output === "input") throw bad(`output "${spec.output}" is not a layer`);
  return widths;
}

/** The trainable parameters, in a fixed order (the order of the layers). */
export function networkParams(spec: NetworkSpec): ParamInfo[] {
  const widths = layerWidths(spec);
  const out: ParamInfo[] = [];
  for (const l of spec.layers) {
    const w = widths.get(l.id)!;
    if (l.op === "dense") {
      const fanIn = widths.get(l.input)!;
      out.push({ name: `${l.id}.weight`, shape: [fanIn, w], init: l.init ?? "glorot", decay: true });
      out.push({ name: `${l.id}.bias`, shape: [w], init: "zeros", decay: false });
    } else if (l.op === "batchnorm" || l.op === "layernorm") {
      out.push({ name: `${l.id}.gamma`, shape: [w], init: "ones", decay: false });
      out.push({ name: `${l.id}.beta`, shape: [w], init: "zeros", decay: false });
    }
  }
  return out;
}

/** The non-trainable state: running mean and variance of each batch-norm layer. */
export function networkBuffers(spec: NetworkSpec): BufferInfo[] {
  const widths = layerWidths(spec);
  return spec.layers.flatMap((l) =>
    l.op === "batchnorm"
      ? [
          { name: `${l.id}.runningMean`, size: widths.get(l.id)!, init: "zeros" as const },
          { name: `${l.id}.runningVar`, size: widths.get(l.id)!, init: "ones" as const },
        ]
      : [],
  );
}

/** Options of {@link mlpNetwork}. */
export interface MLPNetworkOptions {
  readonly inputs: number;
  readonly outputs: number;
  /** Widths of the hidden layers. Default `[128, 128]`. */
  readonly hiddenLayers?: readonly number[];
  /** Default "relu". */
  readonly activation?: Activation;
  /** Dropout rate after each hidden activation. Default 0 (no dropout layer). */
  readonly dropout?: number;
  /** Normalisation between each hidden dense layer and its activation. Default "none". */
  readonly norm?: "none" | "batch" | "layer";
  /** Add the block's input to its output when the widths match. Default false. */
  readonly residual?: boolean;
  /** Weight initialisation: "auto" is He for relu/gelu, Glorot for tanh/sigmoid. Default "auto". */
  readonly init?: "auto" | "he" | "glorot";
}

/**
 * The usual multilayer perceptron as a {@link NetworkSpec}: blocks of dense → norm → activation →
 * dropout (→ + block input when `residual`), then a dense output layer of width `outputs`.
 */
export function mlpNetwork(o: MLPNetworkOptions): NetworkSpec {
  const hidden = o.hiddenLayers ?? [128, 128];
  const act = o.activation ?? "relu";
  const init = o.init === undefined || o.init === "auto" ? (act === "relu" || act === "gelu" ? "he" : "glorot") : o.init;
  const layers: LayerSpec[] = [];
  let prev = "input";
  let prevWidth = o.inputs;
  hidden.forEach((units, i) => {
    const blockIn = prev;
    layers.push({ id: `dense${i}`, op: "dense", input: prev, units, init });
    prev = `dense${i}`;
    if (o.norm === "batch") layers.push({ id: `bn${i}`, op: "batchnorm", input: prev });
    if (o.norm === "layer") layers.push({ id: `ln${i}`, op: "layernorm", input: prev });
    if (o.norm === "batch" || o.norm === "layer") prev = layers[layers.length - 1]!.id;
    layers.push({ id: `act${i}`, op: "activation", input: prev, fn: act });
    prev = `act${i}`;
    if ((o.dropout ?? 0) > 0) {
      layers.push({ id: `drop${i}`, op: "dropout", input: prev, rate: o.dropout! });
      prev = `drop${i}`;
    }
    if (o.residual === true && prevWidth === units) {
      layers.push({ id: `res${i}`, op: "add", inputs: [blockIn, prev] });
      prev = `res${i}`;
    }
    prevWidth = units;
  });
  layers.push({ id: "head", op: "dense", input: prev, units: o.outputs, init: "glorot" });
  return { inputs: o.inputs, layers, output: "head" };
}
