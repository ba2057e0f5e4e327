import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../../core/rng.js";
import { classTarget, regressionTarget, type ClassTarget } from "../dataset.js";
import { categoricalColumn, makeTable, numericColumn, type Table } from "../table.js";
import { TargetEncoder } from "./target-encoder.js";

function col(t: Table, name: string): number[] {
  const c = t.columns.find((x) => x.name === name)!;
  assert.equal(c?.kind, "numeric", `column ${name}`);
  return Array.from(c.kind === "numeric" ? c.values : []);
}

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-12;

test("binary: smoothed share of the positive class; missing is a level; unseen gets the prior", () => {
  // c: a a a b b, missing; y: 1 1 0 0 1 1 → prior 4/6.
  const x = makeTable([categoricalColumn("c", ["a", "a", "a", "b", "b", null])]);
  const y = classTarget(["1", "1", "0", "0", "1", "1"]);
  const m = 2;
  const f = new TargetEncoder({ smoothing: m }).fit(x, y);
  const prior = 4 / 6;
  const out = col(f.transform(makeTable([categoricalColumn("c", ["a", "b", null, "new"])])), "c");
  const expected = [(2 + m * prior) / (3 + m), (1 + m * prior) / (2 + m), (1 + m * prior) / (1 + m), prior];
  out.forEach((v, i) => assert.ok(close(v, expected[i]!), `row ${i}: ${v} vs ${expected[i]}`));
});

test("regression encodes the smoothed mean; multiclass gives one column per class summing to 1", () => {
  const x = makeTable([numericColumn("n", [0, 0, 0, 0]), categoricalColumn("c", ["a", "a", "b", "b"])]);
  const reg = new TargetEncoder({ smoothing: 1 }).fit(x, regressionTarget([1, 3, 10, 10]));
  const prior = 6;
  assert.deepEqual(col(reg.transform(x), "c").map((v) => Math.round(v * 1e9) / 1e9), [(4 + prior) / 3, (4 + prior) / 3, (20 + prior) / 3, (20 + prior) / 3].map((v) => Math.round(v * 1e9) / 1e9));
  const multi = new TargetEncoder().fit(x, classTarget(["u", "v", "w", "w"]));
  const out = multi.transform(x);
  assert.deepEqual(out.columns.map((c) => c.name), ["n", "c__te_u", "c__te_v", "c__te_w"]);
  for (let i = 0; i < 4; i++) assert.ok(close(col(out, "c__te_u")[i]! + col(out, "c__te_v")[i]! + col(out, "c__te_w")[i]!, 1));
  assert.ok(col(out, "c__te_w")[2]! > col(out, "c__te_w")[0]!);
});

function noisyData(n: number, seed: number): { x: Table; y: ClassTarget } {
  const rng = new Random(seed);
  const levels = Array.from({ length: 30 }, (_, i) => `L${i}`);
  const cells: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = rng.int(levels.length);
    cells.push(levels[k]!);
    labels.push(rng.next() < 0.2 + (k % 3) * 0.25 ? "yes" : "no");
  }
  return { x: makeTable([categoricalColumn("c", cells)]), y: classTarget(labels) };
}

test("fitTransform is out of fold: a training row's encoding never depends on its own target", () => {
  const { x, y } = noisyData(200, 3);
  const enc = new TargetEncoder({ smoothing: 1, nFolds: 5, seed: 7 });
  const base = col(enc.fitTransform(x, y).output, "c");
  const inSample = col(enc.fit(x, y).transform(x), "c");
  for (const i of [0, 17, 99, 199]) {
    const labels = Int32Array.from(y.labels);
    labels[i] = 1 - labels[i]!;
    const flipped: ClassTarget = { ...y, labels };
    assert.equal(col(enc.fitTransform(x, flipped).output, "c")[i], base[i], `row ${i} must not see its own target`);
    assert.notEqual(col(enc.fit(x, flipped).transform(x), "c")[i], inSample[i], "the in-sample encoding would have");
  }
  // The fitted state is the all-rows one, whatever the folds.
  assert.deepEqual(enc.fitTransform(x, y).fitted.state, enc.fit(x, y).state);
});

test("out-of-fold encodings carry less label leakage than in-sample ones on pure-noise categories", () => {
  // 100 levels × 2 rows, labels independent of the level: in-sample encodings correlate with the
  // labels (they include them); out-of-fold ones should not.
  const rng = new Random(11);
  const cells = Array.from({ length: 200 }, (_, i) => `k${i % 100}`);
  const y = classTarget(Array.from({ length: 200 }, () => (rng.next() < 0.5 ? "a" : "b")));
  const x = makeTable([categoricalColumn("c", cells)]);
  const enc = new TargetEncoder({ smoothing: 1 });
  const corr = (v: number[]): number => {
    const t = Array.from(y.labels);
    const mv = v.reduce((s, a) => s + a, 0) / v.length;
    const mt = t.reduce((s, a) => s + a, 0) / t.length;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    v.forEach((a, i) => {
      sxy += (a - mv) * (t[i]! - mt);
      sxx += (a - mv) ** 2;
      syy += (t[i]! - mt) ** 2;
    });
    return sxy / Math.sqrt(sxx * syy);
  };
  const inSample = corr(col(enc.fit(x, y).transform(x), "c"));
  const outOfFold = corr(col(enc.fitTransform(x, y).output, "c"));
  assert.ok(inSample > 0.4, `in-sample leak ${inSample}`);
  assert.ok(outOfFold < 0.15, `out-of-fold correlation ${outOfFold}`);
});

test("fitting needs a target of the table's length", () => {
  const x = makeTable([categoricalColumn("c", ["a", "b"])]);
  assert.throws(() => new TargetEncoder().fit(x), /needs the target/);
  assert.throws(() => new TargetEncoder().fit(x, regressionTarget([1, 2, 3])), /target has 3 rows but the table has 2/);
});
