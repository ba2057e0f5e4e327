/**
 * A readable, self-contained form of a boosted model: every split names its feature and states its
 * test on raw values (numeric `value ≤ threshold`, or membership in a set of category labels), where
 * missing values (and unseen categories) go, and every leaf its value. It needs no binner, so it can
 * be printed, inspected, or turned into standalone code (every number in it is finite, so it
 * survives JSON); {@link predictDump} evaluates it and gives
 * bit-for-bit the margins of the model (a numeric split on bin ≤ b is exactly value ≤ the bin's
 * upper edge, because bins are defined by those edges).
 */
import { binThreshold, MISSING_BIN } from "../tree/binning.js";
import type { ObjectiveName } from "./objective.js";
import type { GBDTModel } from "./model.js";

/** A leaf: its value is added to the tree's output margin. */
export interface DumpLeaf {
  readonly kind: "leaf";
  readonly value: number;
  /** Sum of training hessians that reached it. */
  readonly cover: number;
}

/** A numeric split: `value ≤ threshold` goes to `left`, a larger value to `right`, missing (NaN) by `missing`. */
export interface DumpNumericSplit {
  readonly kind: "numeric";
  readonly feature: string;
  readonly threshold: number;
  readonly missing: "left" | "right";
  readonly left: number;
  readonly right: number;
  readonly gain: number;
  readonly cover: number;
}

/**
 * A split on missingness alone (a numeric split whose threshold is above every value): rows where
 * `feature` is missing go the `missing` way, every other row the other way.
 */
export interface DumpMissingSplit {
  readonly kind: "missing";
  readonly feature: string;
  readonly missing: "left" | "right";
  readonly left: number;
  readonly right: number;
  readonly gain: number;
  readonly cover: number;
}

/** A categorical split: labels in `categories` go `left`, other known labels `right`; missing and unseen labels by `missing`. */
export interface DumpCategoricalSplit {
  readonly kind: "categorical";
  readonly feature: string;
  readonly categories: readonly string[];
  readonly missing: "left" | "right";
  readonly left: number;
  readonly right: number;
  readonly gain: number;
  readonly cover: number;
}

/** One node; children are indices into the tree's `nodes`, and `nodes[0]` is the root. */
export type DumpNode = DumpLeaf | DumpNumericSplit | DumpMissingSplit | DumpCategoricalSplit;

/** One tree, adding to margin `output`. */
export interface DumpTree {
  readonly output: number;
  readonly nodes: readonly DumpNode[];
}

/**
 * A whole model: margins start at `baseScore` (one per output), each tree adds one leaf value to
 * its output, and `link` maps margins to predictions (`identity` for regression, `sigmoid` for
 * P(classes[1]) in binary tasks, `softmax` over `classes` in multiclass tasks).
 */
export interface GBDTDump {
  readonly objective: ObjectiveName;
  readonly link: "identity" | "sigmoid" | "softmax";
  readonly classes: readonly string[];
  /** Training features; categorical ones list their training labels (any other label is treated as missing). */
  readonly features: readonly { readonly name: string; readonly kind: "numeric" | "categorical"; readonly categories?: readonly string[] }[];
  readonly baseScore: readonly number[];
  readonly trees: readonly DumpTree[];
}

/** A row for {@link predictDump}: numbers for numeric features, labels for categorical ones; null, undefined or NaN = missing. */
export type DumpRow = Readonly<Record<string, number | string | null | undefined>>;

/** The readable dump of a model. */
export function dumpModel(model: GBDTModel): GBDTDump {
  const { feature, threshold, missingLeft, left, value, gain, cover, catBits, treeStart } = model.trees;
  const bf = model.binner.features;
  const schema = model.binner.schema;
  const k = model.nOutputs;
  const trees: DumpTree[] = [];
  for (let t = 0; t < treeStart.length; t++) {
    const nodes: DumpNode[] = [];
    // Renumber each tree's nodes 0.. in depth-first order.
    const walk = (i: number): number => {
      const at = nodes.length;
      const f = feature[i]!;
      if (f < 0) {
        nodes.push({ kind: "leaf", value: value[i]!, cover: cover[i]! });
        return at;
      }
      nodes.push({ kind: "leaf", value: 0, cover: 0 }); // placeholder, replaced below
      const l = walk(left[i]!);
      const r = walk(left[i]! + 1);
      const fb = bf[f]!;
      const missing = missingLeft[i] === 1 ? "left" : "right";
      const th = threshold[i]!;
      const edge = th >= 0 ? binThreshold(fb, th) : NaN;
      if (edge === Infinity) {
        // Every value (+∞ included: it is binned into the last bin) goes left; missing ones go right.
        nodes[at] = { kind: "missing", feature: fb.name, missing, left: l, right: r, gain: gain[i]!, cover: cover[i]! };
      } else if (th >= 0) {
        nodes[at] = { kind: "numeric", feature: fb.name, threshold: edge, missing, left: l, right: r, gain: gain[i]!, cover: cover[i]! };
      } else {
        const s = ~th * 8;
        const inSet = (b: number): boolean => ((catBits[s + (b >> 5)]! >>> (b & 31)) & 1) === 1;
        const labels = schema[f]?.categories ?? [];
        const categories = fb.kind === "categorical" ? labels.filter((_, code) => inSet(fb.binOf[code] ?? MISSING_BIN)) : [];
        nodes[at] = { kind: "categorical", feature: fb.name, categories, missing: inSet(MISSING_BIN) ? "left" : "right", left: l, right: r, gain: gain[i]!, cover: cover[i]! };
      }
      return at;
    };
    walk(treeStart[t]!);
    trees.push({ output: t % k, nodes });
  }
  return {
    objective: model.objective,
    link: model.task === "regression" ? "identity" : model.task === "binary" ? "sigmoid" : "softmax",
    classes: [...model.classes],
    features: bf.map((f, j) => (f.kind === "numeric" ? { name: f.name, kind: f.kind } : { name: f.name, kind: f.kind, categories: [...(schema[j]?.categories ?? [])] })),
    baseScore: Array.from(model.baseScore),
    trees,
  };
}

/** The margins (one per output) of one row, evaluated from the dump alone. */
export function predictDump(dump: GBDTDump, row: DumpRow): Float64Array {
  const margins = Float64Array.from(dump.baseScore);
  const sets = new Map<DumpCategoricalSplit, Set<string>>();
  const known = new Map(dump.features.map((f) => [f.name, new Set(f.categories ?? [])] as const));
  for (const tree of dump.trees) {
    let node = tree.nodes[0]!;
    while (node.kind !== "leaf") {
      const v = row[node.feature];
      let goLeft: boolean;
      if (node.kind === "numeric" || node.kind === "missing") {
        const x = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
        goLeft = Number.isNaN(x) ? node.missing === "left" : node.kind === "missing" || x <= node.threshold;
      } else {
        let set = sets.get(node);
        if (set === undefined) sets.set(node, (set = new Set(node.categories)));
        const label = v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)) ? undefined : String(v);
        // Labels unseen in training are missing to the model; known labels outside the set go right.
        goLeft = label === undefined || !known.get(node.feature)!.has(label) ? node.missing === "left" : set.has(label);
      }
      node = tree.nodes[goLeft ? node.left : node.right]!;
    }
    margins[tree.output]! += node.value;
  }
  return margins;
}
