/**
 * Behavioural tests of the gradient-boosted trees: each builds a small problem whose right answer is
 * known (a stump's split and leaves, a median, a learned missing direction, a category partition)
 * and checks it through the public API.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OuroborosError } from "../../core/errors.js";
import { Random } from "../../core/rng.js";
import { makeDataset, type Dataset } from "../../data/dataset.js";
import { categoricalColumn, makeTable, numericColumn, type Table } from "../../data/table.js";
import { decodeArtifact, encodeArtifact } from "../artifact.js";
import type { ClassPredictions, RegressionPredictions } from "../learner.js";
import { conformanceData } from "../../testing/learner-conformance.js";
import { predictDump, type DumpRow } from "./dump.js";
import { GBDTLearner, gbdtLearnerFactory } from "./gbdt.js";
import type { GBDTModel } from "./model.js";

async function fit(params: Record<string, unknown>, data: Dataset, ctx: Partial<Parameters<GBDTLearner["fit"]>[1]> = {}): Promise<GBDTModel> {
  return (await new GBDTLearner(params).fit(data, { seed: 1, ...ctx })) as GBDTModel;
}

function values(m: GBDTModel, x: Table): Float64Array {
  return (m.predict(x) as RegressionPredictions).values;
}

function leafValues(m: GBDTModel): number[] {
  return m.dump().trees.flatMap((t) => t.nodes.flatMap((n) => (n.kind === "leaf" ? [n.value] : [])));
}

function rowsOf(x: Table): DumpRow[] {
  return Array.from({ length: x.nRows }, (_, i) =>
    Object.fromEntries(x.columns.map((c) => [c.name, c.kind === "numeric" ? c.values[i]! : c.codes[i]! < 0 ? null : c.categories[c.codes[i]!]!])),
  );
}

const stepX = makeTable([numericColumn("x", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])]);
const stepY = makeDataset(stepX, { task: "regression", values: Float64Array.of(0, 0, 0, 0, 0, 10, 10, 10, 10, 10) });

describe("gbdt: trees", () => {
  test("a single stump finds the step, its threshold and its leaf values", async () => {
    const m = await fit({ nEstimators: 1, maxDepth: 1, learningRate: 1, lambda: 0, minChildWeight: 1 }, stepY);
    const d = m.dump();
    assert.deepEqual(d.baseScore, [5]);
    assert.equal(d.trees.length, 1);
    const root = d.trees[0]!.nodes[0]!;
    assert.equal(root.kind, "numeric");
    if (root.kind !== "numeric") return;
    assert.equal(root.feature, "x");
    assert.equal(root.threshold, 4.5);
    assert.deepEqual([d.trees[0]!.nodes[root.left]!, d.trees[0]!.nodes[root.right]!].map((n) => (n.kind === "leaf" ? n.value : NaN)), [-5, 5]);
    // Gain = GL²/HL + GR²/HR − G²/H = 625/5 + 625/5 − 0 = 250 (XGBoost's form, without ½).
    assert.equal(root.gain, 250);
    assert.deepEqual(Array.from(values(m, stepX)), [0, 0, 0, 0, 0, 10, 10, 10, 10, 10]);
    assert.deepEqual([...m.featureImportance()], [["x", 250]]);
  });

  test("L2 and L1 regularisation shrink leaf values as XGBoost's formulas say", async () => {
    const base = { nEstimators: 1, maxDepth: 1, learningRate: 1, minChildWeight: 1 };
    assert.deepEqual(leafValues(await fit({ ...base, lambda: 5 }, stepY)), [-25 / 10, 25 / 10]); // −G/(H+λ), G=∓25, H=5
    assert.deepEqual(leafValues(await fit({ ...base, lambda: 0, alpha: 10 }, stepY)), [-15 / 5, 15 / 5]); // −(|G|−α)/H
    // With α ≥ |G| every leaf is 0, and the gain too, so the tree does not split.
    assert.deepEqual(leafValues(await fit({ ...base, lambda: 0, alpha: 30 }, stepY)), [0]);
    // The learning rate scales leaves.
    assert.deepEqual(leafValues(await fit({ ...base, lambda: 0, learningRate: 0.1 }, stepY)), [-0.5, 0.5]);
  });

  test("minSplitGain (gamma) and minChildWeight prevent splits", async () => {
    assert.equal(leafValues(await fit({ nEstimators: 1, maxDepth: 1, lambda: 0, minSplitGain: 251 }, stepY)).length, 1);
    assert.equal(leafValues(await fit({ nEstimators: 1, maxDepth: 1, lambda: 0, minSplitGain: 249 }, stepY)).length, 2);
    assert.equal(leafValues(await fit({ nEstimators: 1, maxDepth: 3, lambda: 0, minChildWeight: 6 }, stepY)).length, 1);
  });

  test("the missing-value direction is learned where missingness is informative", async () => {
    // x < 0 → 0, x ≥ 0 → 10, and missing x → 20: the second split must route NaN apart from x ≥ 0.
    const rng = new Random(3);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 300; i++) {
      const miss = i % 3 === 0;
      const x = rng.uniform(-1, 1);
      xs.push(miss ? Number.NaN : x);
      ys.push(miss ? 20 : x < 0 ? 0 : 10);
    }
    const data = makeDataset(makeTable([numericColumn("x", xs)]), { task: "regression", values: Float64Array.from(ys) });
    const m = await fit({ nEstimators: 1, maxDepth: 2, learningRate: 1, lambda: 0 }, data);
    const pred = values(m, makeTable([numericColumn("x", [Number.NaN, -0.5, 0.5])]));
    for (const [got, want] of [...pred].map((v, i) => [v, [20, 0, 10][i]!] as const)) assert.ok(Math.abs(got - want) < 1e-9, `predicted ${got}, expected ${want}`);
    // The root splits at 0; its right child separates missing (right) from present values.
    const nodes = m.dump().trees[0]!.nodes;
    const root = nodes[0]!;
    assert.ok(root.kind === "numeric" && Math.abs(root.threshold) < 0.05, JSON.stringify(root));
    assert.deepEqual(nodes[root.right], { ...nodes[root.right], kind: "missing", feature: "x", missing: "right" });
  });

  test("a categorical feature is split by a category set in one step", async () => {
    // Ordinal bins (by frequency) interleave the classes; a set split separates them at once.
    const labels = ["a", "b", "c", "d", "e", "f"];
    const cats: string[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 120; i++) {
      const c = labels[i % 6]!;
      cats.push(c);
      ys.push("ace".includes(c) ? 1 : -1);
    }
    const data = makeDataset(makeTable([categoricalColumn("c", cats)]), { task: "regression", values: Float64Array.from(ys) });
    const m = await fit({ nEstimators: 1, maxDepth: 1, learningRate: 1, lambda: 0 }, data);
    const root = m.dump().trees[0]!.nodes[0]!;
    assert.equal(root.kind, "categorical");
    if (root.kind !== "categorical") return;
    const left = [...root.categories].sort().join("");
    assert.ok(left === "ace" || left === "bdf", `left set ${left}`);
    assert.deepEqual(Array.from(values(m, data.x)), ys);
  });

  test("multiclass: K trees per round, probabilities sum to 1, separable classes are learned", async () => {
    const rng = new Random(5);
    const xs: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 150; i++) {
      const c = i % 3;
      labels.push(c);
      xs.push(c * 10 + rng.uniform(0, 5));
    }
    const data = makeDataset(makeTable([numericColumn("x", xs)]), { task: "multiclass", classes: ["p", "q", "r"], labels: Int32Array.from(labels) });
    const m = await fit({ nEstimators: 10 }, data);
    assert.equal(m.dump().trees.length, 30);
    assert.deepEqual(m.dump().trees.slice(0, 3).map((t) => t.output), [0, 1, 2]);
    const p = m.predict(data.x) as ClassPredictions;
    for (let i = 0; i < 150; i++) {
      const row = [p.proba[3 * i]!, p.proba[3 * i + 1]!, p.proba[3 * i + 2]!];
      assert.ok(Math.abs(row[0]! + row[1]! + row[2]! - 1) < 1e-12);
      assert.equal(row.indexOf(Math.max(...row)), labels[i]);
    }
  });

  test("absolute error: base score and leaves are (lower) medians of the residuals", async () => {
    const x = makeTable([numericColumn("x", [0, 0, 0, 0, 1, 1, 1, 1])]);
    const data = makeDataset(x, { task: "regression", values: Float64Array.of(1, 2, 3, 50, 10, 11, 12, 1000) });
    const m = await fit({ objective: "absolute-error", nEstimators: 1, maxDepth: 1, learningRate: 1, lambda: 0 }, data);
    assert.deepEqual(m.dump().baseScore, [10]);
    assert.deepEqual(Array.from(values(m, makeTable([numericColumn("x", [0, 1])]))), [2, 11]);
    // Squared error would chase the outliers instead.
    const sq = await fit({ nEstimators: 1, maxDepth: 1, learningRate: 1, lambda: 0 }, data);
    assert.deepEqual(Array.from(values(sq, makeTable([numericColumn("x", [0, 1])]))), [14, 258.25]);
  });

  test("loss-guided growth respects maxLeaves; depth-wise respects maxDepth", async () => {
    const data = conformanceData("regression", 400, 2);
    const lg = await fit({ nEstimators: 5, growPolicy: "lossguide", maxLeaves: 5, maxDepth: 0, minChildWeight: 0.1 }, data);
    for (const t of lg.dump().trees) assert.equal(t.nodes.filter((n) => n.kind === "leaf").length, 5);
    const dw = await fit({ nEstimators: 5, maxDepth: 2, minChildWeight: 0.1 }, data);
    for (const t of dw.dump().trees) assert.ok(t.nodes.filter((n) => n.kind === "leaf").length <= 4);
  });
});

describe("gbdt: dump", () => {
  test("predicting from raw thresholds and labels equals predicting from bins, bit for bit", async () => {
    for (const task of ["binary", "multiclass", "regression"] as const) {
      const train = conformanceData(task, 300, 21, { missing: true });
      const m = await fit({ nEstimators: 15, maxBins: 16 }, train);
      // New rows: other values, more missing cells, and an unseen category.
      const test = conformanceData(task, 200, 22, { missing: true });
      const x = makeTable(test.x.columns.map((c) => (c.kind === "categorical" ? categoricalColumn(c.name, Array.from(c.codes, (k, i) => (i % 9 === 0 ? "purple" : k < 0 ? null : c.categories[k]!))) : c)));
      const margins = m.predictMargins(x);
      const dump = JSON.parse(JSON.stringify(m.dump())) as ReturnType<GBDTModel["dump"]>;
      const k = m.nOutputs;
      rowsOf(x).forEach((row, i) => assert.deepEqual(Array.from(predictDump(dump, row)), Array.from(margins.subarray(i * k, (i + 1) * k)), `${task} row ${i}`));
      // Rows exactly on a threshold go left in both forms.
      const split = dump.trees.flatMap((t) => t.nodes).find((n) => n.kind === "numeric" && Number.isFinite(n.threshold));
      if (split?.kind === "numeric") {
        const edge = makeTable(x.columns.map((c) => (c.name === split.feature && c.kind === "numeric" ? numericColumn(c.name, c.values.map(() => split.threshold)) : c)));
        rowsOf(edge).forEach((row, i) => assert.deepEqual(Array.from(predictDump(dump, row)), Array.from(m.predictMargins(edge).subarray(i * k, (i + 1) * k))));
      }
    }
  });

  test("feature importance ranks the informative features above noise", async () => {
    const m = await fit({ nEstimators: 20 }, conformanceData("regression", 400, 4));
    const imp = m.featureImportance();
    assert.deepEqual([...imp.keys()], ["a", "b", "colour", "noise"]);
    assert.ok(imp.get("a")! > imp.get("noise")! && imp.get("b")! > imp.get("noise")! && imp.get("colour")! > imp.get("noise")!, JSON.stringify([...imp]));
  });
});

describe("gbdt: training control", () => {
  const noisy = (seed: number): Dataset => {
    const rng = new Random(seed);
    const x = Array.from({ length: 300 }, () => rng.uniform(-2, 2));
    const z = Array.from({ length: 300 }, () => rng.normal());
    const labels = Int32Array.from(x, (v) => (v + 1.5 * rng.normal() > 0 ? 1 : 0));
    return makeDataset(makeTable([numericColumn("x", x), numericColumn("z", z)]), { task: "binary", classes: ["n", "y"], labels });
  };

  test("early stopping stops after the patience runs out and keeps the best round", async () => {
    const train = noisy(1);
    const validation = noisy(2);
    const reports: [number, number][] = [];
    const m = await fit({ nEstimators: 300, earlyStoppingRounds: 5, learningRate: 0.5 }, train, { validation, report: (s, l) => void reports.push([s, l]) });
    const last = reports[reports.length - 1]![0];
    assert.ok(last < 300, `ran all ${last} rounds`);
    const bestLoss = Math.min(...reports.map((r) => r[1]));
    const bestRound = reports.find((r) => r[1] === bestLoss)![0];
    assert.equal(last, bestRound + 5);
    assert.equal(m.bestIteration, bestRound);
    assert.equal(m.nRounds, bestRound);
    // The kept model's validation log-loss is the best reported one.
    const p = m.predict(validation.x) as ClassPredictions;
    const labels = validation.y.task === "binary" ? validation.y.labels : new Int32Array(0);
    let ll = 0;
    for (let i = 0; i < labels.length; i++) ll -= Math.log(p.proba[2 * i + labels[i]!]!);
    assert.ok(Math.abs(ll / labels.length - bestLoss) < 1e-9, `${ll / labels.length} vs ${bestLoss}`);
  });

  test("reports the training loss, decreasing, when there is no validation set", async () => {
    const losses: number[] = [];
    await fit({ nEstimators: 10 }, noisy(3), { report: (_, l) => void losses.push(l) });
    assert.equal(losses.length, 10);
    for (let i = 1; i < 10; i++) assert.ok(losses[i]! <= losses[i - 1]! + 1e-12);
  });

  test("warm start: n rounds then m more equals n + m rounds", async () => {
    for (const task of ["multiclass", "regression"] as const) {
      const data = conformanceData(task, 200, 8, { missing: true });
      const first = await fit({ nEstimators: 7 }, data);
      const more = await fit({ nEstimators: 5 }, data, { initModel: first });
      const all = await fit({ nEstimators: 12 }, data);
      assert.equal(more.nRounds, 12);
      assert.deepEqual(Array.from(more.predictMargins(data.x)), Array.from(all.predictMargins(data.x)));
    }
    const binary = await fit({ nEstimators: 3 }, conformanceData("binary", 100, 1));
    await assert.rejects(fit({}, conformanceData("regression", 100, 1), { initModel: binary }), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument");
  });

  test("subsampling is deterministic for a seed and changes with it", async () => {
    const data = conformanceData("binary", 300, 9);
    const params = { nEstimators: 10, subsample: 0.6, colsampleBytree: 0.5 };
    const a = await fit(params, data, { seed: 4 });
    const b = await fit(params, data, { seed: 4 });
    const c = await fit(params, data, { seed: 5 });
    const pa = (a.predict(data.x) as ClassPredictions).proba;
    assert.deepEqual(pa, (b.predict(data.x) as ClassPredictions).proba);
    assert.notDeepEqual(pa, (c.predict(data.x) as ClassPredictions).proba);
  });

  test("an aborted signal stops the fit with its reason", async () => {
    const ac = new AbortController();
    ac.abort(new Error("stop now"));
    await assert.rejects(fit({}, conformanceData("binary", 100, 1), { signal: ac.signal }), /stop now/);
    const later = new AbortController();
    setTimeout(() => later.abort(new Error("timed out")), 5);
    await assert.rejects(fit({ nEstimators: 100000, learningRate: 0.01 }, conformanceData("regression", 2000, 1), { signal: later.signal }), /timed out/);
  });

  test("degenerate data: constant features, one row, zero weights", async () => {
    const constant = makeDataset(makeTable([numericColumn("x", [1, 1, 1, 1])]), { task: "regression", values: Float64Array.of(1, 2, 3, 4) });
    assert.deepEqual(Array.from(values(await fit({ nEstimators: 3 }, constant), constant.x)), [2.5, 2.5, 2.5, 2.5]);
    const one = makeDataset(makeTable([numericColumn("x", [1])]), { task: "binary", classes: ["a", "b"], labels: Int32Array.of(1) });
    const p = (await fit({ subsample: 0.5 }, one)).predict(one.x) as ClassPredictions;
    assert.ok(p.proba[1]! > 0.5);
    const zero = makeDataset(constant.x, constant.y, new Float64Array(4));
    await assert.rejects(fit({}, zero), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-data" && /weights/.test(e.message));
  });

  test("bad hyperparameters and tampered trees are refused with clear errors", async () => {
    assert.throws(() => new GBDTLearner({ maxDepth: 0, maxLeaves: 0 }), /maxLeaves/);
    assert.throws(() => new GBDTLearner({ subsample: 0 }), (e: unknown) => e instanceof OuroborosError && /subsample/.test(e.message));
    const m = await fit({ nEstimators: 2 }, conformanceData("regression", 100, 1));
    const a = m.save();
    const left = Int32Array.from(a.arrays.left as Int32Array);
    left[0] = 0; // a split pointing at itself would loop forever
    const enc = encodeArtifact({ ...a, arrays: { ...a.arrays, left } });
    assert.throws(() => gbdtLearnerFactory.load(decodeArtifact(enc.json, enc.weights)), (e: unknown) => e instanceof OuroborosError && e.code === "artifact-corrupt");
  });
});
