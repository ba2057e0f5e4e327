import assert from "node:assert/strict";
import { test } from "node:test";
import { erfc, normalCdf } from "../../numeric/stats.js";
import { erfcx, logExpectedImprovement, logH, logHDeriv, logNormalCdf, logProbabilityFeasible } from "./log-ei.js";

const phi = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** EI of N(μ, σ²) over `best` for maximisation, computed directly: (μ − best) Φ(z) + σ φ(z). */
function directEI(mean: number, sigma: number, best: number): number {
  const z = (mean - best) / sigma;
  return (mean - best) * normalCdf(z) + sigma * phi(z);
}

test("log EI equals the log of a direct EI computation where EI is not tiny", () => {
  for (const mean of [-2, -0.5, 0, 0.3, 1, 4]) {
    for (const sigma of [0.05, 0.5, 1, 3]) {
      const direct = directEI(mean, sigma, 0.2);
      if (direct < 1e-8) continue;
      const { value } = logExpectedImprovement(mean, sigma * sigma, 0.2);
      assert.ok(Math.abs(value - Math.log(direct)) < 1e-9, `μ=${mean}, σ=${sigma}: ${value} vs ${Math.log(direct)}`);
    }
  }
});

test("log h is finite, smooth and increasing far below where EI underflows", () => {
  // Direct EI is exactly 0 here in double precision; log h must follow its asymptote −z²/2 − log√(2π) − 2 log|z|.
  assert.equal(directEI(-40, 1, 0), 0);
  let prev = -Infinity;
  for (const z of [-1e6, -1e4, -1e3, -200, -60, -40.0001, -39.9999, -20, -5, -1.0001, -0.9999, 0, 3]) {
    const v = logH(z);
    assert.ok(Number.isFinite(v) && v > prev, `log h(${z}) = ${v} after ${prev}`);
    prev = v;
  }
  for (const z of [-50, -1e3, -1e6]) {
    const asymptote = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z);
    assert.ok(Math.abs(logH(z) - asymptote) < 4 / (z * z) + 1e-12 * Math.abs(asymptote), `z=${z}: ${logH(z)} vs ${asymptote}`);
  }
  // Branch boundaries (−1, −40): no jump beyond rounding.
  for (const b of [-1, -40]) assert.ok(Math.abs(logH(b - 1e-9) - logH(b + 1e-9)) < 1e-7 * Math.max(1, Math.abs(logH(b))), `jump at ${b}`);
  // Against h computed naively where it is still representable (z = −10: h ≈ 7.7e-26, with cancellation).
  const z = -10;
  const h = phi(z) + z * normalCdf(z);
  assert.ok(h > 0 && Math.abs(logH(z) - Math.log(h)) < 1e-3, `log h(−10) = ${logH(z)} vs naive ${Math.log(h)}`);
});

test("derivatives of log h, log EI and log P(feasible) match finite differences", () => {
  for (const z of [-300, -45, -30, -3, -1, 0, 2]) {
    const hstep = 1e-6 * Math.max(1, Math.abs(z));
    const numeric = (logH(z + hstep) - logH(z - hstep)) / (2 * hstep);
    assert.ok(Math.abs(numeric - logHDeriv(z)) < 1e-5 * Math.max(1, Math.abs(numeric)), `z=${z}: ${numeric} vs ${logHDeriv(z)}`);
  }
  for (const [mean, variance] of [[0.3, 0.2], [-3, 0.01], [2, 4]] as const) {
    const h = 1e-6;
    const ei = logExpectedImprovement(mean, variance, 0.5);
    const dm = (logExpectedImprovement(mean + h, variance, 0.5).value - logExpectedImprovement(mean - h, variance, 0.5).value) / (2 * h);
    const dv = (logExpectedImprovement(mean, variance + h, 0.5).value - logExpectedImprovement(mean, variance - h, 0.5).value) / (2 * h);
    assert.ok(Math.abs(dm - ei.dMean) < 1e-5 * Math.max(1, Math.abs(dm)), `EI ∂μ: ${dm} vs ${ei.dMean}`);
    assert.ok(Math.abs(dv - ei.dVariance) < 1e-5 * Math.max(1, Math.abs(dv)), `EI ∂σ²: ${dv} vs ${ei.dVariance}`);
    const pf = logProbabilityFeasible(mean, variance);
    const pm = (logProbabilityFeasible(mean + h, variance).value - logProbabilityFeasible(mean - h, variance).value) / (2 * h);
    const pv = (logProbabilityFeasible(mean, variance + h).value - logProbabilityFeasible(mean, variance - h).value) / (2 * h);
    assert.ok(Math.abs(pm - pf.dMean) < 1e-5 * Math.max(1, Math.abs(pm)), `PF ∂μ: ${pm} vs ${pf.dMean}`);
    assert.ok(Math.abs(pv - pf.dVariance) < 1e-5 * Math.max(1, Math.abs(pv)), `PF ∂σ²: ${pv} vs ${pf.dVariance}`);
    assert.ok(Math.abs(pf.value - Math.log(normalCdf(-mean / Math.sqrt(variance)))) < 1e-12);
  }
});

test("log Φ and erfcx: accurate in the ordinary range, finite in the far tail", () => {
  for (const z of [-3.5, -2, 0, 1.5]) assert.ok(Math.abs(logNormalCdf(z) - Math.log(normalCdf(z))) < 1e-12);
  // Φ(−40) ≈ 3.66e-350 underflows; log Φ(z) ≈ −z²/2 − log(−z √(2π)).
  const z = -40;
  assert.ok(Math.abs(logNormalCdf(z) - (-0.5 * z * z - Math.log(-z * Math.sqrt(2 * Math.PI)) + Math.log(1 - 1 / (z * z) + 3 / z ** 4))) < 1e-8);
  // The continued fraction (x ≥ 4) agrees with exp(x²) erfc(x), and erfcx(x) → 1/(x √π).
  for (const x of [4, 4.5, 6]) assert.ok(Math.abs(erfcx(x) / (Math.exp(x * x) * erfc(x)) - 1) < 1e-12, `erfcx(${x})`);
  assert.ok(Math.abs(erfcx(1e8) * 1e8 * Math.sqrt(Math.PI) - 1) < 1e-12);
});
