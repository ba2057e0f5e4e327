/**
 * Pruners inside real studies (the Study API, journal storage): ASHA and Hyperband stop clearly bad
 * learning curves early, keep the best, survive a restart of the process, and prune
 * multi-objective studies from vector reports.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Distribution } from "../core/distributions.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { Pruner } from "../core/pruner.js";
import { Random, deriveSeed } from "../core/rng.js";
import type { Sampler } from "../core/sampler.js";
import { MemoryJournalBackend, TrialPruned, createStudy, loadStudy, type Study, type Trial } from "../index.js";
import { HYPERBAND_BRACKET_KEY, HyperbandPruner } from "./hyperband.js";
import { MedianPruner } from "./median.js";
import { NopPruner } from "./nop.js";
import { SuccessiveHalvingPruner } from "./successive-halving.js";

/** Uniform draws that depend only on the seed, the trial number and the parameter name. */
class SeededUniformSampler implements Sampler {
  readonly kind = "test-uniform";
  readonly params = { seed: 42 };
  inferRelativeSearchSpace(): Record<string, Distribution> {
    return {};
  }
  sampleRelative(): Record<string, number> {
    return {};
  }
  sampleIndependent(_study: unknown, trial: FrozenTrial, name: string, d: Distribution): number {
    if (d.kind === "categorical") throw new Error("not needed here");
    return new Random(deriveSeed(this.params.seed, trial.number, name)).uniform(d.low, d.high);
  }
}

const EPOCHS = 27;

/**
 * A population of learning curves: `x` near 0.3 converges to a low loss; most of the range
 * plateaus far higher. The curves have the same shape, so their ranking at any epoch is their
 * final ranking: a correct pruner never loses the best trial.
 */
function learningCurveObjective(counter: { epochs: number }) {
  return async (trial: Trial): Promise<number> => {
    const x = trial.suggestFloat("x", 0, 1);
    const plateau = 0.1 + 8 * (x - 0.3) ** 2;
    let loss = Infinity;
    for (let epoch = 1; epoch <= EPOCHS; epoch++) {
      counter.epochs++;
      loss = plateau + 2 * Math.exp(-epoch / 4);
      trial.report(loss, epoch);
      if (await trial.shouldPrune()) throw new TrialPruned();
    }
    return loss;
  };
}

async function run(pruner: Pruner, nTrials: number, study?: Study): Promise<{ study: Study; epochs: number }> {
  const s = study ?? (await createStudy({ direction: "minimize", pruner, sampler: new SeededUniformSampler() }));
  const counter = { epochs: 0 };
  await s.optimize(learningCurveObjective(counter), { nTrials });
  return { study: s, epochs: counter.epochs };
}

const states = (study: Study): string[] => study.trials.map((t) => `${t.number}:${t.state}`);

describe("pruners in a study", () => {
  test("ASHA prunes the bad curves, saves most of the compute and keeps the best trial", async () => {
    const baseline = await run(new NopPruner(), 40);
    const asha = await run(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 }), 40);
    assert.equal(baseline.epochs, 40 * EPOCHS);
    const pruned = asha.study.getTrials({ states: ["pruned"] });
    assert.ok(pruned.length >= 20, `only ${pruned.length} of 40 trials pruned`);
    assert.ok(asha.epochs < 0.5 * baseline.epochs, `ASHA ran ${asha.epochs} epochs, baseline ${baseline.epochs}`);
    assert.equal(asha.study.bestValue, baseline.study.bestValue, "the best trial survived");
    // every pruned trial stopped at a rung end (steps 1, 3, 9, 27) with its rung values durable
    for (const t of pruned) {
      const last = Math.max(...Object.keys(t.intermediateValues).map(Number));
      assert.ok([1, 3, 9].includes(last), `trial ${t.number} stopped at epoch ${last}`);
      assert.ok("completed_rung_0" in t.systemAttrs);
    }
  });

  test("a study resumed in a fresh process (new pruner, same storage) decides as an uninterrupted one", async () => {
    const make = (): Pruner => new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
    const whole = await run(make(), 30);

    const backend = new MemoryJournalBackend();
    const first = await createStudy({ direction: "minimize", pruner: make(), sampler: new SeededUniformSampler(), storage: backend, studyName: "resumable" });
    await run(first.pruner, 12, first);
    const second = await loadStudy({ studyName: "resumable", storage: backend, pruner: make(), sampler: new SeededUniformSampler() });
    await run(second.pruner, 18, second);

    assert.deepEqual(states(second), states(whole.study));
    assert.deepEqual(
      second.trials.map((t) => t.systemAttrs),
      whole.study.trials.map((t) => t.systemAttrs),
    );
  });

  test("Hyperband spreads trials over brackets and prunes, keeping the best", async () => {
    const baseline = await run(new NopPruner(), 60);
    const hb = await run(new HyperbandPruner({ minResource: 1, maxResource: EPOCHS, reductionFactor: 3 }), 60);
    const brackets = new Set(hb.study.trials.map((t) => t.systemAttrs[HYPERBAND_BRACKET_KEY]));
    assert.ok(brackets.size >= 3, `brackets used: ${[...brackets].join(", ")}`);
    assert.ok(hb.epochs < 0.7 * baseline.epochs, `Hyperband ran ${hb.epochs} epochs, baseline ${baseline.epochs}`);
    assert.equal(hb.study.bestValue, baseline.study.bestValue);
  });

  test("MedianPruner in a study", async () => {
    const baseline = await run(new NopPruner(), 30);
    const median = await run(new MedianPruner(), 30);
    assert.ok(median.epochs < 0.7 * baseline.epochs, `median ran ${median.epochs} epochs, baseline ${baseline.epochs}`);
    assert.equal(median.study.bestValue, baseline.study.bestValue);
  });

  test("multi-objective: ASHA on vector reports prunes dominated curves and keeps the Pareto front", async () => {
    // loss (minimise) and throughput (maximise) trade off along x; y only wastes both.
    const objective = (counter: { epochs: number }) => async (trial: Trial): Promise<number[]> => {
      const x = trial.suggestFloat("x", 0, 1);
      const y = trial.suggestFloat("y", 0, 1);
      const lossPlateau = 0.1 + x + 3 * y;
      const throughput = x - 3 * y;
      let report: number[] = [];
      for (let epoch = 1; epoch <= EPOCHS; epoch++) {
        counter.epochs++;
        const warm = Math.exp(-epoch / 4);
        report = [lossPlateau + 2 * warm, throughput - warm];
        trial.report(report, epoch);
        if (await trial.shouldPrune()) throw new TrialPruned();
      }
      return report;
    };
    const go = async (pruner: Pruner): Promise<{ study: Study; epochs: number }> => {
      const study = await createStudy({ directions: ["minimize", "maximize"], pruner, sampler: new SeededUniformSampler() });
      const counter = { epochs: 0 };
      await study.optimize(objective(counter), { nTrials: 40 });
      return { study, epochs: counter.epochs };
    };
    const baseline = await go(new NopPruner());
    const asha = await go(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 }));
    const pruned = asha.study.getTrials({ states: ["pruned"] });
    assert.ok(pruned.length >= 15, `only ${pruned.length} pruned`);
    assert.ok(asha.epochs < 0.6 * baseline.epochs, `ASHA ran ${asha.epochs} epochs, baseline ${baseline.epochs}`);
    for (const t of pruned) {
      const v = t.systemAttrs["completed_rung_0"];
      assert.ok(Array.isArray(v) && v.length === 2, "rung values are stored as vectors");
    }
    // the extremes of the baseline's Pareto front (best loss, best throughput) were not pruned
    const complete = baseline.study.getTrials({ states: ["complete"] });
    const bestLoss = complete.reduce((a, b) => (b.values![0]! < a.values![0]! ? b : a));
    const bestThroughput = complete.reduce((a, b) => (b.values![1]! > a.values![1]! ? b : a));
    for (const t of [bestLoss, bestThroughput]) {
      assert.equal(asha.study.trials[t.number]!.state, "complete", `trial ${t.number} was pruned`);
    }
    const front = asha.study.bestTrials.map((t) => t.number).sort((a, b) => a - b);
    assert.deepEqual(front, baseline.study.bestTrials.map((t) => t.number).sort((a, b) => a - b));
  });
});
