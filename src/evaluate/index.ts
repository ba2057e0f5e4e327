/**
 * Model evaluation: metrics (checked against scikit-learn), resampling splits, cross-validation
 * with out-of-fold predictions, paired model comparison, permutation importance and calibration
 * curves.
 */
export { type Fold, groupKFold, holdout, kFold, repeatedKFold, repeatedStratifiedKFold, stratifiedKFold, timeSeriesSplit, type TimeSeriesSplitOptions } from "../data/splits.js";
export { type CalibrationBin, calibrationCurve, type CalibrationOptions } from "./calibration.js";
export {
  type CompareOptions,
  compareCrossValidation,
  correctedResampledTTest,
  type CorrectedTTestOptions,
  pairedBootstrap,
  type PairedBootstrapOptions,
  type PairedComparison,
} from "./compare.js";
export { crossValidate, type CrossValidateFitContext, type CrossValidateOptions, type CrossValidationResult, type FoldReport, type MetricResult } from "./cross-validate.js";
export { accuracy, balancedAccuracy, brierScore, type F1Average, f1Score, LOG_LOSS_EPS, logLoss, matthewsCorrelation } from "./metrics/classification.js";
export { predictedLabels } from "./metrics/common.js";
export { defaultMetric, getMetric, listMetrics, type Metric, pinballMetric, resolveMetric } from "./metrics/registry.js";
export { mae, pinballLoss, r2Score, rmse } from "./metrics/regression.js";
export { binaryRocAuc, rocAuc, type RocAucAverage } from "./metrics/roc-auc.js";
export { type FeatureImportance, permutationImportance, type PermutationImportanceOptions, type PermutationImportanceResult } from "./permutation-importance.js";
export { PredictionAccumulator, predictionRows, selectPredictionRows } from "./predictions.js";
export { type ScoreSummary, summarizeScores, type VarianceCorrection, varianceFactor } from "./summary.js";
