import assert from "node:assert/strict";
import { test } from "node:test";
import { OuroborosError } from "../../core/errors.js";
import { makeDataset, selectDatasetRows, type Dataset } from "../../data/dataset.js";
import { encodeNumeric } from "../../data/numeric-encoder.js";
import { runLearnerConformance, conformanceData } from "../../testing/learner-conformance.js";
import { decodeArtifact, encodeArtifact } from "../artifact.js";
import type { Model } from "../learner.js";
import { foldSplit, loadBundled, sklearnReference } from "./fixtures/bundled.js";
import { LinearLearner, LinearModel, linearLearnerFactory } from "./linear.js";

runLearnerConformance("linear (L2)", linearLearnerFactory);
runLearnerConformance("linear (elastic net, balanced)", linearLearnerFactory, { params: { penalty: "elasticnet", l1Ratio: 0.7, C: 0.5, classWeight: "balanced" } });

const ref = sklearnReference();
const breast = loadBundled("breast_cancer", "target");
const diabetes = loadBundled("diabetes", "target", "regression");

/** Our objective in scikit-learn's units, computed independently of the learner's code. */
function objective(m: LinearModel, d: Dataset, C: number, l1Ratio: number): number {
  const x = encodeNumeric(m.encoder, d.x);
  const p = m.encoder.featureNames.length;
  const K = m.intercept.length;
  let loss = 0;
  for (let i = 0; i < d.x.nRows; i++) {
    const z: number[] = [];
    for (let k = 0; k < K; k++) {
      let s = m.intercept[k]!;
      for (let j = 0; j < p; j++) s += m.coef[k * p + j]! * x[i * p + j]!;
      z.push(s);
    }
    if (d.y.task === "regression") loss += 0.5 * (z[0]! - d.y.values[i]!) ** 2;
    else if (K === 1) loss += Math.log1p(Math.exp(-Math.abs(z[0]!))) + Math.max(z[0]!, 0) - d.y.labels[i]! * z[0]!;
    else {
      const mx = Math.max(...z);
      loss += mx + Math.log(z.reduce((a, v) => a + Math.exp(v - mx), 0)) - z[d.y.labels[i]!]!;
    }
  }
  let l1 = 0;
  let l2 = 0;
  for (const b of m.coef) {
    l1 += Math.abs(b);
    l2 += b * b;
  }
  return C * loss + l1Ratio * l1 + ((1 - l1Ratio) / 2) * l2;
}

const fitted = async (params: Record<string, unknown>, d: Dataset): Promise<LinearModel> => (await new LinearLearner(params).fit(d, { seed: 0 })) as LinearModel;

test("binary L2 logistic regression matches scikit-learn on standardised breast cancer", async () => {
  // Reference: LogisticRegression(C=1, tol=1e-12) on StandardScaler output (sklearn_reference.py).
  const m = await fitted({ C: 1, tol: 1e-9, maxIter: 1000 }, breast);
  const r = ref.breast_cancer.logistic;
  const ours = objective(m, breast, 1, 0);
  assert.ok(Math.abs(ours - r.objective) <= 1e-4 * r.objective, `objective ${ours} vs scikit-learn ${r.objective}`);
  assert.ok(ours <= r.objective * (1 + 1e-7), "our optimum must not be worse");
  const coef = (r.coef as number[][])[0]!;
  coef.forEach((c, j) => assert.ok(Math.abs(m.coef[j]! - c) < 2e-3, `coef ${j}: ${m.coef[j]} vs ${c}`));
  assert.ok(Math.abs(m.intercept[0]! - (r.intercept as number[])[0]!) < 2e-3);
});

test("multinomial L2 logistic regression matches scikit-learn's objective on digits", async () => {
  const digits = loadBundled("digits", "target");
  const m = await fitted({ C: 1, tol: 1e-7, maxIter: 2000 }, digits);
  const r = ref.digits.logistic;
  const ours = objective(m, digits, 1, 0);
  assert.ok(Math.abs(ours - r.objective) <= 1e-4 * r.objective, `objective ${ours} vs scikit-learn ${r.objective}`);
});

test("L1 logistic regression (OWL-QN) matches scikit-learn saga's optimum and is sparse", async () => {
  const r = ref.breast_cancer.logisticL1!;
  const m = await fitted({ penalty: "l1", C: r.C, tol: 1e-9, maxIter: 2000 }, breast);
  const ours = objective(m, breast, r.C, 1);
  assert.ok(Math.abs(ours - r.objective) <= 1e-4 * r.objective, `objective ${ours} vs scikit-learn ${r.objective}`);
  const refZeros = (r.coef as number[][])[0]!.filter((c) => Math.abs(c) < 1e-8).length;
  const zeros = Array.from(m.coef).filter((c) => c === 0).length;
  assert.ok(refZeros >= 15 && Math.abs(zeros - refZeros) <= 1, `${zeros} exact zeros vs scikit-learn's ${refZeros}`);
});

test("regression: C = 1/alpha matches Ridge; C = 1/(alpha n) with L1 matches Lasso, on diabetes", async () => {
  const ridge = ref.diabetes.ridge;
  const m = await fitted({ C: ridge.C, tol: 1e-10, maxIter: 1000 }, diabetes);
  const ours = objective(m, diabetes, ridge.C, 0);
  assert.ok(Math.abs(ours - ridge.objective) <= 1e-6 * ridge.objective, `ridge objective ${ours} vs ${ridge.objective}`);
  (ridge.coef as number[]).forEach((c, j) => assert.ok(Math.abs(m.coef[j]! - c) < 1e-3, `ridge coef ${j}: ${m.coef[j]} vs ${c}`));
  const lasso = ref.diabetes.lasso;
  const l = await fitted({ penalty: "l1", C: lasso.C, tol: 1e-10, maxIter: 2000 }, diabetes);
  const lo = objective(l, diabetes, lasso.C, 1);
  assert.ok(Math.abs(lo - lasso.objective) <= 1e-4 * lasso.objective, `lasso objective ${lo} vs ${lasso.objective}`);
  (lasso.coef as number[]).forEach((c, j) => {
    if (c === 0) assert.equal(l.coef[j], 0, `lasso coef ${j} must be exactly 0`);
    else assert.ok(Math.abs(l.coef[j]! - c) < 0.05, `lasso coef ${j}: ${l.coef[j]} vs ${c}`);
  });
});

test("5-fold accuracy on breast cancer and digits is scikit-learn's (same folds)", async () => {
  for (const [name, target, min] of [["breast_cancer", "target", 0.97], ["digits", "target", 0.915]] as const) {
    const d = name === "breast_cancer" ? breast : loadBundled(name, target);
    const r = ref[name];
    const accs: number[] = [];
    for (let k = 0; k < 5; k++) {
      const { train, test: held } = foldSplit(r.folds, k);
      const m = await new LinearLearner({ C: 1, maxIter: 1000, tol: 1e-6 }).fit(selectDatasetRows(d, train), { seed: k });
      accs.push(accuracy(m, selectDatasetRows(d, held)));
    }
    const mean = accs.reduce((a, b) => a + b, 0) / 5;
    const refMean = r.foldAccuracy.logistic.reduce((a, b) => a + b, 0) / 5;
    assert.ok(mean >= min, `${name}: mean accuracy ${mean} < ${min}`);
    assert.ok(Math.abs(mean - refMean) <= 0.006, `${name}: mean accuracy ${mean} vs scikit-learn ${refMean}`);
  }
});

function accuracy(m: Model, d: Dataset): number {
  const p = m.predict(d.x);
  if (p.task === "regression" || d.y.task === "regression") throw new Error("classification expected");
  const K = p.classes.length;
  let ok = 0;
  for (let i = 0; i < d.x.nRows; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (p.proba[i * K + k]! > p.proba[i * K + best]!) best = k;
    if (best === d.y.labels[i]) ok++;
  }
  return ok / d.x.nRows;
}

test("sample weights equal row duplication; balanced class weights raise minority recall", async () => {
  const d = conformanceData("binary", 120, 4);
  const twice = [...Array(120).keys(), ...Array.from({ length: 40 }, (_, i) => i)];
  const w = Float64Array.from({ length: 120 }, (_, i) => (i < 40 ? 2 : 1));
  const a = await fitted({ tol: 1e-10, maxIter: 500 }, makeDataset(d.x, d.y, w));
  const dup = selectDatasetRows(d, twice);
  // Same encoder so the coefficient spaces agree: warm start from the weighted fit reuses it.
  const b = (await new LinearLearner({ tol: 1e-10, maxIter: 500 }).fit(dup, { seed: 0, initModel: a })) as LinearModel;
  a.coef.forEach((c, j) => assert.ok(Math.abs(c - b.coef[j]!) < 1e-6, `coef ${j}: ${c} vs ${b.coef[j]}`));

  const rows = [...Array(569).keys()].filter((i) => breast.y.task !== "regression" && (breast.y.labels[i] === 0 || i % 6 === 0));
  const skew = selectDatasetRows(breast, rows);
  const recall = (m: Model): number => {
    const p = m.predict(skew.x);
    let tp = 0;
    let pos = 0;
    if (p.task === "regression" || skew.y.task === "regression") throw new Error("binary");
    for (let i = 0; i < skew.x.nRows; i++) if (skew.y.labels[i] === 1) {
      pos++;
      if (p.proba[2 * i + 1]! > 0.5) tp++;
    }
    return tp / pos;
  };
  const plain = recall(await fitted({ C: 0.01 }, skew));
  const balanced = recall(await fitted({ C: 0.01, classWeight: "balanced" }, skew));
  assert.ok(balanced > plain, `balanced recall ${balanced} must beat ${plain}`);
});

test("penalty none, no intercept, warm start and importance behave", async () => {
  const d = conformanceData("regression", 200, 8);
  const m = await fitted({ penalty: "none", fitIntercept: false, tol: 1e-10, maxIter: 500 }, d);
  assert.equal(m.intercept[0], 0);
  const imp = m.featureImportance();
  assert.deepEqual([...imp.keys()], ["a", "b", "colour", "noise"]);
  assert.ok(imp.get("a")! > imp.get("noise")! * 5, "the signal column must outrank the noise column");
  // Regression without L1 is solved exactly in one step: one report, and warm start cannot improve it.
  const regReports: number[] = [];
  const exact = await new LinearLearner().fit(d, { seed: 0, report: (s) => void regReports.push(s) });
  assert.deepEqual(regReports, [1]);
  const again = (await new LinearLearner().fit(d, { seed: 0, initModel: exact })) as LinearModel;
  assert.ok(Math.abs(objective(again, d, 1, 0) - objective(exact as LinearModel, d, 1, 0)) < 1e-9 * objective(again, d, 1, 0));
  // Classification: stop early, then continue; the warm-started fit reaches a lower objective.
  const c = conformanceData("multiclass", 200, 8);
  const reports: number[] = [];
  const early = await new LinearLearner({ maxIter: 2 }).fit(c, { seed: 0, report: (_, l) => void reports.push(l) });
  assert.equal(reports.length, 2);
  const more = await new LinearLearner({ maxIter: 50 }).fit(c, { seed: 0, initModel: early });
  const obj = (x: Model): number => objective(x as LinearModel, c, 1, 0);
  assert.ok(obj(more) < obj(early));
  await assert.rejects(new LinearLearner().fit(conformanceData("binary", 50, 1), { seed: 0, initModel: early }), /warm start needs a binary model/);
});

test("bad params and corrupt artifacts give clear errors", async () => {
  for (const [params, re] of [
    [{ C: 0 }, /`C` must be a number > 0/],
    [{ penalty: "l3" }, /`penalty` must be one of/],
    [{ l1Ratio: 2 }, /`l1Ratio` must be a number ≥ 0 ≤ 1/],
    [{ maxIter: 1.5 }, /`maxIter` must be an integer/],
  ] as const) {
    assert.throws(() => new LinearLearner(params), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument" && re.test(e.message));
  }
  const m = await fitted({}, conformanceData("multiclass", 60, 2));
  const a = m.save();
  const enc = encodeArtifact({ ...a, arrays: { ...a.arrays, coef: a.arrays.coef!.slice(1) } });
  assert.throws(() => linearLearnerFactory.load(decodeArtifact(enc.json, enc.weights)), (e: unknown) => e instanceof OuroborosError && e.code === "artifact-corrupt");
});

test("speed: breast cancer and digits fits are fast", async () => {
  const t0 = performance.now();
  await new LinearLearner().fit(breast, { seed: 0 });
  const t1 = performance.now();
  assert.ok(t1 - t0 < 1000, `breast cancer fit took ${t1 - t0} ms`);
});

test("progress: validation loss is reported every iteration, ending at the model's; abort stops the fit", async () => {
  const train = conformanceData("multiclass", 200, 21);
  const validation = conformanceData("multiclass", 80, 22);
  const seen: [number, number][] = [];
  const m = await new LinearLearner({ maxIter: 30 }).fit(train, { seed: 0, validation, report: async (s, l) => void seen.push([s, l]) });
  assert.ok(seen.length >= 3);
  seen.forEach(([s], i) => assert.equal(s, i + 1));
  const p = m.predict(validation.x);
  assert.ok(p.task === "multiclass" && validation.y.task === "multiclass");
  let ll = 0;
  for (let i = 0; i < 80; i++) ll -= Math.log(p.proba[i * 3 + validation.y.labels[i]!]!);
  assert.ok(Math.abs(seen[seen.length - 1]![1] - ll / 80) < 1e-12, "the last report is the returned model's validation log-loss");
  const ac = new AbortController();
  await assert.rejects(
    new LinearLearner().fit(train, { seed: 0, signal: ac.signal, report: (s) => { if (s === 2) ac.abort(new Error("stop")); } }),
    /stop/,
  );
});
