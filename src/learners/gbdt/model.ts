/**
 * A fitted gradient-boosted trees model: the training binner, the base score and the trees as flat
 * arrays. Predicting bins the rows with the training binner, walks every tree and maps the summed
 * margins through the objective's link (identity, sigmoid or softmax). The model saves as an
 * artifact whose arrays are exactly the ensemble's node arrays.
 */
import { OuroborosError } from "../../core/errors.js";
import type { JsonValue } from "../../core/json.js";
import type { Task } from "../../data/dataset.js";
import type { Table } from "../../data/table.js";
import type { Artifact } from "../artifact.js";
import type { Model, Predictions } from "../learner.js";
import { applyBinner, binCount, type Binner } from "../tree/binning.js";
import { dumpModel, type GBDTDump } from "./dump.js";
import { addTreePredictions, CAT_WORDS, type EnsembleArrays } from "./ensemble.js";
import type { ObjectiveName } from "./objective.js";
import { resolveGBDTParams, type GBDTParams } from "./params.js";

/** A fitted {@link GBDTLearner} model. */
export class GBDTModel implements Model {
  readonly kind = "gbdt";

  /**
   * @param classes class names (empty for regression)
   * @param baseScore starting margin per output
   * @param bestIteration the kept number of rounds when early stopping chose one, else undefined
   */
  constructor(
    readonly task: Task,
    readonly classes: readonly string[],
    readonly objective: ObjectiveName,
    readonly binner: Binner,
    readonly trees: EnsembleArrays,
    readonly baseScore: Float64Array,
    readonly params: GBDTParams,
    readonly bestIteration?: number,
  ) {}

  /** Outputs per row (1, or the number of classes for multiclass). */
  get nOutputs(): number {
    return this.baseScore.length;
  }

  /** Boosting rounds in the model. */
  get nRounds(): number {
    return this.trees.treeStart.length / this.nOutputs;
  }

  /** The rounds early stopping kept (the model holds exactly those), else all rounds trained. */
  resourceUsed(): number {
    return this.bestIteration ?? this.nRounds;
  }

  /** Raw margins, row-major `nRows × nOutputs`, of the first `nTrees` trees (default all). */
  predictMargins(x: Table, nTrees = this.trees.treeStart.length): Float64Array {
    const binned = applyBinner(this.binner, x);
    return this.marginsOfBins(binned.bins, binned.nRows, nTrees);
  }

  /** Margins of rows already binned with this model's binner. */
  marginsOfBins(bins: Uint8Array, nRows: number, nTrees = this.trees.treeStart.length): Float64Array {
    const k = this.nOutputs;
    const margins = new Float64Array(nRows * k);
    for (let i = 0; i < nRows; i++) margins.set(this.baseScore, i * k);
    addTreePredictions(this.trees, bins, nRows, this.binner.features.length, k, 0, nTrees, margins);
    return margins;
  }

  predict(x: Table): Predictions {
    return marginsToPredictions(this.task, this.classes, this.predictMargins(x));
  }

  save(): Artifact {
    const t = this.trees;
    const state: JsonValue = {
      classes: [...this.classes],
      objective: this.objective,
      binner: this.binner as unknown as JsonValue,
      ...(this.bestIteration === undefined ? {} : { bestIteration: this.bestIteration }),
    };
    return {
      kind: this.kind,
      task: this.task,
      spec: { kind: this.kind, params: { ...this.params } },
      state,
      arrays: {
        feature: t.feature,
        threshold: t.threshold,
        missingLeft: t.missingLeft,
        left: t.left,
        value: t.value,
        gain: t.gain,
        cover: t.cover,
        catBits: t.catBits,
        treeStart: t.treeStart,
        baseScore: this.baseScore,
      },
    };
  }

  /** Total split gain per feature (every training column, 0 when never used). */
  featureImportance(): ReadonlyMap<string, number> {
    const total = new Float64Array(this.binner.features.length);
    const { feature, gain } = this.trees;
    for (let i = 0; i < feature.length; i++) if (feature[i]! >= 0) total[feature[i]!]! += gain[i]!;
    return new Map(this.binner.features.map((f, j) => [f.name, total[j]!] as const));
  }

  /** The trees in readable form, with raw thresholds and category labels (see {@link GBDTDump}). */
  dump(): GBDTDump {
    return dumpModel(this);
  }
}

/** Maps margins through the link of a task: identity, sigmoid (binary) or softmax (multiclass). */
export function marginsToPredictions(task: Task, classes: readonly string[], margins: Float64Array): Predictions {
  if (task === "regression") return { task, values: margins };
  if (task === "binary") {
    const n = margins.length;
    const proba = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-margins[i]!));
      proba[2 * i] = 1 - p;
      proba[2 * i + 1] = p;
    }
    return { task, classes, proba };
  }
  const k = classes.length;
  const n = margins.length / k;
  const proba = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let m = -Infinity;
    for (let c = 0; c < k; c++) m = Math.max(m, margins[o + c]!);
    let s = 0;
    for (let c = 0; c < k; c++) s += proba[o + c] = Math.exp(margins[o + c]! - m);
    for (let c = 0; c < k; c++) proba[o + c]! /= s;
  }
  return { task, classes, proba };
}

function corrupt(what: string): OuroborosError {
  return new OuroborosError("artifact-corrupt", `gbdt: ${what}`);
}

function typed<T>(a: Artifact, name: string, ctor: new (n: number) => T): T {
  const v = a.arrays[name];
  if (!(v instanceof (ctor as unknown as typeof Int32Array))) throw corrupt(`the artifact's array "${name}" is missing or has the wrong type (expected ${ctor.name})`);
  return v as unknown as T;
}

/** Rebuilds a model from its artifact, checking that every node and index is in range. */
export function gbdtModelFromArtifact(a: Artifact): GBDTModel {
  const state = a.state as { classes?: unknown; objective?: unknown; binner?: unknown; bestIteration?: unknown };
  if (!Array.isArray(state.classes) || typeof state.objective !== "string" || typeof state.binner !== "object" || state.binner === null) throw corrupt("the artifact state lacks classes, objective or binner");
  const binner = state.binner as Binner;
  const trees: EnsembleArrays = {
    feature: typed(a, "feature", Int32Array),
    threshold: typed(a, "threshold", Int32Array),
    missingLeft: typed(a, "missingLeft", Uint8Array),
    left: typed(a, "left", Int32Array),
    value: typed(a, "value", Float64Array),
    gain: typed(a, "gain", Float64Array),
    cover: typed(a, "cover", Float64Array),
    catBits: typed(a, "catBits", Uint32Array),
    treeStart: typed(a, "treeStart", Int32Array),
  };
  const baseScore = typed(a, "baseScore", Float64Array);
  const n = trees.feature.length;
  for (const name of ["threshold", "missingLeft", "left", "value", "gain", "cover"] as const) {
    if (trees[name].length !== n) throw corrupt(`array "${name}" has ${trees[name].length} entries but "feature" has ${n}`);
  }
  const k = baseScore.length;
  if (k === 0 || trees.treeStart.length % k !== 0) throw corrupt(`${trees.treeStart.length} trees do not divide into ${k} outputs`);
  const nCat = trees.catBits.length / CAT_WORDS;
  const nf = binner.features.length;
  for (let t = 0; t < trees.treeStart.length; t++) {
    const s = trees.treeStart[t]!;
    if (!(s >= 0 && s < n && (t === 0 ? s === 0 : s > trees.treeStart[t - 1]!))) throw corrupt(`tree ${t} starts at node ${s}, out of order or range`);
  }
  for (let i = 0; i < n; i++) {
    const f = trees.feature[i]!;
    if (f < 0) continue;
    const l = trees.left[i]!;
    const th = trees.threshold[i]!;
    const fb = binner.features[f];
    if (fb === undefined || f >= nf) throw corrupt(`node ${i} splits on feature ${f}, but the model has ${nf}`);
    if (!(l > i && l + 1 < n)) throw corrupt(`node ${i} has children ${l}, ${l + 1} out of range`);
    if (fb.kind === "numeric" ? !(th >= 0 && th < binCount(fb)) : !(th < 0 && ~th < nCat)) throw corrupt(`node ${i} has an invalid threshold ${th}`);
  }
  const params = resolveGBDTParams(a.spec.params as Record<string, unknown>);
  const best = typeof state.bestIteration === "number" ? state.bestIteration : undefined;
  return new GBDTModel(a.task, state.classes as string[], state.objective as ObjectiveName, binner, trees, baseScore, params, best);
}
