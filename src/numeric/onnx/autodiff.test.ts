/**
 * Gradient checks: for every op with a rule, the gradients the backward graph computes (in one ORT
 * run) must match central finite differences of the forward loss. Graphs are float64 so the check
 * can be tight.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Random } from "../../core/rng.js";
import { addGradients } from "./autodiff.js";
import { Graph } from "./graph.js";
import { encodeModel, type Dim } from "./model-proto.js";
import { createSession, loadOrt } from "./runtime.js";

interface InputSpec {
  readonly name: string;
  /** Declared shape (may be symbolic). */
  readonly shape: readonly Dim[];
  /** Concrete shape used for the run. */
  readonly dims: readonly number[];
  /** Draw values in (0.5, 2) instead of (-2, 2) (for Log, Sqrt, Div denominators). */
  readonly positive?: boolean;
}

/** Builds `loss = Σ f(inputs) ⊙ R` (R a random input), checks d loss / d input against finite differences. */
async function checkGradients(inputs: readonly InputSpec[], f: (g: Graph, xs: string[]) => string, seed = 1): Promise<void> {
  const ort = await loadOrt();
  const g = new Graph("float64");
  const xs = inputs.map((s) => g.input(s.name, s.shape));
  const out = f(g, xs);
  const outShape = g.shape(out);
  const r = g.input("R", outShape);
  const loss = g.reduceSum(g.mul(out, r));
  g.output(loss);
  const grads = addGradients(g, loss, xs);
  for (const gr of grads) g.output(gr);
  const session = await createSession(encodeModel(g.toProto()));

  const rng = new Random(seed);
  const values = inputs.map((s) => Float64Array.from({ length: s.dims.reduce((a, b) => a * b, 1) }, () => (s.positive ? rng.uniform(0.5, 2) : rng.uniform(-2, 2))));
  // Concrete output dims: symbolic dims take the size the first input gives them.
  const sizes = new Map<string, number>();
  inputs.forEach((s) => s.shape.forEach((d, i) => typeof d === "string" && sizes.set(d, s.dims[i]!)));
  const rDims = outShape.map((d) => (typeof d === "number" ? d : sizes.get(d)!));
  const rVals = Float64Array.from({ length: rDims.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1));
  const feeds = (vals: Float64Array[]): Record<string, InstanceType<typeof ort.Tensor>> => {
    const fd: Record<string, InstanceType<typeof ort.Tensor>> = { R: new ort.Tensor("float64", rVals, rDims) };
    inputs.forEach((s, i) => (fd[s.name] = new ort.Tensor("float64", vals[i]!, s.dims)));
    return fd;
  };
  const res = await session.run(feeds(values));
  const lossAt = async (vals: Float64Array[]): Promise<number> => (await session.run(feeds(vals), [loss]))[loss]!.data[0] as number;
  const h = 1e-6;
  for (let k = 0; k < inputs.length; k++) {
    const analytic = res[grads[k]!]!.data as Float64Array;
    assert.equal(analytic.length, values[k]!.length, `gradient of ${inputs[k]!.name} has the input's size`);
    for (let j = 0; j < values[k]!.length; j++) {
      const plus = values.map((v) => v.slice());
      const minus = values.map((v) => v.slice());
      plus[k]![j]! += h;
      minus[k]![j]! -= h;
      const numeric = ((await lossAt(plus)) - (await lossAt(minus))) / (2 * h);
      const err = Math.abs(numeric - analytic[j]!);
      assert.ok(err <= 1e-6 + 1e-5 * Math.abs(numeric), `d loss / d ${inputs[k]!.name}[${j}]: analytic ${analytic[j]}, numeric ${numeric}`);
    }
  }
}

const m = (name: string, rows: number, cols: number, positive = false): InputSpec => ({ name, shape: [rows, cols], dims: [rows, cols], positive });
const batch = (name: string, rows: number, cols: number): InputSpec => ({ name, shape: ["batch", cols], dims: [rows, cols] });
const vec = (name: string, n: number, positive = false): InputSpec => ({ name, shape: [n], dims: [n], positive });

describe("onnx autodiff: gradients match finite differences", () => {
  test("Add, Sub, Mul, Div with bias and keepdims broadcasting", async () => {
    await checkGradients([m("a", 3, 4), vec("b", 4)], (g, [a, b]) => g.add(a!, b!));
    await checkGradients([m("a", 3, 4), m("b", 3, 1)], (g, [a, b]) => g.sub(a!, b!));
    await checkGradients([m("a", 3, 4), m("b", 1, 4)], (g, [a, b]) => g.mul(a!, b!));
    await checkGradients([m("a", 3, 4), m("b", 3, 4, true)], (g, [a, b]) => g.div(a!, b!));
    await checkGradients([vec("b", 4, true), m("a", 3, 4)], (g, [b, a]) => g.div(b!, g.add(a!, g.scalar(5))));
  });

  test("the same value used twice accumulates (x·x, x + x)", async () => {
    await checkGradients([m("a", 2, 3)], (g, [a]) => g.add(g.mul(a!, a!), a!));
  });

  test("Neg, Identity, Relu, Tanh, Sigmoid, Exp, Log, Sqrt, Sign", async () => {
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.identity(g.neg(a!)));
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.relu(a!));
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.tanh(a!));
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.sigmoid(a!));
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.exp(a!));
    await checkGradients([m("a", 3, 4, true)], (g, [a]) => g.log(a!));
    await checkGradients([m("a", 3, 4, true)], (g, [a]) => g.sqrt(a!));
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.add(g.sign(a!), a!));
  });

  test("LogSoftmax and Softmax", async () => {
    await checkGradients([m("a", 3, 5)], (g, [a]) => g.logSoftmax(a!));
    await checkGradients([m("a", 3, 5)], (g, [a]) => g.softmax(a!));
    await checkGradients([m("a", 3, 5)], (g, [a]) => g.logSoftmax(a!, 0));
  });

  test("MatMul, Gemm (all four transpose modes), Transpose", async () => {
    await checkGradients([m("a", 3, 4), m("b", 4, 2)], (g, [a, b]) => g.matmul(a!, b!));
    await checkGradients([m("a", 3, 4), m("b", 4, 2)], (g, [a, b]) => g.gemm(a!, b!, false, false));
    await checkGradients([m("a", 4, 3), m("b", 4, 2)], (g, [a, b]) => g.gemm(a!, b!, true, false));
    await checkGradients([m("a", 3, 4), m("b", 2, 4)], (g, [a, b]) => g.gemm(a!, b!, false, true));
    await checkGradients([m("a", 4, 3), m("b", 2, 4)], (g, [a, b]) => g.gemm(a!, b!, true, true));
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.transpose(a!));
  });

  test("ReduceSum and ReduceMean: axes, keepdims, all axes, symbolic batch", async () => {
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.reduceSum(a!, [1], false));
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.reduceSum(a!, [0], true));
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.reduceSum(a!));
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.reduceMean(a!, [-1], true));
    await checkGradients([m("a", 3, 4)], (g, [a]) => g.reduceMean(a!, [0], false));
    await checkGradients([batch("a", 5, 3)], (g, [a]) => g.reduceMean(a!, [0], true));
    await checkGradients([batch("a", 5, 3)], (g, [a]) => g.reduceMean(a!));
  });

  test("composites: dense layer over a symbolic batch, layer norm, batch norm", async () => {
    await checkGradients([batch("x", 5, 3), m("w", 3, 2), vec("b", 2)], (g, [x, w, b]) => g.tanh(g.add(g.matmul(x!, w!), b!)));
    const norm = (g: Graph, x: string, axis: number): string => {
      const xc = g.sub(x, g.reduceMean(x, [axis], true));
      const v = g.reduceMean(g.mul(xc, xc), [axis], true);
      return g.div(xc, g.sqrt(g.add(v, g.scalar(1e-5))));
    };
    await checkGradients([m("x", 4, 5), vec("gamma", 5), vec("beta", 5)], (g, [x, ga, be]) => g.add(g.mul(norm(g, x!, -1), ga!), be!));
    await checkGradients([batch("x", 6, 3), vec("gamma", 3)], (g, [x, ga]) => g.mul(norm(g, x!, 0), ga!));
  });

  test("rejects a non-scalar loss and an unreachable input", () => {
    const g = new Graph("float64");
    const a = g.input("a", [2]);
    const b = g.input("b", [2]);
    assert.throws(() => addGradients(g, g.relu(a), [a]), /scalar/);
    assert.throws(() => addGradients(g, g.reduceSum(g.relu(a)), [b]), /does not depend/);
  });
});
