/**
 * CMA-ES strategy parameters: recombination weights and learning rates, fixed by the dimension and
 * the population size (and whether the covariance is diagonal).
 */

/** The constants of one CMA-ES run. */
export interface StrategyParams {
  readonly n: number;
  readonly lambda: number;
  readonly mu: number;
  /** λ weights, best first: positive for the μ best, negative (active CMA) for the rest, or 0 (separable). */
  readonly weights: Float64Array;
  readonly muEff: number;
  readonly cm: number;
  readonly cSigma: number;
  readonly dSigma: number;
  readonly cc: number;
  readonly c1: number;
  readonly cMu: number;
  /** E‖N(0, I)‖. */
  readonly chiN: number;
}

/** The default population size 4 + ⌊3 ln n⌋ (Hansen 2016). */
export function defaultPopsize(n: number): number {
  return 4 + Math.floor(3 * Math.log(Math.max(1, n)));
}

/**
 * The default strategy parameters for dimension `n` and population size `lambda`.
 *
 * Full covariance: the tutorial's defaults (Hansen 2016, Table 1), with negative weights for the
 * worse half (active CMA-ES), scaled so the covariance stays positive definite. Separable: positive
 * weights only and the covariance learning rates of Ros & Hansen (2008), which are (n + 2)/3 times
 * larger because a diagonal has n parameters to learn instead of n²/2.
 *
 * @see N. Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, 2016.
 * @see R. Ros and N. Hansen, "A Simple Modification in CMA-ES Achieving Linear Time and Space
 *   Complexity", PPSN X, 2008.
 */
export function strategyParams(n: number, lambda: number, separable: boolean): StrategyParams {
  const mu = Math.floor(lambda / 2);
  const raw = new Float64Array(lambda);
  for (let i = 0; i < lambda; i++) raw[i] = Math.log((lambda + 1) / 2) - Math.log(i + 1);
  let sumPos = 0;
  let sumPos2 = 0;
  let sumNeg = 0;
  let sumNeg2 = 0;
  for (let i = 0; i < lambda; i++) {
    const w = raw[i] as number;
    if (i < mu) {
      sumPos += w;
      sumPos2 += w * w;
    } else {
      sumNeg += w;
      sumNeg2 += w * w;
    }
  }
  const muEff = (sumPos * sumPos) / sumPos2;
  const muEffNeg = sumNeg2 > 0 ? (sumNeg * sumNeg) / sumNeg2 : 0;
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const weights = new Float64Array(lambda);

  if (separable) {
    for (let i = 0; i < mu; i++) weights[i] = (raw[i] as number) / sumPos;
    // Ros & Hansen (2008): c_cov with μ_cov = μ_eff, multiplied by (n + 2)/3.
    const muCov = muEff;
    const cCov =
      (1 / muCov) * (2 / ((n + Math.SQRT2) * (n + Math.SQRT2))) + (1 - 1 / muCov) * Math.min(1, (2 * muEff - 1) / ((n + 2) * (n + 2) + muEff));
    const cCovSep = Math.min(1, ((n + 2) / 3) * cCov);
    return {
      n,
      lambda,
      mu,
      weights,
      muEff,
      cm: 1,
      cSigma,
      dSigma,
      cc: 4 / (n + 4),
      c1: cCovSep / muCov,
      cMu: cCovSep * (1 - 1 / muCov),
      chiN,
    };
  }

  const alphaCov = 2;
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const c1 = alphaCov / ((n + 1.3) * (n + 1.3) + muEff);
  const cMu = Math.min(1 - c1, (alphaCov * (muEff - 2 + 1 / muEff)) / ((n + 2) * (n + 2) + (alphaCov * muEff) / 2));
  const alphaMuNeg = 1 + c1 / cMu;
  const alphaMuEffNeg = 1 + (2 * muEffNeg) / (muEff + 2);
  const alphaPosDefNeg = (1 - c1 - cMu) / (n * cMu);
  const negScale = Math.min(alphaMuNeg, alphaMuEffNeg, alphaPosDefNeg) / Math.abs(sumNeg || 1);
  for (let i = 0; i < lambda; i++) {
    const w = raw[i] as number;
    weights[i] = i < mu ? w / sumPos : w * negScale;
  }
  return { n, lambda, mu, weights, muEff, cm: 1, cSigma, dSigma, cc, c1, cMu, chiN };
}
