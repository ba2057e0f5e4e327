/**
 * Code generator of the cross-fitted bag (`"bag"`): each fold model is generated into the same
 * module by its own generator, and their prediction rows are averaged as the library does (summed
 * in fold order, then divided by the number of fold models).
 */
import { OuroborosError } from "../../core/errors.js";
import { CrossFitBagModel } from "../../learners/bag/cross-fit-bag.js";
import type { Model } from "../../learners/learner.js";
import type { CodegenContext } from "./context.js";

/** Declares the bag's function (and its fold models'); returns its name. */
export function bagCodegen(model: Model, ctx: CodegenContext): string {
  if (!(model instanceof CrossFitBagModel)) throw new OuroborosError("invalid-argument", `codegen: expected a CrossFitBagModel for kind "bag", got ${model.constructor.name}`);
  const fns = model.members.map((m) => ctx.model(m));
  const lines: string[] = [];
  fns.forEach((fn, i) => {
    lines.push(`  const v${i} = ${fn}(x);`);
    if (i === 0) lines.push(`  const out = new Float64Array(v0.length);`);
    lines.push(`  for (let j = 0; j < out.length; j++) out[j]! += v${i}[j]!;`);
  });
  const name = ctx.fresh("bagModel");
  ctx.declare(`/** Average of ${fns.length} fold models (a cross-fitted bag of ${model.params.base.kind}). */
function ${name}(x: Cells): Float64Array {
${lines.join("\n")}
  for (let j = 0; j < out.length; j++) out[j]! /= ${fns.length};
  return out;
}`);
  return name;
}
