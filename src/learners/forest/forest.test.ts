import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OuroborosError } from "../../core/errors.js";
import { Random } from "../../core/rng.js";
import { classTarget, makeDataset, regressionTarget, selectDatasetRows, type Dataset } from "../../data/dataset.js";
import { categoricalColumn, makeTable, numericColumn } from "../../data/table.js";
import { decodeArtifact, encodeArtifact } from "../artifact.js";
import type { Predictions } from "../learner.js";
import { conformanceData } from "../../testing/learner-conformance.js";
import { loadBundled } from "./bundled-data.js";
import { extraTreesLearnerFactory, ForestLearner, randomForestLearnerFactory } from "./forest.js";
import { ForestModel } from "./forest-model.js";
import { predictFromDumps, type TreeDump } from "./tree-dump.js";

function holdout(d: Dataset, share: number, seed: number): [Dataset, Dataset] {
  const idx = new Random(seed).shuffle(Array.from({ length: d.x.nRows }, (_, i) => i));
  const k = Math.round(share * idx.length);
  return [selectDatasetRows(d, idx.slice(k)), selectDatasetRows(d, idx.slice(0, k))];
}

/** Accuracy (classes) or R² (regression) of predictions against a dataset's target. */
function score(p: Predictions, d: Dataset): number {
  if (p.task === "regression" && d.y.task === "regression") {
    const y = d.y.values;
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    let res = 0;
    let tot = 0;
    y.forEach((v, i) => {
      res += (p.values[i]! - v) ** 2;
      tot += (v - mean) ** 2;
    });
    return 1 - res / tot;
  }
  if (p.task === "regression" || d.y.task === "regression") throw new Error("task mismatch");
  const k = p.classes.length;
  let hits = 0;
  for (let i = 0; i < d.y.labels.length; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p.proba[i * k + j]! > p.proba[i * k + best]!) best = j;
    if (best === d.y.labels[i]) hits++;
  }
  return hits / d.y.labels.length;
}

function values(p: Predictions): Float64Array {
  return p.task === "regression" ? p.values : p.proba;
}

function depthOf(d: TreeDump): number {
  const depth = new Array<number>(d.nodes.length).fill(0);
  let max = 0;
  for (const n of d.nodes) {
    if (n.leaf) continue;
    depth[n.left] = depth[n.right] = depth[n.id]! + 1;
    max = Math.max(max, depth[n.id]! + 1);
  }
  return max;
}

const cancer = loadBundled("breast_cancer", "target", "class");
const [cancerTrain, cancerTest] = holdout(cancer, 0.3, 7);

describe("random forest and extra trees on real data", () => {
  test("breast cancer: both learn (held-out accuracy ≥ 0.93), the out-of-bag score tracks the held-out score, ET differs from RF", async () => {
    const rf = await new ForestLearner("random-forest", { nEstimators: 60 }).fit(cancerTrain, { seed: 1 });
    const et = await new ForestLearner("extra-trees", { nEstimators: 60 }).fit(cancerTrain, { seed: 1 });
    const rfAcc = score(rf.predict(cancerTest.x), cancerTest);
    const etAcc = score(et.predict(cancerTest.x), cancerTest);
    assert.ok(rfAcc >= 0.93, `random forest held-out accuracy ${rfAcc}`);
    assert.ok(etAcc >= 0.93, `extra trees held-out accuracy ${etAcc}`);
    assert.ok(rf.oobScore !== undefined && Math.abs(rf.oobScore - rfAcc) < 0.04, `OOB ${rf.oobScore} vs held-out ${rfAcc}`);
    assert.equal(et.oobScore, undefined, "no bootstrap, no OOB score");
    // OOB predictions: one distribution per training row (60 trees leave every row out at least once).
    const oob = rf.oobPrediction;
    assert.ok(oob !== undefined && oob.task === "binary");
    assert.equal(oob.proba.length, cancerTrain.x.nRows * 2);
    assert.ok(oob.proba.every((v) => v >= 0 && v <= 1));
    assert.equal(score(oob, cancerTrain), rf.oobScore);
    const a = values(rf.predict(cancerTest.x));
    const b = values(et.predict(cancerTest.x));
    assert.ok(a.some((v, i) => Math.abs(v - b[i]!) > 0.05), "extra trees must not reproduce the random forest");
  });

  test("digits (10 classes, 64 pixels): held-out accuracy ≥ 0.94 with 30 trees", async () => {
    const digits = loadBundled("digits", "target", "class");
    const [train, test] = holdout(digits, 0.25, 3);
    const m = await new ForestLearner("random-forest", { nEstimators: 30 }).fit(train, { seed: 2 });
    const acc = score(m.predict(test.x), test);
    assert.ok(acc >= 0.94, `digits held-out accuracy ${acc}`);
  });

  test("regression (concrete): held-out R² ≥ 0.8, OOB R² close to it; leaves are means", async () => {
    const concrete = loadBundled("concrete", "compressive_strength", "regression");
    const [train, test] = holdout(concrete, 0.3, 5);
    const m = await new ForestLearner("random-forest", { nEstimators: 30 }).fit(train, { seed: 3 });
    const r2 = score(m.predict(test.x), test);
    assert.ok(r2 >= 0.8, `concrete held-out R² ${r2}`);
    assert.ok(m.oobScore !== undefined && Math.abs(m.oobScore - r2) < 0.08, `OOB R² ${m.oobScore} vs held-out ${r2}`);
    const y = train.y.task === "regression" ? train.y.values : new Float64Array(0);
    const [lo, hi] = [Math.min(...y), Math.max(...y)];
    assert.ok(values(m.predict(test.x)).every((v) => v >= lo && v <= hi), "averages of leaf means stay within the training range");
  });

  test("penguins (categorical columns and missing cells, read natively): held-out accuracy ≥ 0.95", async () => {
    const penguins = loadBundled("penguins", "species", "class");
    assert.ok(penguins.x.columns.some((c) => c.kind === "categorical"));
    const [train, test] = holdout(penguins, 0.3, 1);
    for (const kind of ["random-forest", "extra-trees"] as const) {
      const m = await new ForestLearner(kind, { nEstimators: 25 }).fit(train, { seed: 1 });
      const acc = score(m.predict(test.x), test);
      assert.ok(acc >= 0.95, `${kind} penguins accuracy ${acc}`);
    }
  });
});

describe("tree structure", () => {
  const data = conformanceData("multiclass", 300, 21, { missing: true });

  test("maxDepth and minSamplesLeaf are respected", async () => {
    for (const kind of ["random-forest", "extra-trees"] as const) {
      const m = await new ForestLearner(kind, { nEstimators: 5, maxDepth: 3 }).fit(data, { seed: 1 });
      for (let i = 0; i < m.nTrees; i++) assert.ok(depthOf(m.dumpTree(i)) <= 3, `${kind} tree ${i} is deeper than 3`);
      const deep = await new ForestLearner(kind, { nEstimators: 5 }).fit(data, { seed: 1 });
      assert.ok(depthOf(deep.dumpTree(0)) > 3, "unlimited trees grow deeper");
      const leafy = await new ForestLearner(kind, { nEstimators: 5, minSamplesLeaf: 9 }).fit(data, { seed: 1 });
      for (let i = 0; i < leafy.nTrees; i++) {
        // With unit sample weights a leaf's weight is at least its number of distinct rows.
        for (const n of leafy.dumpTree(i).nodes) if (n.leaf) assert.ok(n.weight >= 9, `${kind} leaf with weight ${n.weight} < 9 rows`);
      }
    }
  });

  test("raw-threshold walk of the dumped trees equals the binned prediction (missing and unseen values included)", async () => {
    const other = conformanceData("multiclass", 120, 99, { missing: true });
    for (const kind of ["random-forest", "extra-trees"] as const) {
      const m = await new ForestLearner(kind, { nEstimators: 8, maxBins: 12 }).fit(data, { seed: 4 });
      const dumps = Array.from({ length: m.nTrees }, (_, i) => m.dumpTree(i));
      assert.ok(dumps.some((d) => d.nodes.some((n) => !n.leaf && n.leftCategories !== undefined)), "a categorical split is dumped");
      assert.ok(dumps.some((d) => d.nodes.some((n) => !n.leaf && n.threshold !== undefined && Number.isFinite(n.threshold))), "a numeric split is dumped");
      for (const x of [data.x, other.x]) {
        const raw = predictFromDumps(dumps, m.state.binner, x, m.nOut);
        const binned = values(m.predict(x));
        assert.equal(raw.length, binned.length);
        for (let i = 0; i < raw.length; i++) assert.ok(Math.abs(raw[i]! - binned[i]!) < 1e-12, `row ${i}: raw ${raw[i]} vs binned ${binned[i]}`);
      }
    }
  });

  test("a category subset split separates non-ordinal categories in one split; missingness is routed", async () => {
    const rng = new Random(3);
    const cats = ["a", "b", "c", "d", "e", "f"];
    const labels: string[] = [];
    const cat: (string | null)[] = [];
    const num: number[] = [];
    for (let i = 0; i < 240; i++) {
      const c = cats[rng.int(cats.length)]!;
      cat.push(c);
      // Class "yes" for a, c, e: no order of the codes separates it with a single threshold.
      labels.push(c === "a" || c === "c" || c === "e" ? "yes" : "no");
      num.push(i % 3 === 0 ? Number.NaN : rng.normal());
    }
    const stump = { nEstimators: 3, maxDepth: 1, maxFeatures: 1, bootstrap: false };
    const byCategory = makeDataset(makeTable([categoricalColumn("c", cat), numericColumn("noise", Float64Array.from(num, (v) => (Number.isNaN(v) ? 0 : v)))]), classTarget(labels));
    const m = await new ForestLearner("random-forest", stump).fit(byCategory, { seed: 1 });
    assert.equal(score(m.predict(byCategory.x), byCategory), 1);
    // The label is "is the value missing": one split on the missing bin.
    const byMissing = makeDataset(makeTable([numericColumn("x", num)]), classTarget(num.map((v) => (Number.isNaN(v) ? "gone" : "here"))));
    const m2 = await new ForestLearner("random-forest", stump).fit(byMissing, { seed: 1 });
    assert.equal(score(m2.predict(byMissing.x), byMissing), 1);
  });

  test("feature importance sums to 1 and ranks the signal above the noise", async () => {
    const d = conformanceData("regression", 400, 5);
    const m = await new ForestLearner("random-forest", { nEstimators: 20 }).fit(d, { seed: 1 });
    const imp = m.featureImportance();
    assert.deepEqual([...imp.keys()], ["a", "b", "colour", "noise"]);
    const total = [...imp.values()].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-9, `importances sum to ${total}`);
    assert.ok(imp.get("a")! > imp.get("noise")! && imp.get("a")! > 0.4, `a=${imp.get("a")} noise=${imp.get("noise")}`);
  });
});

describe("training resource, warm start, persistence", () => {
  const data = conformanceData("binary", 200, 8);

  test("warm start from 10 to 25 trees equals a 25-tree fit with the same seed; reports continue from 11", async () => {
    for (const kind of ["random-forest", "extra-trees"] as const) {
      const full = await new ForestLearner(kind, { nEstimators: 25 }).fit(data, { seed: 6 });
      const small = await new ForestLearner(kind, { nEstimators: 10 }).fit(data, { seed: 6 });
      const steps: number[] = [];
      const grown = await new ForestLearner(kind, { nEstimators: 25 }).fit(data, { seed: 6, initModel: small, report: (s) => void steps.push(s) });
      assert.equal(grown.nTrees, 25);
      assert.deepEqual(steps, Array.from({ length: 15 }, (_, i) => 11 + i));
      assert.deepEqual(values(grown.predict(data.x)), values(full.predict(data.x)));
      assert.equal(grown.oobScore, full.oobScore);
      assert.equal(small.nTrees, 10, "the initial model is not changed");
    }
  });

  test("reported losses are finite and the OOB loss falls as trees are added", async () => {
    const losses: number[] = [];
    await new ForestLearner("random-forest", { nEstimators: 40 }).fit(data, { seed: 2, report: (_, l) => void losses.push(l) });
    assert.equal(losses.length, 40);
    assert.ok(losses.every(Number.isFinite));
    assert.ok(losses[39]! < losses[2]!, `OOB log-loss ${losses[2]} → ${losses[39]}`);
  });

  test("with a validation set, the last reported loss is the validation log-loss of the returned model", async () => {
    const valid = conformanceData("binary", 80, 31);
    const losses: number[] = [];
    const m = await new ForestLearner("extra-trees", { nEstimators: 7, minSamplesLeaf: 2 }).fit(data, { seed: 2, validation: valid, report: (_, l) => void losses.push(l) });
    const p = m.predict(valid.x);
    assert.ok(p.task === "binary" && valid.y.task === "binary");
    let ll = 0;
    for (let i = 0; i < 80; i++) ll -= Math.log(Math.max(1e-15, p.proba[2 * i + valid.y.labels[i]!]!));
    assert.equal(losses.length, 7);
    assert.ok(Math.abs(losses[6]! - ll / 80) < 1e-9, `reported ${losses[6]} vs ${ll / 80}`);
  });

  test("mostly zero weights: trees still fit on the weighted rows and predictions stay valid", async () => {
    const w = Float64Array.from({ length: 200 }, (_, i) => (i < 3 ? 1 : 0));
    const m = await new ForestLearner("random-forest", { nEstimators: 20 }).fit(makeDataset(data.x, data.y, w), { seed: 1 });
    const p = values(m.predict(data.x));
    assert.ok(p.every((v) => Number.isFinite(v) && v >= 0 && v <= 1));
    await assert.rejects(new ForestLearner("random-forest", { nEstimators: 2 }).fit(makeDataset(data.x, data.y, new Float64Array(200)), { seed: 1 }), /weights sum to 0/);
  });

  test("an aborted signal stops the fit", async () => {
    const ac = new AbortController();
    const steps: number[] = [];
    const fit = new ForestLearner("extra-trees", { nEstimators: 50 }).fit(data, {
      seed: 1,
      signal: ac.signal,
      report: (s) => {
        steps.push(s);
        if (s === 3) ac.abort(new Error("stop here"));
      },
    });
    await assert.rejects(fit, /stop here/);
    assert.deepEqual(steps, [1, 2, 3]);
  });

  test("save → encode → decode → load keeps predictions, importance, OOB score and tree dumps", async () => {
    for (const [factory, task] of [[randomForestLearnerFactory, "multiclass"], [extraTreesLearnerFactory, "regression"]] as const) {
      const d = conformanceData(task, 150, 4, { missing: true });
      const m = (await factory.create({ nEstimators: 6 }).fit(d, { seed: 1 })) as ForestModel;
      const enc = encodeArtifact(m.save());
      const loaded = factory.load(decodeArtifact(enc.json, enc.weights)) as ForestModel;
      assert.deepEqual(values(loaded.predict(d.x)), values(m.predict(d.x)));
      assert.deepEqual(loaded.featureImportance(), m.featureImportance());
      assert.equal(loaded.oobScore, m.oobScore);
      assert.deepEqual(loaded.dumpTree(5), m.dumpTree(5));
      const other = factory === randomForestLearnerFactory ? extraTreesLearnerFactory : randomForestLearnerFactory;
      assert.throws(() => other.load(m.save()), (e: unknown) => e instanceof OuroborosError && e.code === "artifact-corrupt");
    }
  });

  test("warm start refuses another kind or other classes", async () => {
    const rf = await new ForestLearner("random-forest", { nEstimators: 3 }).fit(data, { seed: 1 });
    await assert.rejects(new ForestLearner("extra-trees", { nEstimators: 5 }).fit(data, { seed: 1, initModel: rf }), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument");
    const relabelled = makeDataset(data.x, classTarget(Array.from({ length: 200 }, (_, i) => ["p", "q"][i % 2]!)));
    await assert.rejects(new ForestLearner("random-forest", { nEstimators: 5 }).fit(relabelled, { seed: 1, initModel: rf }), /same classes/);
  });
});

describe("hyperparameters", () => {
  test("defaults follow scikit-learn and survive JSON (maxDepth null = unlimited)", () => {
    const rf = randomForestLearnerFactory.create({});
    assert.deepEqual(JSON.parse(JSON.stringify(rf.params)), rf.params);
    assert.equal((rf.params as { maxDepth: unknown }).maxDepth, null);
    assert.equal((rf.params as { bootstrap: unknown }).bootstrap, true);
    assert.equal((extraTreesLearnerFactory.create({}).params as { bootstrap: unknown }).bootstrap, false);
  });

  test("bad values are refused with the parameter named", () => {
    const bad: Record<string, unknown>[] = [{ maxDepth: 0 }, { maxDepth: 2.5 }, { maxFeatures: "half" }, { maxFeatures: 2.5 }, { minSamplesSplit: 1 }, { minSamplesLeaf: 0.7 }, { nEstimators: 0 }, { maxBins: 256 }, { criterion: "mse" }];
    for (const p of bad) {
      const name = Object.keys(p)[0]!;
      assert.throws(() => randomForestLearnerFactory.create(p), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument" && e.message.includes(name), JSON.stringify(p));
    }
    assert.throws(() => extraTreesLearnerFactory.create({ maxSamples: 0.5 }), /maxSamples.*bootstrap/);
  });

  test("fractions: maxFeatures, minSamplesLeaf and maxSamples as shares", async () => {
    const d = makeDataset(makeTable([numericColumn("x", Array.from({ length: 100 }, (_, i) => i))]), regressionTarget(Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : 1))));
    const m = await new ForestLearner("random-forest", { nEstimators: 4, minSamplesLeaf: 0.2, maxFeatures: 1, maxSamples: 0.5 }).fit(d, { seed: 1 });
    for (let i = 0; i < m.nTrees; i++) for (const n of m.dumpTree(i).nodes) if (n.leaf) assert.ok(n.weight >= 20, `leaf weight ${n.weight}`);
  });
});
