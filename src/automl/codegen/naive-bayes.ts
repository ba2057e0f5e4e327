/**
 * Code generator of the `"naive-bayes"` learner: per class, the log prior plus, column by column in
 * training order, the Gaussian log-density of each present numeric value and the smoothed
 * log-probability of each known category (missing and unseen values drop their term), then the
 * library's log-sum-exp normalisation with its fallback to the priors.
 */
import { OuroborosError } from "../../core/errors.js";
import type { ColumnSchema } from "../../data/table.js";
import type { Model } from "../../learners/learner.js";
import type { CodegenContext } from "./context.js";
import { CODE_OF, float64ArrayLiteral, lineSafe } from "./emit.js";

/** Declares the naive Bayes model's function; returns its name. */
export function naiveBayesCodegen(model: Model, ctx: CodegenContext): string {
  const a = model.save();
  const state = a.state as { classes?: string[]; schema?: ColumnSchema[] } | null;
  const { logPrior, mean, variance, logTheta } = a.arrays;
  if (state?.schema === undefined || state.classes === undefined || !(logPrior instanceof Float64Array) || !(mean instanceof Float64Array) || !(variance instanceof Float64Array) || !(logTheta instanceof Float64Array)) {
    throw new OuroborosError("artifact-corrupt", "codegen: the naive-bayes artifact lacks its schema, classes or arrays");
  }
  const K = state.classes.length;
  const m = variance.length / K;
  const P = ctx.constant("LOG_PRIOR", "Float64Array", float64ArrayLiteral(logPrior));
  const MU = ctx.constant("NB_MEAN", "Float64Array", float64ArrayLiteral(mean));
  const VAR = ctx.constant("NB_VAR", "Float64Array", float64ArrayLiteral(variance));
  const THETA = ctx.constant("LOG_THETA", "Float64Array", float64ArrayLiteral(logTheta));
  const lines: string[] = [];
  let j = 0;
  let offset = 0;
  for (const s of state.schema) {
    const slot = ctx.column(s);
    if (s.kind === "numeric") {
      lines.push(`  gaussian(z, x.num[${slot}]!, ${j}, ${m}); // ${lineSafe(s.name)}`);
      j++;
    } else {
      const cats = s.categories ?? [];
      const index = ctx.categoryIndex(cats);
      ctx.helper("codeOf", CODE_OF);
      lines.push(`  categorical(z, codeOf(${index}, x.cat[${slot}]!), ${offset}, ${cats.length}); // ${lineSafe(s.name)}`);
      offset += K * cats.length;
    }
  }
  const name = ctx.fresh("naiveBayesModel");
  ctx.declare(`/** Gaussian + categorical naive Bayes over ${K} classes. */
function ${name}(x: Cells): Float64Array {
  const z = ${P}.slice();
  const gaussian = (z: Float64Array, v: number, j: number, m: number): void => {
    for (let k = 0; k < ${K}; k++) {
      const mu = ${MU}[k * m + j]!;
      const s2 = ${VAR}[k * m + j]!;
      const norm = -0.5 * Math.log(2 * Math.PI * s2);
      if (Number.isNaN(v)) continue;
      z[k]! += norm - (0.5 * (v - mu) ** 2) / s2;
    }
  };
  const categorical = (z: Float64Array, code: number, offset: number, V: number): void => {
    if (code < 0) return;
    for (let k = 0; k < ${K}; k++) z[k]! += ${THETA}[offset + k * V + code]!;
  };
${lines.join("\n")}
  let mx = -Infinity;
  for (let k = 0; k < ${K}; k++) if (z[k]! > mx) mx = z[k]!;
  if (!Number.isFinite(mx)) {
    // Every class has zero density (possible only with varSmoothing 0): fall back to the priors.
    z.set(${P});
    mx = Math.max(...${P});
  }
  let s = 0;
  for (let k = 0; k < ${K}; k++) {
    const e = Math.exp(z[k]! - mx);
    z[k] = e;
    s += e;
  }
  for (let k = 0; k < ${K}; k++) z[k]! /= s;
  return z;
}`);
  return name;
}
