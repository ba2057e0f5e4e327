/**
 * First-order optimisers over Float32Array parameters, and learning-rate schedules.
 *
 * - `sgd`: heavy-ball momentum, `v ← μ·v + g; θ ← θ − η·v` (PyTorch's convention).
 * - `adam`: bias-corrected first and second moment estimates (Kingma & Ba, 2015); weight decay is
 *   an L2 term added to the gradient.
 * - `adamw`: Adam with decoupled weight decay, `θ ← θ − η·λ·θ` applied apart from the adaptive
 *   step (Loshchilov & Hutter, 2019).
 *
 * Weight decay applies only to parameters flagged `decay` (dense weights).
 *
 * Adam and AdamW run the WebAssembly SIMD kernel of `adam-simd.ts` (float32 arithmetic, like
 * PyTorch) whenever the runtime has WebAssembly SIMD, else a scalar float64 loop; pass a
 * {@link ParamArena} whose views are the parameters (and write the gradients into its `grads`) to
 * update with no copies.
 *
 * @see Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
 * @see Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019.
 */

import { ParamArena, simdAdamAvailable } from "./adam-simd.js";

/** Optimiser kinds. */
export type OptimizerKind = "adam" | "adamw" | "sgd";

/** Options of {@link Optimizer}. */
export interface OptimizerOptions {
  readonly kind: OptimizerKind;
  /** Weight decay λ. Default 0. */
  readonly weightDecay?: number;
  /** SGD momentum μ. Default 0.9. */
  readonly momentum?: number;
  /** Adam β₁, β₂, ε. Defaults 0.9, 0.999, 1e-8. */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/** Stateful optimiser for a fixed list of parameter arrays. */
export class Optimizer {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  /** Adam's SIMD state (moments, and parameter/gradient slots); undefined for SGD or without SIMD. */
  private readonly arena: ParamArena | undefined;
  private t = 0;

  /**
   * @param params updated in place by {@link step}.
   * @param arena Adam only: an arena whose `params` views are `params` (no copies per step); by
   *   default the optimiser makes its own and copies parameters in and out of it.
   */
  constructor(
    private readonly params: readonly Float32Array[],
    private readonly decay: readonly boolean[],
    private readonly o: OptimizerOptions,
    arena?: ParamArena,
  ) {
    const adam = o.kind !== "sgd";
    this.arena = adam ? (arena ?? (simdAdamAvailable() ? new ParamArena(params.map((p) => p.length)) : undefined)) : undefined;
    this.m = this.arena !== undefined ? [] : params.map((p) => new Float32Array(p.length));
    this.v = adam && this.arena === undefined ? params.map((p) => new Float32Array(p.length)) : [];
  }

  /** Applies one update with learning rate `lr` given the gradients (same order as the params). */
  step(grads: readonly Float32Array[], lr: number): void {
    this.t++;
    const wd = this.o.weightDecay ?? 0;
    if (this.o.kind === "sgd") {
      const mu = this.o.momentum ?? 0.9;
      this.params.forEach((p, k) => {
        const g = grads[k]!;
        const m = this.m[k]!;
        const l2 = this.decay[k] ? wd : 0;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i]! + l2 * p[i]!;
          m[i] = mu * m[i]! + gi;
          p[i]! -= lr * m[i]!;
        }
      });
      return;
    }
    const b1 = this.o.beta1 ?? 0.9;
    const b2 = this.o.beta2 ?? 0.999;
    const eps = this.o.eps ?? 1e-8;
    // Bias corrections folded into the step size: m̂/(√v̂+ε) = (m·c1)/(√v·√c2+ε), one sqrt per element.
    const a = lr / (1 - b1 ** this.t);
    const sc = 1 / Math.sqrt(1 - b2 ** this.t);
    const decoupled = this.o.kind === "adamw";
    const arena = this.arena;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k]!;
      const g = grads[k]!;
      const lam = this.decay[k] ? wd : 0;
      const l2 = decoupled ? 0 : lam;
      const shrink = decoupled ? 1 - lr * lam : 1;
      if (arena !== undefined) {
        const ap = arena.params[k]!;
        const ag = arena.grads[k]!;
        if (p !== ap) ap.set(p);
        if (g !== ag) ag.set(g);
        arena.adam(k, { beta1: b1, beta2: b2, eps, stepSize: a, sqrtCorrection: sc }, l2, shrink);
        if (p !== ap) p.set(ap);
      } else adamScalar(p, g, this.m[k]!, this.v[k]!, b1, b2, eps, a, sc, l2, shrink);
    }
  }
}

/** The scalar float64 Adam loop (runtimes without WebAssembly SIMD). */
function adamScalar(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, b1: number, b2: number, eps: number, a: number, sc: number, l2: number, shrink: number): void {
  const ob1 = 1 - b1;
  const ob2 = 1 - b2;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]! + l2 * p[i]!;
    const mi = b1 * m[i]! + ob1 * gi;
    const vi = b2 * v[i]! + ob2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i]! * shrink - (a * mi) / (Math.sqrt(vi) * sc + eps);
  }
}

/** Learning-rate schedules. */
export type LRSchedule = "constant" | "cosine" | "step";

/**
 * The learning rate at `progress` ∈ [0, 1) of training: linear warmup over the first `warmup`
 * fraction, then constant, cosine decay to 0 (Loshchilov & Hutter's SGDR without restarts), or
 * step decay (×0.1 at 50 % and again at 75 %).
 *
 * @see Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017.
 */
export function scheduledRate(base: number, schedule: LRSchedule, progress: number, warmup = 0): number {
  if (warmup > 0 && progress < warmup) return (base * (progress + 1e-9)) / warmup;
  const p = warmup > 0 ? (progress - warmup) / (1 - warmup) : progress;
  switch (schedule) {
    case "constant":
      return base;
    case "cosine":
      return 0.5 * base * (1 + Math.cos(Math.PI * Math.min(1, p)));
    case "step":
      return base * (p >= 0.75 ? 0.01 : p >= 0.5 ? 0.1 : 1);
  }
}
