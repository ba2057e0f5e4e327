/**
 * Code generator of the weighted ensemble (`"ensemble"`): each member is generated into the same
 * module by its own generator, and the members' prediction rows are combined as the library does:
 * `Σ w_i · p_i` accumulated in member order, divided by `Σ w_i`.
 */
import { OuroborosError } from "../../core/errors.js";
import { WeightedEnsembleModel } from "../../learners/ensemble/weighted-ensemble.js";
import type { Model } from "../../learners/learner.js";
import type { CodegenContext } from "./context.js";
import { num } from "./emit.js";

/** Declares the ensemble's function (and its members'); returns its name. */
export function ensembleCodegen(model: Model, ctx: CodegenContext): string {
  if (!(model instanceof WeightedEnsembleModel)) throw new OuroborosError("invalid-argument", `codegen: expected a WeightedEnsembleModel for kind "ensemble", got ${model.constructor.name}`);
  const members = model.members.map((m) => ({ fn: ctx.model(m), kind: m.kind }));
  const lines: string[] = [];
  members.forEach((m, i) => {
    const w = num(model.weights[i]!);
    lines.push(`  // member ${i}: ${m.kind}, weight ${w}`);
    lines.push(`  const v${i} = ${m.fn}(x);`);
    if (i === 0) lines.push(`  const out = new Float64Array(v0.length);`);
    lines.push(`  total += ${w};`);
    lines.push(`  for (let j = 0; j < out.length; j++) out[j]! += ${w} * v${i}[j]!;`);
  });
  const name = ctx.fresh("ensembleModel");
  ctx.declare(`/** Weighted average of ${members.length} member models. */
function ${name}(x: Cells): Float64Array {
  let total = 0;
${lines.join("\n")}
  for (let j = 0; j < out.length; j++) out[j]! /= total;
  return out;
}`);
  return name;
}
