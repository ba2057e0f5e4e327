import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../core/rng.js";
import { classTarget, makeDataset } from "../data/dataset.js";
import { categoricalColumn, makeTable, numericColumn } from "../data/table.js";
import { getMetric } from "./metrics/registry.js";
import { permutationImportance } from "./permutation-importance.js";
import { OneFeatureLearner } from "./test-learners.js";

function data(n: number, seed: number) {
  const rng = new Random(seed);
  const labels: string[] = [];
  const x: number[] = [];
  const z: number[] = [];
  const colour: string[] = [];
  for (let i = 0; i < n; i++) {
    const pos = rng.next() < 0.5;
    labels.push(pos ? "y" : "n");
    x.push((pos ? 2 : 0) + rng.normal());
    z.push(rng.normal());
    colour.push(rng.next() < 0.5 ? "red" : "blue");
  }
  return makeDataset(makeTable([numericColumn("x", x), numericColumn("z", z), categoricalColumn("colour", colour)]), classTarget(labels));
}

test("the column the model uses matters; unused columns score exactly 0", async () => {
  const train = data(200, 1);
  const heldOut = data(150, 2);
  const model = await new OneFeatureLearner({ feature: "x" }).fit(train, { seed: 0 });
  const r = permutationImportance(model, heldOut, { nRepeats: 4, seed: 3 });
  assert.equal(r.metric, "log_loss");
  assert.equal(r.greaterIsBetter, false);
  assert.equal(r.baseline, getMetric("log_loss").compute(heldOut.y, model.predict(heldOut.x)));
  const [x, z, colour] = r.features;
  assert.deepEqual(
    r.features.map((f) => f.name),
    ["x", "z", "colour"],
  );
  // Loss metric: a positive drop means the loss went up when x was shuffled.
  assert.ok(x!.mean > 0.3, `x importance ${x!.mean}`);
  assert.ok(x!.drops.every((d) => d > 0));
  assert.equal(x!.mean, x!.drops.reduce((a, b) => a + b, 0) / 4);
  const m = x!.mean;
  assert.ok(Math.abs(x!.sd - Math.sqrt(x!.drops.reduce((a, b) => a + (b - m) ** 2, 0) / 4)) < 1e-15);
  for (const f of [z!, colour!]) {
    assert.equal(f.mean, 0);
    assert.equal(f.sd, 0);
  }
  // Greater-is-better metric keeps the same sign convention.
  const acc = permutationImportance(model, heldOut, { metric: "accuracy", nRepeats: 3, seed: 3, columns: ["x"] });
  assert.equal(acc.features.length, 1);
  assert.ok(acc.features[0]!.mean > 0.2);
  // Seeded.
  assert.deepEqual(permutationImportance(model, heldOut, { nRepeats: 4, seed: 3 }), r);
  assert.notDeepEqual(permutationImportance(model, heldOut, { nRepeats: 4, seed: 4 }).features[0]!.drops, x!.drops);
  assert.throws(() => permutationImportance(model, heldOut, { columns: ["nope"] }), /no column "nope"; the data has x, z, colour/);
  assert.throws(() => permutationImportance(model, heldOut, { nRepeats: 0 }), /nRepeats` must be an integer ≥ 1, but got nRepeats=0/);
});
