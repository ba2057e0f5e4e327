/**
 * Gradient-boosted decision trees (GBDT) on histograms: our own XGBoost-`hist` / LightGBM-style
 * booster. Each round fits one tree per output to the gradients and hessians of the loss at the
 * current margins (second-order boosting) and adds its shrunken leaf values to the margins.
 *
 * Features are binned once with the shared binner (fit on the training rows only); trees are grown
 * by {@link TreeGrower} (histogram subtraction, native missing-value directions, categorical
 * partitions, depth-wise or leaf-wise growth). Rows may be subsampled per round and features per
 * tree. With `ctx.validation` the validation loss is reported after every round and, with
 * `earlyStoppingRounds`, boosting stops once it has not improved for that many rounds and the model
 * keeps the best round. `ctx.initModel` (a gbdt model of the same task) continues boosting from its
 * trees and binner, adding `nEstimators` rounds.
 *
 * @see Friedman, "Greedy function approximation: a gradient boosting machine", Ann. Stat. 2001.
 * @see Chen & Guestrin, "XGBoost: a scalable tree boosting system", KDD 2016.
 * @see Ke et al., "LightGBM: a highly efficient gradient boosting decision tree", NeurIPS 2017.
 */
import { OuroborosError } from "../../core/errors.js";
import { deriveSeed, Random } from "../../core/rng.js";
import type { Dataset } from "../../data/dataset.js";
import type { Artifact } from "../artifact.js";
import type { Capabilities, FitContext, Learner, Model } from "../learner.js";
import type { LearnerFactory } from "../registry.js";
import { applyBinner, binCount, fitBinner, MISSING_BIN, type Binner, type BinnedMatrix } from "../tree/binning.js";
import { addTreePredictions, TreeEnsemble } from "./ensemble.js";
import { TreeGrower, type TrainMatrix } from "./grow.js";
import { GBDTModel, gbdtModelFromArtifact } from "./model.js";
import { makeObjective, weightedMedian, type ObjectiveName } from "./objective.js";
import { resolveGBDTParams, type GBDTParams } from "./params.js";

const CAPABILITIES: Capabilities = { tasks: ["binary", "multiclass", "regression"], missingValues: true, categorical: true, sampleWeights: true, warmStart: true, resource: "nEstimators" };

/** How long (ms) boosting may run before it yields to the event loop, so `ctx.signal` can fire. */
const YIELD_MS = 20;

/** Gradient-boosted trees; see the module comment for the algorithm and {@link GBDTParams} for options. */
export class GBDTLearner implements Learner<GBDTParams> {
  readonly kind = "gbdt";
  readonly params: GBDTParams;
  readonly capabilities = CAPABILITIES;

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = resolveGBDTParams(params);
  }

  async fit(data: Dataset, ctx: FitContext): Promise<Model> {
    ctx.signal?.throwIfAborted();
    const p = this.params;
    const y = data.y;
    const n = data.x.nRows;
    if (n === 0) throw new OuroborosError("invalid-data", "gbdt: the training data has no rows");
    const objectiveName: ObjectiveName = y.task === "binary" ? "logloss" : y.task === "multiclass" ? "softmax" : p.objective;
    const classes = y.task === "regression" ? [] : y.classes;
    const obj = makeObjective(objectiveName, classes.length);
    const k = obj.nOutputs;
    const target: ArrayLike<number> = y.task === "regression" ? y.values : y.labels;
    const w = data.weights;
    if (w !== undefined && !(w.reduce((a, b) => a + b, 0) > 0)) throw new OuroborosError("invalid-data", "gbdt: the sample weights sum to 0; at least one row needs a positive weight");
    const init = checkInitModel(ctx.initModel, y.task, classes, objectiveName);

    const binner: Binner = init?.binner ?? fitBinner(data.x, p.maxBins);
    const binned = applyBinner(binner, data.x);
    const matrix = trainMatrix(binner, binned);
    const grower = new TreeGrower(matrix, p);
    const ensemble = init === undefined ? new TreeEnsemble() : TreeEnsemble.fromArrays(init.trees);
    const initTrees = ensemble.nTrees;
    const baseScore = init?.baseScore.slice() ?? obj.baseScore(target, w);
    const margins = init?.marginsOfBins(binned.bins, n) ?? tile(baseScore, n);

    const val = ctx.validation;
    let valBins: BinnedMatrix | undefined;
    let valMargins: Float64Array | undefined;
    let valTarget: ArrayLike<number> | undefined;
    if (val !== undefined) {
      if (val.y.task !== y.task) throw new OuroborosError("invalid-data", `gbdt: the validation target is ${val.y.task} but the training target is ${y.task}`);
      valTarget = val.y.task === "regression" ? val.y.values : val.y.labels;
      valBins = applyBinner(binner, val.x);
      valMargins = init?.marginsOfBins(valBins.bins, valBins.nRows) ?? tile(baseScore, valBins.nRows);
    }

    const rng = new Random(deriveSeed(ctx.seed, "gbdt"));
    const g = new Float64Array(n * k);
    const h = new Float64Array(n * k);
    const sample = new Int32Array(n);
    const allFeatures = Int32Array.from({ length: matrix.nFeatures }, (_, j) => j);
    const nColumns = Math.max(1, Math.round(p.colsampleBytree * matrix.nFeatures));
    let trainLoss = obj.gradients(margins, target, w, g, h);
    let best = { loss: Infinity, rounds: 0 };
    let lastYield = performance.now();

    for (let round = 1; round <= p.nEstimators; round++) {
      let nSample = n;
      if (p.subsample < 1) {
        nSample = 0;
        for (let i = 0; i < n; i++) if (rng.next() < p.subsample) sample[nSample++] = i;
      } else if (round === 1) {
        for (let i = 0; i < n; i++) sample[i] = i;
      }
      for (let c = 0; c < k; c++) {
        const feats = nColumns < matrix.nFeatures ? sampleColumns(rng, matrix.nFeatures, nColumns) : allFeatures;
        const tree = ensemble.nTrees;
        const gc = g.subarray(c * n, (c + 1) * n);
        const hc = h.subarray(c * n, (c + 1) * n);
        grower.grow(ensemble, gc, hc, sample, nSample, feats);
        if (obj.refreshLeaves) refreshLeaves(grower, ensemble, target, margins, k, c, w, p.learningRate);
        if (nSample === n) {
          // Every row is in some leaf's range: add leaf values without walking the tree.
          const rows = grower.rows;
          for (let l = 0; l < grower.leafNode.length; l++) {
            const v = ensemble.value[grower.leafNode[l]!]!;
            for (let i = grower.leafStart[l]!, e = grower.leafEnd[l]!; i < e; i++) margins[rows[i]! * k + c]! += v;
          }
        } else {
          addTreePredictions(ensemble, binned.bins, n, binned.nFeatures, k, tree, tree + 1, margins);
        }
        if (valBins !== undefined) addTreePredictions(ensemble, valBins.bins, valBins.nRows, valBins.nFeatures, k, tree, tree + 1, valMargins!);
      }
      trainLoss = obj.gradients(margins, target, w, g, h);
      const loss = val === undefined ? trainLoss : obj.loss(valMargins!, valTarget!, val.weights);
      if (loss < best.loss) best = { loss, rounds: round };
      if (ctx.report !== undefined) {
        const r = ctx.report(round, loss);
        if (r !== undefined) await r;
      }
      if (val !== undefined && p.earlyStoppingRounds > 0 && round - best.rounds >= p.earlyStoppingRounds) break;
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      ctx.signal?.throwIfAborted();
    }
    let bestIteration: number | undefined;
    if (val !== undefined && p.earlyStoppingRounds > 0) {
      ensemble.truncate(initTrees + best.rounds * k);
      bestIteration = best.rounds;
    }
    return new GBDTModel(y.task, classes, objectiveName, binner, ensemble.toArrays(), baseScore, p, bestIteration);
  }
}

function tile(base: Float64Array, n: number): Float64Array {
  const k = base.length;
  const m = new Float64Array(n * k);
  for (let i = 0; i < n; i++) m.set(base, i * k);
  return m;
}

function checkInitModel(m: Model | undefined, task: string, classes: readonly string[], objective: ObjectiveName): GBDTModel | undefined {
  if (m === undefined) return undefined;
  if (!(m instanceof GBDTModel)) throw new OuroborosError("invalid-argument", `gbdt: ctx.initModel must be a gbdt model, but got a ${m.kind} model`);
  if (m.task !== task || m.objective !== objective || m.classes.length !== classes.length || m.classes.some((c, i) => c !== classes[i])) {
    throw new OuroborosError("invalid-argument", `gbdt: ctx.initModel was fit for ${m.task} (${m.objective}; classes ${JSON.stringify(m.classes)}) but the data is ${task} (${objective}; classes ${JSON.stringify(classes)})`);
  }
  return m;
}

/**
 * The binned training rows as the grower wants them: features that can split (two or more bins, or
 * one bin plus missing values) in a compact row-major matrix where missing is bin `nBins[j]`.
 */
export function trainMatrix(binner: Binner, binned: BinnedMatrix): TrainMatrix {
  const { nRows: n, nFeatures: p, bins } = binned;
  const hasMissing = new Uint8Array(p);
  for (let i = 0; i < n * p; i++) if (bins[i] === MISSING_BIN) hasMissing[i % p] = 1;
  const active: number[] = [];
  binner.features.forEach((f, j) => {
    const nb = binCount(f);
    if (nb >= 2 || (nb >= 1 && hasMissing[j] === 1)) active.push(j);
  });
  const pa = active.length;
  const nBins = Int32Array.from(active, (j) => binCount(binner.features[j]!));
  const isCat = Uint8Array.from(active, (j) => (binner.features[j]!.kind === "categorical" ? 1 : 0));
  let out = bins;
  if (pa !== p || hasMissing.some((v) => v === 1)) {
    out = new Uint8Array(n * pa);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < pa; a++) {
        const b = bins[i * p + active[a]!]!;
        out[i * pa + a] = b === MISSING_BIN ? nBins[a]! : b;
      }
    }
  }
  return { nRows: n, nFeatures: pa, bins: out, nBins, isCat, featureIndex: Int32Array.from(active) };
}

/** `count` distinct features of `p`, ascending (a partial Fisher–Yates shuffle). */
function sampleColumns(rng: Random, p: number, count: number): Int32Array {
  const all = Int32Array.from({ length: p }, (_, j) => j);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(p - i);
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.slice(0, count).sort();
}

/** Absolute error: each leaf's value becomes the weighted median residual of its rows, shrunk. */
function refreshLeaves(grower: TreeGrower, e: TreeEnsemble, y: ArrayLike<number>, margins: Float64Array, k: number, c: number, w: Float64Array | undefined, lr: number): void {
  for (let l = 0; l < grower.leafNode.length; l++) {
    const med = weightedMedian(grower.rows, grower.leafStart[l]!, grower.leafEnd[l]!, (r) => y[r]! - margins[r * k + c]!, w);
    e.value[grower.leafNode[l]!] = lr * med;
  }
}

/** Registry entry of gradient-boosted trees (kind `"gbdt"`). */
export const gbdtLearnerFactory: LearnerFactory = {
  kind: "gbdt",
  create: (params) => new GBDTLearner(params),
  load: (a: Artifact) => gbdtModelFromArtifact(a),
};
