/**
 * One CMA-ES generation step ("tell"): the mean, step size, evolution paths and covariance updated
 * from the ranked population, then the optional learning-rate adaptation and margin correction,
 * and the standard termination tests that trigger restarts.
 */
import { symmetricEigen } from "../../numeric/eigen.js";
import type { CmaState } from "./state.js";
import { applyMargin } from "./margin.js";
import { strategyParams, type StrategyParams } from "./strategy.js";

/** Largest step size kept (as the `cmaes` library caps it). */
const SIGMA_MAX = 1e32;

/** The square-root factors of C, computed once per state. */
export interface Decomposition {
  /** √eigenvalues of C (full) or √diag(C) (separable). */
  readonly D: Float64Array;
  /** Eigenvectors of C, row-major, column j for D[j]; undefined for separable. */
  readonly B: Float64Array | undefined;
  /** B diag(D), so y = BD z ~ N(0, C) for z ~ N(0, I); undefined for separable. */
  readonly BD: Float64Array | undefined;
  /** C^{-1/2} = B diag(1/D) Bᵀ (full, n × n) or 1/√diag(C) (separable). */
  readonly invSqrtC: Float64Array;
}

/** The square-root factors of the state's covariance. */
export function decompose(C: Float64Array, n: number, separable: boolean): Decomposition {
  if (separable) {
    const D = new Float64Array(n);
    const inv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const d = Math.sqrt(Math.max(C[i] as number, 1e-300));
      D[i] = d;
      inv[i] = 1 / d;
    }
    return { D, B: undefined, BD: undefined, invSqrtC: inv };
  }
  const { values, vectors: B } = symmetricEigen(C, n);
  const top = Math.max(values[n - 1] as number, 1e-300);
  const D = new Float64Array(n);
  // Rounding can leave a tiny negative eigenvalue: floor it far below the condition-number limit.
  for (let j = 0; j < n; j++) D[j] = Math.sqrt(Math.max(values[j] as number, 1e-20 * top));
  const BD = new Float64Array(n * n);
  const invSqrtC = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) BD[i * n + j] = (B[i * n + j] as number) * (D[j] as number);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += ((B[i * n + k] as number) * (B[j * n + k] as number)) / (D[k] as number);
      invSqrtC[i * n + j] = s;
      invSqrtC[j * n + i] = s;
    }
  }
  return { D, B, BD, invSqrtC };
}

/** `out = M v` for M n × n (full) or diagonal (separable), v read from `v[offset…offset + n)`. */
function applyMatrix(m: Float64Array, v: Float64Array, n: number, separable: boolean, out: Float64Array, offset = 0): Float64Array {
  if (separable) {
    for (let i = 0; i < n; i++) out[i] = (m[i] as number) * (v[offset + i] as number);
    return out;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += (m[i * n + k] as number) * (v[offset + k] as number);
    out[i] = s;
  }
  return out;
}

/** Settings that shape an update (fixed for a sampler). */
export interface UpdateConfig {
  readonly separable: boolean;
  readonly lrAdapt: boolean;
  /** Margin α (0: off). */
  readonly margin: number;
  /** Per dimension: the discrete thresholds in [0, 1], or undefined for continuous. */
  readonly thresholds: readonly (Float64Array | undefined)[];
  readonly tolFun: number;
  readonly tolX: number;
  readonly tolXUp: number;
  readonly tolConditionCov: number;
}

/** One evaluated solution: its normalised coordinates and the value to minimise. */
export interface Solution {
  readonly x: ArrayLike<number>;
  readonly value: number;
}

/** The outcome of {@link tell}. */
export interface TellResult {
  readonly state: CmaState;
  readonly decomposition: Decomposition;
  /** Why the run should end (a termination criterion's name), or undefined to go on. */
  readonly stop: string | undefined;
}

/** The strategy parameters of the last (n, λ, separable) seen: a run keeps them for all its generations. */
let lastParams: { readonly key: string; readonly params: StrategyParams } | undefined;

function cachedStrategyParams(n: number, lambda: number, separable: boolean): StrategyParams {
  const key = `${n},${lambda},${separable}`;
  if (lastParams?.key !== key) lastParams = { key, params: strategyParams(n, lambda, separable) };
  return lastParams.params;
}

/** Work arrays of {@link tell} for one (n, λ); nothing in them outlives a call. */
interface Scratch {
  readonly n: number;
  readonly lambda: number;
  readonly separable: boolean;
  /** y_k = (x_k − m) / (σ A) of the ranked solutions, λ rows of n. */
  readonly ys: Float64Array;
  readonly yw: Float64Array;
  readonly z: Float64Array;
  readonly tmp: Float64Array;
  readonly wo: Float64Array;
  /** Σ_k w_k y_k y_kᵀ (upper triangle); empty for separable CMA-ES, whose n may be large. */
  readonly rankMu: Float64Array;
}

// Reused across calls because a typed array costs ~0.3 µs to allocate, and one generation used to
// allocate some twenty of them for temporaries. `tell` is synchronous and not re-entrant.
let scratch: Scratch | undefined;

function scratchFor(n: number, lambda: number, separable: boolean): Scratch {
  if (scratch?.n !== n || scratch.lambda !== lambda || scratch.separable !== separable) {
    scratch = {
      n,
      lambda,
      separable,
      ys: new Float64Array(lambda * n),
      yw: new Float64Array(n),
      z: new Float64Array(n),
      tmp: new Float64Array(n),
      wo: new Float64Array(lambda),
      rankMu: new Float64Array(separable ? 0 : n * n),
    };
  }
  return scratch;
}

/** Generations of best/worst values tolFun looks back over (as the `cmaes` library). */
export function funHistoryLength(n: number, lambda: number): number {
  return 10 + Math.ceil((30 * n) / lambda);
}

/**
 * Updates the state with one generation of `popsize` solutions (Hansen 2016's update with active
 * negative weights; diagonal only when separable), then applies learning-rate adaptation and the
 * margin when configured, and checks the termination criteria. `decomposition` must be that of
 * `state.C`. Returns a new state; the input is not modified.
 *
 * @see N. Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, 2016.
 */
export function tell(state: CmaState, decomposition: Decomposition, solutions: readonly Solution[], config: UpdateConfig): TellResult {
  const n = state.mean.length;
  const sep = config.separable;
  const P = cachedStrategyParams(n, state.popsize, sep);
  const ranked = [...solutions].sort((a, b) => a.value - b.value);
  const lambda = ranked.length;
  const { mean: m, sigma, A } = state;
  const { ys, yw, z: zBuf, tmp, wo, rankMu } = scratchFor(n, lambda, sep);

  for (let k = 0; k < lambda; k++) {
    const x = (ranked[k] as Solution).x;
    for (let i = 0; i < n; i++) ys[k * n + i] = ((x[i] as number) - (m[i] as number)) / (sigma * (A[i] as number));
  }
  yw.fill(0);
  for (let k = 0; k < P.mu && k < lambda; k++) {
    const w = P.weights[k] as number;
    for (let i = 0; i < n; i++) yw[i] = (yw[i] as number) + w * (ys[k * n + i] as number);
  }
  let mean: Float64Array = new Float64Array(n);
  for (let i = 0; i < n; i++) mean[i] = (m[i] as number) + P.cm * sigma * (A[i] as number) * (yw[i] as number);

  const z = applyMatrix(decomposition.invSqrtC, yw, n, sep, zBuf);
  const pSigma = new Float64Array(n);
  const cs = Math.sqrt(P.cSigma * (2 - P.cSigma) * P.muEff);
  let psNorm2 = 0;
  for (let i = 0; i < n; i++) {
    const v = (1 - P.cSigma) * (state.pSigma[i] as number) + cs * (z[i] as number);
    pSigma[i] = v;
    psNorm2 += v * v;
  }
  const psNorm = Math.sqrt(psNorm2);
  let newSigma = Math.min(SIGMA_MAX, sigma * Math.exp((P.cSigma / P.dSigma) * (psNorm / P.chiN - 1)));

  const hSigma = psNorm / Math.sqrt(1 - Math.pow(1 - P.cSigma, 2 * (state.runGeneration + 1))) < (1.4 + 2 / (n + 1)) * P.chiN ? 1 : 0;
  const pc = new Float64Array(n);
  const ccf = hSigma * Math.sqrt(P.cc * (2 - P.cc) * P.muEff);
  for (let i = 0; i < n; i++) pc[i] = (1 - P.cc) * (state.pc[i] as number) + ccf * (yw[i] as number);

  // Active CMA: a negative weight is rescaled by n / ‖C^{-1/2} y‖² so its contribution stays bounded.
  let sumW = 0;
  for (let k = 0; k < lambda; k++) {
    const w = P.weights[k] as number;
    sumW += w;
    if (w >= 0) wo[k] = w;
    else {
      const cy = applyMatrix(decomposition.invSqrtC, ys, n, sep, tmp, k * n);
      let nn = 0;
      for (let i = 0; i < n; i++) nn += (cy[i] as number) * (cy[i] as number);
      wo[k] = (w * n) / (nn + 1e-8);
    }
  }
  const delta = (1 - hSigma) * P.cc * (2 - P.cc);
  const decay = 1 + P.c1 * delta - P.c1 - P.cMu * sumW;
  let C: Float64Array;
  if (sep) {
    C = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let k = 0; k < lambda; k++) {
        const yi = ys[k * n + i] as number;
        r += (wo[k] as number) * yi * yi;
      }
      C[i] = Math.max(1e-300, decay * (state.C[i] as number) + P.c1 * (pc[i] as number) * (pc[i] as number) + P.cMu * r);
    }
  } else {
    // Rank-μ sum Σ_k w_k y_k y_kᵀ, one solution at a time over the upper triangle: each entry
    // still adds its terms in k order, so the sums are the same to the bit as entry by entry.
    rankMu.fill(0);
    for (let k = 0; k < lambda; k++) {
      const w = wo[k] as number;
      const row = k * n;
      for (let i = 0; i < n; i++) {
        const wy = w * (ys[row + i] as number);
        for (let j = i; j < n; j++) rankMu[i * n + j] = (rankMu[i * n + j] as number) + wy * (ys[row + j] as number);
      }
    }
    C = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const r = rankMu[i * n + j] as number;
        const v = decay * (state.C[i * n + j] as number) + P.c1 * (pc[i] as number) * (pc[j] as number) + P.cMu * r;
        C[i * n + j] = v;
        C[j * n + i] = v;
      }
    }
  }

  let { etaMean, etaSigma, vMean, vSigma } = state;
  let eMean = state.eMean;
  let eSigma = state.eSigma;
  if (config.lrAdapt) {
    const r = adaptLearningRates(state, decomposition, mean, newSigma, C, sep);
    ({ etaMean, etaSigma, vMean, vSigma, eMean, eSigma } = r);
    mean = r.mean;
    newSigma = Math.min(SIGMA_MAX, r.sigma);
    C = r.C;
  }

  let Anew = A;
  if (config.margin > 0) {
    const r = applyMargin(mean, newSigma, C, A, sep, config.thresholds, config.margin);
    mean = r.mean;
    Anew = r.A;
  }

  // Termination history: best and worst of this generation.
  const hist = funHistoryLength(n, state.popsize);
  const prev = state.funHistory;
  const keep = Math.min(prev.length, 2 * hist - 2);
  const funHistory = new Float64Array(keep + 2);
  for (let i = 0; i < keep; i++) funHistory[i] = prev[prev.length - keep + i] as number;
  funHistory[keep] = (ranked[0] as Solution).value;
  funHistory[keep + 1] = (ranked[lambda - 1] as Solution).value;

  const next: CmaState = {
    ...state,
    generation: state.generation + 1,
    runGeneration: state.runGeneration + 1,
    sigma: newSigma,
    mean,
    C,
    pc,
    pSigma,
    A: Anew,
    etaMean,
    etaSigma,
    eMean,
    eSigma,
    vMean,
    vSigma,
    funHistory,
    best: Math.min(state.best, (ranked[0] as Solution).value),
  };
  const dec = decompose(C, n, sep);
  return { state: next, decomposition: dec, stop: shouldStop(next, dec, config) };
}

/** The first standard termination criterion that holds for the state, or undefined. */
export function shouldStop(s: CmaState, dec: Decomposition, config: UpdateConfig): string | undefined {
  const n = s.mean.length;
  const sep = config.separable;
  if (!Number.isFinite(s.sigma) || s.mean.some((x) => !Number.isFinite(x)) || dec.D.some((x) => !Number.isFinite(x))) return "numerical";
  const diag = (i: number): number => (sep ? (s.C[i] as number) : (s.C[i * n + i] as number));
  const hist = funHistoryLength(n, s.popsize);
  if (s.runGeneration > hist && s.funHistory.length > 0) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const f of s.funHistory) {
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
    }
    if (hi - lo < config.tolFun) return "tolFun";
  }
  let small = true;
  for (let i = 0; i < n && small; i++) {
    if (s.sigma * (s.A[i] as number) * Math.sqrt(diag(i)) >= config.tolX || s.sigma * Math.abs(s.pc[i] as number) >= config.tolX) small = false;
  }
  if (small) return "tolX";
  let dMax = 0;
  let dMin = Infinity;
  for (const d of dec.D) {
    dMax = Math.max(dMax, d);
    dMin = Math.min(dMin, d);
  }
  if (s.sigma * dMax > config.tolXUp) return "tolXUp";
  for (let i = 0; i < n; i++) {
    const mi = s.mean[i] as number;
    if (mi === mi + 0.2 * s.sigma * (s.A[i] as number) * Math.sqrt(diag(i))) return "noEffectCoord";
  }
  if (!sep && dec.B !== undefined) {
    const k = s.runGeneration % n;
    let same = true;
    for (let i = 0; i < n && same; i++) {
      const mi = s.mean[i] as number;
      if (mi !== mi + 0.1 * s.sigma * (dec.D[k] as number) * (dec.B[i * n + k] as number)) same = false;
    }
    if (same) return "noEffectAxis";
  }
  if ((dMax * dMax) / (dMin * dMin) > config.tolConditionCov) return "conditionCov";
  return undefined;
}

// LRA-CMA-ES constants (Nomura et al. 2023, Section 4): target SNR factor α, moving-average rates
// β for the mean and the covariance, and the cap γ on the log change of η per generation.
const LRA_ALPHA = 1.4;
const LRA_BETA_MEAN = 0.1;
const LRA_BETA_SIGMA = 0.03;
const LRA_GAMMA = 0.1;

/**
 * Learning-rate adaptation: measures the signal-to-noise ratio of the mean and covariance updates
 * in the local coordinates of the old distribution, moves the learning rates η toward keeping it
 * at α·η, and replaces the update Δ by η·Δ. Σ = σ²C is then split back into σ = det(Σ)^{1/2n} and C.
 *
 * @see M. Nomura, Y. Akimoto and I. Ono, "CMA-ES with Learning Rate Adaptation: Can CMA-ES with
 *   Default Population Size Solve Multimodal and Noisy Problems?", GECCO 2023.
 */
function adaptLearningRates(
  old: CmaState,
  dec: Decomposition,
  mean: Float64Array,
  sigma: number,
  C: Float64Array,
  sep: boolean,
): {
  mean: Float64Array;
  sigma: number;
  C: Float64Array;
  etaMean: number;
  etaSigma: number;
  eMean: Float64Array;
  eSigma: Float64Array;
  vMean: number;
  vSigma: number;
} {
  const n = mean.length;
  const s0 = old.sigma;
  const s02 = s0 * s0;
  const s2 = sigma * sigma;
  // Δm and ΔΣ, in the local coordinates Σ₀^{-1/2} (·) and Σ₀^{-1/2} (·) Σ₀^{-1/2}.
  const dm = new Float64Array(n);
  for (let i = 0; i < n; i++) dm[i] = ((mean[i] as number) - (old.mean[i] as number)) / (old.A[i] as number);
  const locM = applyMatrix(dec.invSqrtC, dm, n, sep, new Float64Array(n));
  for (let i = 0; i < n; i++) locM[i] = (locM[i] as number) / s0;
  const dSigma = new Float64Array(C.length);
  for (let i = 0; i < C.length; i++) dSigma[i] = s2 * (C[i] as number) - s02 * (old.C[i] as number);
  let locS: Float64Array;
  if (sep) {
    locS = new Float64Array(n);
    for (let i = 0; i < n; i++) locS[i] = (dSigma[i] as number) / (s02 * (old.C[i] as number)) / Math.SQRT2;
  } else {
    // W = C₀^{-1/2} ΔΣ C₀^{-1/2} / σ₀², then / √2 as in the paper's Fisher-metric normalisation.
    const inv = dec.invSqrtC;
    const t = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (inv[i * n + k] as number) * (dSigma[k * n + j] as number);
        t[i * n + j] = s;
      }
    }
    locS = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (t[i * n + k] as number) * (inv[k * n + j] as number);
        locS[i * n + j] = s / s02 / Math.SQRT2;
      }
    }
  }
  const eMean = new Float64Array(n);
  let normEM = 0;
  let normLocM = 0;
  for (let i = 0; i < n; i++) {
    eMean[i] = (1 - LRA_BETA_MEAN) * (old.eMean[i] as number) + LRA_BETA_MEAN * (locM[i] as number);
    normEM += (eMean[i] as number) ** 2;
    normLocM += (locM[i] as number) ** 2;
  }
  const eSigma = new Float64Array(locS.length);
  let normES = 0;
  let normLocS = 0;
  for (let i = 0; i < locS.length; i++) {
    eSigma[i] = (1 - LRA_BETA_SIGMA) * (old.eSigma[i] as number) + LRA_BETA_SIGMA * (locS[i] as number);
    normES += (eSigma[i] as number) ** 2;
    normLocS += (locS[i] as number) ** 2;
  }
  const vMean = (1 - LRA_BETA_MEAN) * old.vMean + LRA_BETA_MEAN * normLocM;
  const vSigma = (1 - LRA_BETA_SIGMA) * old.vSigma + LRA_BETA_SIGMA * normLocS;
  const snr = (e2: number, v: number, beta: number): number => (e2 - (beta / (2 - beta)) * v) / Math.max(v - e2, 1e-300);
  const adapt = (eta: number, snrHat: number, beta: number): number => {
    const rel = Math.min(1, Math.max(-1, snrHat / LRA_ALPHA / eta - 1));
    return Math.min(1, eta * Math.exp(Math.min(LRA_GAMMA * eta, beta) * rel));
  };
  const etaMean = adapt(old.etaMean, snr(normEM, vMean, LRA_BETA_MEAN), LRA_BETA_MEAN);
  const etaSigma = adapt(old.etaSigma, snr(normES, vSigma, LRA_BETA_SIGMA), LRA_BETA_SIGMA);

  const newMean = new Float64Array(n);
  for (let i = 0; i < n; i++) newMean[i] = (old.mean[i] as number) + etaMean * ((mean[i] as number) - (old.mean[i] as number));
  const sigmaMat = new Float64Array(C.length);
  for (let i = 0; i < C.length; i++) sigmaMat[i] = s02 * (old.C[i] as number) + etaSigma * (dSigma[i] as number);
  // σ = det(Σ)^{1/(2n)}, C = Σ / σ².
  let logDet = 0;
  if (sep) for (let i = 0; i < n; i++) logDet += Math.log(Math.max(sigmaMat[i] as number, 1e-300));
  else for (const e of symmetricEigen(sigmaMat, n).values) logDet += Math.log(Math.max(e, 1e-300));
  let newSigma = Math.exp(logDet / (2 * n));
  const newC = new Float64Array(C.length);
  for (let i = 0; i < C.length; i++) newC[i] = (sigmaMat[i] as number) / (newSigma * newSigma);
  // Step-size correction: a smaller η for the mean moves less, so σ grows to compensate.
  newSigma *= old.etaMean / etaMean;
  return { mean: newMean, sigma: newSigma, C: newC, etaMean, etaSigma, eMean, eSigma, vMean, vSigma };
}
