/**
 * The benchmark problems: search spaces and optima come from `problems.json` (shared with
 * `problems.py`); the formulas are written here and in `problems.py`, line for line, and
 * `efficiency.ts` checks on fixed points that both agree to 1e-9 before any run.
 */
import { readFileSync } from "node:fs";
import type { ParamValue, Trial } from "../src/index.js";

/** One parameter of a problem's space, as in `problems.json`. */
export type ParamSpec =
  | { readonly name: string; readonly type: "float" | "int"; readonly low: number; readonly high: number; readonly log?: boolean; readonly if?: Readonly<Record<string, string>> }
  | { readonly name: string; readonly type: "categorical"; readonly choices: readonly string[]; readonly if?: Readonly<Record<string, string>> };

/** A problem as described in `problems.json`. */
export interface ProblemSpec {
  readonly title: string;
  readonly domain?: string;
  readonly params: readonly ParamSpec[];
  readonly optimum: number;
  readonly argmin: Readonly<Record<string, ParamValue>>;
}

export type Params = Readonly<Record<string, ParamValue>>;

const specFile = new URL("./problems.json", import.meta.url);

/** All problem specs, by name. */
export const PROBLEMS: Readonly<Record<string, ProblemSpec>> = (
  JSON.parse(readFileSync(specFile, "utf8")) as { problems: Record<string, ProblemSpec> }
).problems;

/** The spec of a problem; throws on an unknown name. */
export function problem(name: string): ProblemSpec {
  const p = PROBLEMS[name];
  if (!p) throw new Error(`unknown problem "${name}"; known: ${Object.keys(PROBLEMS).join(", ")}`);
  return p;
}

/** Whether a parameter exists given the values chosen so far (its `if` condition holds). */
export function isActive(spec: ParamSpec, chosen: Params): boolean {
  if (!spec.if) return true;
  return Object.entries(spec.if).every(([k, v]) => chosen[k] === v);
}

/** Suggests the problem's parameters, define-by-run, in spec order. */
export function suggestAll(trial: Trial, spec: ProblemSpec): Params {
  return suggestSpace(trial, spec.params);
}

/** Suggests the parameters of a space, define-by-run, in order (conditionals included). */
export function suggestSpace(trial: Trial, params: readonly ParamSpec[]): Params {
  const out: Record<string, ParamValue> = {};
  for (const p of params) {
    if (!isActive(p, out)) continue;
    if (p.type === "categorical") out[p.name] = trial.suggestCategorical(p.name, p.choices);
    else if (p.type === "float") out[p.name] = trial.suggestFloat(p.name, p.low, p.high, p.log ? { log: true } : {});
    else out[p.name] = trial.suggestInt(p.name, p.low, p.high, p.log ? { log: true } : {});
  }
  return out;
}

const num = (params: Params, name: string): number => {
  const v = params[name];
  if (typeof v !== "number") throw new Error(`parameter "${name}" should be a number, but got ${JSON.stringify(v)}`);
  return v;
};
const vec = (params: Params, d: number): number[] => Array.from({ length: d }, (_, i) => num(params, `x${i}`));

const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];
const MIXED = { q0: [3, -6, 1.5, 0.5], q1: [-4, 5, -2.5, 1], q2: [7, 1, 0.5, 0], q3: [-2, 0, 3, 2] } as const;

const sq = (x: number): number => x * x;

/** The formulas, keyed like `problems.json`. Keep in step with `problems.py`. */
export const FORMULAS: Readonly<Record<string, (p: Params) => number>> = {
  overhead5: (p) => {
    const c = p["c"] === "a" ? 0 : p["c"] === "b" ? 1 : 2;
    return sq(num(p, "x")) + sq(num(p, "y")) + sq(Math.log10(num(p, "lr")) + 3) + sq(num(p, "n") - 50) / 100 + c;
  },
  branin: (p) => {
    const x1 = num(p, "x1");
    const x2 = num(p, "x2");
    const b = 5.1 / (4 * Math.PI * Math.PI);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return sq(x2 - b * x1 * x1 + c * x1 - 6) + 10 * (1 - t) * Math.cos(x1) + 10;
  },
  hartmann6: (p) => {
    const x = vec(p, 6);
    let s = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += HARTMANN_A[i]![j]! * sq(x[j]! - HARTMANN_P[i]![j]! * 1e-4);
      s += HARTMANN_ALPHA[i]! * Math.exp(-inner);
    }
    return -s;
  },
  rosenbrock5: (p) => {
    const x = vec(p, 5);
    let s = 0;
    for (let i = 0; i < 4; i++) s += 100 * sq(x[i + 1]! - x[i]! * x[i]!) + sq(x[i]! - 1);
    return s;
  },
  ackley5: (p) => {
    const x = vec(p, 5);
    let s2 = 0;
    let sc = 0;
    for (const xi of x) {
      s2 += xi * xi;
      sc += Math.cos(2 * Math.PI * xi);
    }
    const d = x.length;
    return -20 * Math.exp(-0.2 * Math.sqrt(s2 / d)) - Math.exp(sc / d) + 20 + Math.E;
  },
  levy10: (p) => {
    const w = vec(p, 10).map((xi) => 1 + (xi - 1) / 4);
    const d = w.length;
    let s = sq(Math.sin(Math.PI * w[0]!));
    for (let i = 0; i < d - 1; i++) s += sq(w[i]! - 1) * (1 + 10 * sq(Math.sin(Math.PI * w[i]! + 1)));
    s += sq(w[d - 1]! - 1) * (1 + sq(Math.sin(2 * Math.PI * w[d - 1]!)));
    return s;
  },
  styblinski8: (p) => {
    let s = 0;
    for (const xi of vec(p, 8)) s += 0.5 * (xi ** 4 - 16 * xi * xi + 5 * xi);
    return s;
  },
  mixed: (p) => {
    const shape = p["shape"] as keyof typeof MIXED;
    const k = MIXED[shape];
    if (!k) throw new Error(`mixed: unknown shape ${JSON.stringify(p["shape"])}`);
    const [a, b, c, off] = k;
    return sq(num(p, "i1") - a) + sq(num(p, "i2") - b) + sq(num(p, "x") - c) + 0.5 * sq(Math.log10(num(p, "n")) - 2) + off;
  },
  conditional: (p) => {
    const model = p["model"];
    if (model === "linear") return 0.5 + sq(Math.log10(num(p, "alpha")) + 3) / 4 + sq(num(p, "l1") - 0.3);
    if (model === "tree") {
      return 0.2 + sq((num(p, "depth") - 7) / 4) + sq(Math.log10(num(p, "lr")) + 1.5) / 2 + sq(num(p, "subsample") - 0.8);
    }
    if (model === "net") {
      return (
        0.3 * sq(num(p, "layers") - 2) +
        sq(Math.log2(num(p, "units")) - 7) / 4 +
        4 * sq(num(p, "dropout") - 0.2) +
        (p["opt"] === "sgd" ? 0.3 : 0)
      );
    }
    throw new Error(`conditional: unknown model ${JSON.stringify(model)}`);
  },
};

/** Evaluates a problem at a parameter assignment. */
export function evaluate(name: string, params: Params): number {
  const f = FORMULAS[name];
  if (!f) throw new Error(`no formula for problem "${name}"`);
  return f(params);
}

/**
 * Deterministic points for the cross-language check: the minimiser plus `n` points spread over
 * the space (a fixed LCG, so the list is the same on every run), conditionals included.
 */
export function checkPoints(name: string, n = 6): Params[] {
  const spec = problem(name);
  return [spec.argmin, ...spreadPoints(name, spec.params, n)];
}

/** `n` points spread over a space by a fixed LCG seeded from `name` (the same list on every run), conditionals included. */
export function spreadPoints(name: string, params: readonly ParamSpec[], n: number): Params[] {
  let state = 12345 + name.length * 7919;
  const u = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const points: Params[] = [];
  for (let k = 0; k < n; k++) {
    const out: Record<string, ParamValue> = {};
    for (const p of params) {
      if (!isActive(p, out)) continue;
      if (p.type === "categorical") out[p.name] = p.choices[Math.floor(u() * p.choices.length)] ?? p.choices[0] ?? null;
      else {
        const r = u();
        const x = p.log ? Math.exp(Math.log(p.low) + r * (Math.log(p.high) - Math.log(p.low))) : p.low + r * (p.high - p.low);
        out[p.name] = p.type === "int" ? Math.min(p.high, Math.max(p.low, Math.round(x))) : x;
      }
    }
    points.push(out);
  }
  return points;
}

/** A multi-objective problem of `problems.json` (`multiObjective`): every objective minimised. */
export interface MultiObjectiveSpec {
  readonly title: string;
  readonly domain: string;
  readonly params: readonly ParamSpec[];
  /** The hypervolume reference point both sides are scored against. */
  readonly reference: readonly number[];
  /** The hypervolume of the true Pareto front against `reference`. */
  readonly optimalHypervolume: number;
  /** A point on the Pareto front and its objective values (checked before a run). */
  readonly frontPoint: Params;
  readonly frontValues: readonly number[];
}

/** A multi-fidelity problem of `problems.json` (`multiFidelity`): f(x, t) for steps t = 1..maxResource. */
export interface MultiFidelitySpec {
  readonly title: string;
  readonly domain: string;
  readonly params: readonly ParamSpec[];
  /** Steps of a full evaluation; step t costs one unit, and f(x, maxResource) is the target. */
  readonly maxResource: number;
  /** Optimum and minimiser of the target f(x, maxResource). */
  readonly optimum: number;
  readonly argmin: Params;
}

const extraSpecs = JSON.parse(readFileSync(specFile, "utf8")) as {
  multiObjective: Record<string, MultiObjectiveSpec>;
  multiFidelity: Record<string, MultiFidelitySpec>;
};

/** The multi-objective problems (ZDT1, ZDT2, DTLZ2), by name; kept apart from {@link PROBLEMS}. */
export const MO_PROBLEMS: Readonly<Record<string, MultiObjectiveSpec>> = extraSpecs.multiObjective;

/** The multi-fidelity problems, by name; kept apart from {@link PROBLEMS}. */
export const MF_PROBLEMS: Readonly<Record<string, MultiFidelitySpec>> = extraSpecs.multiFidelity;

/** The spec of a multi-objective problem; throws on an unknown name. */
export function moProblem(name: string): MultiObjectiveSpec {
  const p = MO_PROBLEMS[name];
  if (!p) throw new Error(`unknown multi-objective problem "${name}"; known: ${Object.keys(MO_PROBLEMS).join(", ")}`);
  return p;
}

/** The spec of a multi-fidelity problem; throws on an unknown name. */
export function mfProblem(name: string): MultiFidelitySpec {
  const p = MF_PROBLEMS[name];
  if (!p) throw new Error(`unknown multi-fidelity problem "${name}"; known: ${Object.keys(MF_PROBLEMS).join(", ")}`);
  return p;
}

/** ZDT1/ZDT2 share g; `power` 0.5 gives ZDT1's convex front, 2 ZDT2's concave one. */
const zdt = (p: Params, n: number, power: number): number[] => {
  const x = vec(p, n);
  const f1 = x[0]!;
  let s = 0;
  for (let i = 1; i < n; i++) s += x[i]!;
  const g = 1 + (9 * s) / (n - 1);
  return [f1, g * (1 - (f1 / g) ** power)];
};

/** The multi-objective formulas, keyed like `problems.json`. Keep in step with `problems.py`. */
export const MO_FORMULAS: Readonly<Record<string, (p: Params) => number[]>> = {
  zdt1: (p) => zdt(p, 10, 0.5),
  zdt2: (p) => zdt(p, 10, 2),
  dtlz2: (p) => {
    const x = vec(p, 7);
    let g = 0;
    for (let i = 2; i < 7; i++) g += sq(x[i]! - 0.5);
    const a = (x[0]! * Math.PI) / 2;
    const b = (x[1]! * Math.PI) / 2;
    return [(1 + g) * Math.cos(a) * Math.cos(b), (1 + g) * Math.cos(a) * Math.sin(b), (1 + g) * Math.sin(a)];
  },
};

/** Evaluates a multi-objective problem: one value per objective. */
export function evaluateMulti(name: string, params: Params): number[] {
  const f = MO_FORMULAS[name];
  if (!f) throw new Error(`no formula for multi-objective problem "${name}"`);
  return f(params);
}

/** The multi-fidelity formulas f(x, t), keyed like `problems.json`. Keep in step with `problems.py`. */
export const MF_FORMULAS: Readonly<Record<string, (p: Params, step: number) => number>> = {
  hartmann6_mf: (p, step) => {
    const s = Math.log(step) / Math.log(27);
    let bias = 0;
    for (const xi of vec(p, 6)) bias += sq(xi - 0.8);
    return FORMULAS["hartmann6"]!(p) + (1 - s) * (0.5 + (2 * bias) / 6);
  },
};

/** Evaluates a multi-fidelity problem at step `step` (1..maxResource). */
export function evaluateFidelity(name: string, params: Params, step: number): number {
  const f = MF_FORMULAS[name];
  if (!f) throw new Error(`no formula for multi-fidelity problem "${name}"`);
  const max = mfProblem(name).maxResource;
  if (!Number.isInteger(step) || step < 1 || step > max) throw new Error(`${name}: step must be an integer in [1, ${max}], but got ${step}`);
  return f(params, step);
}
