/**
 * The learner contract (scikit-learn's estimator split, made explicit): a {@link Learner} holds only
 * hyperparameters and is rebuilt from `{kind, params}`; `fit` returns a separate {@link Model} that
 * holds the fitted state, predicts, and saves itself as data (an {@link Artifact}, never code).
 *
 * Call order and guarantees:
 * - `fit` never mutates its inputs (tables, target, weights, the warm-start model).
 * - With the same `params`, data and `ctx.seed`, `fit` returns a model whose predictions are
 *   bit-for-bit the same.
 * - `model.predict(x)` accepts any table that has the training columns (by name; extra columns are
 *   ignored; categories are matched by label and unseen ones are treated as missing).
 * - `loadModel(model.save())` predicts exactly what `model` predicts.
 * - What a learner cannot do is declared in {@link Capabilities}, never discovered by failure.
 */
import type { Dataset, Task } from "../data/dataset.js";
import type { Table } from "../data/table.js";
import type { Artifact } from "./artifact.js";

/** Predictions for `nRows` rows. */
export type Predictions = RegressionPredictions | ClassPredictions;

/** One real value per row. */
export interface RegressionPredictions {
  readonly task: "regression";
  readonly values: Float64Array;
}

/**
 * Class probabilities, row-major `nRows × classes.length`, each row summing to 1. For binary tasks
 * `classes[1]` is the positive class, so `proba[2 * i + 1]` is P(positive | row i).
 */
export interface ClassPredictions {
  readonly task: "binary" | "multiclass";
  readonly classes: readonly string[];
  readonly proba: Float64Array;
}

/** What a learner supports; checked by the conformance suite and used by the pipeline search. */
export interface Capabilities {
  readonly tasks: readonly Task[];
  /** Whether `NaN` / missing codes in features are handled natively (else they must be imputed first). */
  readonly missingValues: boolean;
  /** Whether categorical columns are accepted directly (else they must be encoded first). */
  readonly categorical: boolean;
  readonly sampleWeights: boolean;
  /** Whether `ctx.initModel` continues training from an earlier model. */
  readonly warmStart: boolean;
  /**
   * The hyperparameter that measures training effort (boosting rounds, epochs, trees), which
   * multi-fidelity search raises rung by rung; `ctx.report(step, value)` is called along it.
   */
  readonly resource?: string;
}

/** Everything `fit` needs besides the data and the hyperparameters. */
export interface FitContext {
  /** Seed for every random choice of the fit. */
  readonly seed: number;
  /** A held-out set for early stopping (never used to fit parameters). */
  readonly validation?: Dataset;
  /**
   * Called as training progresses (after each boosting round / epoch) with a validation loss when a
   * validation set is given, else the training loss. Lower is better. May throw `TrialPruned`
   * (or reject) to stop training; the error propagates out of `fit`.
   */
  readonly report?: (step: number, loss: number) => void | Promise<void>;
  /** Stops the fit early (it rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Continue from this model (only when `capabilities.warmStart`). */
  readonly initModel?: Model;
}

/** Hyperparameters as data: `{kind, params}` rebuilds the learner through the registry. */
export interface LearnerSpec<P = Record<string, unknown>> {
  readonly kind: string;
  readonly params: P;
}

/** A learning algorithm with its hyperparameters (no fitted state). */
export interface Learner<P extends object = object> {
  readonly kind: string;
  /** All hyperparameters with defaults filled in. JSON-serialisable. */
  readonly params: Readonly<P>;
  readonly capabilities: Capabilities;
  fit(data: Dataset, ctx: FitContext): Promise<Model>;
}

/** A fitted model. */
export interface Model {
  readonly kind: string;
  readonly task: Task;
  predict(x: Table): Predictions;
  /** The fitted state as data (JSON + binary arrays). */
  save(): Artifact;
  /** Per-feature importance (gain for trees, |coef| for linear models) when the model has one. */
  featureImportance?(): ReadonlyMap<string, number>;
  /**
   * Learners with a resource: the resource value training settled on — the round or epoch early
   * stopping kept, else the last one trained. A refit on all rows without a holdout trains this
   * long (see `ouro run`'s final fit).
   */
  resourceUsed?(): number;
}
