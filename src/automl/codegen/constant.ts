/**
 * Code generator of the `"constant"` baseline: the prediction is the stored class frequencies or
 * the training mean (median), whatever the row.
 */
import { OuroborosError } from "../../core/errors.js";
import type { Model } from "../../learners/learner.js";
import type { CodegenContext } from "./context.js";
import { float64ArrayLiteral } from "./emit.js";

/** Declares the constant model's function; returns its name. */
export function constantCodegen(model: Model, ctx: CodegenContext): string {
  const value = model.save().arrays.value;
  if (!(value instanceof Float64Array)) throw new OuroborosError("artifact-corrupt", "codegen: the constant model has no float64 `value` array");
  const data = ctx.constant("CONSTANT", "Float64Array", float64ArrayLiteral(value));
  const name = ctx.fresh("constantModel");
  ctx.declare(`/** The constant baseline: the same prediction for every row. */
function ${name}(_x: Cells): Float64Array {
  return ${data}.slice();
}`);
  return name;
}
