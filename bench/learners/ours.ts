/**
 * Our side of the learner benchmark: a learner fitted on each fold's training rows and scored on its
 * test rows (accuracy or RMSE from `src/evaluate`), timing every fit, then one fit on all rows; and
 * the MLP training-step timer.
 */
import { performance } from "node:perf_hooks";
import { selectDatasetRows, type Dataset } from "../../src/data/dataset.js";
import { selectRows } from "../../src/data/table.js";
import { accuracy } from "../../src/evaluate/metrics/classification.js";
import { rmse } from "../../src/evaluate/metrics/regression.js";
import type { Learner, Model } from "../../src/learners/learner.js";
import type { LearnerFactory } from "../../src/learners/registry.js";
import { mlpNetwork } from "../../src/learners/mlp/spec.js";
import { mlpStepTimer } from "../../src/learners/mlp/step-timer.js";
import type { BenchData } from "./data.js";

/** Our learner kinds in the benchmark. */
export type OurKind = "gbdt" | "random-forest" | "linear" | "knn" | "mlp";

/** Results of one learner over the folds (seconds), shaped like the anchors' results. */
export interface OurResult {
  readonly kind: OurKind;
  /** Every hyperparameter, defaults filled in. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly scores?: number[];
  readonly fit_s?: number[];
  readonly fit_all_s?: number;
  /** Seconds `predict` took on each test fold. */
  readonly predict_s?: number[];
  readonly error?: string;
}

/**
 * Finds the factory of `kind`: from the registry (`src/learners/index.ts`) when the learner is
 * registered there, else straight from its module (gbdt and random-forest were still being
 * finished when this benchmark was written). Returns the reason when neither has it.
 */
export async function findFactory(kind: OurKind): Promise<LearnerFactory | string> {
  const registry = await import("../../src/learners/index.js");
  if (registry.learnerKinds().includes(kind)) return { kind, create: (p) => registry.createLearner({ kind, params: p }), load: registry.loadModel };
  try {
    if (kind === "gbdt") return (await import("../../src/learners/gbdt/gbdt.js")).gbdtLearnerFactory;
    if (kind === "random-forest") return (await import("../../src/learners/forest/forest.js")).randomForestLearnerFactory;
  } catch (e) {
    return `learner "${kind}" could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
  }
  return `learner "${kind}" is not registered`;
}

/**
 * Fits `factory.create(params)` on each fold of `b` and on all rows (seed 0), each fit `repeats`
 * times keeping the fastest (fits are deterministic, so only the time differs). Failures are
 * returned as `error`, not thrown.
 */
export async function runOurs(b: BenchData, kind: OurKind, factory: LearnerFactory | string, params: Readonly<Record<string, unknown>>, repeats = 1): Promise<OurResult> {
  if (typeof factory === "string") return { kind, params, error: factory };
  let learner: Learner;
  try {
    learner = factory.create(params);
  } catch (e) {
    return { kind, params, error: e instanceof Error ? e.message : String(e) };
  }
  const resolved = learner.params as Readonly<Record<string, unknown>>;
  const timedFit = async (data: Dataset): Promise<{ model: Model; seconds: number }> => {
    let best = Infinity;
    let model: Model | undefined;
    for (let r = 0; r < Math.max(1, repeats); r++) {
      const t0 = performance.now();
      model = await learner.fit(data, { seed: 0 });
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    return { model: model!, seconds: best };
  };
  const scores: number[] = [];
  const fitS: number[] = [];
  const predictS: number[] = [];
  try {
    for (const f of b.folds) {
      const train = selectDatasetRows(b.data, f.train);
      const testX = selectRows(b.data.x, f.test);
      const testY = selectDatasetRows(b.data, f.test).y;
      const { model, seconds } = await timedFit(train);
      fitS.push(seconds);
      const t1 = performance.now();
      const pred = model.predict(testX);
      predictS.push((performance.now() - t1) / 1000);
      scores.push(b.metric === "accuracy" ? accuracy(testY, pred) : rmse(testY, pred));
    }
    const all = await timedFit(b.data);
    return { kind, params: resolved, scores, fit_s: fitS, fit_all_s: all.seconds, predict_s: predictS };
  } catch (e) {
    return { kind, params: resolved, scores, fit_s: fitS, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Our ms per Adam step at `batch` rows for a ReLU MLP with layer `sizes` (input, hidden…, classes). */
export async function ourStepMs(sizes: readonly number[], batch: number, steps: number): Promise<number> {
  const inputs = sizes[0]!;
  const outputs = sizes[sizes.length - 1]!;
  const spec = mlpNetwork({ inputs, outputs, hiddenLayers: sizes.slice(1, -1) });
  const r = await mlpStepTimer(spec, batch, { steps, warmup: Math.min(50, steps), optimizer: "adam" });
  return r.msPerStep;
}
