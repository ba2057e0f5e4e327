/**
 * Hyperparameters of the gradient-boosted trees learner, with XGBoost's defaults and names in
 * camelCase (`colsampleBytree`, `minChildWeight`, …) so settings carry over.
 */
import { OuroborosError } from "../../core/errors.js";
import { resolveParams, type ParamRule } from "../params.js";

/** Hyperparameters of {@link GBDTLearner}. */
export interface GBDTParams {
  /** Boosting rounds (one tree per round, or one per class for multiclass). Default 100. */
  readonly nEstimators: number;
  /** Shrinkage of every leaf value (XGBoost `eta`). Default 0.1. */
  readonly learningRate: number;
  /** Maximum tree depth; 0 = unlimited (only with `growPolicy: "lossguide"` or `maxLeaves`). Default 0. */
  readonly maxDepth: number;
  /** Maximum leaves per tree; 0 = unlimited. Default 31. */
  readonly maxLeaves: number;
  /** `"depthwise"` (level by level) or `"lossguide"` (best-first, LightGBM's leaf-wise). Default `"lossguide"`. */
  readonly growPolicy: "depthwise" | "lossguide";
  /** Minimum hessian sum in each child. Default 1. */
  readonly minChildWeight: number;
  /** Minimum gain for a split (XGBoost `gamma`). Default 0. */
  readonly minSplitGain: number;
  /** L2 penalty on leaf weights. Default 1. */
  readonly lambda: number;
  /** L1 penalty on leaf weights. Default 0. */
  readonly alpha: number;
  /** Row subsampling: each round keeps every row with this probability (shared by the round's K trees). Default 1. */
  readonly subsample: number;
  /** Fraction of features drawn for each tree. Default 1. */
  readonly colsampleBytree: number;
  /** Histogram bins per feature (2–255). Default 255. */
  readonly maxBins: number;
  /** Stop when the validation loss has not improved for this many rounds (0 = never); keeps the best round. Default 0. */
  readonly earlyStoppingRounds: number;
  /** Regression loss: `"squared-error"` or `"absolute-error"`. Classification always uses log-loss. Default `"squared-error"`. */
  readonly objective: "squared-error" | "absolute-error";
}

/**
 * Default hyperparameters: LightGBM's tree shape and rate (leaf-wise growth, 31 leaves, no depth
 * limit, learning rate 0.1 — also scikit-learn's HistGradientBoosting defaults) with XGBoost's
 * regularisation (λ = 1, min child weight 1). XGBoost's own defaults (depth-wise, depth 6, rate
 * 0.3) overfit telco churn and underfit 10-class digits in 100 rounds (`bench/learners.ts`).
 */
export const GBDT_DEFAULTS: GBDTParams = {
  nEstimators: 100,
  learningRate: 0.1,
  maxDepth: 0,
  maxLeaves: 31,
  growPolicy: "lossguide",
  minChildWeight: 1,
  minSplitGain: 0,
  lambda: 1,
  alpha: 0,
  subsample: 1,
  colsampleBytree: 1,
  maxBins: 255,
  earlyStoppingRounds: 0,
  objective: "squared-error",
};

const RULES: { readonly [K in keyof GBDTParams]: ParamRule } = {
  nEstimators: { type: "number", integer: true, min: 1 },
  learningRate: { type: "number", min: 0, exclusiveMin: true },
  maxDepth: { type: "number", integer: true, min: 0 },
  maxLeaves: { type: "number", integer: true, min: 0 },
  growPolicy: { type: "enum", values: ["depthwise", "lossguide"] },
  minChildWeight: { type: "number", min: 0 },
  minSplitGain: { type: "number", min: 0 },
  lambda: { type: "number", min: 0 },
  alpha: { type: "number", min: 0 },
  subsample: { type: "number", min: 0, exclusiveMin: true, max: 1 },
  colsampleBytree: { type: "number", min: 0, exclusiveMin: true, max: 1 },
  maxBins: { type: "number", integer: true, min: 2, max: 255 },
  earlyStoppingRounds: { type: "number", integer: true, min: 0 },
  objective: { type: "enum", values: ["squared-error", "absolute-error"] },
};

/** Validates `given` over the defaults; unknown names and out-of-range values are `invalid-argument`. */
export function resolveGBDTParams(given: Readonly<Record<string, unknown>>): GBDTParams {
  const p = resolveParams("gbdt", GBDT_DEFAULTS, RULES, given);
  if (p.maxDepth === 0 && p.maxLeaves === 0) {
    throw new OuroborosError("invalid-argument", "gbdt: `maxDepth` 0 (unlimited) needs `maxLeaves` > 0 to bound the tree, but got maxDepth=0, maxLeaves=0");
  }
  if (p.lambda === 0 && p.minChildWeight === 0) {
    throw new OuroborosError("invalid-argument", "gbdt: `lambda` and `minChildWeight` cannot both be 0 (leaf weights −G/(H+λ) would divide by a zero hessian), but got lambda=0, minChildWeight=0");
  }
  return p;
}
