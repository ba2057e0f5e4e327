/**
 * Code generators of the tree ensembles: gradient-boosted trees (`"gbdt"`) and random forests /
 * extra trees (`"random-forest"`, `"extra-trees"`). Trees come from the learners' readable dumps,
 * with raw thresholds (a numeric split `v ≤ threshold`, which the tree helpers test is equivalent to
 * the binned split), category sets and missing directions, so no binner is needed. All trees of a
 * model are flattened into a few typed arrays walked by one small evaluator, which keeps the module
 * compact (no megabytes of nested ifs). Boosting adds leaf values to margins in tree order from the
 * base score and applies identity / sigmoid / softmax; a forest sums leaf distributions (or means) in
 * tree order and scales by 1/trees, as the library does.
 */
import { OuroborosError } from "../../core/errors.js";
import type { ColumnSchema } from "../../data/table.js";
import { ForestModel } from "../../learners/forest/forest-model.js";
import { GBDTModel } from "../../learners/gbdt/model.js";
import type { Model } from "../../learners/learner.js";
import type { CodegenContext } from "./context.js";
import { CODE_OF, float64ArrayLiteral, int32ArrayLiteral, lineSafe, uint8ArrayLiteral, wrap } from "./emit.js";
import { SOFTMAX } from "./links.js";

const EVALUATOR = `/** Flattened trees: per node its feature (-1: leaf), split test, missing direction and children. */
interface Trees {
  readonly feature: Int32Array;
  /** -1: numeric split \`value <= threshold\`; else the index of the left category set. */
  readonly set: Int32Array;
  readonly threshold: Float64Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly sets: readonly ReadonlySet<number>[];
}

/**
 * Walks one tree from \`node\` to its leaf and returns the leaf's value slot (a leaf keeps it in
 * \`left\`); missing values and unseen categories follow \`missingLeft\`.
 */
function leafOf(t: Trees, node: number, values: Float64Array, codes: Int32Array): number {
  let n = node;
  for (let f = t.feature[n]!; f >= 0; f = t.feature[n]!) {
    const s = t.set[n]!;
    let goLeft: boolean;
    if (s < 0) {
      const v = values[f]!;
      goLeft = Number.isNaN(v) ? t.missingLeft[n] === 1 : v <= t.threshold[n]!;
    } else {
      const c = codes[f]!;
      goLeft = c < 0 ? t.missingLeft[n] === 1 : t.sets[s]!.has(c);
    }
    n = goLeft ? t.left[n]! : t.right[n]!;
  }
  return t.left[n]!;
}`;

/** A split or leaf in the generator's own flat form (a leaf's `left` is its value slot). */
interface FlatNode {
  readonly feature: number;
  readonly set: number;
  readonly threshold: number;
  readonly missingLeft: boolean;
  readonly left: number;
  readonly right: number;
}

/** Collects flattened nodes and category sets, then declares the `Trees` constant. */
class TreeTable {
  readonly nodes: FlatNode[] = [];
  readonly sets: number[][] = [];
  readonly roots: number[] = [];
  private leaves = 0;

  /** Adds a leaf; returns its value slot (leaves are numbered in order). */
  leaf(): number {
    this.nodes.push({ feature: -1, set: -1, threshold: 0, missingLeft: false, left: this.leaves, right: -1 });
    return this.leaves++;
  }

  declare(ctx: CodegenContext): string {
    ctx.helper("leafOf", EVALUATOR);
    const n = this.nodes;
    const sets = this.sets.map((s) => `new Set<number>([${s.join(", ")}])`);
    const expr = `{
  feature: ${int32ArrayLiteral(n.map((d) => d.feature))},
  set: ${int32ArrayLiteral(n.map((d) => d.set))},
  threshold: ${float64ArrayLiteral(n.map((d) => d.threshold))},
  missingLeft: ${uint8ArrayLiteral(n.map((d) => (d.missingLeft ? 1 : 0)))},
  left: ${int32ArrayLiteral(n.map((d) => d.left))},
  right: ${int32ArrayLiteral(n.map((d) => d.right))},
  sets: [${sets.length === 0 ? "" : `\n${wrap(sets)}\n`}],
}`;
    return ctx.constant("TREES", "Trees", expr);
  }
}

/** Lines that gather a model's features from the typed row into `values` / `codes` by feature index. */
function featureLines(schema: readonly ColumnSchema[], ctx: CodegenContext): string[] {
  const lines = [`  const values = new Float64Array(${schema.length}).fill(Number.NaN);`, `  const codes = new Int32Array(${schema.length}).fill(-1);`];
  schema.forEach((s, f) => {
    const slot = ctx.column(s);
    if (s.kind === "numeric") lines.push(`  values[${f}] = x.num[${slot}]!; // ${lineSafe(s.name)}`);
    else {
      ctx.helper("codeOf", CODE_OF);
      lines.push(`  codes[${f}] = codeOf(${ctx.categoryIndex(s.categories ?? [])}, x.cat[${slot}]!); // ${lineSafe(s.name)}`);
    }
  });
  return lines;
}

/** Declares the boosted model's function; returns its name. */
export function gbdtCodegen(model: Model, ctx: CodegenContext): string {
  if (!(model instanceof GBDTModel)) throw new OuroborosError("invalid-argument", `codegen: expected a GBDTModel for kind "gbdt", got ${model.constructor.name}`);
  const dump = model.dump();
  const schema = model.binner.schema;
  const index = new Map(schema.map((s, f) => [s.name, f] as const));
  const table = new TreeTable();
  const outputs: number[] = [];
  const values: number[] = [];
  for (const tree of dump.trees) {
    const base = table.nodes.length;
    tree.nodes.forEach((nd) => {
      if (nd.kind === "leaf") {
        table.leaf();
        values.push(nd.value);
        return;
      }
      const f = index.get(nd.feature);
      if (f === undefined) throw new OuroborosError("artifact-corrupt", `codegen: a gbdt split uses unknown feature "${nd.feature}"`);
      let set = -1;
      if (nd.kind === "categorical") {
        const cats = schema[f]!.categories ?? [];
        const inSet = new Set(nd.categories);
        set = table.sets.length;
        table.sets.push(cats.flatMap((c, k) => (inSet.has(c) ? [k] : [])));
      }
      // A split on missingness alone sends every present value left: value ≤ +∞.
      const threshold = nd.kind === "numeric" ? nd.threshold : nd.kind === "missing" ? Infinity : 0;
      table.nodes.push({ feature: f, set, threshold, missingLeft: nd.missing === "left", left: base + nd.left, right: base + nd.right });
    });
    table.roots.push(base);
    outputs.push(tree.output);
  }
  const T = table.declare(ctx);
  const V = ctx.constant("LEAF_VALUE", "Float64Array", float64ArrayLiteral(values));
  const R = ctx.constant("ROOTS", "Int32Array", int32ArrayLiteral(table.roots));
  const O = ctx.constant("TREE_OUTPUT", "Int32Array", int32ArrayLiteral(outputs));
  const B = ctx.constant("BASE_SCORE", "Float64Array", float64ArrayLiteral(dump.baseScore));
  let link: string;
  if (dump.link === "sigmoid") link = "  const p = 1 / (1 + Math.exp(-margins[0]!));\n  return Float64Array.of(1 - p, p);";
  else if (dump.link === "softmax") {
    ctx.helper("softmax", SOFTMAX);
    link = "  return softmax(margins);";
  } else link = "  return margins;";
  const name = ctx.fresh("boostedModel");
  ctx.declare(`/** Gradient-boosted trees (${dump.trees.length} trees, ${dump.link} link). */
function ${name}(x: Cells): Float64Array {
${featureLines(schema, ctx).join("\n")}
  const margins = ${B}.slice();
  for (let t = 0; t < ${table.roots.length}; t++) margins[${O}[t]!]! += ${V}[leafOf(${T}, ${R}[t]!, values, codes)]!;
${link}
}`);
  return name;
}

/** Declares the forest model's function; returns its name. */
export function forestCodegen(model: Model, ctx: CodegenContext): string {
  if (!(model instanceof ForestModel)) throw new OuroborosError("invalid-argument", `codegen: expected a ForestModel for kind "${model.kind}", got ${model.constructor.name}`);
  const schema = model.state.binner.schema;
  const nOut = model.nOut;
  const table = new TreeTable();
  const values: number[] = [];
  for (let t = 0; t < model.nTrees; t++) {
    const base = table.nodes.length;
    for (const nd of model.dumpTree(t).nodes) {
      if (nd.leaf) {
        table.leaf();
        for (let k = 0; k < nOut; k++) values.push(nd.value[k]!);
        continue;
      }
      let set = -1;
      if (nd.leftCategories !== undefined) {
        const inSet = new Set(nd.leftCategories);
        set = table.sets.length;
        table.sets.push((schema[nd.featureIndex]!.categories ?? []).flatMap((c, k) => (inSet.has(c) ? [k] : [])));
      }
      table.nodes.push({ feature: nd.featureIndex, set, threshold: nd.threshold ?? 0, missingLeft: nd.missing === "left", left: base + nd.left, right: base + nd.right });
    }
    table.roots.push(base);
  }
  const T = table.declare(ctx);
  const V = ctx.constant("LEAF_VALUE", "Float64Array", float64ArrayLiteral(values));
  const R = ctx.constant("ROOTS", "Int32Array", int32ArrayLiteral(table.roots));
  const nTrees = table.roots.length;
  const name = ctx.fresh("forestModel");
  ctx.declare(`/** ${model.kind === "extra-trees" ? "Extra trees" : "Random forest"} (${nTrees} trees): the average of the leaves' ${model.task === "regression" ? "means" : "class distributions"}. */
function ${name}(x: Cells): Float64Array {
${featureLines(schema, ctx).join("\n")}
  const out = new Float64Array(${nOut});
  for (let t = 0; t < ${nTrees}; t++) {
    const leaf = leafOf(${T}, ${R}[t]!, values, codes) * ${nOut};
    for (let k = 0; k < ${nOut}; k++) out[k]! += ${V}[leaf + k]!;
  }
  const scale = 1 / Math.max(1, ${nTrees});
  for (let k = 0; k < ${nOut}; k++) out[k]! *= scale;
  return out;
}`);
  return name;
}
