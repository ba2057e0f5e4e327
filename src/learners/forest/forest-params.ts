/**
 * Hyperparameters of the tree ensembles (random forest and extra trees), with scikit-learn's names
 * in camelCase and their validation. Size-like options follow one rule so they survive JSON (which
 * cannot tell `1` from `1.0`): a number ≤ 1 is a fraction, a number > 1 is a count.
 */
import { OuroborosError } from "../../core/errors.js";
import { resolveParams, type ParamRule } from "../params.js";

/** The two ensemble kinds sharing one tree grower. */
export type ForestKind = "random-forest" | "extra-trees";

/** Hyperparameters of {@link ForestLearner}. */
export interface ForestParams {
  /** Number of trees (the training resource; warm start grows the forest up to it). Default 100. */
  readonly nEstimators: number;
  /** Deepest level a tree may reach (root = 0); `null` grows until the leaves are pure or too small. Default null. */
  readonly maxDepth: number | null;
  /** A node with fewer rows than this is a leaf: an integer ≥ 2, or a fraction (0, 1) of the rows. Default 2. */
  readonly minSamplesSplit: number;
  /** Every leaf keeps at least this many rows: an integer ≥ 1, or a fraction (0, 0.5) of the rows. Default 1. */
  readonly minSamplesLeaf: number;
  /**
   * Features tried per split: `"sqrt"`, `"log2"`, a fraction in (0, 1] of the features (1 = all), or
   * a count > 1. `"auto"` means `"sqrt"` for classification and all features for regression
   * (scikit-learn's defaults). Default "auto".
   */
  readonly maxFeatures: "auto" | "sqrt" | "log2" | number;
  /** Draw each tree's rows with replacement. Default true for random forest, false for extra trees. */
  readonly bootstrap: boolean;
  /** Rows drawn per bootstrap sample: `null` = as many as the data has, a fraction in (0, 1], or a count > 1. Default null. */
  readonly maxSamples: number | null;
  /** Classification impurity (regression always uses squared error). Default "gini". */
  readonly criterion: "gini" | "entropy";
  /** A split must lower the weighted impurity by at least this (scikit-learn's definition). Default 0. */
  readonly minImpurityDecrease: number;
  /** Histogram bins per feature, 2..255. Default 255. */
  readonly maxBins: number;
}

const RULES: { readonly [K in keyof ForestParams]: ParamRule } = {
  nEstimators: { type: "number", integer: true, min: 1 },
  maxDepth: { type: "any" },
  minSamplesSplit: { type: "number", min: 0, exclusiveMin: true },
  minSamplesLeaf: { type: "number", min: 0, exclusiveMin: true },
  maxFeatures: { type: "any" },
  bootstrap: { type: "boolean" },
  maxSamples: { type: "any" },
  criterion: { type: "enum", values: ["gini", "entropy"] },
  minImpurityDecrease: { type: "number", min: 0 },
  maxBins: { type: "number", integer: true, min: 2, max: 255 },
};

/** Defaults of one kind (extra trees differ only in `bootstrap`). */
export function forestDefaults(kind: ForestKind): ForestParams {
  return {
    nEstimators: 100,
    maxDepth: null,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    maxFeatures: "auto",
    bootstrap: kind === "random-forest",
    maxSamples: null,
    criterion: "gini",
    minImpurityDecrease: 0,
    maxBins: 255,
  };
}

/** Fills defaults and validates every hyperparameter; errors name the parameter and the value. */
export function resolveForestParams(kind: ForestKind, given: Readonly<Record<string, unknown>>): ForestParams {
  const p = resolveParams(kind, forestDefaults(kind), RULES, given);
  const bad = (name: string, expected: string, v: unknown): never => {
    throw new OuroborosError("invalid-argument", `${kind}: \`${name}\` must be ${expected}, but got ${JSON.stringify(v)}`);
  };
  if (p.maxDepth !== null && !(Number.isInteger(p.maxDepth) && p.maxDepth >= 1)) bad("maxDepth", "null (unlimited) or an integer ≥ 1", p.maxDepth);
  const mss = p.minSamplesSplit;
  if (!(mss < 1 || (Number.isInteger(mss) && mss >= 2))) bad("minSamplesSplit", "an integer ≥ 2 or a fraction in (0, 1)", mss);
  const msl = p.minSamplesLeaf;
  if (!(msl < 0.5 || (Number.isInteger(msl) && msl >= 1))) bad("minSamplesLeaf", "an integer ≥ 1 or a fraction in (0, 0.5)", msl);
  const mf = p.maxFeatures as unknown;
  const mfOk = mf === "auto" || mf === "sqrt" || mf === "log2" || (typeof mf === "number" && mf > 0 && (mf <= 1 || Number.isInteger(mf)));
  if (!mfOk) bad("maxFeatures", '"auto", "sqrt", "log2", a fraction in (0, 1] or an integer count > 1', mf);
  const ms = p.maxSamples as unknown;
  if (ms !== null && !(typeof ms === "number" && ms > 0 && (ms <= 1 || Number.isInteger(ms)))) bad("maxSamples", "null, a fraction in (0, 1] or an integer count > 1", ms);
  if (ms !== null && !p.bootstrap) bad("maxSamples", "null when `bootstrap` is false", ms);
  return p;
}

/** Sizes resolved against the data: what the grower needs. */
export interface ResolvedSizes {
  readonly mtry: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxDepth: number;
  readonly nBootstrap: number;
}

/** Turns fractions and named rules into counts for `nRows` rows and `nFeatures` features. */
export function resolveSizes(p: ForestParams, classification: boolean, nRows: number, nFeatures: number): ResolvedSizes {
  const mf = p.maxFeatures === "auto" ? (classification ? "sqrt" : 1) : p.maxFeatures;
  let mtry: number;
  if (mf === "sqrt") mtry = Math.floor(Math.sqrt(nFeatures));
  else if (mf === "log2") mtry = Math.floor(Math.log2(nFeatures));
  else if (mf <= 1) mtry = Math.floor(mf * nFeatures);
  else mtry = mf;
  const count = (v: number, lowest: number): number => (v < 1 ? Math.max(lowest, Math.ceil(v * nRows)) : v);
  const ms = p.maxSamples;
  return {
    mtry: Math.max(1, Math.min(nFeatures, mtry)),
    minSamplesSplit: count(p.minSamplesSplit, 2),
    minSamplesLeaf: count(p.minSamplesLeaf, 1),
    maxDepth: p.maxDepth ?? Number.POSITIVE_INFINITY,
    nBootstrap: ms === null ? nRows : ms <= 1 ? Math.max(1, Math.round(ms * nRows)) : Math.min(ms, Math.max(1, nRows)),
  };
}
