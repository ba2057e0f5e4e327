import assert from "node:assert/strict";
import { test } from "node:test";
import { OuroborosError } from "../../core/errors.js";
import { conformanceData, runLearnerConformance } from "../../testing/learner-conformance.js";
import { decodeArtifact, encodeArtifact } from "../artifact.js";
import "../index.js";
import { createLearner, loadModel } from "../registry.js";
import { crossFitBagFactory, CrossFitBagModel } from "./cross-fit-bag.js";

runLearnerConformance("bag of gbdt (early stopping inside each fold)", crossFitBagFactory, { params: { base: { kind: "gbdt", params: { nEstimators: 20, earlyStoppingRounds: 5, subsample: 0.8 } }, folds: 3 } });
runLearnerConformance("bag of linear", crossFitBagFactory, { params: { base: { kind: "linear", params: {} } } });

test("a bag predicts the plain average of its fold models; its spec and seed rebuild it", async () => {
  const data = conformanceData("multiclass", 150, 7);
  const bag = await createLearner({ kind: "bag", params: { base: { kind: "random-forest", params: { nEstimators: 8 } }, folds: 4, foldSeed: 11 } }).fit(data, { seed: 3 });
  assert.ok(bag instanceof CrossFitBagModel);
  assert.equal(bag.members.length, 4);
  const p = bag.predict(data.x);
  const members = bag.members.map((m) => m.predict(data.x));
  assert.ok(p.task !== "regression");
  for (let i = 0; i < p.proba.length; i++) {
    let s = 0;
    for (const m of members) s += (m as { proba: Float64Array }).proba[i]!;
    assert.ok(Math.abs(p.proba[i]! - s / 4) < 1e-12);
  }
  const again = await createLearner(bag.save().spec).fit(data, { seed: 3 });
  assert.deepEqual(again.predict(data.x), p, "the saved spec and seed rebuild the same bag");
  // A fixed `seed` param overrides the fit's seed (how a run rebuilds a candidate's fold models).
  const pinned = { kind: "bag", params: { base: { kind: "gbdt", params: { nEstimators: 15, subsample: 0.7 } }, folds: 3, seed: 42 } };
  const a = await createLearner(pinned).fit(data, { seed: 1 });
  const b = await createLearner(pinned).fit(data, { seed: 2 });
  assert.deepEqual(a.predict(data.x), b.predict(data.x));
});

test("a bag saves and loads through the registry; bad params and corrupt artifacts are named errors", async () => {
  const data = conformanceData("regression", 90, 2);
  const bag = await createLearner({ kind: "bag", params: { base: { kind: "gbdt", params: { nEstimators: 10 } }, folds: 3 } }).fit(data, { seed: 5 });
  const enc = encodeArtifact(bag.save());
  const loaded = loadModel(decodeArtifact(enc.json, enc.weights));
  assert.deepEqual(loaded.predict(data.x), bag.predict(data.x));
  const bad = (params: Record<string, unknown>, re: RegExp): void =>
    assert.throws(() => createLearner({ kind: "bag", params }), (e: unknown) => e instanceof OuroborosError && re.test(e.message));
  bad({}, /`base` must be a learner spec/);
  bad({ base: { kind: "linear", params: {} }, folds: 1 }, /`folds` must be an integer ≥ 2, but got 1/);
  bad({ base: { kind: "linear", params: {} }, seed: -3 }, /`seed` must be a non-negative integer/);
  bad({ base: { kind: "linear", params: {} }, validationFraction: 1 }, /validationFraction/);
  bad({ base: { kind: "linear", params: {} }, extra: 1 }, /unknown hyperparameter "extra"/);
  assert.throws(() => createLearner({ kind: "bag", params: { base: { kind: "nope", params: {} } } }), /unknown learner kind "nope"/);
  const a = bag.save();
  assert.throws(() => loadModel({ ...a, state: { members: [] } }), /bag: the artifact has no members/);
  await assert.rejects(createLearner({ kind: "bag", params: { base: { kind: "linear", params: {} } } }).fit(conformanceData("regression", 10, 1), { seed: 1 }).then(async () => createLearner({ kind: "bag", params: { base: { kind: "naive-bayes", params: {} } } }).fit(data, { seed: 1 })), /bag: the base learner "naive-bayes" cannot fit a regression target/);
});
