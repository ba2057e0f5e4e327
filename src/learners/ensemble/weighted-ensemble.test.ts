import assert from "node:assert/strict";
import { test } from "node:test";
import { conformanceData, runLearnerConformance } from "../../testing/learner-conformance.js";
import "../index.js";
import { createLearner } from "../registry.js";
import { weightedEnsembleFactory } from "./weighted-ensemble.js";

const members = [
  { spec: { kind: "linear", params: { C: 0.5 } }, weight: 0.7 },
  { spec: { kind: "constant", params: {} }, weight: 0.3 },
];
runLearnerConformance("ensemble (linear + constant)", weightedEnsembleFactory, { params: { members } });

test("an ensemble predicts the weighted average of its members", async () => {
  const data = conformanceData("binary", 120, 4);
  const ens = await createLearner({ kind: "ensemble", params: { members } }).fit(data, { seed: 1 });
  const p = ens.predict(data.x);
  const a = (await createLearner(members[0]!.spec).fit(data, { seed: 1 })).predict(data.x);
  const b = (await createLearner(members[1]!.spec).fit(data, { seed: 1 })).predict(data.x);
  assert.ok(p.task !== "regression" && a.task !== "regression" && b.task !== "regression");
  // Member seeds are derived from the ensemble's seed; linear and constant fits ignore their seed.
  for (let i = 0; i < p.proba.length; i++) assert.ok(Math.abs(p.proba[i]! - (0.7 * a.proba[i]! + 0.3 * b.proba[i]!)) < 1e-12);
  assert.throws(() => createLearner({ kind: "ensemble", params: { members: [] } }), /non-empty/);
  assert.throws(() => createLearner({ kind: "ensemble", params: { members: [{ spec: { kind: "linear", params: {} }, weight: -1 }] } }), /weight ≥ 0/);
});
