/**
 * Numerically stable logarithms of expected improvement and of the normal CDF, with derivatives,
 * for acquisition functions that must stay informative far from the incumbent.
 */
import { erfc } from "../../numeric/stats.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_PI_OVER_2 = Math.sqrt(Math.PI / 2);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/**
 * The scaled complementary error function erfcx(x) = exp(x²) erfc(x) for x ≥ 0.
 *
 * Below 4 it is computed directly (erfc from the incomplete gamma function is accurate to a few ulps
 * relative, and exp(x²) ≤ e^16 cannot overflow); above, by the continued fraction
 * erfcx(x) = (1/√π) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated bottom-up with a depth
 * that gives full precision from x = 4 on.
 *
 * @see W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23, 1969.
 */
export function erfcx(x: number): number {
  if (x < 4) return Math.exp(x * x) * erfc(x);
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return INV_SQRT_PI / f;
}

/**
 * log Φ(z) for the standard normal CDF, accurate for very negative z (where Φ underflows): for
 * z < −3, log Φ(z) = log(½ erfcx(−z/√2)) − z²/2.
 */
export function logNormalCdf(z: number): number {
  if (z < -3) return Math.log(0.5 * erfcx(-z / Math.SQRT2)) - 0.5 * z * z;
  return Math.log(0.5 * erfc(-z / Math.SQRT2));
}

/** d log Φ(z)/dz = φ(z)/Φ(z), stable for very negative z (where it tends to −z). */
export function logNormalCdfDeriv(z: number): number {
  if (z < -3) return 1 / (SQRT_PI_OVER_2 * erfcx(-z / Math.SQRT2));
  const phi = Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
  return phi / (0.5 * erfc(-z / Math.SQRT2));
}

/**
 * log h(z) with h(z) = φ(z) + z Φ(z), the expected improvement of a standard normal over −z, so
 * that EI(μ, σ; best) = σ h((μ − best)/σ) for maximisation.
 *
 * Following Ament et al. (2023), "LogEI": for z > −1, h is computed directly. Below, h(z) =
 * φ(z) (1 − |z| √(π/2) erfcx(|z|/√2)), so log h = −z²/2 − log √(2π) + log(1 − u) with u close to 1;
 * 1 − u is evaluated as −expm1(log u) while that is accurate, and for z < −40 by the asymptotic
 * series 1 − u = z⁻² − 3 z⁻⁴ + 15 z⁻⁶ − 105 z⁻⁸ + 945 z⁻¹⁰ (truncation error below 1e-13 relative
 * there), so log EI stays finite and smooth even where EI itself underflows to 0 — which keeps
 * gradient-based acquisition optimisation moving in regions the model considers hopeless.
 *
 * @see S. Ament, S. Daulton, D. Eriksson, M. Balandat and E. Bakshy, "Unexpected Improvements to
 *   Expected Improvement for Bayesian Optimization", NeurIPS 2023.
 */
export function logH(z: number): number {
  if (z > -1) {
    const phi = Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
    return Math.log(phi + z * 0.5 * erfc(-z / Math.SQRT2));
  }
  const base = -0.5 * z * z - LOG_SQRT_2PI;
  if (z > -40) {
    const u = -z * SQRT_PI_OVER_2 * erfcx(-z / Math.SQRT2);
    return base + Math.log(-Math.expm1(Math.log(u)));
  }
  const w = 1 / (z * z);
  return base + Math.log(w) + Math.log1p(w * (-3 + w * (15 + w * (-105 + w * 945))));
}

/**
 * d log h(z)/dz = Φ(z)/h(z) (since h′ = Φ), as exp(log Φ(z) − log h(z)) so it stays finite where
 * both underflow.
 */
export function logHDeriv(z: number): number {
  return Math.exp(logNormalCdf(z) - logH(z));
}

/**
 * log EI for maximisation of a Gaussian N(mean, variance) over `best`, with its partial derivatives
 * with respect to the mean and the variance (for the chain rule through a GP posterior).
 * log EI = log σ + log h(z), z = (μ − best)/σ.
 */
export function logExpectedImprovement(mean: number, variance: number, best: number): { value: number; dMean: number; dVariance: number } {
  const sigma = Math.sqrt(variance);
  const z = (mean - best) / sigma;
  const value = Math.log(sigma) + logH(z);
  const g = logHDeriv(z);
  // ∂/∂σ = 1/σ − g z/σ, and ∂σ/∂σ² = 1/(2σ).
  return { value, dMean: g / sigma, dVariance: (1 - g * z) / (2 * variance) };
}

/**
 * log P(c ≤ 0) for c ~ N(mean, variance): the log probability that a constraint is satisfied, with
 * derivatives with respect to the mean and the variance.
 */
export function logProbabilityFeasible(mean: number, variance: number): { value: number; dMean: number; dVariance: number } {
  const sigma = Math.sqrt(variance);
  const z = -mean / sigma;
  const g = logNormalCdfDeriv(z);
  // ∂z/∂μ = −1/σ, ∂z/∂σ² = −z/(2σ²).
  return { value: logNormalCdf(z), dMean: -g / sigma, dVariance: (-g * z) / (2 * variance) };
}
