/**
 * Code generator of the `"linear"` learner: the numeric encoder, then K scores
 * `intercept[k] + Σ_j coef[k·p + j] · f[j]` summed in feature order (as `linearScores` does), then
 * the sigmoid (binary), softmax (multiclass) or nothing (regression).
 */
import { OuroborosError } from "../../core/errors.js";
import type { NumericEncoderState } from "../../data/numeric-encoder.js";
import type { Model } from "../../learners/learner.js";
import type { CodegenContext } from "./context.js";
import { float64ArrayLiteral } from "./emit.js";
import { emitEncoder } from "./encoder.js";
import { SIGMOID, SOFTMAX } from "./links.js";

/** Declares the linear model's function; returns its name. */
export function linearCodegen(model: Model, ctx: CodegenContext): string {
  const a = model.save();
  const state = a.state as { encoder?: NumericEncoderState } | null;
  const { coef, intercept } = a.arrays;
  if (state?.encoder === undefined || !(coef instanceof Float64Array) || !(intercept instanceof Float64Array)) {
    throw new OuroborosError("artifact-corrupt", "codegen: the linear model's artifact lacks its encoder, `coef` or `intercept`");
  }
  const encode = emitEncoder(state.encoder, ctx);
  const p = state.encoder.featureNames.length;
  const K = intercept.length;
  const C = ctx.constant("COEF", "Float64Array", float64ArrayLiteral(coef));
  const B = ctx.constant("INTERCEPT", "Float64Array", float64ArrayLiteral(intercept));
  let link: string;
  if (model.task === "binary") {
    ctx.helper("sigmoid", SIGMOID);
    link = "  const q = sigmoid(z[0]!);\n  return Float64Array.of(1 - q, q);";
  } else if (model.task === "multiclass") {
    ctx.helper("softmax", SOFTMAX);
    link = "  return softmax(z);";
  } else link = "  return z;";
  const name = ctx.fresh("linearModel");
  ctx.declare(`/** ${model.task === "regression" ? "Least squares" : model.task === "binary" ? "Logistic regression" : "Multinomial logistic regression"} on ${p} encoded features. */
function ${name}(x: Cells): Float64Array {
  const f = ${encode}(x);
  const z = new Float64Array(${K});
  for (let k = 0; k < ${K}; k++) {
    let s = ${B}[k]!;
    for (let j = 0; j < ${p}; j++) s += ${C}[k * ${p} + j]! * f[j]!;
    z[k] = s;
  }
${link}
}`);
  return name;
}
