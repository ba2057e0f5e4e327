/**
 * The genetic samplers inside a real study (in-memory storage): generations and constraints are
 * written through the study's storage, parallel workers (`nJobs`) stay reproducible, and a study
 * resumed by a new sampler instance continues the same run.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { MemoryJournalBackend } from "../../storage/memory-backend.js";
import { createStudy, loadStudy } from "../../study/create-study.js";
import type { Trial } from "../../study/trial.js";
import { NSGAIISampler, NSGAIIISampler } from "./index.js";

const objective = (t: Trial): number[] => {
  const x = [0, 1, 2].map((i) => t.suggestFloat(`x${i}`, 0, 1));
  const k = t.suggestCategorical("k", ["a", "b"]);
  const g = 1 + x[1]! + x[2]! + (k === "a" ? 0 : 0.5);
  return [x[0]!, g * (1 - Math.sqrt(x[0]! / g))];
};

describe("genetic samplers in a study", () => {
  test("NSGA-II with 3 parallel jobs: generations recorded, same seed gives the same study", async () => {
    const runOnce = async (): Promise<readonly FrozenTrial[]> => {
      const study = await createStudy({ directions: ["minimize", "minimize"], sampler: new NSGAIISampler({ seed: 7, populationSize: 8, crossover: "sbx" }) });
      await study.optimize(async (t) => objective(t), { nTrials: 40, nJobs: 3 });
      return study.getTrials();
    };
    const a = await runOnce();
    const b = await runOnce();
    assert.equal(a.length, 40);
    assert.deepEqual(
      a.map((t) => t.internalParams),
      b.map((t) => t.internalParams),
    );
    const generations = a.map((t) => t.systemAttrs["nsga2:generation"] as number);
    assert.ok(generations.every((g) => Number.isInteger(g)));
    assert.ok(Math.max(...generations) >= 3, `generations ${generations.join()}`);
    for (let i = 1; i < generations.length; i++) assert.ok((generations[i] as number) >= (generations[i - 1] as number));
  });

  test("NSGA-III with constraints, resumed by a new sampler instance", async () => {
    const constraintsFunc = (t: FrozenTrial): number[] => [(t.params.x1 as number) - 0.5];
    const make = (): NSGAIIISampler => new NSGAIIISampler({ seed: 3, populationSize: 6, constraintsFunc });
    const whole = await createStudy({ directions: ["minimize", "minimize"], sampler: make() });
    await whole.optimize(objective, { nTrials: 30 });
    const storage = new MemoryJournalBackend();
    const first = await createStudy({ directions: ["minimize", "minimize"], sampler: make(), storage, studyName: "resume" });
    await first.optimize(objective, { nTrials: 17 });
    const study = await loadStudy({ studyName: "resume", storage, sampler: make() });
    await study.optimize(objective, { nTrials: 13 });
    const trials = study.getTrials();
    assert.deepEqual(
      trials.map((t) => t.internalParams),
      whole.getTrials().map((t) => t.internalParams),
    );
    for (const t of trials) assert.deepEqual(t.systemAttrs.constraints, [(t.params.x1 as number) - 0.5]);
  });
});
