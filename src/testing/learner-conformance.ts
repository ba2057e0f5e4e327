/**
 * The learner contract as tests (scikit-learn's `check_estimator`, for this library): every learner,
 * ours or a user's, passes all of them, with no skip list. What a learner cannot do it declares in
 * its capabilities, and the suite then checks that it refuses such input with a clear error.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OuroborosError, TrialPruned } from "../core/errors.js";
import { makeDataset, type Dataset, type Task } from "../data/dataset.js";
import { categoricalColumn, makeTable, numericColumn, type Column, type Table } from "../data/table.js";
import { decodeArtifact, encodeArtifact } from "../learners/artifact.js";
import type { Learner, Model, Predictions } from "../learners/learner.js";
import type { LearnerFactory } from "../learners/registry.js";
import { Random } from "../core/rng.js";

/** Options of {@link runLearnerConformance}. */
export interface LearnerConformanceOptions {
  /** Params used for every fit (keep them small so the suite is fast). Default `{}`. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Rows of the synthetic data. Default 160. */
  readonly nRows?: number;
}

/** A learnable synthetic problem with a numeric signal, a categorical signal and a noise column. */
export function conformanceData(task: Task, nRows: number, seed: number, opts: { missing?: boolean } = {}): Dataset {
  const rng = new Random(seed);
  const a = new Float64Array(nRows);
  const b = new Float64Array(nRows);
  const noise = new Float64Array(nRows);
  const cat: (string | null)[] = [];
  const labels: string[] = [];
  const values = new Float64Array(nRows);
  const colours = ["red", "green", "blue"];
  for (let i = 0; i < nRows; i++) {
    a[i] = rng.normal();
    b[i] = rng.uniform(-2, 2);
    noise[i] = rng.normal();
    const c = rng.int(3);
    cat.push(colours[c]!);
    const score = 1.5 * a[i]! + 0.5 * b[i]! + (c === 0 ? 1 : c === 1 ? -1 : 0) + 0.3 * rng.normal();
    values[i] = score;
    if (task === "binary") labels.push(score > 0 ? "yes" : "no");
    else if (task === "multiclass") labels.push(score < -0.7 ? "low" : score < 0.7 ? "mid" : "high");
  }
  if (opts.missing) {
    for (let i = 0; i < nRows; i += 7) a[i] = Number.NaN;
    for (let i = 3; i < nRows; i += 11) cat[i] = null;
  }
  const x = makeTable([numericColumn("a", a), numericColumn("b", b), categoricalColumn("colour", cat), numericColumn("noise", noise)]);
  if (task === "regression") return makeDataset(x, { task: "regression", values });
  const classes = task === "binary" ? ["no", "yes"] : ["high", "low", "mid"];
  const index = new Map(classes.map((c, i) => [c, i] as const));
  return makeDataset(x, { task, classes, labels: Int32Array.from(labels, (l) => index.get(l)!) });
}

/** Deep copy of every array in a dataset, to detect mutation. */
function snapshot(d: Dataset): string {
  const cols = d.x.columns.map((c) => (c.kind === "numeric" ? Array.from(c.values, (v) => (Number.isNaN(v) ? "NaN" : v)) : [...c.categories, ...Array.from(c.codes)]));
  const y = d.y.task === "regression" ? Array.from(d.y.values) : Array.from(d.y.labels);
  return JSON.stringify([cols, y, d.weights ? Array.from(d.weights) : null]);
}

function predictionArray(p: Predictions): Float64Array {
  return p.task === "regression" ? p.values : p.proba;
}

function assertValidPredictions(p: Predictions, task: Task, nRows: number, classes?: readonly string[]): void {
  assert.equal(p.task, task);
  if (p.task === "regression") {
    assert.equal(p.values.length, nRows);
    for (const v of p.values) assert.ok(Number.isFinite(v), `prediction ${v} is not finite`);
    return;
  }
  assert.deepEqual([...p.classes], [...(classes ?? [])]);
  const k = p.classes.length;
  assert.equal(p.proba.length, nRows * k);
  for (let i = 0; i < nRows; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const v = p.proba[i * k + j]!;
      assert.ok(v >= 0 && v <= 1 && Number.isFinite(v), `probability ${v} at row ${i} is outside [0, 1]`);
      s += v;
    }
    assert.ok(Math.abs(s - 1) < 1e-6, `probabilities of row ${i} sum to ${s}`);
  }
}

/** Training loss: log-loss for classes, mean squared error for regression. */
function trainingLoss(p: Predictions, d: Dataset): number {
  if (p.task === "regression" && d.y.task === "regression") {
    let s = 0;
    for (let i = 0; i < d.y.values.length; i++) s += (p.values[i]! - d.y.values[i]!) ** 2;
    return s / d.y.values.length;
  }
  if (p.task !== "regression" && d.y.task !== "regression") {
    const k = p.classes.length;
    let s = 0;
    for (let i = 0; i < d.y.labels.length; i++) s -= Math.log(Math.max(1e-15, p.proba[i * k + d.y.labels[i]!]!));
    return s / d.y.labels.length;
  }
  throw new Error("task mismatch");
}

/** Loss of predicting class frequencies, or (the worse of mean and median) for regression. */
function constantLoss(d: Dataset): number {
  if (d.y.task === "regression") {
    const v = d.y.values;
    const sorted = Array.from(v).sort((a, b) => a - b);
    const m = sorted[sorted.length >> 1]!;
    return v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
  }
  const labels = d.y.labels;
  const k = d.y.classes.length;
  const counts = new Array<number>(k).fill(0);
  for (const l of labels) counts[l]!++;
  return -counts.reduce((s, c) => s + (c > 0 ? c * Math.log(c / labels.length) : 0), 0) / labels.length;
}

function reorderColumns(t: Table): Table {
  const extra: Column = numericColumn("unused_extra", new Float64Array(t.nRows).fill(42));
  return makeTable([extra, ...[...t.columns].reverse()], t.nRows);
}

const ALL_TASKS: readonly Task[] = ["binary", "multiclass", "regression"];

/**
 * Registers the conformance tests for one learner kind under `node:test`. `factory.create(params)`
 * must build the learner; `factory.load` must load what its models save.
 */
export function runLearnerConformance(name: string, factory: LearnerFactory, options: LearnerConformanceOptions = {}): void {
  const params = options.params ?? {};
  const nRows = options.nRows ?? 160;
  const make = (): Learner => factory.create(params);

  describe(`learner conformance: ${name}`, () => {
    test("declares its kind, JSON params and capabilities; rebuilds from {kind, params}", () => {
      const l = make();
      assert.equal(l.kind, factory.kind);
      const json = JSON.parse(JSON.stringify(l.params)) as Record<string, unknown>;
      assert.deepEqual(json, l.params, "params must survive JSON");
      const again = factory.create(json);
      assert.deepEqual(again.params, l.params);
      assert.ok(l.capabilities.tasks.length > 0);
      assert.throws(() => factory.create({ ...params, noSuchHyperparameter: 1 }), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument");
    });

    for (const task of ALL_TASKS) {
      const supported = make().capabilities.tasks.includes(task);
      if (!supported) {
        test(`refuses a ${task} target with a clear error`, async () => {
          await assert.rejects(make().fit(conformanceData(task, nRows, 1), { seed: 1 }), (e: unknown) => e instanceof OuroborosError && e.message.includes(task));
        });
        continue;
      }
      describe(task, () => {
        const data = conformanceData(task, nRows, 11);
        const classes = data.y.task === "regression" ? undefined : data.y.classes;
        let model: Model;

        test("fits without mutating its inputs and predicts valid values for every row", async () => {
          const before = snapshot(data);
          model = await make().fit(data, { seed: 5 });
          assert.equal(model.kind, factory.kind);
          assert.equal(model.task, task);
          const p = model.predict(data.x);
          assert.equal(snapshot(data), before, "fit or predict changed the input data");
          assertValidPredictions(p, task, data.x.nRows, classes);
        });

        test("learns: training loss no worse than a constant predictor", async () => {
          const m = await make().fit(data, { seed: 5 });
          const loss = trainingLoss(m.predict(data.x), data);
          assert.ok(loss <= constantLoss(data) + 1e-6, `training loss ${loss} is worse than the constant predictor's ${constantLoss(data)}`);
        });

        test("is deterministic for a seed", async () => {
          const m1 = await make().fit(data, { seed: 9 });
          const m2 = await make().fit(data, { seed: 9 });
          assert.deepEqual(predictionArray(m1.predict(data.x)), predictionArray(m2.predict(data.x)));
        });

        test("save → encode → decode → load predicts identically; tampering is detected", async () => {
          const m = await make().fit(data, { seed: 3 });
          const enc = encodeArtifact(m.save());
          const loaded = factory.load(decodeArtifact(enc.json, enc.weights));
          assert.deepEqual(predictionArray(loaded.predict(data.x)), predictionArray(m.predict(data.x)));
          if (enc.weights.length > 0) {
            const bad = enc.weights.slice();
            bad[bad.length >> 1] = bad[bad.length >> 1]! ^ 1;
            assert.throws(() => decodeArtifact(enc.json, bad), (e: unknown) => e instanceof OuroborosError && e.code === "artifact-corrupt");
            assert.throws(() => decodeArtifact(enc.json, enc.weights.subarray(0, enc.weights.length - 1)), (e: unknown) => e instanceof OuroborosError && e.code === "artifact-corrupt");
          }
          assert.throws(() => decodeArtifact(enc.json.replace(/"task":"/, '"task":"x'), enc.weights), (e: unknown) => e instanceof OuroborosError && e.code === "artifact-corrupt");
        });

        test("reads columns by name: order and extra columns do not matter; 0 and 1 rows work", async () => {
          const m = await make().fit(data, { seed: 3 });
          assert.deepEqual(predictionArray(m.predict(reorderColumns(data.x))), predictionArray(m.predict(data.x)));
          const one = makeTable(data.x.columns.map((c) => (c.kind === "numeric" ? { ...c, values: c.values.slice(0, 1) } : { ...c, codes: c.codes.slice(0, 1) })), 1);
          assertValidPredictions(m.predict(one), task, 1, classes);
          const none = makeTable(data.x.columns.map((c) => (c.kind === "numeric" ? { ...c, values: new Float64Array(0) } : { ...c, codes: new Int32Array(0) })), 0);
          assertValidPredictions(m.predict(none), task, 0, classes);
        });

        test("unseen categories at predict time give valid predictions", async () => {
          const m = await make().fit(data, { seed: 3 });
          const x = makeTable(
            data.x.columns.map((c) => (c.kind === "categorical" ? categoricalColumn(c.name, Array.from(c.codes, (k, i) => (i % 5 === 0 ? "purple" : (c.categories[k] ?? null)))) : c)),
            data.x.nRows,
          );
          assertValidPredictions(m.predict(x), task, x.nRows, classes);
        });

        test("missing values: handled as declared", async () => {
          const withMissing = conformanceData(task, nRows, 12, { missing: true });
          const l = make();
          if (l.capabilities.missingValues) {
            const m = await l.fit(withMissing, { seed: 3 });
            assertValidPredictions(m.predict(withMissing.x), task, nRows, classes);
          } else {
            await assert.rejects(l.fit(withMissing, { seed: 3 }), (e: unknown) => e instanceof OuroborosError && /missing/i.test(e.message));
          }
          const clean = await l.fit(data, { seed: 3 });
          if (l.capabilities.missingValues) assertValidPredictions(clean.predict(withMissing.x), task, nRows, classes);
        });

        test("sample weights: handled as declared", async () => {
          const l = make();
          const ones = new Float64Array(nRows).fill(1);
          const weighted = makeDataset(data.x, data.y, ones);
          if (l.capabilities.sampleWeights) {
            const a = predictionArray((await l.fit(data, { seed: 4 })).predict(data.x));
            const b = predictionArray((await l.fit(weighted, { seed: 4 })).predict(data.x));
            for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-6, "unit weights must equal no weights");
            const skewed = makeDataset(data.x, data.y, Float64Array.from(ones, (_, i) => (i % 2 === 0 ? 5 : 0.2)));
            const c = predictionArray((await l.fit(skewed, { seed: 4 })).predict(data.x));
            assert.ok(c.some((v, i) => Math.abs(v - a[i]!) > 1e-9), "weights must change the fit");
          } else {
            await assert.rejects(l.fit(weighted, { seed: 4 }), (e: unknown) => e instanceof OuroborosError && /weight/i.test(e.message));
          }
        });

        test("resource and warm start: progress is reported, resourceUsed says where training settled, a throwing report stops the fit, warm start continues", async () => {
          const l = make();
          const steps: number[] = [];
          const fitted = await l.fit(data, { seed: 2, report: (s, loss) => void steps.push(s, loss) });
          if (l.capabilities.resource !== undefined) {
            assert.ok(l.capabilities.resource in l.params, `resource "${l.capabilities.resource}" must be a hyperparameter`);
            // Where training settled: a refit on all rows trains that long (ouro run's final fit).
            const used = fitted.resourceUsed?.();
            const max = (l.params as Record<string, unknown>)[l.capabilities.resource];
            assert.ok(used !== undefined && Number.isInteger(used) && used >= 1 && (typeof max !== "number" || used <= max), `resourceUsed() must be an integer in [1, ${String(max)}], got ${used}`);
            assert.ok(steps.length >= 2, "a learner with a resource must report progress");
            for (let i = 0; i < steps.length; i += 2) assert.ok(Number.isFinite(steps[i + 1]!), "reported losses must be finite");
            for (let i = 2; i < steps.length; i += 2) assert.ok(steps[i]! > steps[i - 2]!, "steps must increase");
            await assert.rejects(
              l.fit(data, { seed: 2, report: () => { throw new TrialPruned(); } }),
              (e: unknown) => e instanceof TrialPruned,
            );
          }
          if (l.capabilities.warmStart) {
            const first = await l.fit(data, { seed: 2 });
            const cont = await l.fit(data, { seed: 2, initModel: first });
            const before = trainingLoss(first.predict(data.x), data);
            const after = trainingLoss(cont.predict(data.x), data);
            assert.ok(after <= before + 1e-9, `warm start made the training loss worse: ${before} → ${after}`);
          }
        });
      });
    }
  });
}
