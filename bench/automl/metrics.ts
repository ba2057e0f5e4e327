/**
 * Test-set scores and ranks for the `ouro run` benchmark, written here rather than taken from
 * `src/evaluate` so that the system under test is not also the judge. Definitions follow
 * scikit-learn's (`accuracy_score`, `log_loss` with eps = 1e-15 and rows renormalised,
 * `roc_auc_score`, `mean_squared_error(squared=False)`, `r2_score`).
 */

/** Class predictions of one system on the test rows: probabilities over its own class list. */
export interface ClassPredictions {
  readonly classes: readonly string[];
  /** Row-major, `classes.length` per row. */
  readonly proba: ArrayLike<number>;
}

/** Test scores of a classifier. */
export interface ClassScores {
  readonly accuracy: number;
  readonly logLoss: number;
  /** Binary targets only. */
  readonly rocAuc?: number;
}

/** Test scores of a regressor. */
export interface RegressionScores {
  readonly rmse: number;
  readonly r2: number;
}

const EPS = 1e-15;

/**
 * Accuracy, log-loss and (with two classes) ROC AUC of `pred` against the true labels. The arg-max
 * class is predicted (ties to the first). A true label missing from the system's class list counts
 * as probability eps for log-loss and as an error for accuracy. ROC AUC treats `positive` (default:
 * the second of the sorted true label set's classes, as scikit-learn's label order) as the positive
 * class and handles ties by midranks.
 */
export function classScores(truth: readonly string[], pred: ClassPredictions, labelSet: readonly string[], positive?: string): ClassScores {
  const k = pred.classes.length;
  const n = truth.length;
  if (pred.proba.length !== n * k) throw new Error(`expected ${n} × ${k} probabilities, got ${pred.proba.length}`);
  const index = new Map(pred.classes.map((c, i) => [c, i]));
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      const p = Math.min(1 - EPS, Math.max(EPS, pred.proba[i * k + j]!));
      sum += p;
      if (pred.proba[i * k + j]! > pred.proba[i * k + arg]!) arg = j;
    }
    const t = index.get(truth[i]!);
    if (t === arg) correct++;
    const pt = t === undefined ? EPS : Math.min(1 - EPS, Math.max(EPS, pred.proba[i * k + t]!)) / sum;
    loss -= Math.log(pt);
  }
  const out: { accuracy: number; logLoss: number; rocAuc?: number } = { accuracy: correct / n, logLoss: loss / n };
  if (labelSet.length === 2) {
    const pos = positive ?? [...labelSet].sort()[1]!;
    const j = index.get(pos);
    const score = Float64Array.from({ length: n }, (_, i) => (j === undefined ? 0 : pred.proba[i * k + j]!));
    out.rocAuc = rocAuc(truth.map((t) => t === pos), score);
  }
  return out;
}

/** ROC AUC by the Mann–Whitney statistic with midranks for tied scores. */
export function rocAuc(positive: readonly boolean[], score: ArrayLike<number>): number {
  const n = positive.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]!] === score[order[i]!]) j++;
    const mid = (i + j) / 2 + 1;
    for (let m = i; m <= j; m++) if (positive[order[m]!]) {
      nPos++;
      rankSum += mid;
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** RMSE and R² (1 − SSE / SST around the test mean). */
export function regressionScores(truth: ArrayLike<number>, pred: ArrayLike<number>): RegressionScores {
  const n = truth.length;
  if (pred.length !== n) throw new Error(`expected ${n} predictions, got ${pred.length}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i]!;
  mean /= n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    sse += (truth[i]! - pred[i]!) ** 2;
    sst += (truth[i]! - mean) ** 2;
  }
  return { rmse: Math.sqrt(sse / n), r2: 1 - sse / sst };
}

/**
 * Ranks of `values` (1 = best), ties sharing the mean of their ranks; `undefined` (a failed system)
 * ranks last, tied with other failures.
 */
export function ranks(values: readonly (number | undefined)[], greaterIsBetter: boolean): number[] {
  const key = (v: number | undefined): number => (v === undefined || Number.isNaN(v) ? Infinity : greaterIsBetter ? -v : v);
  const cmp = (x: number, y: number): number => (x === y ? 0 : x < y ? -1 : 1);
  const order = values.map((_, i) => i).sort((a, b) => cmp(key(values[a]), key(values[b])));
  const out = new Array<number>(values.length).fill(0);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && key(values[order[j + 1]!]) === key(values[order[i]!])) j++;
    for (let m = i; m <= j; m++) out[order[m]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}
