/**
 * A tiny tensor-graph IR over ONNX operators, with static shape inference (dimensions are numbers
 * or symbolic names such as `"batch"`). Build a forward graph with the op methods, differentiate it
 * with `addGradients` (reverse mode, in `autodiff.ts`), then `toProto()` and `encodeModel` turn it
 * into ONNX bytes for one `InferenceSession` that runs forward and backward in a single `run()`.
 *
 * Every op method appends one or more ONNX nodes (opset 17 semantics) and returns the name of its
 * output. Values keep their element type and shape so gradient rules can undo broadcasting without
 * runtime shape queries.
 */
import { OuroborosError } from "../../core/errors.js";
import type { AttrValue, Dim, GraphProto, NodeProto, TensorData, TensorDType, TensorValue, ValueInfo } from "./model-proto.js";

/** A value's static type. */
export interface ValueType {
  readonly dtype: TensorDType;
  readonly shape: readonly Dim[];
}

/** A node of the IR: an ONNX node plus nothing else (attributes keep their ONNX names). */
export type GraphNode = NodeProto;

function bad(message: string): OuroborosError {
  return new OuroborosError("invalid-argument", `onnx graph: ${message}`);
}

/** Numpy broadcasting of two static shapes; symbolic dims must match exactly or meet a 1. */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else throw bad(`shapes [${a.join(",")}] and [${b.join(",")}] do not broadcast`);
  }
  return out;
}

const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** A graph under construction: typed values, nodes in topological order, inputs, outputs, constants. */
export class Graph {
  readonly values = new Map<string, ValueType>();
  readonly nodes: GraphNode[] = [];
  readonly inputs: string[] = [];
  readonly outputs: string[] = [];
  readonly initializers = new Map<string, TensorValue>();
  private counter = 0;

  /** @param dtype the floating type of constants the op helpers create (float32 for speed, float64 for gradient checks). */
  constructor(readonly dtype: "float32" | "float64" = "float32") {}

  /** The static type of a value. */
  type(name: string): ValueType {
    const t = this.values.get(name);
    if (t === undefined) throw bad(`unknown value "${name}"`);
    return t;
  }

  /** The static shape of a value. */
  shape(name: string): readonly Dim[] {
    return this.type(name).shape;
  }

  private fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  private define(name: string, t: ValueType): string {
    if (this.values.has(name)) throw bad(`value "${name}" is defined twice`);
    this.values.set(name, t);
    return name;
  }

  /** Appends a raw node whose single output has type `t`; returns the output name. */
  node(opType: string, inputs: readonly string[], t: ValueType, attrs?: Record<string, AttrValue>, outName?: string): string {
    for (const i of inputs) if (i !== "") this.type(i);
    const out = this.define(outName ?? this.fresh(opType.toLowerCase()), t);
    this.nodes.push(attrs === undefined ? { opType, inputs, outputs: [out] } : { opType, inputs, outputs: [out], attrs });
    return out;
  }

  /** Declares a graph input. */
  input(name: string, shape: readonly Dim[], dtype: TensorDType = this.dtype): string {
    this.define(name, { dtype, shape });
    this.inputs.push(name);
    return name;
  }

  /** Declares a graph output (any existing value). */
  output(name: string): void {
    this.type(name);
    if (!this.outputs.includes(name)) this.outputs.push(name);
  }

  /** Adds a constant tensor (an initializer); `name` defaults to a fresh one. */
  constant(data: TensorData, dims: readonly number[], name?: string): string {
    const dtype: TensorDType = data instanceof Float32Array ? "float32" : data instanceof Float64Array ? "float64" : "int64";
    const n = dims.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw bad(`constant has ${data.length} values but dims [${dims.join(",")}] need ${n}`);
    const out = this.define(name ?? this.fresh("const"), { dtype, shape: dims });
    this.initializers.set(out, { dtype, dims, data });
    return out;
  }

  /** A scalar constant of the graph's float type. */
  scalar(v: number): string {
    return this.constant(this.dtype === "float32" ? Float32Array.of(v) : Float64Array.of(v), []);
  }

  /** An int64 vector constant (axes, shapes). */
  ints(values: readonly number[]): string {
    return this.constant(BigInt64Array.from(values, (v) => BigInt(v)), [values.length]);
  }

  private binary(op: string, a: string, b: string): string {
    const ta = this.type(a);
    const tb = this.type(b);
    if (ta.dtype !== tb.dtype) throw bad(`${op} of ${ta.dtype} "${a}" and ${tb.dtype} "${b}"`);
    return this.node(op, [a, b], { dtype: ta.dtype, shape: broadcastShapes(ta.shape, tb.shape) });
  }

  private unary(op: string, x: string, attrs?: Record<string, AttrValue>): string {
    return this.node(op, [x], this.type(x), attrs);
  }

  add(a: string, b: string): string {
    return this.binary("Add", a, b);
  }
  sub(a: string, b: string): string {
    return this.binary("Sub", a, b);
  }
  mul(a: string, b: string): string {
    return this.binary("Mul", a, b);
  }
  div(a: string, b: string): string {
    return this.binary("Div", a, b);
  }
  neg(x: string): string {
    return this.unary("Neg", x);
  }
  relu(x: string): string {
    return this.unary("Relu", x);
  }
  tanh(x: string): string {
    return this.unary("Tanh", x);
  }
  sigmoid(x: string): string {
    return this.unary("Sigmoid", x);
  }
  exp(x: string): string {
    return this.unary("Exp", x);
  }
  log(x: string): string {
    return this.unary("Log", x);
  }
  sqrt(x: string): string {
    return this.unary("Sqrt", x);
  }
  sign(x: string): string {
    return this.unary("Sign", x);
  }
  identity(x: string): string {
    return this.unary("Identity", x);
  }
  logSoftmax(x: string, axis = -1): string {
    return this.unary("LogSoftmax", x, { axis: { kind: "int", value: axis } });
  }
  softmax(x: string, axis = -1): string {
    return this.unary("Softmax", x, { axis: { kind: "int", value: axis } });
  }

  /** 2-D matrix product `a · b`. */
  matmul(a: string, b: string): string {
    const sa = this.shape(a);
    const sb = this.shape(b);
    if (sa.length !== 2 || sb.length !== 2 || sa[1] !== sb[0]) throw bad(`MatMul needs [m,k]·[k,n], got [${sa.join(",")}]·[${sb.join(",")}]`);
    return this.node("MatMul", [a, b], { dtype: this.type(a).dtype, shape: [sa[0]!, sb[1]!] });
  }

  /** 2-D `op(a) · op(b)` where `op` transposes when asked (ONNX Gemm without C). */
  gemm(a: string, b: string, transA = false, transB = false): string {
    const sa = this.shape(a);
    const sb = this.shape(b);
    if (sa.length !== 2 || sb.length !== 2) throw bad("Gemm needs 2-D operands");
    const [m, ka] = transA ? [sa[1]!, sa[0]!] : [sa[0]!, sa[1]!];
    const [kb, n] = transB ? [sb[1]!, sb[0]!] : [sb[0]!, sb[1]!];
    if (ka !== kb) throw bad(`Gemm inner dims differ: ${ka} vs ${kb}`);
    return this.node("Gemm", [a, b], { dtype: this.type(a).dtype, shape: [m, n] }, { transA: { kind: "int", value: transA ? 1 : 0 }, transB: { kind: "int", value: transB ? 1 : 0 } });
  }

  /** Permutes axes (default: reverse them). */
  transpose(x: string, perm?: readonly number[]): string {
    const s = this.shape(x);
    const p = perm ?? s.map((_, i) => s.length - 1 - i);
    return this.node("Transpose", [x], { dtype: this.type(x).dtype, shape: p.map((i) => s[i]!) }, { perm: { kind: "ints", value: p } });
  }

  private reducedShape(s: readonly Dim[], axes: readonly number[] | undefined, keepdims: boolean): Dim[] {
    const ax = new Set((axes ?? s.map((_, i) => i)).map((a) => normAxis(a, s.length)));
    const out: Dim[] = [];
    s.forEach((d, i) => {
      if (!ax.has(i)) out.push(d);
      else if (keepdims) out.push(1);
    });
    return out;
  }

  /** Sum over `axes` (all axes when undefined). */
  reduceSum(x: string, axes?: readonly number[], keepdims = false): string {
    const t = this.type(x);
    const ins = axes === undefined ? [x] : [x, this.ints(axes)];
    return this.node("ReduceSum", ins, { dtype: t.dtype, shape: this.reducedShape(t.shape, axes, keepdims) }, { keepdims: { kind: "int", value: keepdims ? 1 : 0 } });
  }

  /** Mean over `axes` (all axes when undefined); opset 17 takes the axes as an attribute. */
  reduceMean(x: string, axes?: readonly number[], keepdims = false): string {
    const t = this.type(x);
    const attrs: Record<string, AttrValue> = { keepdims: { kind: "int", value: keepdims ? 1 : 0 } };
    if (axes !== undefined) attrs.axes = { kind: "ints", value: axes };
    return this.node("ReduceMean", [x], { dtype: t.dtype, shape: this.reducedShape(t.shape, axes, keepdims) }, attrs);
  }

  /** Inserts size-1 axes at `axes` (positions in the output). */
  unsqueeze(x: string, axes: readonly number[]): string {
    const t = this.type(x);
    const rank = t.shape.length + axes.length;
    const ax = new Set(axes.map((a) => normAxis(a, rank)));
    const out: Dim[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) out.push(ax.has(i) ? 1 : t.shape[j++]!);
    return this.node("Unsqueeze", [x, this.ints(axes)], { dtype: t.dtype, shape: out });
  }

  /** Broadcasts `x` to the runtime shape of `like` (Shape + Expand). */
  expandLike(x: string, like: string): string {
    const tl = this.type(like);
    const shp = this.node("Shape", [like], { dtype: "int64", shape: [tl.shape.length] });
    return this.node("Expand", [x, shp], { dtype: this.type(x).dtype, shape: broadcastShapes(this.shape(x), tl.shape) });
  }

  /**
   * The number of elements `x` has along `axes`, as a scalar of the graph's float type: a constant
   * when those dims are static, else computed at run time (Shape → Gather → ReduceProd → Cast).
   */
  countAlong(x: string, axes: readonly number[]): string {
    const s = this.shape(x);
    const dims = axes.map((a) => s[normAxis(a, s.length)]!);
    if (dims.every((d) => typeof d === "number")) return this.scalar((dims as number[]).reduce((a, b) => a * b, 1));
    const shp = this.node("Shape", [x], { dtype: "int64", shape: [s.length] });
    const picked = this.node("Gather", [shp, this.ints(axes.map((a) => normAxis(a, s.length)))], { dtype: "int64", shape: [axes.length] });
    const prod = this.node("ReduceProd", [picked], { dtype: "int64", shape: [] }, { keepdims: { kind: "int", value: 0 } });
    return this.node("Cast", [prod], { dtype: this.dtype, shape: [] }, { to: { kind: "int", value: this.dtype === "float32" ? 1 : 11 } });
  }

  /** The graph as ONNX data (for `encodeModel`). */
  toProto(name = "graph"): GraphProto {
    const info = (n: string): ValueInfo => ({ name: n, ...this.type(n) });
    return { name, nodes: this.nodes, inputs: this.inputs.map(info), outputs: this.outputs.map(info), initializers: this.initializers };
  }
}
