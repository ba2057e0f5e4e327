/**
 * Ouroboros: a self-improving machine-learning engine for TypeScript. This is the curated public
 * API; everything here is documented and stable within a minor version. The tuner alone (no native
 * modules, browser-safe) is also available as `ouroboros/tuner`.
 */
export * from "./tuner.js";

// Data: typed tables, CSV ingest with schema inference, fitted transforms, splits, synthetic data.
export { makeTable, numericColumn, categoricalColumn, getColumn, selectRows, alignToSchema, tableSchema, type Table, type Column, type NumericColumn, type CategoricalColumn, type ColumnSchema, type SemanticType } from "./data/table.js";
export { makeDataset, classTarget, regressionTarget, selectDatasetRows, type Dataset, type Target, type ClassTarget, type RegressionTarget, type Task } from "./data/dataset.js";
export { loadCsvDataset, loadCsvDatasetFromText, type LoadCsvOptions, type LoadedDataset, type DroppedColumn } from "./data/load-dataset.js";
export { readCsvFile, readCsvText, type CsvReadOptions, type CsvTable } from "./data/csv.js";
export type { ColumnReport } from "./data/schema-inference.js";
export { fitNumericEncoder, encodeNumeric, type NumericEncoderOptions, type NumericEncoderState } from "./data/numeric-encoder.js";
export { stratifiedKFold, kFold, repeatedKFold, repeatedStratifiedKFold, holdout, groupKFold, timeSeriesSplit, type Fold } from "./data/splits.js";
export { makeClassification, makeRegression, makeFriedman1 } from "./data/synthetic.js";
export * as transforms from "./data/transforms/index.js";

// Learners: the contract, the registry and the model zoo.
export * from "./learners/index.js";

// Evaluation: metrics checked against scikit-learn, cross-validation, paired tests, importance.
export {
  crossValidate,
  correctedResampledTTest,
  pairedBootstrap,
  compareCrossValidation,
  permutationImportance,
  calibrationCurve,
  getMetric,
  listMetrics,
  defaultMetric,
  type Metric,
  type CrossValidateOptions,
  type CrossValidationResult,
  type PairedComparison,
} from "./evaluate/index.js";

// The improvement loop (`ouro run`) and what it writes.
export { runImprovement, type ImprovementRunOptions, type ImprovementRunResult, type RunEvent } from "./automl/improvement-run.js";
export { FAMILY_SPACES, type FamilySpace, type SearchDimension } from "./automl/search-space.js";
export { selectEnsemble } from "./automl/ensemble-selection.js";
export { averagePredictions } from "./learners/average-predictions.js";
export { gateChallenger, type GateDecision, type GateOptions } from "./automl/gate.js";
export { predictFile } from "./automl/predict-file.js";
export { generatePredictModule, registerCodegen } from "./automl/codegen/index.js";
export type { RunRecord, CandidateRecord, GenerationRecord } from "./automl/run-record.js";
export { TrialPool, runTask, type TaskSpec, type TaskResult, type TaskLimits } from "./automl/runner/index.js";

// Governance: hash-chained audit log, model registry, lineage.
export { AuditLog, verifyAuditLog } from "./registry/audit-log.js";
export { ModelRegistry } from "./registry/model-registry.js";
export { fileDigest, tableDigest, datasetDigest } from "./registry/data-digest.js";
