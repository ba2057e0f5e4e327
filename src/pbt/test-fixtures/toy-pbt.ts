/**
 * The small PBT problem of `resume.test.ts` and its child process: noisy SGD on a quadratic,
 * tracked by its second moment m (see `pbt.test.ts`), deterministic given state, params and seed.
 */
import type { Distribution } from "../../core/distributions.js";
import { Random } from "../../core/rng.js";
import type { PBTStep } from "../types.js";

/** A member's model: the second moment of its weights. */
export type ToyModel = { m: number };

/** One SGD step on the model the step is given. */
export const toyStep: PBTStep<ToyModel> = ({ params, state }, ctx) => {
  const m = sgd(state?.m ?? 1e4, params.lr as number, ctx.seed);
  return { score: -Math.log10(m), state: { m } };
};

/** The update itself, for steps that keep their models elsewhere. */
export function sgd(m0: number, lr: number, seed: number): number {
  return ((1 - lr) ** 2 * m0 + lr * lr) * (1 + 0.1 * (new Random(seed).next() - 0.5));
}

/** The run's options apart from the step and the study. */
export const TOY = {
  population: 6,
  hyperparameters: { lr: { kind: "float", low: 1e-4, high: 1, log: true } } as Record<string, Distribution>,
  totalSteps: 32,
  readyInterval: 5,
  seed: 17,
} as const;
