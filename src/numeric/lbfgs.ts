/**
 * Limited-memory BFGS with a strong-Wolfe line search, and its orthant-wise variant (OWL-QN) for
 * objectives with an L1 term.
 *
 * The optimiser is a step-wise object ({@link LBFGS}) rather than a function that loops to the end,
 * so a caller can report progress, await an asynchronous pruning callback or honour an abort signal
 * between iterations; {@link minimizeLBFGS} is the plain loop.
 */
import { dot, normInf } from "./dense.js";

/**
 * A smooth objective: returns f(x) and writes ∇f(x) into `grad` (same length as `x`). Must not keep
 * or modify `x`.
 */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link LBFGS}. */
export interface LBFGSOptions {
  /** Number of correction pairs (s, y) kept. Default 10. */
  readonly memory?: number;
  /** Stop when the largest (pseudo-)gradient entry is ≤ this. Default 1e-5. */
  readonly gtol?: number;
  /** Stop when an iteration lowers F by ≤ `ftol · max(|F|, |F_prev|, 1)`. Default 1e-12. */
  readonly ftol?: number;
  /**
   * Per-coordinate L1 weights λ ≥ 0: minimise F(x) = f(x) + Σ λ_j |x_j| with OWL-QN. Absent or all
   * zero: plain L-BFGS on f.
   */
  readonly l1?: Float64Array;
  /** Largest number of objective evaluations in one line search. Default 25. */
  readonly maxLineSearch?: number;
}

/** Why the optimiser stopped (or `running`). */
export type LBFGSStatus = "running" | "converged-gradient" | "converged-function" | "line-search-failed";

const C1 = 1e-4;
const C2 = 0.9;

/**
 * Minimises a smooth function (L-BFGS) or a smooth function plus a weighted L1 norm (OWL-QN).
 *
 * L-BFGS (Nocedal 1980; Liu & Nocedal 1989) keeps the last `memory` pairs s = x_{k+1} − x_k,
 * y = ∇f_{k+1} − ∇f_k and applies the implied inverse-Hessian approximation to the gradient with the
 * two-loop recursion, scaled by γ = sᵀy / yᵀy. Steps satisfy the strong Wolfe conditions
 * (c1 = 1e-4, c2 = 0.9), found by bracketing and zooming with safeguarded cubic interpolation
 * (Nocedal & Wright 2006, Algorithms 3.5–3.6), which keeps sᵀy > 0 so the approximation stays
 * positive definite.
 *
 * OWL-QN (Andrew & Gao 2007) handles F = f + Σ λ_j|x_j|: the gradient is replaced by the
 * pseudo-gradient (the minimum-norm subgradient), the quasi-Newton direction is zeroed where it
 * disagrees in sign with the steepest descent, and a backtracking line search projects each trial
 * point onto the orthant of the current point, which is what produces exact zeros. Curvature pairs
 * use the smooth gradient only.
 *
 * @see J. Nocedal, "Updating quasi-Newton matrices with limited storage", Math. Comp. 35, 1980.
 * @see D. C. Liu, J. Nocedal, "On the limited memory BFGS method for large scale optimization", Math. Prog. 45, 1989.
 * @see G. Andrew, J. Gao, "Scalable training of L1-regularized log-linear models", ICML 2007.
 */
export class LBFGS {
  /** Current point (updated in place by {@link step}). */
  readonly x: Float64Array;
  /** Objective F at `x` (including the L1 term). */
  f: number;
  /** Completed iterations. */
  iterations = 0;
  /** Objective evaluations so far. */
  evaluations = 0;
  status: LBFGSStatus = "running";

  private readonly fg: Objective;
  private readonly n: number;
  private readonly m: number;
  private readonly gtol: number;
  private readonly ftol: number;
  private readonly maxLs: number;
  private readonly l1: Float64Array | undefined;
  /** Smooth gradient at x. */
  private readonly g: Float64Array;
  /** Pseudo-gradient at x (equals g without L1). */
  private readonly pg: Float64Array;
  private readonly s: Float64Array[] = [];
  private readonly y: Float64Array[] = [];
  private readonly rho: number[] = [];
  private readonly d: Float64Array;
  private readonly xt: Float64Array;
  private readonly gt: Float64Array;
  private readonly alphaBuf: Float64Array;

  constructor(fg: Objective, x0: Float64Array, options: LBFGSOptions = {}) {
    this.fg = fg;
    this.n = x0.length;
    this.x = Float64Array.from(x0);
    this.m = Math.max(1, options.memory ?? 10);
    this.gtol = options.gtol ?? 1e-5;
    this.ftol = options.ftol ?? 1e-12;
    this.maxLs = options.maxLineSearch ?? 25;
    const l1 = options.l1;
    if (l1 !== undefined && l1.length !== this.n) throw new RangeError(`LBFGS: l1 has ${l1.length} weights but x has ${this.n} entries`);
    this.l1 = l1 !== undefined && l1.some((v) => v > 0) ? l1 : undefined;
    this.g = new Float64Array(this.n);
    this.pg = new Float64Array(this.n);
    this.d = new Float64Array(this.n);
    this.xt = new Float64Array(this.n);
    this.gt = new Float64Array(this.n);
    this.alphaBuf = new Float64Array(this.m);
    this.f = this.evaluate(this.x, this.g);
    if (!Number.isFinite(this.f)) throw new RangeError(`LBFGS: the objective is not finite at the starting point (got ${this.f})`);
    this.pseudoGradient();
    if (normInf(this.pg) <= this.gtol) this.status = "converged-gradient";
  }

  /** Largest entry of the (pseudo-)gradient at `x`. */
  get gradientNorm(): number {
    return normInf(this.pg);
  }

  /** The smooth gradient at `x` (a view; do not modify). */
  get gradient(): Float64Array {
    return this.g;
  }

  /**
   * One quasi-Newton iteration. Returns whether the optimiser is still running. When the iteration
   * succeeds (`iterations` grows), the most recent objective evaluation was at the new `x`, so
   * side values the objective computed (such as an unpenalised loss) describe the current point.
   */
  step(): boolean {
    if (this.status !== "running") return false;
    this.direction();
    const fPrev = this.f;
    const ok = this.l1 === undefined ? this.wolfeSearch() : this.orthantSearch();
    if (!ok) {
      this.status = "line-search-failed";
      return false;
    }
    this.iterations++;
    this.pseudoGradient();
    if (normInf(this.pg) <= this.gtol) this.status = "converged-gradient";
    else if (fPrev - this.f <= this.ftol * Math.max(Math.abs(this.f), Math.abs(fPrev), 1)) this.status = "converged-function";
    return this.status === "running";
  }

  /** F = f + Σ λ|x| at `x`, with the smooth gradient written to `grad`. */
  private evaluate(x: Float64Array, grad: Float64Array): number {
    this.evaluations++;
    let f = this.fg(x, grad);
    const l1 = this.l1;
    if (l1 !== undefined) for (let j = 0; j < this.n; j++) f += l1[j]! * Math.abs(x[j]!);
    return f;
  }

  /** pg = minimum-norm subgradient of F at x (Andrew & Gao, eq. 4). */
  private pseudoGradient(): void {
    const { g, pg, x, l1 } = this;
    if (l1 === undefined) {
      pg.set(g);
      return;
    }
    for (let j = 0; j < this.n; j++) {
      const lam = l1[j]!;
      const xj = x[j]!;
      const gj = g[j]!;
      if (xj > 0) pg[j] = gj + lam;
      else if (xj < 0) pg[j] = gj - lam;
      else if (gj + lam < 0) pg[j] = gj + lam;
      else if (gj - lam > 0) pg[j] = gj - lam;
      else pg[j] = 0;
    }
  }

  /** d = −H·pg by the two-loop recursion (then sign-constrained for OWL-QN). */
  private direction(): void {
    const { d, pg, s, y, rho, alphaBuf } = this;
    for (let j = 0; j < this.n; j++) d[j] = -pg[j]!;
    const k = s.length;
    for (let i = k - 1; i >= 0; i--) {
      const a = rho[i]! * dot(s[i]!, d);
      alphaBuf[i] = a;
      const yi = y[i]!;
      for (let j = 0; j < this.n; j++) d[j]! -= a * yi[j]!;
    }
    if (k > 0) {
      const yl = y[k - 1]!;
      const gamma = dot(s[k - 1]!, yl) / dot(yl, yl);
      for (let j = 0; j < this.n; j++) d[j]! *= gamma;
    }
    for (let i = 0; i < k; i++) {
      const b = rho[i]! * dot(y[i]!, d);
      const si = s[i]!;
      const a = alphaBuf[i]!;
      for (let j = 0; j < this.n; j++) d[j]! += (a - b) * si[j]!;
    }
    if (this.l1 !== undefined) for (let j = 0; j < this.n; j++) if (d[j]! * pg[j]! >= 0) d[j] = 0;
  }

  /** Initial trial step: 1, except on the first iteration where the direction is unscaled. */
  private initialStep(): number {
    if (this.s.length > 0) return 1;
    const dn = Math.sqrt(dot(this.d, this.d));
    return dn > 0 ? Math.min(1, 1 / dn) : 1;
  }

  /** Accepts xt/gt/ft as the new point and stores the correction pair. */
  private accept(ft: number): void {
    const sNew = new Float64Array(this.n);
    const yNew = new Float64Array(this.n);
    for (let j = 0; j < this.n; j++) {
      sNew[j] = this.xt[j]! - this.x[j]!;
      yNew[j] = this.gt[j]! - this.g[j]!;
    }
    const sy = dot(sNew, yNew);
    // A pair with sᵀy ≤ 0 would make the approximation indefinite; OWL-QN steps can produce one.
    if (sy > 1e-16 * dot(yNew, yNew)) {
      if (this.s.length === this.m) {
        this.s.shift();
        this.y.shift();
        this.rho.shift();
      }
      this.s.push(sNew);
      this.y.push(yNew);
      this.rho.push(1 / sy);
    }
    this.x.set(this.xt);
    this.g.set(this.gt);
    this.f = ft;
  }

  /** Evaluates F(x + a·d) into xt/gt; returns [F, φ'(a) = ∇f(xt)·d]. */
  private trial(a: number): [number, number] {
    for (let j = 0; j < this.n; j++) this.xt[j] = this.x[j]! + a * this.d[j]!;
    const f = this.evaluate(this.xt, this.gt);
    return [f, dot(this.gt, this.d)];
  }

  /** Strong-Wolfe line search along d (Nocedal & Wright, Algorithm 3.5 with zoom 3.6). */
  private wolfeSearch(): boolean {
    const f0 = this.f;
    const dphi0 = dot(this.g, this.d);
    if (!(dphi0 < 0)) {
      // Not a descent direction (a stale curvature pair): restart from steepest descent once.
      if (this.s.length === 0) return false;
      this.s.length = 0;
      this.y.length = 0;
      this.rho.length = 0;
      this.direction();
      return this.wolfeSearch();
    }
    let aPrev = 0;
    let fPrev = f0;
    let dPrev = dphi0;
    let a = this.initialStep();
    let best: { a: number; f: number } | undefined;
    for (let evals = 0; evals < this.maxLs; evals++) {
      const [fa, da] = this.trial(a);
      if (!Number.isFinite(fa) || fa > f0 + C1 * a * dphi0 || (evals > 0 && fa >= fPrev)) {
        return this.zoom(aPrev, fPrev, dPrev, a, fa, da, f0, dphi0, this.maxLs - evals - 1, best);
      }
      if (Math.abs(da) <= -C2 * dphi0) {
        this.accept(fa);
        return true;
      }
      best = { a, f: fa };
      if (da >= 0) return this.zoom(a, fa, da, aPrev, fPrev, dPrev, f0, dphi0, this.maxLs - evals - 1, best);
      aPrev = a;
      fPrev = fa;
      dPrev = da;
      a = a * 4;
    }
    return this.acceptBest(best);
  }

  private zoom(
    lo: number, fLo: number, dLo: number,
    hi: number, fHi: number, dHi: number,
    f0: number, dphi0: number, budget: number,
    bestIn: { a: number; f: number } | undefined,
  ): boolean {
    let best = bestIn;
    for (let k = 0; k < budget; k++) {
      const a = interpolate(lo, fLo, dLo, hi, fHi, dHi);
      const [fa, da] = this.trial(a);
      if (!Number.isFinite(fa) || fa > f0 + C1 * a * dphi0 || fa >= fLo) {
        hi = a;
        fHi = fa;
        dHi = da;
      } else {
        if (Math.abs(da) <= -C2 * dphi0) {
          this.accept(fa);
          return true;
        }
        if (best === undefined || fa < best.f) best = { a, f: fa };
        if (da * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          dHi = dLo;
        }
        lo = a;
        fLo = fa;
        dLo = da;
      }
      if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    return this.acceptBest(best);
  }

  /** Falls back to the best point with sufficient decrease found (curvature not met). */
  private acceptBest(best: { a: number; f: number } | undefined): boolean {
    if (best === undefined || !(best.f < this.f)) return false;
    const [f] = this.trial(best.a);
    this.accept(f);
    return true;
  }

  /** OWL-QN backtracking line search with orthant projection (Andrew & Gao, Algorithm 2). */
  private orthantSearch(): boolean {
    const { x, pg, d, xt } = this;
    let descent = dot(pg, d);
    if (!(descent < 0)) {
      if (this.s.length === 0) return false;
      this.s.length = 0;
      this.y.length = 0;
      this.rho.length = 0;
      this.direction();
      descent = dot(pg, d);
      if (!(descent < 0)) return false;
    }
    let a = this.initialStep();
    for (let k = 0; k < this.maxLs; k++) {
      for (let j = 0; j < this.n; j++) {
        const xj = x[j]!;
        // The orthant of the current point, or of the steepest descent where x_j = 0.
        const orthant = xj !== 0 ? Math.sign(xj) : -Math.sign(pg[j]!);
        const v = xj + a * d[j]!;
        xt[j] = Math.sign(v) === orthant ? v : 0;
      }
      const ft = this.evaluate(xt, this.gt);
      let decrease = 0;
      for (let j = 0; j < this.n; j++) decrease += pg[j]! * (xt[j]! - x[j]!);
      if (Number.isFinite(ft) && ft <= this.f + C1 * decrease) {
        this.accept(ft);
        return true;
      }
      a *= 0.5;
    }
    return false;
  }
}

/** Minimiser of the cubic through (a, fa, da), (b, fb, db), kept inside the middle 80% of [a, b]. */
function interpolate(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const width = hi - lo;
  let t = Number.NaN;
  if (Number.isFinite(fb) && Number.isFinite(db)) {
    const d1 = da + db - (3 * (fa - fb)) / (a - b);
    const disc = d1 * d1 - da * db;
    if (disc >= 0) {
      const d2 = Math.sign(b - a) * Math.sqrt(disc);
      t = b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
    }
  }
  if (!Number.isFinite(t)) return (a + b) / 2;
  return Math.min(Math.max(t, lo + 0.1 * width), hi - 0.1 * width);
}

/** Result of {@link minimizeLBFGS}. */
export interface LBFGSResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly status: LBFGSStatus | "max-iterations";
}

/**
 * Runs {@link LBFGS} from `x0` for at most `maxIter` iterations (default 1000).
 * See {@link LBFGSOptions} for the tolerances and the L1 term.
 */
export function minimizeLBFGS(fg: Objective, x0: Float64Array, options: LBFGSOptions & { readonly maxIter?: number } = {}): LBFGSResult {
  const opt = new LBFGS(fg, x0, options);
  const maxIter = options.maxIter ?? 1000;
  while (opt.iterations < maxIter && opt.step());
  return { x: opt.x, f: opt.f, iterations: opt.iterations, evaluations: opt.evaluations, status: opt.status === "running" ? "max-iterations" : opt.status };
}
