/**
 * Fits a learner on one fold's training rows the way every cross-validated model of a run is fitted.
 * Learners with a training resource (boosting rounds, epochs) get an inner validation split carved
 * from the training rows (10% by default, stratified, seeded): early stopping watches that split,
 * never the fold's test rows, so the out-of-fold score stays honest. `evaluateCandidate` and the
 * cross-fitted bag both fit through here, so a bag rebuilt from a candidate's spec and seed holds
 * exactly the models whose out-of-fold predictions were scored.
 */
import { deriveSeed } from "../core/rng.js";
import { selectDatasetRows, type Dataset } from "../data/dataset.js";
import { holdout, type Fold } from "../data/splits.js";
import type { Learner, Model } from "../learners/learner.js";

/** Options of {@link fitOnFold}. */
export interface FoldFitOptions {
  /** The fold's seed (the inner split's seed is derived from it). */
  readonly seed: number;
  /** Fraction of the training rows held out for early stopping (learners with a resource). Default 0.1. */
  readonly validationFraction?: number;
  readonly report?: (step: number, loss: number) => void | Promise<void>;
  readonly signal?: AbortSignal;
}

/** Fits `learner` on `data`'s rows `trainRows` (with an inner validation split when it has a resource). */
export async function fitOnFold(learner: Learner, data: Dataset, trainRows: Int32Array, options: FoldFitOptions): Promise<Model> {
  let train = selectDatasetRows(data, trainRows);
  let validation: Dataset | undefined;
  if (learner.capabilities.resource !== undefined && trainRows.length >= 20) {
    const stratify = train.y.task === "regression" ? undefined : Array.from(train.y.labels, (l) => String(l));
    const inner = innerSplit(trainRows.length, options.validationFraction ?? 0.1, deriveSeed(options.seed, "validation"), stratify);
    validation = selectDatasetRows(train, inner.test);
    train = selectDatasetRows(train, inner.train);
  }
  return learner.fit(train, {
    seed: options.seed,
    ...(validation ? { validation } : {}),
    ...(options.report ? { report: options.report } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

function innerSplit(n: number, fraction: number, seed: number, stratify: readonly string[] | undefined): Fold {
  try {
    return holdout(n, fraction, seed, stratify);
  } catch {
    // A class too small to stratify: fall back to a plain random split.
    return holdout(n, fraction, seed);
  }
}
