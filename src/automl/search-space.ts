/**
 * The pipeline search space of the improvement loop: a conditional, define-by-run space in which a
 * trial first picks a learner family and then that family's hyperparameters (auto-sklearn's CASH
 * formulation, Thornton et al. 2013, "Auto-WEKA"). Parameter names are prefixed by family
 * (`gbdt.learningRate`), so TPE with `group` decomposition models each branch separately.
 *
 * Every family also has strong defaults (generation 0): the loop enqueues them first so the search
 * starts from known-good models (as AutoGluon does with its preset portfolio) rather than from
 * random points; they are listed strongest and fastest first, so the first champion arrives early.
 * Preprocessing lives inside each learner (tree learners bin natively, the others
 * use the fitted one-hot/impute/standardise encoder); it is not yet searched as its own dimension.
 */
import type { Distribution, ParamValue } from "../core/distributions.js";
import type { Task } from "../data/dataset.js";
import type { LearnerSpec } from "../learners/learner.js";
import type { Trial } from "../study/trial.js";
import type { DataProfile } from "./profile.js";

/** One searched dimension with its generation-0 default. */
export interface SearchDimension {
  readonly name: string;
  readonly distribution: Distribution;
  readonly default: ParamValue;
}

/** A learner family: its dimensions, fixed params and how values become learner params. */
export interface FamilySpace {
  /** Learner kind in the registry. */
  readonly kind: string;
  readonly tasks: readonly Task[];
  /** Whether the family is worth trying on data of this profile (e.g. kNN on very wide data is not). */
  readonly applies: (profile: DataProfile) => boolean;
  readonly dimensions: (profile: DataProfile) => readonly SearchDimension[];
  /** Learner params from the sampled values (keys without the family prefix). */
  readonly build: (values: Readonly<Record<string, ParamValue>>, profile: DataProfile) => Record<string, unknown>;
  /** The multi-fidelity resource (a learner hyperparameter) and its full value. */
  readonly resource?: { readonly name: string; readonly max: number };
}

const ALL: readonly Task[] = ["binary", "multiclass", "regression"];
const CLASSES: readonly Task[] = ["binary", "multiclass"];
const float = (low: number, high: number, log = false): Distribution => ({ kind: "float", low, high, log });
const int = (low: number, high: number, log = false): Distribution => ({ kind: "int", low, high, log });
const cat = (...choices: (string | number | boolean)[]): Distribution => ({ kind: "categorical", choices });

/**
 * Boosting rounds a GBDT may use; early stopping on an inner validation split picks fewer. 1000, not
 * 400: tuned boosters on mid-size tabular data often want 500–900 rounds at learning rates of
 * 0.01–0.07 (what Optuna found for XGBoost on wa_churn, credit_data and concrete in
 * `bench:automl`), out of reach at 400; fast learning rates still stop after a few dozen rounds.
 */
const GBDT_ROUNDS = 1000;

/** The built-in families. */
export const FAMILY_SPACES: readonly FamilySpace[] = [
  {
    kind: "gbdt",
    tasks: ALL,
    applies: () => true,
    dimensions: () => [
      { name: "learningRate", distribution: float(0.01, 0.3, true), default: 0.1 },
      { name: "maxLeaves", distribution: int(4, 128, true), default: 31 },
      { name: "maxDepth", distribution: int(2, 12), default: 8 },
      { name: "minChildWeight", distribution: float(1e-3, 20, true), default: 1 },
      { name: "lambda", distribution: float(1e-3, 30, true), default: 1 },
      { name: "subsample", distribution: float(0.5, 1), default: 1 },
      { name: "colsampleBytree", distribution: float(0.3, 1), default: 1 },
    ],
    build: (v) => ({ ...v, nEstimators: GBDT_ROUNDS, earlyStoppingRounds: 30 }),
    resource: { name: "nEstimators", max: GBDT_ROUNDS },
  },
  {
    kind: "linear",
    tasks: ALL,
    applies: () => true,
    dimensions: () => [
      { name: "C", distribution: float(1e-3, 100, true), default: 1 },
      { name: "penalty", distribution: cat("l2", "elasticnet"), default: "l2" },
      { name: "l1Ratio", distribution: float(0.05, 1), default: 0.5 },
    ],
    build: (v) => (v.penalty === "l2" ? { C: v.C, penalty: "l2" } : { C: v.C, penalty: "elasticnet", l1Ratio: v.l1Ratio }),
  },
  {
    kind: "random-forest",
    tasks: ALL,
    applies: () => true,
    dimensions: () => [
      { name: "maxFeatures", distribution: float(0.05, 1), default: 0.3 },
      { name: "minSamplesLeaf", distribution: int(1, 20, true), default: 2 },
    ],
    build: (v) => ({ ...v, nEstimators: 100 }),
  },
  {
    kind: "extra-trees",
    tasks: ALL,
    applies: () => true,
    dimensions: () => [
      { name: "maxFeatures", distribution: float(0.05, 1), default: 0.5 },
      // Unbootstrapped extra trees with 1-row leaves give 0/1 leaf probabilities; a few rows per
      // leaf keeps the averaged probabilities calibrated enough for log-loss.
      { name: "minSamplesLeaf", distribution: int(1, 20, true), default: 5 },
    ],
    build: (v) => ({ ...v, nEstimators: 100 }),
  },
  {
    kind: "knn",
    tasks: ALL,
    // Brute-force neighbours cost O(n²·p) per fit+predict; skip them on large or very wide data.
    applies: (p) => p.nRows * p.nRows * Math.max(1, p.nFeatures) < 4e9,
    dimensions: () => [
      { name: "nNeighbors", distribution: int(1, 50, true), default: 10 },
      { name: "weights", distribution: cat("uniform", "distance"), default: "distance" },
    ],
    build: (v) => ({ ...v }),
  },
  {
    kind: "mlp",
    tasks: ALL,
    applies: () => true,
    dimensions: () => [
      { name: "depth", distribution: int(1, 3), default: 2 },
      { name: "width", distribution: int(32, 256, true), default: 128 },
      { name: "dropout", distribution: float(0, 0.5), default: 0.1 },
      { name: "learningRate", distribution: float(1e-4, 1e-2, true), default: 1e-3 },
      { name: "weightDecay", distribution: float(1e-6, 1e-2, true), default: 1e-4 },
    ],
    build: (v, profile) => ({
      // About 20 steps per epoch on small data, at most 256 rows per batch on large data.
      batchSize: Math.max(16, Math.min(256, Math.round(profile.nRows / 20))),
      hiddenLayers: Array.from({ length: v.depth as number }, () => v.width as number),
      dropout: v.dropout,
      learningRate: v.learningRate,
      weightDecay: v.weightDecay,
      optimizer: "adamw",
      epochs: 60,
      earlyStoppingPatience: 8,
    }),
    resource: { name: "epochs", max: 60 },
  },
  {
    kind: "naive-bayes",
    tasks: CLASSES,
    applies: () => true,
    dimensions: () => [{ name: "varSmoothing", distribution: float(1e-12, 1e-1, true), default: 1e-9 }],
    build: (v) => ({ ...v }),
  },
];

/** A proposed candidate: learner spec plus the family. */
export interface ProposedCandidate {
  readonly family: string;
  readonly spec: LearnerSpec;
  readonly resource?: { readonly name: string; readonly max: number };
}

/** The families that apply to a profile, restricted to `only` when given (in the given order). */
export function applicableFamilies(profile: DataProfile, only?: readonly string[], available?: readonly string[], extra: readonly FamilySpace[] = []): FamilySpace[] {
  const known = [...FAMILY_SPACES, ...extra].filter((f) => f.tasks.includes(profile.task) && f.applies(profile) && (available === undefined || available.includes(f.kind)));
  if (only === undefined) return known;
  return only.map((name) => known.find((f) => f.kind === name)).filter((f): f is FamilySpace => f !== undefined);
}

/** Samples a candidate from the conditional space (define-by-run on `trial`). */
export function suggestCandidate(trial: Trial, families: readonly FamilySpace[], profile: DataProfile): ProposedCandidate {
  const family = trial.suggestCategorical("family", families.map((f) => f.kind)) as string;
  const space = families.find((f) => f.kind === family)!;
  const values: Record<string, ParamValue> = {};
  for (const d of space.dimensions(profile)) {
    const name = `${family}.${d.name}`;
    const dist = d.distribution;
    if (dist.kind === "float") values[d.name] = trial.suggestFloat(name, dist.low, dist.high, { log: dist.log ?? false });
    else if (dist.kind === "int") values[d.name] = trial.suggestInt(name, dist.low, dist.high, { log: dist.log ?? false });
    else values[d.name] = trial.suggestCategorical(name, dist.choices);
  }
  return { family, spec: { kind: family, params: space.build(values, profile) }, ...(space.resource ? { resource: space.resource } : {}) };
}

/** The trial params of a family's defaults, for `study.enqueueTrial` (generation 0). */
export function defaultTrialParams(space: FamilySpace, profile: DataProfile): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = { family: space.kind };
  for (const d of space.dimensions(profile)) params[`${space.kind}.${d.name}`] = d.default;
  return params;
}
