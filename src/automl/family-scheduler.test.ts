import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Distribution } from "../core/distributions.js";
import { Random } from "../core/rng.js";
import { createStudy } from "../study/create-study.js";
import { chooseFamily, familyRewards } from "./family-scheduler.js";

const FAMILIES = ["gbdt", "linear", "knn"];
const familyDist: Distribution = { kind: "categorical", choices: FAMILIES };

/** A study whose trials have these (family, loss) pairs in order; `null` loss = pruned, NaN = failed. */
async function studyOf(rows: readonly (readonly [string, number | null])[]): Promise<Awaited<ReturnType<typeof createStudy>>> {
  const study = await createStudy({ direction: "minimize" });
  for (const [family, loss] of rows) {
    if (loss === null) await study.addTrial({ state: "pruned", params: { family }, distributions: { family: familyDist } });
    else if (Number.isNaN(loss)) await study.addTrial({ state: "fail", params: { family }, distributions: { family: familyDist } });
    else await study.addTrial({ params: { family }, distributions: { family: familyDist }, value: loss });
  }
  return study;
}

/** How often each family is chosen over `n` seeded draws. */
function shares(trials: Parameters<typeof chooseFamily>[0], n = 400): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(FAMILIES.map((f) => [f, 0]));
  for (let s = 0; s < n; s++) counts[chooseFamily(trials, FAMILIES, "minimize", new Random(s)).family]! += 1 / n;
  return counts;
}

describe("family scheduler", () => {
  test("rewards: 1 for a new best, 0.6 × rank share otherwise, none for pruned, 0 for failed; maximize flips the order", async () => {
    const study = await studyOf([["gbdt", 0.5], ["linear", 0.4], ["knn", 0.9], ["gbdt", 0.45], ["knn", null], ["linear", Number.NaN]]);
    const r = familyRewards(study.getTrials(), "minimize");
    assert.equal(r.has(0), false, "the first complete trial has nothing to compare with");
    assert.equal(r.get(1), 1);
    assert.equal(r.get(2), 0);
    assert.ok(Math.abs(r.get(3)! - 0.6 * (2 / 3)) < 1e-12, `beats 0.5 and 0.9 of three: ${r.get(3)}`);
    assert.equal(r.has(4), false, "pruned by the family's own ASHA: no evidence about the family");
    assert.equal(r.get(5), 0, "failed");
    // Cut by the deadline (candidate record cancelled) or by a kill (interrupted): no evidence either way.
    await study.addTrial({ state: "fail", params: { family: "knn" }, distributions: { family: familyDist }, userAttrs: { candidate: { state: "cancelled" } } });
    await study.addTrial({ state: "fail", params: { family: "knn" }, distributions: { family: familyDist }, failReason: "interrupted (the run was stopped while this candidate was running)" });
    const rc = familyRewards(study.getTrials(), "minimize");
    assert.equal(rc.has(6), false, "cancelled");
    assert.equal(rc.has(7), false, "interrupted");
    const rMax = familyRewards(study.getTrials(), "maximize");
    assert.equal(rMax.get(2), 1, "0.9 is a new best when maximizing");
    assert.equal(rMax.get(1), 0);
  });

  test("a family whose candidates keep improving gets most proposals; a hopeless one almost none", async () => {
    const rows: [string, number][] = [];
    // gbdt improves steadily, linear stalls just behind, knn is far worse.
    for (let i = 0; i < 12; i++) {
      rows.push(["gbdt", 0.5 - 0.01 * i]);
      rows.push(["linear", 0.52 + 0.001 * (i % 3)]);
      rows.push(["knn", 2 + i]);
    }
    const study = await studyOf(rows);
    const s = shares(study.getTrials());
    assert.ok(s.gbdt! > 0.6, `gbdt share ${s.gbdt}`);
    assert.ok(s.knn! < 0.1, `knn share ${s.knn}`);
    assert.ok(s.linear! > s.knn!, `linear ${s.linear} vs knn ${s.knn}`);
  });

  test("a family left alone is retried as old evidence is discounted", async () => {
    const early: [string, number][] = [["gbdt", 0.5], ["linear", 0.4], ["knn", 0.45], ["gbdt", 0.9], ["gbdt", 0.95], ["gbdt", 0.97]];
    // Then 40 linear trials that never improve on 0.4: linear's recent rewards are middling, gbdt's
    // bad results lie 40+ trials back.
    const late: [string, number][] = Array.from({ length: 40 }, (_, i) => ["linear", 0.41 + 0.001 * i] as [string, number]);
    const fresh = shares((await studyOf(early)).getTrials());
    const later = shares((await studyOf([...early, ...late])).getTrials());
    assert.ok(later.gbdt! > fresh.gbdt! + 0.1, `gbdt share ${fresh.gbdt} right after its failures, ${later.gbdt} 40 trials later`);
  });

  test("the same rng state and history give the same choice; the reason names the family", async () => {
    const study = await studyOf([["gbdt", 0.5], ["linear", 0.4], ["knn", 0.45]]);
    const a = chooseFamily(study.getTrials(), FAMILIES, "minimize", new Random(7));
    const b = chooseFamily(study.getTrials(), FAMILIES, "minimize", new Random(7));
    assert.deepEqual(a, b);
    assert.match(a.reason, new RegExp(`family ${a.family} by discounted Thompson sampling`));
  });
});
