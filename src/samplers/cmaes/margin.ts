/**
 * The margin correction of CMA-ES with margin (Hamano et al. 2022) for integer and discretised
 * dimensions, applied after each generation's update (`update.ts`).
 */
import { normalCdf, normalQuantile } from "../../numeric/stats.js";

/**
 * CMA-ES with margin: for every discrete dimension, keeps the probability that a sample lands in
 * another cell than the mean's at least α (split α/2 per side for an interior cell), by moving the
 * mean toward the nearest threshold (edge cells) or by rescaling that dimension's marginal through
 * A and re-centring (interior cells). Without it the marginal variance of an integer dimension
 * collapses once all samples round to one value, and the search can never leave it.
 *
 * @see R. Hamano, S. Saito, M. Nomura and S. Shirakawa, "CMA-ES with Margin: Lower-Bounding Marginal
 *   Probability for Mixed-Integer Black-Box Optimization", GECCO 2022.
 */
export function applyMargin(
  mean: Float64Array,
  sigma: number,
  C: Float64Array,
  A: Float64Array,
  sep: boolean,
  thresholds: readonly (Float64Array | undefined)[],
  alpha: number,
): { mean: Float64Array; A: Float64Array } {
  const n = mean.length;
  const m = Float64Array.from(mean);
  const a = Float64Array.from(A);
  for (let j = 0; j < n; j++) {
    const t = thresholds[j];
    if (t === undefined || t.length === 0) continue;
    const cjj = sep ? (C[j] as number) : (C[j * n + j] as number);
    const sd = sigma * Math.sqrt(cjj);
    const scale = sd * (a[j] as number);
    const mj = m[j] as number;
    // The cell of the mean: index of the first threshold above it.
    let k = 0;
    while (k < t.length && (t[k] as number) <= mj) k++;
    const lo = k > 0 ? (t[k - 1] as number) : undefined;
    const up = k < t.length ? (t[k] as number) : undefined;
    if (lo === undefined || up === undefined) {
      // Edge cell: one neighbouring threshold; keep P(crossing it) ≥ α by moving the mean.
      const th = (lo ?? up) as number;
      const p = normalCdf(-Math.abs(mj - th) / scale);
      if (p < alpha) m[j] = th + Math.sign(mj - th || (up !== undefined ? -1 : 1)) * scale * normalQuantile(1 - alpha);
      continue;
    }
    let pLo = normalCdf((lo - mj) / scale);
    let pUp = normalCdf((mj - up) / scale);
    if (Math.min(pLo, pUp) >= alpha / 2) continue;
    // Lift both tails to α/2, taking the excess from the three cells in proportion to their surplus over α/2.
    const half = alpha / 2;
    const pMid = Math.max(0, 1 - pLo - pUp);
    pLo = Math.max(pLo, half);
    pUp = Math.max(pUp, half);
    const excess = pLo + pUp + pMid - 1;
    const surplus = pLo + pUp + pMid - 3 * half;
    if (surplus > 0) {
      pLo -= (excess * (pLo - half)) / surplus;
      pUp -= (excess * (pUp - half)) / surplus;
    }
    pLo = Math.min(0.5 - 1e-10, Math.max(1e-10, pLo));
    pUp = Math.min(0.5 - 1e-10, Math.max(1e-10, pUp));
    // Solve Φ((lo − m')/s') = pLo and Φ((m' − up)/s') = pUp for the new mean and scale.
    const qa = normalQuantile(1 - pLo);
    const qb = normalQuantile(1 - pUp);
    const s = (up - lo) / (qa + qb);
    m[j] = lo + qa * s;
    a[j] = s / sd;
  }
  return { mean: m, A: a };
}
