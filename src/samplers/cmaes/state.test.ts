/**
 * Strategy parameters against the reference implementation, and the state's JSON form.
 * Reference numbers were produced at development time with the `cmaes` 0.9.1 Python library
 * (`CMA(mean=np.zeros(n), sigma=1)`: `_weights`, `_mu_eff`, `_c1`, `_cmu`, `_cc`, `_c_sigma`,
 * `_d_sigma`, `_chi_n`); the test itself needs no Python.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeFloat64, deserializeState, encodeFloat64, initialState, serializeState } from "./state.js";
import { defaultPopsize, strategyParams } from "./strategy.js";

const REFERENCE = [
  {
    n: 2,
    lambda: 6,
    mu: 3,
    muEff: 2.0286114646100617,
    c1: 0.1548153998964136,
    cMu: 0.057859085071916304,
    cc: 0.6245545390268264,
    cSigma: 0.44620498737831715,
    dSigma: 1.4462049873783172,
    chiN: 1.254272742818995,
    weights: [0.637042571241217, 0.284570257438033, 0.07838717132075, -0.286383782596553, -0.764958094085128, -1.155981778158921],
  },
  {
    n: 10,
    lambda: 10,
    mu: 5,
    muEff: 3.1672992814107026,
    c1: 0.015283824524751714,
    cMu: 0.02015428276120838,
    cc: 0.29499038303562225,
    cSigma: 0.2844285879463675,
    dSigma: 1.2844285879463675,
    chiN: 3.0847265651690123,
    weights: [
      0.456272646903406, 0.270753097001785, 0.16223111715867, 0.085233547100164, 0.025509591835975, -0.085320862507599, -0.236476601148097, -0.367413657711665,
      -0.482908326784234, -0.586221828778835,
    ],
  },
];

test("full CMA-ES strategy parameters match the cmaes library (Hansen 2016 defaults)", () => {
  for (const r of REFERENCE) {
    assert.equal(defaultPopsize(r.n), r.lambda);
    const p = strategyParams(r.n, r.lambda, false);
    assert.equal(p.mu, r.mu);
    for (const k of ["muEff", "c1", "cMu", "cc", "cSigma", "dSigma", "chiN"] as const) {
      assert.ok(Math.abs(p[k] - r[k]) < 1e-12 * Math.abs(r[k]), `n=${r.n} ${k}: ${p[k]} vs ${r[k]}`);
    }
    r.weights.forEach((w, i) => assert.ok(Math.abs((p.weights[i] as number) - w) < 1e-12, `n=${r.n} weight ${i}`));
  }
});

test("separable parameters: positive weights summing to 1, larger covariance rates (Ros & Hansen)", () => {
  const full = strategyParams(10, 10, false);
  const sep = strategyParams(10, 10, true);
  let sum = 0;
  for (const w of sep.weights) {
    assert.ok(w >= 0);
    sum += w;
  }
  assert.ok(Math.abs(sum - 1) < 1e-12);
  assert.ok(sep.c1 + sep.cMu > full.c1 + full.cMu);
  assert.ok(sep.c1 + sep.cMu <= 1);
});

test("float64 arrays round-trip bit for bit through base64, non-finite values included", () => {
  const a = Float64Array.of(0, -0, 1 / 3, -1e-300, 5e-324, Infinity, -Infinity, NaN, 1.7976931348623157e308);
  const b = decodeFloat64(encodeFloat64(a));
  assert.equal(b.length, a.length);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(b[i], a[i]), `index ${i}: ${b[i]} vs ${a[i]}`);
  assert.equal(decodeFloat64(encodeFloat64(new Float64Array(0))).length, 0);
  const big = Float64Array.from({ length: 100_000 }, (_, i) => Math.sin(i));
  assert.deepEqual(decodeFloat64(encodeFloat64(big)), big);
});

test("a state survives a JSON round trip unchanged, and garbage is refused", () => {
  const s = initialState({ spaceKey: "[]", generation: 3, popsize: 7, mean: Float64Array.of(0.1, 0.9), sigma: 0.2, separable: false });
  const json = JSON.parse(JSON.stringify(serializeState(s)));
  assert.deepEqual(deserializeState(json), s);
  assert.throws(() => deserializeState({ v: 2 }), /unreadable/);
  assert.throws(() => deserializeState("nope"), /unreadable/);
  assert.throws(() => deserializeState({ ...json, mean: 5 }), /mean/);
});
