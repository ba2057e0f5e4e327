/**
 * Metrics by name. Names are scikit-learn's scorer names in snake_case (what the CLI accepts);
 * each entry says whether greater is better and which tasks it applies to, so a search can
 * maximise or minimise without knowing the metric.
 */
import { OuroborosError } from "../../core/errors.js";
import type { Target, Task } from "../../data/dataset.js";
import type { Predictions } from "../../learners/learner.js";
import { accuracy, accuracyRows, balancedAccuracy, brierRows, brierScore, f1Score, logLoss, logLossRows, matthewsCorrelation } from "./classification.js";
import { absoluteErrorRows, mae, pinballLoss, r2Score, rmse, squaredErrorRows } from "./regression.js";
import { rocAuc } from "./roc-auc.js";

/** A named score of predictions against a target (optionally sample-weighted). */
export interface Metric {
  /** Registry name, e.g. `log_loss`. */
  readonly name: string;
  /** True for scores (accuracy, AUC, R²), false for losses (log-loss, RMSE). */
  readonly greaterIsBetter: boolean;
  /** Tasks the metric is defined for. */
  readonly tasks: readonly Task[];
  /** The score; throws `invalid-argument` when the inputs do not fit (wrong task, lengths, classes). */
  compute(y: Target, pred: Predictions, weights?: Float64Array): number;
  /**
   * For metrics that are a function of the (weighted) mean of per-row values (log-loss, accuracy,
   * Brier, RMSE, MAE): the row values, and the function applied to their mean (identity when
   * absent). `compute` equals `ofMean(weightedMean(values))`. Lets the paired bootstrap resample
   * row values in O(n) instead of recomputing the metric on every resample.
   */
  readonly rows?: { values(y: Target, pred: Predictions): Float64Array; readonly ofMean?: (mean: number) => number };
}

const CLASS: readonly Task[] = ["binary", "multiclass"];
const REGRESSION: readonly Task[] = ["regression"];

function metric(name: string, greaterIsBetter: boolean, tasks: readonly Task[], compute: Metric["compute"], rows?: Metric["rows"]): Metric {
  return Object.freeze(rows === undefined ? { name, greaterIsBetter, tasks, compute } : { name, greaterIsBetter, tasks, compute, rows });
}

/**
 * A pinball-loss metric at quantile level `alpha` (the registry's `pinball` is α = 0.5), named
 * `pinball` for 0.5 and `pinball_<alpha>` otherwise.
 */
export function pinballMetric(alpha: number): Metric {
  if (!(alpha > 0 && alpha < 1)) throw new OuroborosError("invalid-argument", `pinball: \`alpha\` must be in (0, 1), but got alpha=${alpha}`);
  return metric(alpha === 0.5 ? "pinball" : `pinball_${alpha}`, false, REGRESSION, (y, p, w) => pinballLoss(y, p, w, alpha));
}

const ALL: readonly Metric[] = [
  metric("accuracy", true, CLASS, accuracy, { values: accuracyRows }),
  metric("balanced_accuracy", true, CLASS, balancedAccuracy),
  metric("log_loss", false, CLASS, logLoss, { values: logLossRows }),
  metric("roc_auc", true, CLASS, (y, p, w) => rocAuc(y, p, w, "macro")),
  metric("roc_auc_ovr", true, CLASS, (y, p, w) => rocAuc(y, p, w, "macro")),
  metric("roc_auc_ovr_weighted", true, CLASS, (y, p, w) => rocAuc(y, p, w, "weighted")),
  metric("f1", true, ["binary"], (y, p, w) => f1Score(y, p, w, "binary")),
  metric("f1_macro", true, CLASS, (y, p, w) => f1Score(y, p, w, "macro")),
  metric("f1_weighted", true, CLASS, (y, p, w) => f1Score(y, p, w, "weighted")),
  metric("mcc", true, CLASS, matthewsCorrelation),
  metric("brier", false, CLASS, brierScore, { values: brierRows }),
  metric("rmse", false, REGRESSION, rmse, { values: squaredErrorRows, ofMean: Math.sqrt }),
  metric("mae", false, REGRESSION, mae, { values: absoluteErrorRows }),
  metric("r2", true, REGRESSION, r2Score),
  pinballMetric(0.5),
];

const BY_NAME = new Map(ALL.map((m) => [m.name, m] as const));

/** Every registered metric, in a stable order. */
export function listMetrics(): readonly Metric[] {
  return ALL;
}

/** The metric called `name`, or an error listing the names there are. */
export function getMetric(name: string): Metric {
  const m = BY_NAME.get(name);
  if (m === undefined) throw new OuroborosError("invalid-argument", `unknown metric "${name}"; expected one of: ${ALL.map((x) => x.name).join(", ")}`);
  return m;
}

/** A metric given by name or as an object, checked to apply to `task`. */
export function resolveMetric(metricOrName: string | Metric, task: Task): Metric {
  const m = typeof metricOrName === "string" ? getMetric(metricOrName) : metricOrName;
  if (!m.tasks.includes(task)) throw new OuroborosError("invalid-argument", `metric "${m.name}" applies to ${m.tasks.join(" / ")} tasks, but the task is ${task}`);
  return m;
}

/**
 * The default metric of a task: log-loss for classification (a strictly proper scoring rule, smooth
 * and sensitive to calibration, so model selection does not reward overconfidence) and RMSE for
 * regression.
 */
export function defaultMetric(task: Task): Metric {
  return getMetric(task === "regression" ? "rmse" : "log_loss");
}
