import assert from "node:assert/strict";
import { test } from "node:test";
import type { Dataset } from "./dataset.js";
import { makeClassification, makeFriedman1, makeRegression } from "./synthetic.js";
import { getColumn, type Table } from "./table.js";

function fingerprint(d: Dataset): string {
  const cols = d.x.columns.map((c) => (c.kind === "numeric" ? Array.from(c.values, String).join(",") : `${c.categories.join("|")}:${c.codes.join(",")}`));
  const y = d.y.task === "regression" ? Array.from(d.y.values).join(",") : d.y.labels.join(",");
  return JSON.stringify([d.x.columns.map((c) => c.name), cols, y]);
}

/**
 * Association of a column with the classes, 0 under independence: η² (share of variance explained by
 * the classes) for a numeric column, Cramér's V² for a categorical one; present cells only.
 */
function association(x: Table, name: string, labels: Int32Array, nClasses: number): number {
  const c = getColumn(x, name);
  const value = (i: number): number => (c.kind === "numeric" ? c.values[i]! : c.codes[i]! < 0 ? Number.NaN : c.codes[i]!);
  if (c.kind === "categorical") {
    const k = c.categories.length;
    const counts = new Float64Array(k * nClasses);
    const levelTotals = new Float64Array(k);
    for (let i = 0; i < labels.length; i++) {
      const v = value(i);
      if (Number.isNaN(v)) continue;
      counts[v * nClasses + labels[i]!]!++;
      levelTotals[v]!++;
    }
    let chi = 0;
    const n = levelTotals.reduce((a, b) => a + b, 0);
    for (let cl = 0; cl < nClasses; cl++) {
      let classTotal = 0;
      for (let l = 0; l < k; l++) classTotal += counts[l * nClasses + cl]!;
      for (let l = 0; l < k; l++) {
        const expected = (levelTotals[l]! * classTotal) / n;
        chi += (counts[l * nClasses + cl]! - expected) ** 2 / expected;
      }
    }
    return chi / (n * (Math.min(k, nClasses) - 1));
  }
  const sums = new Float64Array(nClasses);
  const counts = new Float64Array(nClasses);
  let total = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = value(i);
    if (Number.isNaN(v)) continue;
    sums[labels[i]!]! += v;
    counts[labels[i]!]!++;
    total += v;
    n++;
  }
  const mean = total / n;
  let between = 0;
  for (let k = 0; k < nClasses; k++) if (counts[k]! > 0) between += counts[k]! * (sums[k]! / counts[k]! - mean) ** 2;
  let within = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = value(i);
    if (!Number.isNaN(v)) within += (v - mean) ** 2;
  }
  return between / within;
}

function correlation(x: Table, name: string, y: Float64Array): number {
  const c = getColumn(x, name);
  assert.equal(c.kind, "numeric");
  const v = c.kind === "numeric" ? c.values : new Float64Array(0);
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i]!)) continue;
    n++;
    sx += v[i]!;
    sy += y[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i]!)) continue;
    sxy += (v[i]! - mx) * (y[i]! - my);
    sxx += (v[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

test("generators are deterministic per seed and differ across seeds", () => {
  const opts = { nRows: 200, nCategorical: 2, missingRate: 0.1 };
  assert.equal(fingerprint(makeClassification({ ...opts, seed: 5 }).dataset), fingerprint(makeClassification({ ...opts, seed: 5 }).dataset));
  assert.notEqual(fingerprint(makeClassification({ ...opts, seed: 5 }).dataset), fingerprint(makeClassification({ ...opts, seed: 6 }).dataset));
  assert.equal(fingerprint(makeRegression({ ...opts, seed: 1 }).dataset), fingerprint(makeRegression({ ...opts, seed: 1 }).dataset));
  assert.equal(fingerprint(makeFriedman1({ nRows: 100, seed: 2 }).dataset), fingerprint(makeFriedman1({ nRows: 100, seed: 2 }).dataset));
  assert.notEqual(fingerprint(makeFriedman1({ nRows: 100, seed: 2 }).dataset), fingerprint(makeFriedman1({ nRows: 100, seed: 3 }).dataset));
});

test("classification: shape, classes, and informative columns separate the classes more than noise", () => {
  for (const nClasses of [2, 4]) {
    const r = makeClassification({ nRows: 3000, nInformative: 4, nNoise: 6, nCategorical: 2, nClasses, seed: 3 });
    const { x, y } = r.dataset;
    assert.equal(x.nRows, 3000);
    assert.equal(x.columns.length, 12);
    assert.equal(y.task, nClasses === 2 ? "binary" : "multiclass");
    assert.equal(y.classes.length, nClasses);
    assert.equal(r.informative.length, 6);
    assert.deepEqual([...r.informative, ...r.noise].sort(), x.columns.map((c) => c.name).sort());
    const numericInformative = r.informative.filter((n) => n.startsWith("f"));
    const informative = Math.min(...numericInformative.map((n) => association(x, n, y.labels, nClasses)));
    const noise = Math.max(...r.noise.map((n) => association(x, n, y.labels, nClasses)));
    assert.ok(informative > 3 * noise, `${nClasses} classes: weakest informative association ${informative} vs strongest noise ${noise}`);
    for (const c of ["c0", "c1"]) assert.ok(association(x, c, y.labels, nClasses) > noise, `categorical ${c} carries signal`);
  }
});

test("regression: informative columns correlate with the target, noise columns do not", () => {
  const r = makeRegression({ nRows: 2000, nInformative: 3, nNoise: 5, noise: 0.5, seed: 4 });
  assert.equal(r.dataset.y.task, "regression");
  if (r.dataset.y.task !== "regression") return;
  const y = r.dataset.y.values;
  assert.deepEqual(Object.keys(r.coefficients).sort(), [...r.informative].sort());
  const inf = Math.min(...r.informative.map((n) => Math.abs(correlation(r.dataset.x, n, y))));
  const noise = Math.max(...r.noise.map((n) => Math.abs(correlation(r.dataset.x, n, y))));
  assert.ok(inf > 0.2 && noise < 0.08, `informative ≥ ${inf}, noise ≤ ${noise}`);
  // Signs agree with the reported coefficients.
  for (const n of r.informative) assert.equal(Math.sign(correlation(r.dataset.x, n, y)), Math.sign(r.coefficients[n]!));
});

test("Friedman #1 follows its formula exactly without noise", () => {
  const r = makeFriedman1({ nRows: 50, nNoise: 2, noise: 0, seed: 8 });
  assert.deepEqual(r.informative, ["x0", "x1", "x2", "x3", "x4"]);
  assert.deepEqual(r.noise, ["x5", "x6"]);
  const col = (j: number, i: number): number => {
    const c = r.dataset.x.columns[j]!;
    return c.kind === "numeric" ? c.values[i]! : Number.NaN;
  };
  assert.equal(r.dataset.y.task, "regression");
  if (r.dataset.y.task !== "regression") return;
  for (let i = 0; i < 50; i++) {
    const expected = 10 * Math.sin(Math.PI * col(0, i) * col(1, i)) + 20 * (col(2, i) - 0.5) ** 2 + 10 * col(3, i) + 5 * col(4, i);
    assert.ok(Math.abs(r.dataset.y.values[i]! - expected) < 1e-12);
    for (let j = 0; j < 7; j++) assert.ok(col(j, i) >= 0 && col(j, i) < 1);
  }
});

test("missingRate punches holes in features only, at about the asked rate", () => {
  const r = makeClassification({ nRows: 2000, nInformative: 2, nNoise: 2, nCategorical: 1, missingRate: 0.2, seed: 1 });
  let missing = 0;
  let cells = 0;
  for (const c of r.dataset.x.columns) {
    for (let i = 0; i < r.dataset.x.nRows; i++) {
      cells++;
      if (c.kind === "numeric" ? Number.isNaN(c.values[i]!) : c.codes[i]! < 0) missing++;
    }
  }
  assert.ok(Math.abs(missing / cells - 0.2) < 0.02, `missing share ${missing / cells}`);
  assert.throws(() => makeClassification({ missingRate: 1 }), /`missingRate` must be in \[0, 1\)/);
  assert.throws(() => makeRegression({ nInformative: 0 }), /at least one informative column/);
  assert.throws(() => makeClassification({ nClasses: 1 }), /`nClasses` must be an integer ≥ 2/);
});
