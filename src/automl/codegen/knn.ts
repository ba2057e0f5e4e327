/**
 * Code generator of the `"knn"` learner. The encoded training matrix, targets and weights are
 * embedded, which is fine for small data only (the module grows with rows × features; the
 * assembler warns above its size limit). The search is the library's: squared (or absolute)
 * differences summed in feature order in blocks of 8 with early abandoning, a sorted buffer of the
 * k best where an equal distance never displaces an earlier row, and the same vote weights.
 */
import { OuroborosError } from "../../core/errors.js";
import type { NumericEncoderState } from "../../data/numeric-encoder.js";
import type { Model } from "../../learners/learner.js";
import type { CodegenContext } from "./context.js";
import { float64ArrayLiteral, int32ArrayLiteral } from "./emit.js";
import { emitEncoder } from "./encoder.js";

/** Declares the kNN model's function; returns its name. */
export function knnCodegen(model: Model, ctx: CodegenContext): string {
  const a = model.save();
  const state = a.state as { encoder?: NumericEncoderState; classes?: string[] } | null;
  const params = a.spec.params as { nNeighbors?: number; weights?: string; metric?: string };
  const { x, target, weights } = a.arrays;
  if (state?.encoder === undefined || !(x instanceof Float64Array) || !(weights instanceof Float64Array) || !(target instanceof Float64Array || target instanceof Int32Array)) {
    throw new OuroborosError("artifact-corrupt", "codegen: the knn model's artifact lacks its encoder, `x`, `target` or `weights`");
  }
  if (typeof params.nNeighbors !== "number") throw new OuroborosError("artifact-corrupt", "codegen: the knn model's spec has no nNeighbors");
  const encode = emitEncoder(state.encoder, ctx);
  const p = state.encoder.featureNames.length;
  const m = weights.length;
  const k = Math.min(params.nNeighbors, m);
  const manhattan = params.metric === "manhattan";
  const byDistance = params.weights === "distance";
  const regression = model.task === "regression";
  const K = regression ? 1 : (state.classes ?? []).length;
  const X = ctx.constant("TRAIN_X", "Float64Array", float64ArrayLiteral(x));
  const T = ctx.constant("TRAIN_Y", regression ? "Float64Array" : "Int32Array", regression ? float64ArrayLiteral(target) : int32ArrayLiteral(target));
  const W = ctx.constant("TRAIN_W", "Float64Array", float64ArrayLiteral(weights));
  const term = manhattan ? "d += Math.abs(q[j]! - X[xo + j]!);" : "const t = q[j]! - X[xo + j]!;\n          d += t * t;";
  const dist = manhattan ? "bestD[t]!" : "Math.sqrt(bestD[t]!)";
  const vote = byDistance ? "W[bestI[t]!]! * (exact ? (dist === 0 ? 1 : 0) : 1 / dist)" : "W[bestI[t]!]! * 1";
  const combine = regression
    ? `  let s = 0;
  for (let t = 0; t < ${k}; t++) s += vote[t]! * Y[bestI[t]!]!;
  return Float64Array.of(s / total);`
    : `  const out = new Float64Array(${K});
  for (let t = 0; t < ${k}; t++) out[Y[bestI[t]!]!]! += vote[t]!;
  for (let c = 0; c < ${K}; c++) out[c]! /= total;
  return out;`;
  const name = ctx.fresh("knnModel");
  ctx.declare(`/**
 * k-nearest neighbours (k = ${k}, ${manhattan ? "manhattan" : "euclidean"}, ${byDistance ? "distance" : "uniform"} weights) over ${m} embedded
 * training rows of ${p} encoded features. Embedding the training data is fine for small data only.
 */
function ${name}(x: Cells): Float64Array {
  const X = ${X};
  const Y = ${T};
  const W = ${W};
  const q = ${encode}(x);
  const bestD = new Float64Array(${k});
  const bestI = new Int32Array(${k});
  let filled = 0;
  let worst = Infinity;
  for (let i = 0; i < ${m}; i++) {
    const xo = i * ${p};
    let d = 0;
    for (let j0 = 0; j0 < ${p} && d < worst; j0 += 8) {
      const j1 = j0 + 8 < ${p} ? j0 + 8 : ${p};
      for (let j = j0; j < j1; j++) {
        ${term}
      }
    }
    if (filled === ${k} && !(d < worst)) continue;
    let pos = filled < ${k} ? filled++ : ${k - 1};
    while (pos > 0 && bestD[pos - 1]! > d) {
      bestD[pos] = bestD[pos - 1]!;
      bestI[pos] = bestI[pos - 1]!;
      pos--;
    }
    bestD[pos] = d;
    bestI[pos] = i;
    if (filled === ${k}) worst = bestD[${k - 1}]!;
  }
${byDistance ? "  const exact = bestD[0] === 0;\n" : ""}  const vote = new Float64Array(${k});
  let total = 0;
  for (let t = 0; t < ${k}; t++) {
${byDistance ? `    const dist = ${dist};\n` : ""}    const v = ${vote};
    vote[t] = v;
    total += v;
  }
${combine}
}`);
  return name;
}
