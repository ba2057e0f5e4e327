/**
 * Trees in readable form: bins turned back into raw thresholds (`binThreshold`) and category names,
 * so a tree can be printed, checked, or compiled to code in another language. A numeric split
 * sends a value `v` left when `v ≤ threshold`, a categorical split when the category is in
 * `leftCategories`; missing values (and categories unseen in training) go to `missing`.
 * {@link predictFromDumps} walks these dumps on raw values, independently of the binned path.
 */
import { alignToSchema, type Table } from "../../data/table.js";
import { binThreshold, type Binner } from "../tree/binning.js";
import { CAT_WORDS, CATEGORICAL, MISSING_LEFT, type Tree } from "./tree.js";

/** A split node of a dumped tree. */
export interface SplitDump {
  readonly id: number;
  readonly leaf: false;
  /** Feature (column) name and its index in the training schema. */
  readonly feature: string;
  readonly featureIndex: number;
  /** Numeric splits: values ≤ this go left (Infinity: every non-missing value goes left). */
  readonly threshold?: number;
  /** Categorical splits: the training categories that go left. */
  readonly leftCategories?: readonly string[];
  readonly missing: "left" | "right";
  readonly left: number;
  readonly right: number;
  /** Weighted training rows reaching the node. */
  readonly weight: number;
  /** Weighted impurity decrease of the split. */
  readonly gain: number;
}

/** A leaf of a dumped tree. */
export interface LeafDump {
  readonly id: number;
  readonly leaf: true;
  /** Class distribution, or the mean for regression. */
  readonly value: readonly number[];
  readonly weight: number;
}

/** One tree; `nodes[0]` is the root and `nodes[i].id === i`. */
export interface TreeDump {
  readonly nodes: readonly (SplitDump | LeafDump)[];
}

/** The readable form of a tree grown on `binner`'s bins. */
export function dumpTree(t: Tree, binner: Binner, nOut: number): TreeDump {
  const nodes: (SplitDump | LeafDump)[] = [];
  for (let i = 0; i < t.feature.length; i++) {
    const f = t.feature[i]!;
    if (f < 0) {
      const o = t.child[i]! * nOut;
      nodes.push({ id: i, leaf: true, value: Array.from(t.value.subarray(o, o + nOut)), weight: t.weight[i]! });
      continue;
    }
    const fb = binner.features[f]!;
    const flags = t.flags[i]!;
    const common = { id: i, leaf: false as const, feature: fb.name, featureIndex: f, missing: (flags & MISSING_LEFT) !== 0 ? ("left" as const) : ("right" as const), left: t.child[i]!, right: t.child[i]! + 1, weight: t.weight[i]!, gain: t.gain[i]! };
    if ((flags & CATEGORICAL) !== 0 && fb.kind === "categorical") {
      const o = t.threshold[i]! * CAT_WORDS;
      const categories = binner.schema[f]!.categories ?? [];
      const inLeft = (b: number): boolean => ((t.catBits[o + (b >>> 5)]! >>> (b & 31)) & 1) === 1;
      nodes.push({ ...common, leftCategories: categories.filter((_, k) => inLeft(fb.binOf[k]!)) });
    } else nodes.push({ ...common, threshold: binThreshold(fb, t.threshold[i]!) });
  }
  return { nodes };
}

/**
 * Averages the dumped trees' predictions on raw values (`nRows × nOut`, row-major): the reference
 * walk that generated code must reproduce, and a check that the dump means what the bins meant.
 */
export function predictFromDumps(dumps: readonly TreeDump[], binner: Binner, x: Table, nOut: number): Float64Array {
  const t = alignToSchema(x, binner.schema);
  const out = new Float64Array(t.nRows * nOut);
  for (const d of dumps) {
    // Category sets by training code, built once per node.
    const sets = d.nodes.map((nd) => {
      if (nd.leaf || nd.leftCategories === undefined) return null;
      const names = new Set(nd.leftCategories);
      const cats = binner.schema[nd.featureIndex]!.categories ?? [];
      return new Set(cats.flatMap((c, k) => (names.has(c) ? [k] : [])));
    });
    for (let r = 0; r < t.nRows; r++) {
      let nd = d.nodes[0]!;
      while (!nd.leaf) {
        const col = t.columns[nd.featureIndex]!;
        let left: boolean;
        if (col.kind === "numeric") {
          const v = col.values[r]!;
          left = Number.isNaN(v) ? nd.missing === "left" : v <= nd.threshold!;
        } else {
          const code = col.codes[r]!;
          left = code < 0 ? nd.missing === "left" : sets[nd.id]!.has(code);
        }
        nd = d.nodes[left ? nd.left : nd.right]!;
      }
      for (let k = 0; k < nOut; k++) out[r * nOut + k]! += nd.value[k]! / dumps.length;
    }
  }
  return out;
}
