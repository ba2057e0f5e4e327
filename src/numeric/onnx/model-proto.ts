/**
 * Writes ONNX `ModelProto` bytes from plain data: a graph of nodes (with attributes), initializers
 * stored as raw little-endian data, and typed inputs/outputs with (possibly symbolic) shapes. The
 * field numbers follow `onnx.proto3` (IR version 8, default opset 17), so any ONNX runtime can load
 * the result.
 *
 * @see https://github.com/onnx/onnx/blob/main/onnx/onnx.proto
 */
import { ProtoWriter } from "./protobuf.js";

/** Element types we write; values are ONNX `TensorProto.DataType` codes. */
export const ONNX_DTYPE = { float32: 1, int64: 7, bool: 9, float64: 11 } as const;

/** An element type of a tensor. */
export type TensorDType = keyof typeof ONNX_DTYPE;

/** A dimension: a fixed size or a symbolic name such as `"batch"`. */
export type Dim = number | string;

/** A tensor's data as a typed array of its element type. */
export type TensorData = Float32Array | Float64Array | BigInt64Array;

/** A constant tensor (initializer). */
export interface TensorValue {
  readonly dtype: TensorDType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

/** A node attribute. */
export type AttrValue =
  | { readonly kind: "int"; readonly value: number }
  | { readonly kind: "ints"; readonly value: readonly number[] }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "floats"; readonly value: readonly number[] }
  | { readonly kind: "string"; readonly value: string };

/** One operator application. */
export interface NodeProto {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, AttrValue>>;
  readonly domain?: string;
}

/** A typed graph input or output. `shape` undefined means unknown rank. */
export interface ValueInfo {
  readonly name: string;
  readonly dtype: TensorDType;
  readonly shape?: readonly Dim[];
}

/** A whole graph. */
export interface GraphProto {
  readonly name: string;
  readonly nodes: readonly NodeProto[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly initializers: ReadonlyMap<string, TensorValue>;
}

/** Options of {@link encodeModel}. */
export interface EncodeModelOptions {
  /** Default-domain opset version. Default 17. */
  readonly opset?: number;
  /** Default "ouroboros". */
  readonly producer?: string;
  readonly docString?: string;
}

const ATTR_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

function writeTensor(w: ProtoWriter, name: string, t: TensorValue): void {
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, ONNX_DTYPE[t.dtype]);
  w.string(8, name);
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ONNX_DTYPE[v.dtype]);
      if (v.shape !== undefined) {
        const shape = v.shape;
        tensor.message(2, (s) => {
          for (const d of shape) s.message(1, (dim) => (typeof d === "number" ? dim.int(1, d) : dim.string(2, d)));
        });
      }
    }),
  );
}

function writeAttr(w: ProtoWriter, name: string, a: AttrValue): void {
  w.string(1, name);
  switch (a.kind) {
    case "float":
      w.float(2, a.value);
      break;
    case "int":
      w.int(3, a.value);
      break;
    case "string":
      w.string(4, a.value);
      break;
    case "floats":
      w.packedFloats(7, a.value);
      break;
    case "ints":
      w.packedInts(8, a.value);
      break;
  }
  w.int(20, ATTR_TYPE[a.kind]);
}

function writeNode(w: ProtoWriter, n: NodeProto, index: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.opType}_${index}`);
  w.string(4, n.opType);
  for (const [name, a] of Object.entries(n.attrs ?? {})) w.message(5, (aw) => writeAttr(aw, name, a));
  if (n.domain !== undefined) w.string(7, n.domain);
}

/** Serialises a graph into ONNX `ModelProto` bytes (load them with any ONNX runtime). */
export function encodeModel(graph: GraphProto, options: EncodeModelOptions = {}): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 8); // ir_version 8 pairs with opset 17
  w.string(2, options.producer ?? "ouroboros");
  if (options.docString !== undefined) w.string(6, options.docString);
  w.message(7, (g) => {
    graph.nodes.forEach((n, i) => g.message(1, (nw) => writeNode(nw, n, i)));
    g.string(2, graph.name);
    for (const [name, t] of graph.initializers) g.message(5, (tw) => writeTensor(tw, name, t));
    for (const v of graph.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of graph.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  });
  w.message(8, (o) => {
    o.string(1, "");
    o.int(2, options.opset ?? 17);
  });
  return w.finish();
}
