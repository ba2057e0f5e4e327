/**
 * A fitted forest: its bins, its trees, and what was learned about it while fitting (out-of-bag
 * score, feature importance). Prediction bins the rows once and averages the trees' leaf values:
 * class distributions (scikit-learn's soft voting) or means. Saved as flat typed arrays, every
 * tree's nodes concatenated, with per-tree offsets.
 *
 * @see L. Breiman, "Random Forests", Machine Learning 45, 2001 (out-of-bag estimates, importance).
 */
import { OuroborosError } from "../../core/errors.js";
import type { JsonValue } from "../../core/json.js";
import type { Task } from "../../data/dataset.js";
import type { Table } from "../../data/table.js";
import type { Artifact } from "../artifact.js";
import type { Model, Predictions } from "../learner.js";
import { applyBinner, binCount, type Binner } from "../tree/binning.js";
import type { ForestKind, ForestParams } from "./forest-params.js";
import { addTreePredictions, CAT_WORDS, leafCount, type Tree } from "./tree.js";
import { dumpTree, type TreeDump } from "./tree-dump.js";

/** What a forest model is built from (by fitting or loading). */
export interface ForestState {
  readonly kind: ForestKind;
  readonly task: Task;
  readonly params: ForestParams;
  /** Class names (empty for regression). */
  readonly classes: readonly string[];
  readonly binner: Binner;
  readonly trees: readonly Tree[];
  /** The seed each tree was grown from (its bootstrap sample is re-drawn from it). */
  readonly seeds: Uint32Array;
  /** Rows of the training data (to re-draw bootstrap samples when warm-starting on it). */
  readonly nTrainRows: number;
  /** Out-of-bag accuracy (classification) or R² (regression); null without bootstrap. */
  readonly oobScore: number | null;
  /** Out-of-bag predictions of the training rows (NaN where a row was in every sample); fitted models only. */
  readonly oobPrediction?: Predictions;
}

/** A fitted random forest or extra-trees ensemble. */
export class ForestModel implements Model {
  readonly kind: ForestKind;
  readonly task: Task;
  readonly classes: readonly string[];
  /**
   * Out-of-bag score: accuracy for classification, R² for regression, over the rows left out of at
   * least one tree's bootstrap sample; undefined when `bootstrap` is off.
   */
  readonly oobScore: number | undefined;
  /** Out-of-bag predictions of the training rows (only on the model `fit` returned, not a loaded one). */
  readonly oobPrediction: Predictions | undefined;

  constructor(readonly state: ForestState) {
    this.kind = state.kind;
    this.task = state.task;
    this.classes = state.classes;
    this.oobScore = state.oobScore ?? undefined;
    this.oobPrediction = state.oobPrediction;
  }

  /** Number of trees. */
  get nTrees(): number {
    return this.state.trees.length;
  }

  /** Trees are the resource and every tree trained is kept. */
  resourceUsed(): number {
    return this.nTrees;
  }

  /** Outputs per row: the number of classes, or 1 for regression. */
  get nOut(): number {
    return this.task === "regression" ? 1 : this.classes.length;
  }

  predict(x: Table): Predictions {
    const m = applyBinner(this.state.binner, x);
    const k = this.nOut;
    const out = new Float64Array(m.nRows * k);
    const trees = this.state.trees;
    for (const t of trees) addTreePredictions(t, m.bins, m.nRows, m.nFeatures, k, out);
    const scale = 1 / Math.max(1, trees.length);
    for (let i = 0; i < out.length; i++) out[i]! *= scale;
    return this.task === "regression" ? { task: "regression", values: out } : { task: this.task, classes: this.classes, proba: out };
  }

  /**
   * Mean decrease in impurity (Breiman 2001; scikit-learn's `feature_importances_`): each tree's
   * weighted impurity decreases per feature, normalised to sum to 1, averaged over the trees that
   * split at all, and normalised again.
   */
  featureImportance(): ReadonlyMap<string, number> {
    const names = this.state.binner.features.map((f) => f.name);
    const sum = new Float64Array(names.length);
    for (const t of this.state.trees) {
      let total = 0;
      for (let i = 0; i < t.gain.length; i++) total += t.gain[i]!;
      if (!(total > 0)) continue;
      for (let i = 0; i < t.gain.length; i++) if (t.feature[i]! >= 0) sum[t.feature[i]!]! += t.gain[i]! / total;
    }
    const grand = sum.reduce((a, b) => a + b, 0);
    return new Map(names.map((name, j) => [name, grand > 0 ? sum[j]! / grand : 0] as const));
  }

  /** A readable tree with raw thresholds and category names (for inspection and code generation). */
  dumpTree(index: number): TreeDump {
    const t = this.state.trees[index];
    if (t === undefined) throw new OuroborosError("invalid-argument", `${this.kind}: tree index must be in [0, ${this.nTrees - 1}], but got ${index}`);
    return dumpTree(t, this.state.binner, this.nOut);
  }

  save(): Artifact {
    const s = this.state;
    const trees = s.trees;
    const nt = trees.length;
    const nodeStart = new Int32Array(nt + 1);
    const leafStart = new Int32Array(nt + 1);
    const catStart = new Int32Array(nt + 1);
    trees.forEach((t, i) => {
      nodeStart[i + 1] = nodeStart[i]! + t.feature.length;
      leafStart[i + 1] = leafStart[i]! + leafCount(t, this.nOut);
      catStart[i + 1] = catStart[i]! + t.catBits.length / CAT_WORDS;
    });
    const nodes = nodeStart[nt]!;
    const cat = <T extends Int32Array | Uint8Array | Float64Array | Uint32Array>(make: (n: number) => T, total: number, pick: (t: Tree) => T): T => {
      const out = make(total);
      let o = 0;
      for (const t of trees) {
        const a = pick(t);
        out.set(a as never, o);
        o += a.length;
      }
      return out;
    };
    const state: JsonValue = {
      classes: [...s.classes],
      binner: s.binner as unknown as JsonValue,
      nTrainRows: s.nTrainRows,
      oobScore: s.oobScore,
    };
    return {
      kind: s.kind,
      task: s.task,
      spec: { kind: s.kind, params: { ...s.params } },
      state,
      arrays: {
        nodeStart,
        leafStart,
        catStart,
        seeds: s.seeds,
        feature: cat((n) => new Int32Array(n), nodes, (t) => t.feature),
        child: cat((n) => new Int32Array(n), nodes, (t) => t.child),
        threshold: cat((n) => new Int32Array(n), nodes, (t) => t.threshold),
        flags: cat((n) => new Uint8Array(n), nodes, (t) => t.flags),
        weight: cat((n) => new Float64Array(n), nodes, (t) => t.weight),
        gain: cat((n) => new Float64Array(n), nodes, (t) => t.gain),
        value: cat((n) => new Float64Array(n), leafStart[nt]! * this.nOut, (t) => t.value),
        catBits: cat((n) => new Uint32Array(n), catStart[nt]! * CAT_WORDS, (t) => t.catBits),
      },
    };
  }
}

/** Rebuilds a forest model from its artifact, checking every array and child index. */
export function loadForestModel(a: Artifact, kind: ForestKind, params: ForestParams): ForestModel {
  const fail = (what: string): never => {
    throw new OuroborosError("artifact-corrupt", `${kind}: ${what}`);
  };
  if (a.kind !== kind) fail(`the artifact is of kind "${a.kind}"`);
  const st = a.state as { classes?: unknown; binner?: unknown; nTrainRows?: unknown; oobScore?: unknown } | null;
  if (st === null || typeof st !== "object" || !Array.isArray(st.classes) || typeof st.binner !== "object" || typeof st.nTrainRows !== "number") fail("the artifact state lacks classes, binner or nTrainRows");
  const s = st!;
  const arr = <T>(name: string, ctor: abstract new (...args: never[]) => T): T => {
    const v = a.arrays[name];
    if (!(v instanceof ctor)) fail(`the artifact has no ${ctor.name} array "${name}"`);
    return v as T;
  };
  const nodeStart = arr("nodeStart", Int32Array);
  const leafStart = arr("leafStart", Int32Array);
  const catStart = arr("catStart", Int32Array);
  const seeds = arr("seeds", Uint32Array);
  const feature = arr("feature", Int32Array);
  const child = arr("child", Int32Array);
  const threshold = arr("threshold", Int32Array);
  const flags = arr("flags", Uint8Array);
  const weight = arr("weight", Float64Array);
  const gain = arr("gain", Float64Array);
  const value = arr("value", Float64Array);
  const catBits = arr("catBits", Uint32Array);
  const binner = s.binner as Binner;
  const classes = (s.classes as unknown[]).map(String);
  const nOut = a.task === "regression" ? 1 : classes.length;
  const nt = nodeStart.length - 1;
  const nFeatures = binner.features.length;
  if (nt < 0 || seeds.length !== nt || leafStart.length !== nt + 1 || catStart.length !== nt + 1) fail("per-tree offsets disagree");
  const nodes = nodeStart[nt]!;
  if ([feature, child, threshold, flags, weight, gain].some((x) => x.length !== nodes) || value.length !== leafStart[nt]! * nOut || catBits.length !== catStart[nt]! * CAT_WORDS) fail("array lengths disagree with the offsets");
  const trees: Tree[] = [];
  for (let i = 0; i < nt; i++) {
    const [n0, n1, l0, l1, c0, c1] = [nodeStart[i]!, nodeStart[i + 1]!, leafStart[i]!, leafStart[i + 1]!, catStart[i]!, catStart[i + 1]!];
    if (!(n1 > n0 && l1 > l0 && c1 >= c0)) fail(`tree ${i} has no nodes or leaves`);
    const t: Tree = {
      feature: feature.slice(n0, n1),
      child: child.slice(n0, n1),
      threshold: threshold.slice(n0, n1),
      flags: flags.slice(n0, n1),
      weight: weight.slice(n0, n1),
      gain: gain.slice(n0, n1),
      value: value.slice(l0 * nOut, l1 * nOut),
      catBits: catBits.slice(c0 * CAT_WORDS, c1 * CAT_WORDS),
    };
    // Children always follow their parent, so a valid tree's walk ends; check it did not get cut.
    for (let j = 0; j < t.feature.length; j++) {
      const f = t.feature[j]!;
      const c = t.child[j]!;
      if (f < 0 ? c >= l1 - l0 || c < 0 : f >= nFeatures || c <= j || c + 1 >= t.feature.length) fail(`tree ${i} node ${j} points outside the tree`);
      if (f >= 0 && (t.flags[j]! & 2) !== 0 && !(t.threshold[j]! >= 0 && t.threshold[j]! < c1 - c0)) fail(`tree ${i} node ${j} has no category set`);
      if (f >= 0 && (t.flags[j]! & 2) === 0 && !(t.threshold[j]! >= 0 && t.threshold[j]! < binCount(binner.features[f]!))) fail(`tree ${i} node ${j} has an out-of-range bin`);
    }
    trees.push(t);
  }
  return new ForestModel({
    kind,
    task: a.task,
    params,
    classes,
    binner,
    trees,
    seeds,
    nTrainRows: s.nTrainRows as number,
    oobScore: typeof s.oobScore === "number" ? s.oobScore : null,
  });
}
