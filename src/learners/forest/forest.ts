/**
 * Random forests (Breiman 2001) and extra trees (Geurts, Ernst & Wehenkel 2006): averages of deep
 * decision trees, each grown on a bootstrap sample (random forest) or on all rows (extra trees),
 * choosing each split among a random subset of the features: the best cut (random forest) or one
 * random cut per feature (extra trees). Both share one histogram tree grower over binned features.
 *
 * Fitting bins the features once (`maxBins` quantile bins; categories get their own bins; missing
 * values their own bin, routed to whichever side helps), then grows `nEstimators` trees, tree `t`
 * from the seed `deriveSeed(seed, "tree", t)`. Trees are the training resource: after each one the
 * learner reports the validation loss, else the out-of-bag loss (bootstrap), else the training loss
 * (log-loss or squared error), and warm start (`ctx.initModel`) grows an existing forest up to
 * `nEstimators` trees, giving the same trees a single fit with the same seed would have grown.
 * With bootstrap, the out-of-bag score (accuracy or R²) and predictions are kept on the model.
 *
 * @see L. Breiman, "Random Forests", Machine Learning 45, 2001.
 * @see P. Geurts, D. Ernst, L. Wehenkel, "Extremely randomized trees", Machine Learning 63, 2006.
 */
import { OuroborosError } from "../../core/errors.js";
import { deriveSeed, Random } from "../../core/rng.js";
import type { Dataset, Task } from "../../data/dataset.js";
import type { Capabilities, FitContext, Learner, Predictions } from "../learner.js";
import type { LearnerFactory } from "../registry.js";
import { applyBinner, binCount, fitBinner, type Binner } from "../tree/binning.js";
import { resolveForestParams, resolveSizes, type ForestKind, type ForestParams } from "./forest-params.js";
import { ForestModel, loadForestModel } from "./forest-model.js";
import { TreeGrower, type GrowerData } from "./grower.js";
import { addTreePredictions, type Tree } from "./tree.js";

const CAPABILITIES: Capabilities = {
  tasks: ["binary", "multiclass", "regression"],
  missingValues: true,
  categorical: true,
  sampleWeights: true,
  warmStart: true,
  resource: "nEstimators",
};

/** Random forest or extra trees, by `kind`; hyperparameters in {@link ForestParams}. */
export class ForestLearner implements Learner<ForestParams> {
  readonly params: ForestParams;
  readonly capabilities = CAPABILITIES;

  constructor(
    readonly kind: ForestKind,
    params: Readonly<Record<string, unknown>> = {},
  ) {
    this.params = resolveForestParams(kind, params);
  }

  async fit(data: Dataset, ctx: FitContext): Promise<ForestModel> {
    ctx.signal?.throwIfAborted();
    const p = this.params;
    const y = data.y;
    const classification = y.task !== "regression";
    const classes = classification ? y.classes : [];
    const nOut = classification ? classes.length : 1;
    const n = data.x.nRows;
    if (classification && nOut < 1) throw new OuroborosError("invalid-data", `${this.kind}: the class target has no classes`);
    if (!classification) for (let i = 0; i < n; i++) if (!Number.isFinite(y.values[i]!)) throw new OuroborosError("invalid-data", `${this.kind}: the regression target must be finite, but row ${i} is ${y.values[i]}`);

    const init = this.checkInit(ctx, y.task, classes);
    const binner: Binner = init?.state.binner ?? fitBinner(data.x, p.maxBins);
    const m = applyBinner(binner, data.x);
    const nf = m.nFeatures;
    const binsT = new Uint8Array(n * nf);
    for (let r = 0; r < n; r++) for (let f = 0; f < nf; f++) binsT[f * n + r] = m.bins[r * nf + f]!;

    const sw = data.weights ?? new Float64Array(n).fill(1);
    let totalW = 0;
    for (let i = 0; i < n; i++) totalW += sw[i]!;
    if (!(totalW > 0)) throw new OuroborosError("invalid-data", `${this.kind}: the sample weights sum to ${totalW}; at least one row needs a positive weight`);

    const grow: GrowerData = {
      nRows: n,
      nFeatures: nf,
      binsT,
      categorical: Uint8Array.from(binner.features, (f) => (f.kind === "categorical" ? 1 : 0)),
      lastBin: Int32Array.from(binner.features, (f) => binCount(f) - 1),
      label: classification ? y.labels : null,
      target: classification ? null : y.values,
      nClasses: classification ? nOut : 0,
    };
    const sizes = resolveSizes(p, classification, n, nf);
    const grower = new TreeGrower(grow, {
      criterion: p.criterion,
      maxDepth: sizes.maxDepth,
      minSamplesSplit: sizes.minSamplesSplit,
      minSamplesLeaf: sizes.minSamplesLeaf,
      minImpurityDecrease: p.minImpurityDecrease,
      mtry: sizes.mtry,
      randomSplits: this.kind === "extra-trees",
    });

    const trees: Tree[] = init === undefined ? [] : [...init.state.trees];
    const seeds: number[] = init === undefined ? [] : Array.from(init.state.seeds);
    const counts = new Int32Array(n);
    const weights = new Float64Array(n);
    const mask = new Uint8Array(n);
    const oob = p.bootstrap ? { sum: new Float64Array(n * nOut), count: new Int32Array(n) } : null;
    const drawSample = (seed: number): Random => {
      const rng = new Random(seed);
      if (!p.bootstrap) {
        weights.set(sw);
        return rng;
      }
      counts.fill(0);
      for (let i = 0; i < sizes.nBootstrap; i++) counts[rng.int(n)]!++;
      let drawn = 0;
      for (let r = 0; r < n; r++) {
        weights[r] = counts[r]! * sw[r]!;
        mask[r] = counts[r] === 0 ? 1 : 0;
        drawn += weights[r]!;
      }
      // A sample of only zero-weight rows (possible when most weights are 0): use every row instead.
      if (!(drawn > 0)) {
        weights.set(sw);
        mask.fill(0);
      }
      return rng;
    };
    const addOob = (t: Tree): void => {
      if (oob === null) return;
      addTreePredictions(t, m.bins, n, nf, nOut, oob.sum, 1, mask);
      for (let r = 0; r < n; r++) oob.count[r]! += mask[r]!;
    };
    // Out-of-bag rows of earlier trees are known only when warm-starting on data of the same size.
    if (oob !== null && init !== undefined && init.state.nTrainRows === n) {
      trees.forEach((t, i) => {
        drawSample(seeds[i]!);
        addOob(t);
      });
    }
    const monitor = ctx.report === undefined ? null : new LossMonitor(this.kind, binner, data, ctx.validation, oob, sw, nOut);
    if (monitor !== null) for (const t of trees) monitor.add(t);

    let lastYield = performance.now();
    for (let t = trees.length; t < p.nEstimators; t++) {
      const seed = deriveSeed(ctx.seed, "tree", t);
      const rng = drawSample(seed);
      const tree = grower.grow(weights, rng);
      trees.push(tree);
      seeds.push(seed);
      addOob(tree);
      if (monitor !== null) {
        monitor.add(tree);
        await ctx.report!(trees.length, monitor.loss(trees.length));
      }
      // Let timers and abort signals run during long fits.
      if (performance.now() - lastYield > 20) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      ctx.signal?.throwIfAborted();
    }

    const oobResult = oob === null ? null : oobSummary(oob.sum, oob.count, data, nOut);
    return new ForestModel({
      kind: this.kind,
      task: y.task,
      params: p,
      classes,
      binner,
      trees,
      seeds: Uint32Array.from(seeds),
      nTrainRows: n,
      oobScore: oobResult?.score ?? null,
      ...(oobResult === null ? {} : { oobPrediction: oobResult.prediction }),
    });
  }

  private checkInit(ctx: FitContext, task: Task, classes: readonly string[]): ForestModel | undefined {
    const init = ctx.initModel;
    if (init === undefined) return undefined;
    if (!(init instanceof ForestModel) || init.kind !== this.kind) throw new OuroborosError("invalid-argument", `${this.kind}: warm start needs a ${this.kind} model, but got a "${init.kind}" model`);
    if (init.task !== task) throw new OuroborosError("invalid-argument", `${this.kind}: warm start needs the same task, but the model is ${init.task} and the data is ${task}`);
    if (init.classes.length !== classes.length || init.classes.some((c, i) => c !== classes[i])) {
      throw new OuroborosError("invalid-argument", `${this.kind}: warm start needs the same classes, but the model has [${init.classes.join(", ")}] and the data has [${classes.join(", ")}]`);
    }
    return init;
  }
}

/** Tracks the loss `ctx.report` receives as trees are added. */
class LossMonitor {
  private readonly sum: Float64Array;
  private readonly bins: Uint8Array;
  private readonly nRows: number;
  private readonly nFeatures: number;
  private readonly target: Dataset;
  private readonly rowWeight: Float64Array;
  private readonly prior: Float64Array;

  constructor(
    kind: string,
    binner: Binner,
    train: Dataset,
    validation: Dataset | undefined,
    private readonly oob: { sum: Float64Array; count: Int32Array } | null,
    sw: Float64Array,
    private readonly nOut: number,
  ) {
    this.target = validation ?? train;
    if (validation !== undefined && validation.y.task !== train.y.task) throw new OuroborosError("invalid-argument", `${kind}: the validation set is ${validation.y.task} but the training data is ${train.y.task}`);
    const m = applyBinner(binner, this.target.x);
    this.bins = m.bins;
    this.nRows = m.nRows;
    this.nFeatures = m.nFeatures;
    this.sum = new Float64Array(validation === undefined && oob !== null ? 0 : m.nRows * nOut);
    this.rowWeight = validation === undefined ? sw : (validation.weights ?? new Float64Array(m.nRows).fill(1));
    // What an out-of-bag row with no out-of-bag tree yet is scored with: the weighted training prior.
    this.prior = new Float64Array(nOut);
    const y = train.y;
    let total = 0;
    for (let i = 0; i < train.x.nRows; i++) {
      if (y.task === "regression") this.prior[0]! += sw[i]! * y.values[i]!;
      else this.prior[y.labels[i]!]! += sw[i]!;
      total += sw[i]!;
    }
    for (let k = 0; k < nOut; k++) this.prior[k]! /= total;
  }

  /** Adds a tree's predictions (out-of-bag sums are kept by the caller). */
  add(t: Tree): void {
    if (this.sum.length > 0) addTreePredictions(t, this.bins, this.nRows, this.nFeatures, this.nOut, this.sum);
  }

  /** Weighted log-loss or squared error of the current ensemble. */
  loss(nTrees: number): number {
    const k = this.nOut;
    const useOob = this.sum.length === 0;
    const sum = useOob ? this.oob!.sum : this.sum;
    const y = this.target.y;
    let s = 0;
    let sw = 0;
    for (let r = 0; r < this.nRows; r++) {
      const w = this.rowWeight[r]!;
      if (!(w > 0)) continue;
      const c = useOob ? this.oob!.count[r]! : nTrees;
      const pred = (j: number): number => (c > 0 ? sum[r * k + j]! / c : this.prior[j]!);
      if (y.task === "regression") s += w * (pred(0) - y.values[r]!) ** 2;
      else s -= w * Math.log(Math.max(1e-15, pred(y.labels[r]!)));
      sw += w;
    }
    return sw > 0 ? s / sw : 0;
  }
}

/** Out-of-bag predictions (NaN for rows in every sample) and their accuracy or R². */
function oobSummary(sum: Float64Array, count: Int32Array, data: Dataset, nOut: number): { score: number | null; prediction: Predictions } {
  const n = count.length;
  const pred = new Float64Array(n * nOut);
  const y = data.y;
  let used = 0;
  let hits = 0;
  let mean = 0;
  for (let r = 0; r < n; r++) {
    const c = count[r]!;
    for (let k = 0; k < nOut; k++) pred[r * nOut + k] = c > 0 ? sum[r * nOut + k]! / c : Number.NaN;
    if (c === 0) continue;
    used++;
    if (y.task === "regression") mean += y.values[r]!;
    else {
      let best = 0;
      for (let k = 1; k < nOut; k++) if (pred[r * nOut + k]! > pred[r * nOut + best]!) best = k;
      if (best === y.labels[r]) hits++;
    }
  }
  if (y.task !== "regression") return { score: used > 0 ? hits / used : null, prediction: { task: y.task, classes: y.classes, proba: pred } };
  mean /= Math.max(1, used);
  let res = 0;
  let tot = 0;
  for (let r = 0; r < n; r++) {
    if (count[r] === 0) continue;
    res += (pred[r]! - y.values[r]!) ** 2;
    tot += (y.values[r]! - mean) ** 2;
  }
  return { score: used > 0 ? (tot > 0 ? 1 - res / tot : res === 0 ? 1 : 0) : null, prediction: { task: "regression", values: pred } };
}

function factory(kind: ForestKind): LearnerFactory {
  return {
    kind,
    create: (params) => new ForestLearner(kind, params),
    load: (a) => loadForestModel(a, kind, new ForestLearner(kind, a.spec.params as Record<string, unknown>).params),
  };
}

/** Registry entry of the random forest (`kind: "random-forest"`). */
export const randomForestLearnerFactory: LearnerFactory = factory("random-forest");

/** Registry entry of extra trees (`kind: "extra-trees"`). */
export const extraTreesLearnerFactory: LearnerFactory = factory("extra-trees");
