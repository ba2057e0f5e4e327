/**
 * Numerics of the standard normal distribution in log space, and the truncated normal built on it.
 *
 * TPE kernels are normals truncated to the search range, and with a kernel width of 1/100 of the
 * range a candidate can sit 100 standard deviations away from a kernel: Φ underflows long before
 * that (Φ(-38) < 1e-308), so everything here works with log Φ. The core is `logErfc(z)` for z ≥ 0,
 * computed as log t − z² + P(t) with t = 2.5 / (2.5 + z) and P piecewise polynomial
 * (Schonfelder's form of erfc, fitted for this file with 50-digit arithmetic; relative error of the
 * log below 1e-14 over all z ≥ 0), so no exp or erfc ever underflows. The inverse is solved by
 * Newton's method on log Φ, which is concave, so the iteration converges from any start.
 */

const LN2 = Math.LN2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

// log(erfcx(z) / t) with t = 2.5 / (2.5 + z) ∈ (0, 1], as four polynomials of degree 13, one per
// quarter of t, each in the local variable y = 8t − 2i − 1 ∈ [−1, 1] (coefficients from Chebyshev
// fits in 50-digit arithmetic; absolute error ≤ 3e-16 in float64).
const ERFC_POLY = Float64Array.from([
  -1.3567503244015569, 0.13915546550705069, 0.007594019727922292, 0.00033986720387932444,
  -7.638373546114802e-6, -4.042483343845867e-6, -4.558567891015534e-7, -1.0024464734566854e-8,
  5.105951404754705e-9, 8.314238345321256e-10, 2.407627603175526e-11, -1.1343217986237192e-11,
  -1.697505041070541e-12, 1.3448659112954799e-14,
  -1.045624680624792, 0.1729572092937767, 0.009023194812501334, 5.184923872168542e-5,
  -6.9491479445294e-5, -6.672862692595062e-6, 3.722980639075328e-7, 1.265494679115771e-7,
  2.681555593349651e-9, -1.953642053972458e-9, -1.5128851662746923e-10, 2.7261525445734745e-11,
  3.5334422560002955e-12, -3.4060456206391385e-13,
  -0.6644884603058172, 0.20704064142362216, 0.007302060121651722, -0.0006471563678468699,
  -8.391520538707826e-5, 5.483506380274421e-6, 1.1324169151741462e-6, -7.687255993511674e-8,
  -1.6356574036398096e-8, 1.405202891355275e-9, 2.3246460150439954e-10, -2.762119978878543e-11,
  -2.901081431881825e-12, 4.938745640537312e-13,
  -0.22748401808974925, 0.22640670781982097, 0.002042908740116978, -0.0009805298143052293,
  6.463836512339207e-6, 9.05216370524085e-6, -5.18830060993758e-7, -7.737526853290295e-8,
  1.1494620101536305e-8, 2.1239927344558824e-10, -1.6897187528423993e-10, 9.882579981630597e-12,
  1.5443682971904865e-12, -2.4598186937059796e-13,
]);
const DEG = 13;

/** log(erfcx(z) / t) with t = 2.5 / (2.5 + z), for z ≥ 0: the piecewise polynomial above. */
function logErfcxOverT(t: number): number {
  const q = 4 * t;
  const i = q >= 3 ? 3 : Math.floor(q);
  const y = 2 * (q - i) - 1;
  const o = i * (DEG + 1);
  let acc = ERFC_POLY[o + DEG] as number;
  for (let j = DEG - 1; j >= 0; j--) acc = acc * y + (ERFC_POLY[o + j] as number);
  return acc;
}

/** log(erfc(z)) for z ≥ 0 (finite for every finite z). */
export function logErfc(z: number): number {
  const t = 2.5 / (2.5 + z);
  return Math.log(t) - z * z + logErfcxOverT(t);
}

/** erfc(z) for z ≥ 0 (underflows to 0 beyond z ≈ 26.5; use {@link logErfc} there). */
export function erfcNonNeg(z: number): number {
  const t = 2.5 / (2.5 + z);
  return t * Math.exp(logErfcxOverT(t) - z * z);
}

/** log Φ(x), the log of the standard normal CDF, accurate in both tails. */
export function logNdtr(x: number): number {
  if (x <= 0) {
    if (x === -Infinity) return -Infinity;
    return logErfc(-x * Math.SQRT1_2) - LN2;
  }
  if (x === Infinity) return 0;
  // Φ(x) = 1 − Φ(−x), and Φ(−x) ≤ 1/2 here.
  return Math.log1p(-0.5 * Math.exp(logErfc(x * Math.SQRT1_2)));
}

/** Φ(x), the standard normal CDF. */
export function ndtr(x: number): number {
  return x <= 0 ? Math.exp(logNdtr(x)) : 1 - 0.5 * Math.exp(logErfc(x * Math.SQRT1_2));
}

/** log φ(x), the log of the standard normal density. */
export function logNormalPdf(x: number): number {
  return -0.5 * x * x - HALF_LOG_2PI;
}

/** log(1 − e^d) for d ≤ 0, accurate near 0 and for very negative d. */
export function log1mexp(d: number): number {
  return d > -LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d));
}

/** log(e^a + e^b) without overflow; either may be -Infinity. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * log(Φ(b) − Φ(a)) for a ≤ b: the log probability mass of the standard normal on [a, b]. Works in
 * whichever tail the interval lies, so masses like Φ(−60) − Φ(−61) stay finite.
 */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) {
    const la = logNdtr(a);
    const lb = logNdtr(b);
    return lb + log1mexp(la - lb);
  }
  if (a >= 0) {
    const la = logNdtr(-b);
    const lb = logNdtr(-a);
    return lb + log1mexp(la - lb);
  }
  // a < 0 < b: the mass is 1 − Φ(a) − Φ(−b), both terms at most 1/2.
  return Math.log1p(-Math.exp(logNdtr(a)) - Math.exp(logNdtr(-b)));
}

/** The x ≤ 0-side solution of log Φ(x) = lq (lq ≤ −ln 2), by Newton's method. */
function ndtriLower(lq: number): number {
  let x: number;
  if (lq < -2.5) {
    const s = -2 * lq;
    x = -Math.sqrt(Math.max(s - Math.log(s) - 2 * HALF_LOG_2PI, 0.01));
  } else {
    const p = Math.exp(lq);
    x = Math.log(p / (1 - p)) / 1.702;
  }
  for (let it = 0; it < 100; it++) {
    const l = logNdtr(x);
    // d/dx log Φ(x) = φ(x) / Φ(x)
    const dx = (l - lq) * Math.exp(l - logNormalPdf(x));
    x -= dx;
    if (!(Math.abs(dx) > 1e-15 * (1 + Math.abs(x)))) break;
  }
  return x;
}

/** The inverse of {@link logNdtr}: the x with log Φ(x) = lp (lp ≤ 0). */
export function ndtriExp(lp: number): number {
  if (!(lp < 0)) return lp === 0 ? Infinity : NaN;
  if (lp === -Infinity) return -Infinity;
  if (lp > -LN2) return -ndtriLower(Math.log(-Math.expm1(lp)));
  return ndtriLower(lp);
}

/**
 * A draw from the standard normal truncated to [a, b] by inversion of the CDF, using the uniform
 * `u` in [0, 1). One uniform per draw, exact in both tails (the interval is mirrored to the left
 * tail, where log Φ has its precision).
 */
export function sampleTruncatedStandardNormal(a: number, b: number, u: number): number {
  if (a >= 0) return -sampleTruncatedStandardNormal(-b, -a, 1 - u);
  const la = logNdtr(a);
  const lb = logNdtr(b);
  // p = (1 − u) Φ(a) + u Φ(b), in log space.
  const lp = logAddExp(la + Math.log1p(-u), lb + Math.log(u));
  const x = ndtriExp(lp);
  if (Number.isNaN(x)) return 0.5 * (a + b);
  return x < a ? a : x > b ? b : x;
}
