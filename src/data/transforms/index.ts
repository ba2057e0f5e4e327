/**
 * Preprocessing steps as fitted transforms: the common contract, the built-in steps, the pipeline
 * and the registry that saves and loads fitted steps as JSON.
 */
export { fitTransform, transformSpec, type FittedTransform, type Transform, type TransformSpec } from "./transform.js";
export { FittedImputer, Imputer, type ImputerParams } from "./imputer.js";
export { FittedOneHot, OneHotEncoder, RARE_CATEGORY, type OneHotParams } from "./one-hot.js";
export { FittedOrdinal, OrdinalEncoder, type OrdinalParams } from "./ordinal.js";
export { FittedTargetEncoder, TargetEncoder, type TargetEncoderParams } from "./target-encoder.js";
export { FittedStandardScaler, StandardScaler, type StandardScalerParams } from "./standard-scaler.js";
export { FittedQuantileBinning, QuantileBinning, type BinningParams } from "./quantile-binning.js";
export { FittedPipeline, Pipeline } from "./pipeline.js";
export { createTransform, loadTransform, registerTransform, transformKinds, type TransformFactory } from "./registry.js";
