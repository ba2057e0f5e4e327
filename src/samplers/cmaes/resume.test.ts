/**
 * Kill/resume equivalence: a study stopped part-way (mid-generation) and continued by a fresh
 * sampler over a freshly opened copy of the same journal proposes exactly what an uninterrupted
 * run proposes, because the CMA-ES state lives in the study's system attributes.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createStudy, loadStudy } from "../../study/create-study.js";
import type { Trial } from "../../study/trial.js";
import { CMAES_STATE_KEY, CmaEsSampler, type CmaEsSamplerOptions } from "./index.js";
import { deserializeState } from "./state.js";

const objective = (t: Trial): number => {
  const x = t.suggestFloat("x", -5, 5);
  const y = t.suggestFloat("y", 1e-4, 1, { log: true });
  const k = t.suggestInt("k", 0, 20);
  const c = t.suggestCategorical("c", ["a", "b"]);
  return (x - 1) ** 2 + (Math.log10(y) + 2) ** 2 + (k - 7) ** 2 / 10 + (c === "a" ? 0 : 0.5) + Math.sin(5 * x) * 0.1;
};

async function resumeMatches(options: CmaEsSamplerOptions, first: number, total: number, minRestarts = 0): Promise<void> {
  const make = (): CmaEsSampler => new CmaEsSampler({ seed: 11, warnIndependentSampling: false, ...options });
  const whole = await createStudy({ sampler: make() });
  await whole.optimize(objective, { nTrials: total });
  const end = deserializeState(whole.systemAttrs[CMAES_STATE_KEY]);
  assert.ok(end.restarts >= minRestarts, `${end.restarts} restarts`);

  const dir = mkdtempSync(join(tmpdir(), "cmaes-resume-"));
  try {
    const url = `file:${join(dir, "study.jsonl")}`;
    const part = await createStudy({ sampler: make(), storage: url, studyName: "s" });
    await part.optimize(objective, { nTrials: first });
    // A new process: a new sampler instance over a newly opened storage on the same journal.
    const resumed = await loadStudy({ studyName: "s", storage: url, sampler: make() });
    const stored = resumed.systemAttrs[CMAES_STATE_KEY];
    assert.ok(stored !== undefined, "the CMA-ES state was not stored in the study");
    assert.ok(deserializeState(stored).generation > 0);
    await resumed.optimize(objective, { nTrials: total - first });
    assert.equal(resumed.trials.length, total);
    assert.deepEqual(
      resumed.trials.map((t) => t.params),
      whole.trials.map((t) => t.params),
    );
    assert.deepEqual(resumed.systemAttrs[CMAES_STATE_KEY], whole.systemAttrs[CMAES_STATE_KEY]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("full CMA-ES resumes from storage mid-generation with the same proposals", async () => {
  await resumeMatches({}, 23, 50);
});

test("separable + margin + LRA + IPOP (with restarts) resume identically", async () => {
  await resumeMatches({ useSeparableCma: true, withMargin: true, lrAdapt: true, restartStrategy: "ipop", tolConditionCov: 2, popsize: 4 }, 37, 90, 1);
});

test("BIPOP with margin resumes identically across restarts", async () => {
  await resumeMatches({ withMargin: true, restartStrategy: "bipop", tolConditionCov: 2, popsize: 4 }, 41, 90, 1);
});
