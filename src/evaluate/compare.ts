/**
 * Paired comparison of two models evaluated on the same resampling folds: the corrected resampled
 * t-test over per-fold scores and a paired bootstrap over out-of-fold predictions. Both answer
 * "is B better than A?" in the metric's own direction.
 */
import { OuroborosError } from "../core/errors.js";
import { Random } from "../core/rng.js";
import { selectTargetRows, type Target, targetLength } from "../data/dataset.js";
import type { Predictions } from "../learners/learner.js";
import { quantile, studentTCdf, studentTQuantile } from "../numeric/stats.js";
import type { CrossValidationResult } from "./cross-validate.js";
import { getMetric, type Metric } from "./metrics/registry.js";
import { predictionRows, selectPredictionRows } from "./predictions.js";
import { checkConfidence, varianceFactor, type VarianceCorrection } from "./summary.js";

/** The outcome of a paired comparison of A (baseline) and B (candidate). */
export interface PairedComparison {
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  readonly method: "corrected-t" | "bootstrap";
  /** Mean score of A and of B. */
  readonly meanA: number;
  readonly meanB: number;
  /** B − A in metric units. */
  readonly difference: number;
  /** Confidence interval of B − A. */
  readonly ci: readonly [number, number];
  /** How much better B is than A: B − A for scores, A − B for losses (positive = B better). */
  readonly improvement: number;
  /** Two-sided p-value of "no difference". */
  readonly pValue: number;
  /** B is better than A at the level: the improvement is positive and `pValue < 1 − confidence`. */
  readonly bBetter: boolean;
  readonly confidence: number;
}

/** Options of {@link correctedResampledTTest}. */
export interface CorrectedTTestOptions {
  /** Training and test rows per fold (means when they vary). */
  readonly nTrain: number;
  readonly nTest: number;
  readonly greaterIsBetter: boolean;
  /** Interval level and significance (1 − confidence). Default 0.95. */
  readonly confidence?: number;
  /** Default `nadeau-bengio`; `none` gives the ordinary paired t-test (too liberal for CV). */
  readonly correction?: VarianceCorrection;
  /** Name reported in the result. Default "score". */
  readonly metric?: string;
}

/**
 * Nadeau & Bengio's corrected resampled t-test on paired per-fold scores.
 *
 * With d_j = b_j − a_j over J folds, mean d̄ and sample variance s², the statistic is
 * t = d̄ / √((1/J + nTest/nTrain) · s²) on J − 1 degrees of freedom. The extra nTest/nTrain term
 * accounts for the correlation between folds whose training sets overlap; without it the ordinary
 * paired t-test rejects far too often (Bouckaert & Frank 2004). When every d_j is equal the variance
 * is 0: p = 1 if d̄ = 0, else p = 0.
 * @see C. Nadeau, Y. Bengio, "Inference for the generalization error", Machine Learning 52 (2003).
 * @see R. R. Bouckaert, E. Frank, "Evaluating the replicability of significance tests for comparing
 *   learning algorithms", PAKDD 2004.
 */
export function correctedResampledTTest(scoresA: ArrayLike<number>, scoresB: ArrayLike<number>, options: CorrectedTTestOptions): PairedComparison {
  const confidence = options.confidence ?? 0.95;
  checkConfidence(confidence);
  const j = scoresA.length;
  if (scoresB.length !== j) throw new OuroborosError("invalid-argument", `paired t-test: A has ${j} fold scores but B has ${scoresB.length}`);
  if (j < 2) throw new OuroborosError("invalid-argument", `paired t-test needs at least 2 folds, but got ${j}`);
  let sumA = 0;
  let sumB = 0;
  const d = new Float64Array(j);
  for (let i = 0; i < j; i++) {
    sumA += scoresA[i]!;
    sumB += scoresB[i]!;
    d[i] = scoresB[i]! - scoresA[i]!;
  }
  let dMean = 0;
  for (let i = 0; i < j; i++) dMean += d[i]!;
  dMean /= j;
  let ss = 0;
  for (let i = 0; i < j; i++) ss += (d[i]! - dMean) ** 2;
  const se = Math.sqrt((ss / (j - 1)) * varianceFactor(j, options.nTrain, options.nTest, options.correction ?? "nadeau-bengio"));
  let pValue: number;
  if (se === 0) pValue = dMean === 0 ? 1 : 0;
  else pValue = 2 * studentTCdf(-Math.abs(dMean / se), j - 1);
  const half = se === 0 ? 0 : studentTQuantile((1 + confidence) / 2, j - 1) * se;
  return finish(options.metric ?? "score", options.greaterIsBetter, "corrected-t", sumA / j, sumB / j, dMean, [dMean - half, dMean + half], pValue, confidence);
}

function finish(metric: string, greaterIsBetter: boolean, method: PairedComparison["method"], meanA: number, meanB: number, difference: number, ci: readonly [number, number], pValue: number, confidence: number): PairedComparison {
  const improvement = greaterIsBetter ? difference : -difference;
  return { metric, greaterIsBetter, method, meanA, meanB, difference, ci, improvement, pValue: Math.min(1, pValue), bBetter: improvement > 0 && pValue < 1 - confidence, confidence };
}

/** Options of {@link pairedBootstrap}. */
export interface PairedBootstrapOptions {
  /** Bootstrap resamples. Default 2000. */
  readonly nResamples?: number;
  /** Default 0. */
  readonly seed?: number;
  /** Default 0.95. */
  readonly confidence?: number;
  /** Sample weights of the rows (resampled along with them). */
  readonly weights?: Float64Array;
}

/**
 * Paired bootstrap of a metric over the same rows predicted by A and B (typically out-of-fold
 * predictions from the same folds).
 *
 * Each resample draws n rows with replacement and scores A and B on the same drawn rows, so
 * per-row difficulty cancels. The interval is the percentile interval of the resampled B − A; the
 * p-value is the share of resampled differences at least as far from the observed one as the
 * observed one is from 0, (1 + #{|d*_b − d̂| ≥ |d̂|}) / (B + 1), i.e. the bootstrap distribution
 * shifted to the null. Works for any metric, including non-decomposable ones (AUC, F1).
 * @see B. Efron, R. J. Tibshirani, An Introduction to the Bootstrap (1993), §16.
 */
export function pairedBootstrap(y: Target, predA: Predictions, predB: Predictions, metric: string | Metric, options: PairedBootstrapOptions = {}): PairedComparison {
  const m = typeof metric === "string" ? getMetric(metric) : metric;
  const nResamples = options.nResamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  checkConfidence(confidence);
  if (!Number.isInteger(nResamples) || nResamples < 1) throw new OuroborosError("invalid-argument", `pairedBootstrap: \`nResamples\` must be an integer ≥ 1, but got ${nResamples}`);
  const n = targetLength(y);
  for (const [name, p] of [["A", predA], ["B", predB]] as const) {
    if (predictionRows(p) !== n) throw new OuroborosError("invalid-argument", `pairedBootstrap: predictions of ${name} have ${predictionRows(p)} rows but the target has ${n}`);
    const values = p.task === "regression" ? p.values : p.proba;
    if (values.some((v) => Number.isNaN(v))) throw new OuroborosError("invalid-argument", `pairedBootstrap: predictions of ${name} contain NaN (rows that no fold predicted?)`);
  }
  const w = options.weights;
  const scoreA = m.compute(y, predA, w);
  const scoreB = m.compute(y, predB, w);
  const observed = scoreB - scoreA;
  const rng = new Random(options.seed ?? 0);
  const idx = new Int32Array(n);
  const diffs = new Float64Array(nResamples);
  let extreme = 0;
  if (m.rows !== undefined) {
    // A mean of row values: resample the rows' values (same draws, same summation order, so the
    // same numbers as recomputing the metric, without a metric call and two copies per resample).
    const ra = m.rows.values(y, predA);
    const rb = m.rows.values(y, predB);
    const ofMean = m.rows.ofMean ?? ((x: number): number => x);
    for (let b = 0; b < nResamples; b++) {
      let sa = 0;
      let sb = 0;
      let sw = 0;
      for (let i = 0; i < n; i++) {
        const r = rng.int(n);
        const wi = w === undefined ? 1 : w[r]!;
        sa += wi * ra[r]!;
        sb += wi * rb[r]!;
        sw += wi;
      }
      if (!(sw > 0)) throw new OuroborosError("invalid-argument", `pairedBootstrap: a resample's weights sum to ${sw}; need rows with positive weight`);
      const d = ofMean(sb / sw) - ofMean(sa / sw);
      diffs[b] = d;
      if (Math.abs(d - observed) >= Math.abs(observed)) extreme++;
    }
    const alpha = 1 - confidence;
    const ci: [number, number] = [quantile(diffs, alpha / 2), quantile(diffs, 1 - alpha / 2)];
    return finish(m.name, m.greaterIsBetter, "bootstrap", scoreA, scoreB, observed, ci, (1 + extreme) / (nResamples + 1), confidence);
  }
  for (let b = 0; b < nResamples; b++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    const yb = selectTargetRows(y, idx);
    let wb: Float64Array | undefined;
    if (w !== undefined) {
      wb = new Float64Array(n);
      for (let i = 0; i < n; i++) wb[i] = w[idx[i]!]!;
    }
    const d = m.compute(yb, selectPredictionRows(predB, idx), wb) - m.compute(yb, selectPredictionRows(predA, idx), wb);
    diffs[b] = d;
    if (Math.abs(d - observed) >= Math.abs(observed)) extreme++;
  }
  const alpha = 1 - confidence;
  const ci: [number, number] = [quantile(diffs, alpha / 2), quantile(diffs, 1 - alpha / 2)];
  return finish(m.name, m.greaterIsBetter, "bootstrap", scoreA, scoreB, observed, ci, (1 + extreme) / (nResamples + 1), confidence);
}

/** Options of {@link compareCrossValidation}. */
export interface CompareOptions {
  /** Metric to compare (must be in both results). Default: A's primary metric. */
  readonly metric?: string;
  /** Default `corrected-t`. */
  readonly method?: "corrected-t" | "bootstrap";
  /** Default 0.95. */
  readonly confidence?: number;
  /** Bootstrap only. Default 2000. */
  readonly nResamples?: number;
  /** Bootstrap only. Default 0. */
  readonly seed?: number;
}

/**
 * Compares two cross-validation results that used the same folds (same `seed`, `k`, `repeats`, or
 * the same explicit folds): A is the baseline, B the candidate. The corrected t-test uses the
 * per-fold scores; the bootstrap uses the out-of-fold predictions (averaged over repeats).
 */
export function compareCrossValidation(a: CrossValidationResult, b: CrossValidationResult, options: CompareOptions = {}): PairedComparison {
  checkSameFolds(a, b);
  const name = options.metric ?? a.primary;
  const ra = a.metrics[name];
  const rb = b.metrics[name];
  if (ra === undefined || rb === undefined) {
    throw new OuroborosError("invalid-argument", `compareCrossValidation: metric "${name}" must be in both results, but A has [${Object.keys(a.metrics).join(", ")}] and B has [${Object.keys(b.metrics).join(", ")}]`);
  }
  const confidence = options.confidence ?? 0.95;
  if ((options.method ?? "corrected-t") === "corrected-t") {
    return correctedResampledTTest(ra.scores, rb.scores, { nTrain: a.nTrain, nTest: a.nTest, greaterIsBetter: ra.greaterIsBetter, confidence, metric: name });
  }
  if (a.oofCount.some((c) => c === 0)) throw new OuroborosError("invalid-argument", "compareCrossValidation: the bootstrap needs every row predicted out of fold, but some rows are in no test part");
  return pairedBootstrap(a.y, a.oof, b.oof, getMetric(name), {
    confidence,
    ...(options.nResamples === undefined ? {} : { nResamples: options.nResamples }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(a.weights === undefined ? {} : { weights: a.weights }),
  });
}

function checkSameFolds(a: CrossValidationResult, b: CrossValidationResult): void {
  const differ = (msg: string): never => {
    throw new OuroborosError("invalid-argument", `compareCrossValidation needs both results on the same folds (same seed, k and repeats): ${msg}`);
  };
  if (a.folds.length !== b.folds.length) differ(`A has ${a.folds.length} folds and B ${b.folds.length}`);
  if (targetLength(a.y) !== targetLength(b.y)) differ(`A has ${targetLength(a.y)} rows and B ${targetLength(b.y)}`);
  a.folds.forEach((fa, j) => {
    const fb = b.folds[j]!;
    if (fa.test.length !== fb.test.length || fa.test.some((v, i) => v !== fb.test[i])) differ(`fold ${j} tests different rows`);
  });
}
