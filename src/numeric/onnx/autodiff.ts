/**
 * Reverse-mode differentiation over the ONNX graph IR: given a forward graph and a scalar loss,
 * append the backward nodes so one ONNX session computes the loss and every requested gradient in
 * a single run.
 *
 * The algorithm is textbook backpropagation on a DAG. Nodes are visited in reverse topological
 * order (the IR keeps nodes in creation order, which is topological); only nodes that both depend
 * on a requested input and feed the loss are differentiated. Each op has a local rule that turns
 * its output gradient into input gradients as new ONNX nodes; contributions that reach one value
 * along several paths are summed. Broadcasting in Add/Sub/Mul/Div is undone with ReduceSum over
 * the broadcast axes, using the static shapes the IR infers (so a bias of shape `[h]` added to
 * `[batch, h]` gets `ReduceSum(dY, axes=[0])`).
 *
 * Supported ops: Add, Sub, Mul, Div, Neg, Identity, Relu, Tanh, Sigmoid, Exp, Log, Sqrt, Sign
 * (zero gradient), LogSoftmax, Softmax, MatMul, Gemm (no C), Transpose, ReduceSum, ReduceMean.
 *
 * @see Baydin et al., "Automatic differentiation in machine learning: a survey", JMLR 18 (2018).
 */
import { OuroborosError } from "../../core/errors.js";
import type { Graph, GraphNode } from "./graph.js";
import type { AttrValue, Dim } from "./model-proto.js";

function unsupported(op: string): OuroborosError {
  return new OuroborosError("unsupported", `onnx autodiff: no gradient rule for op ${op}`);
}

const intAttr = (n: GraphNode, name: string, dflt: number): number => {
  const a: AttrValue | undefined = n.attrs?.[name];
  return a !== undefined && a.kind === "int" ? a.value : dflt;
};

/** Ones vectors already in a graph, by the (possibly symbolic) length they span. */
const onesCache = new WeakMap<Graph, Map<Dim, string>>();

/** A vector of ones as long as axis 0 of `like` (Shape + Expand at run time; shared per length). */
function onesAlongRows(g: Graph, like: string): string {
  const n = g.shape(like)[0]!;
  let byLen = onesCache.get(g);
  if (byLen === undefined) onesCache.set(g, (byLen = new Map()));
  let ones = byLen.get(n);
  if (ones === undefined) {
    const len = g.node("Shape", [like], { dtype: "int64", shape: [1] }, { start: { kind: "int", value: 0 }, end: { kind: "int", value: 1 } });
    ones = g.node("Expand", [g.scalar(1), len], { dtype: g.type(like).dtype, shape: [n] });
    byLen.set(n, ones);
  }
  return ones;
}

/** Sums `grad` (shaped like the broadcast result) down to `shape` (an operand's shape). */
function unbroadcast(g: Graph, grad: string, shape: readonly Dim[]): string {
  const gs = g.shape(grad);
  const lead = gs.length - shape.length;
  // A bias gradient (sum over the rows of a matrix): a vector–matrix product with ones runs as a
  // GEMV, several times faster than onnxruntime's ReduceSum over axis 0.
  if (lead === 1 && gs.length === 2 && shape[0] === gs[1] && g.type(grad).dtype === g.dtype) {
    return g.node("MatMul", [onesAlongRows(g, grad), grad], { dtype: g.dtype, shape: [gs[1]!] });
  }
  let out = grad;
  if (lead > 0) out = g.reduceSum(out, Array.from({ length: lead }, (_, i) => i), false);
  const ones: number[] = [];
  shape.forEach((d, i) => {
    if (d === 1 && gs[i + lead] !== 1) ones.push(i);
  });
  if (ones.length > 0) out = g.reduceSum(out, ones, true);
  return out;
}

function constantInts(g: Graph, name: string | undefined): number[] | undefined {
  if (name === undefined || name === "") return undefined;
  const t = g.initializers.get(name);
  if (t === undefined || !(t.data instanceof BigInt64Array)) throw new OuroborosError("unsupported", `onnx autodiff: reduce axes "${name}" must be an int64 constant`);
  return Array.from(t.data, (v) => Number(v));
}

/** The gradient rule of one node: input gradients (undefined where none flows) from the output gradient. */
function backward(g: Graph, n: GraphNode, dY: string, needs: (i: number) => boolean): (string | undefined)[] {
  const x = n.inputs;
  const y = n.outputs[0]!;
  const shapeOf = (i: number): readonly Dim[] => g.shape(x[i]!);
  switch (n.opType) {
    case "Identity":
      return [dY];
    case "Neg":
      return [g.neg(dY)];
    case "Add":
      return [needs(0) ? unbroadcast(g, dY, shapeOf(0)) : undefined, needs(1) ? unbroadcast(g, dY, shapeOf(1)) : undefined];
    case "Sub":
      return [needs(0) ? unbroadcast(g, dY, shapeOf(0)) : undefined, needs(1) ? unbroadcast(g, g.neg(dY), shapeOf(1)) : undefined];
    case "Mul":
      return [needs(0) ? unbroadcast(g, g.mul(dY, x[1]!), shapeOf(0)) : undefined, needs(1) ? unbroadcast(g, g.mul(dY, x[0]!), shapeOf(1)) : undefined];
    case "Div":
      // d(a/b)/db = -a/b² = -y/b
      return [needs(0) ? unbroadcast(g, g.div(dY, x[1]!), shapeOf(0)) : undefined, needs(1) ? unbroadcast(g, g.neg(g.div(g.mul(dY, y), x[1]!)), shapeOf(1)) : undefined];
    case "Relu":
      // Pass dY where relu(x) > 0 (ties at 0 get gradient 0, like PyTorch). Where(Greater) runs ~2×
      // faster in onnxruntime than the equivalent Mul(dY, Sign(y)).
      return [g.node("Where", [g.node("Greater", [y, g.scalar(0)], { dtype: "bool", shape: g.shape(y) }), dY, g.scalar(0)], g.type(dY))];
    case "Tanh":
      return [g.mul(dY, g.sub(g.scalar(1), g.mul(y, y)))];
    case "Sigmoid":
      return [g.mul(dY, g.mul(y, g.sub(g.scalar(1), y)))];
    case "Exp":
      return [g.mul(dY, y)];
    case "Log":
      return [g.div(dY, x[0]!)];
    case "Sqrt":
      return [g.div(g.mul(dY, g.scalar(0.5)), y)];
    case "Sign":
      return [undefined];
    case "LogSoftmax": {
      const axis = intAttr(n, "axis", -1);
      return [g.sub(dY, g.mul(g.exp(y), g.reduceSum(dY, [axis], true)))];
    }
    case "Softmax": {
      const axis = intAttr(n, "axis", -1);
      return [g.mul(y, g.sub(dY, g.reduceSum(g.mul(dY, y), [axis], true)))];
    }
    case "MatMul":
      return [needs(0) ? g.gemm(dY, x[1]!, false, true) : undefined, needs(1) ? g.gemm(x[0]!, dY, true, false) : undefined];
    case "Gemm": {
      if (x.length > 2) throw unsupported("Gemm with C (use Add)");
      const ta = intAttr(n, "transA", 0) === 1;
      const tb = intAttr(n, "transB", 0) === 1;
      const [a, b] = [x[0]!, x[1]!];
      // Y = op(A)·op(B): dop(A) = dY·op(B)ᵀ, dop(B) = op(A)ᵀ·dY, transposed back where op transposed.
      const dA = !needs(0) ? undefined : ta ? g.gemm(b, dY, tb, true) : g.gemm(dY, b, false, !tb);
      const dB = !needs(1) ? undefined : tb ? g.gemm(dY, a, true, ta) : g.gemm(a, dY, !ta, false);
      return [dA, dB];
    }
    case "Transpose": {
      const a = n.attrs?.perm;
      const rank = g.shape(y).length;
      const perm = a !== undefined && a.kind === "ints" ? a.value : Array.from({ length: rank }, (_, i) => rank - 1 - i);
      const inv = new Array<number>(rank);
      perm.forEach((p, i) => (inv[p] = i));
      return [g.transpose(dY, inv)];
    }
    case "ReduceSum":
    case "ReduceMean": {
      const axes = n.opType === "ReduceSum" ? constantInts(g, x[1]) : (() => {
        const a = n.attrs?.axes;
        return a !== undefined && a.kind === "ints" ? [...a.value] : undefined;
      })();
      const rank = shapeOf(0).length;
      const all = axes ?? Array.from({ length: rank }, (_, i) => i);
      const keep = intAttr(n, "keepdims", 1) === 1;
      const restored = keep || axes === undefined ? dY : g.unsqueeze(dY, all.map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q));
      const full = g.expandLike(restored, x[0]!);
      const dx = n.opType === "ReduceSum" ? full : g.div(full, g.countAlong(x[0]!, all));
      return [dx, undefined];
    }
    default:
      throw unsupported(n.opType);
  }
}

/**
 * Appends the backward pass of `loss` (a scalar) with respect to each name in `wrt` (graph inputs
 * or constants) and returns the gradient value names, in `wrt` order. The gradients are values of
 * the same graph; declare them as outputs with `graph.output(name)`.
 */
export function addGradients(g: Graph, loss: string, wrt: readonly string[]): string[] {
  if (g.shape(loss).length !== 0) throw new OuroborosError("invalid-argument", `onnx autodiff: the loss "${loss}" must be a scalar, but has shape [${g.shape(loss).join(",")}]`);
  const forwardNodes = g.nodes.slice();
  // Values that depend on some wrt input …
  const dependent = new Set<string>(wrt);
  for (const n of forwardNodes) if (n.inputs.some((i) => dependent.has(i))) for (const o of n.outputs) dependent.add(o);
  // … and that the loss depends on.
  const feedsLoss = new Set<string>([loss]);
  for (let k = forwardNodes.length - 1; k >= 0; k--) {
    const n = forwardNodes[k]!;
    if (n.outputs.some((o) => feedsLoss.has(o))) for (const i of n.inputs) feedsLoss.add(i);
  }
  const active = (v: string): boolean => dependent.has(v) && feedsLoss.has(v);

  const pending = new Map<string, string[]>();
  const push = (v: string, grad: string): void => {
    const list = pending.get(v);
    if (list === undefined) pending.set(v, [grad]);
    else list.push(grad);
  };
  const total = (v: string): string | undefined => {
    const list = pending.get(v);
    if (list === undefined) return undefined;
    let s = list[0]!;
    for (let i = 1; i < list.length; i++) s = g.add(s, list[i]!);
    pending.set(v, [s]);
    return s;
  };

  push(loss, g.scalar(1));
  for (let k = forwardNodes.length - 1; k >= 0; k--) {
    const n = forwardNodes[k]!;
    if (n.outputs.length !== 1 || !active(n.outputs[0]!)) continue;
    const dY = total(n.outputs[0]!);
    if (dY === undefined) continue;
    const grads = backward(g, n, dY, (i) => active(n.inputs[i] ?? ""));
    grads.forEach((gr, i) => {
      const inp = n.inputs[i];
      if (gr !== undefined && inp !== undefined && active(inp)) push(inp, gr);
    });
  }

  return wrt.map((w) => {
    const gr = total(w);
    if (gr === undefined) throw new OuroborosError("invalid-argument", `onnx autodiff: the loss does not depend on "${w}"`);
    // An output must be produced by a node, not be a constant or an input itself.
    return g.initializers.has(gr) || g.inputs.includes(gr) ? g.identity(gr) : gr;
  });
}
