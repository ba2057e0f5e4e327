import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { toInternal, type Distribution, type ParamValue } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import { Random } from "../core/rng.js";
import { createStudy } from "../study/create-study.js";
import { makeFrozenTrial, StaticStudyView } from "../testing/static-study-view.js";
import { getParamImportances, type ParamImportance } from "./param-importances.js";

const unit: Distribution = { kind: "float", low: 0, high: 1 };

/** Complete trials from external params (internal form derived from the distributions). */
function trialsOf(rows: readonly { params: Record<string, ParamValue>; value: number | number[] }[], dists: Record<string, Distribution>): FrozenTrial[] {
  return rows.map((r, i) => {
    const distributions: Record<string, Distribution> = {};
    const internalParams: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.params)) {
      distributions[k] = dists[k]!;
      internalParams[k] = toInternal(k, dists[k]!, v);
    }
    const values = Array.isArray(r.value) ? r.value : [r.value];
    return makeFrozenTrial({ number: i, internalParams, distributions, values });
  });
}

/** f = 10·x1² + 0.1·x2 + noise, x3 irrelevant: the brief's dominance case. */
function dominance(n: number, seed: number): FrozenTrial[] {
  const rng = new Random(seed);
  const dists = { x1: { kind: "float", low: -1, high: 1 }, x2: unit, x3: unit } as const;
  return trialsOf(
    Array.from({ length: n }, () => {
      const x1 = rng.uniform(-1, 1);
      const x2 = rng.next();
      const x3 = rng.next();
      return { params: { x1, x2, x3 }, value: 10 * x1 * x1 + 0.1 * x2 + 0.01 * rng.normal() };
    }),
    dists,
  );
}

const byName = (r: readonly ParamImportance[]): Record<string, number> => Object.fromEntries(r.map((p) => [p.name, p.importance]));
const sum = (r: readonly ParamImportance[]): number => r.reduce((s, p) => s + p.importance, 0);

test("both evaluators rank a dominant parameter far first and an irrelevant one last, near 0", () => {
  const trials = dominance(1000, 1);
  for (const evaluator of ["fanova", "ped-anova"] as const) {
    const r = getParamImportances(trials, { evaluator });
    assert.deepEqual(r.map((p) => p.name), ["x1", "x2", "x3"], evaluator);
    const v = byName(r);
    assert.ok(v.x1! > 0.95, `${evaluator} x1 ${v.x1}`);
    assert.ok(v.x2! > 2 * v.x3!, `${evaluator} x2 ${v.x2} vs x3 ${v.x3}`);
    assert.ok(v.x3! < 0.005, `${evaluator} x3 ${v.x3}`);
    assert.ok(Math.abs(sum(r) - 1) < 1e-12, `${evaluator} normalised sum ${sum(r)}`);
  }
});

test("1000 trials are assessed, reproducibly from the seed", () => {
  const trials = dominance(1000, 2);
  const a = getParamImportances(trials, { seed: 7 });
  assert.equal(getParamImportances(trials, { evaluator: "ped-anova" })[0]!.name, "x1");
  assert.ok(a[0]!.name === "x1");
  const some = trials.slice(0, 300);
  assert.deepEqual(getParamImportances(some, { seed: 7 }), getParamImportances(some, { seed: 7 }));
  assert.notDeepEqual(getParamImportances(some, { seed: 8 }), getParamImportances(some, { seed: 7 }));
});

test("normalize: false gives fANOVA's variance fractions, which leave room for interactions", () => {
  const rng = new Random(3);
  // f = x1·x2: main effects 3/7 each, interaction 1/7 (see fanova.test.ts).
  const trials = trialsOf(
    Array.from({ length: 500 }, () => {
      const x1 = rng.next();
      const x2 = rng.next();
      return { params: { x1, x2, x3: rng.next() }, value: x1 * x2 };
    }),
    { x1: unit, x2: unit, x3: unit },
  );
  const rawList = getParamImportances(trials, { normalize: false });
  const raw = byName(rawList);
  for (const k of ["x1", "x2"]) assert.ok(Math.abs(raw[k]! - 3 / 7) < 0.05, `${k} ${raw[k]}`);
  assert.ok(raw.x3! < 0.01 && sum(rawList) < 0.95);
  const norm = byName(getParamImportances(trials));
  assert.ok(Math.abs(norm.x1! - raw.x1! / (raw.x1! + raw.x2! + raw.x3!)) < 1e-12);
  // PED-ANOVA on the same interaction: a small product needs a small factor, so both factors
  // concentrate low among the best trials.
  const ped = byName(getParamImportances(trials, { evaluator: "ped-anova" }));
  assert.ok(ped.x1! > 5 * ped.x3! && ped.x2! > 5 * ped.x3!, JSON.stringify(ped));
});

test("categorical parameters: an effective choice ranks above a numeric nuisance and an idle categorical", () => {
  const rng = new Random(4);
  const dists: Record<string, Distribution> = {
    opt: { kind: "categorical", choices: ["sgd", "adam", "rmsprop"] },
    idle: { kind: "categorical", choices: [true, false] },
    layers: { kind: "int", low: 1, high: 6 },
    x: unit,
  };
  const gain: Record<string, number> = { sgd: 2, adam: 0, rmsprop: 0.5 };
  const trials = trialsOf(
    Array.from({ length: 400 }, () => {
      const opt = ["sgd", "adam", "rmsprop"][rng.int(3)]!;
      const layers = 1 + rng.int(6);
      const x = rng.next();
      return { params: { opt, idle: rng.next() < 0.5, layers, x }, value: gain[opt]! + 0.2 * Math.abs(layers - 3) + 0.05 * x };
    }),
    dists,
  );
  for (const evaluator of ["fanova", "ped-anova"] as const) {
    const r = getParamImportances(trials, { evaluator });
    assert.deepEqual(r.slice(0, 2).map((p) => p.name), ["opt", "layers"], `${evaluator}: ${JSON.stringify(r)}`);
    assert.ok(byName(r).idle! < 0.05, `${evaluator} idle ${byName(r).idle}`);
  }
});

/** family ∈ {a, b}; a has `pa` (which matters), b has `pb` (which does not); `shared` everywhere. */
function conditional(n: number, seed: number): FrozenTrial[] {
  const rng = new Random(seed);
  const dists: Record<string, Distribution> = { family: { kind: "categorical", choices: ["a", "b"] }, pa: unit, pb: unit, shared: unit };
  return trialsOf(
    Array.from({ length: n }, () => {
      const shared = rng.next();
      if (rng.next() < 0.5) {
        const pa = rng.next();
        return { params: { family: "a", pa, shared }, value: 1 + 4 * (pa - 0.2) ** 2 + 0.3 * shared };
      }
      return { params: { family: "b", pb: rng.next(), shared }, value: 1.2 + 0.3 * shared };
    }),
    dists,
  );
}

test("conditional spaces: the intersection by default, named params over the trials holding them, or local spaces", () => {
  const trials = conditional(600, 5);
  const inter = getParamImportances(trials);
  assert.deepEqual(inter.map((p) => p.name).sort(), ["family", "shared"]);
  // Named: only family-a trials hold pa, so it is all there is to explain among them.
  assert.deepEqual(getParamImportances(trials, { params: ["pa"] }), [{ name: "pa", importance: 1 }]);
  const both = byName(getParamImportances(trials, { params: ["pa", "shared"] }));
  assert.ok(both.pa! > both.shared!, JSON.stringify(both));
  assert.throws(() => getParamImportances(trials, { params: ["pa", "pb"] }), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument");
  assert.deepEqual(getParamImportances(trials, { params: [] }), []);
  for (const evaluator of ["fanova", "ped-anova"] as const) {
    const local = getParamImportances(trials, { evaluator, conditional: "local" });
    assert.deepEqual(local.map((p) => p.name).sort(), ["family", "pa", "pb", "shared"], evaluator);
    const v = byName(local);
    assert.ok(v.pa! > 5 * v.pb!, `${evaluator}: ${JSON.stringify(v)}`);
    assert.ok(v.pb! < 0.05, `${evaluator} pb ${v.pb}`);
    assert.ok(Math.abs(sum(local) - 1) < 1e-12);
  }
  // A local space with too few trials is skipped.
  const few = [...trials.filter((t) => t.params.family === "b"), ...trials.filter((t) => t.params.family === "a").slice(0, 3)];
  const skipped = getParamImportances(few, { conditional: "local", minTrials: 5 });
  assert.ok(!skipped.some((p) => p.name === "pa"), JSON.stringify(skipped));
  assert.deepEqual(getParamImportances(trials.slice(0, 1), { conditional: "local" }), [], "too young a study has no local space");
});

test("targets, directions, studies and degenerate inputs follow Optuna's rules", async () => {
  const rng = new Random(6);
  const rows = Array.from({ length: 300 }, () => {
    const x = rng.next();
    const y = rng.next();
    return { params: { x, y }, value: [x, y] };
  });
  const multi = trialsOf(rows, { x: unit, y: unit });
  assert.throws(() => getParamImportances(multi), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument");
  assert.equal(getParamImportances(multi, { target: (t) => t.values![1]! })[0]!.name, "y");
  assert.equal(getParamImportances(multi, { target: (t) => t.values![0]! })[0]!.name, "x");
  assert.equal(getParamImportances(multi, { target: (t) => t.values![0]!, evaluator: "ped-anova" })[0]!.name, "x");
  // PED-ANOVA looks at the best trials, so it follows the study's direction. With
  // f = min(x, 0.2) + max(y, 0.8), the lowest values need a small x (y need only stay below 0.8)
  // and the highest a large y (x need only exceed 0.2).
  const single = trialsOf(rows.map((r) => ({ params: r.params, value: Math.min(r.params.x as number, 0.2) + Math.max(r.params.y as number, 0.8) })), { x: unit, y: unit });
  const lowest = byName(getParamImportances(new StaticStudyView(single, ["minimize"]), { evaluator: "ped-anova" }));
  const highest = byName(getParamImportances(new StaticStudyView(single, ["maximize"]), { evaluator: "ped-anova" }));
  assert.ok(lowest.x! > 0.8 && highest.y! > 0.8, `minimize ${JSON.stringify(lowest)}, maximize ${JSON.stringify(highest)}`);
  assert.deepEqual(getParamImportances(single, { evaluator: "ped-anova", direction: "maximize" }), getParamImportances(new StaticStudyView(single, ["maximize"]), { evaluator: "ped-anova" }));
  // Running, failed and non-finite-target trials are ignored; fewer than two complete ones throw.
  const running = makeFrozenTrial({ number: 99, internalParams: { x: 0.5 }, distributions: { x: unit } });
  assert.throws(() => getParamImportances([single[0]!, running]), (e: unknown) => e instanceof OuroborosError && e.code === "no-trials");
  const nan = getParamImportances(multi, { target: (t) => (t.number % 2 === 0 ? Number.NaN : (t.params.x as number)) });
  assert.equal(nan[0]!.name, "x");
  // A constant objective explains nothing: equal shares once normalised, zeros raw.
  const flat = trialsOf(rows.map((r) => ({ params: r.params, value: 1 })), { x: unit, y: unit });
  assert.deepEqual(getParamImportances(flat).map((p) => p.importance), [0.5, 0.5]);
  assert.deepEqual(getParamImportances(flat, { normalize: false }).map((p) => p.importance), [0, 0]);
  // A single-valued parameter is reported with 0.
  const fixed = trialsOf(rows.map((r) => ({ params: { ...r.params, k: 3 }, value: r.params.x as number })), { x: unit, y: unit, k: { kind: "int", low: 3, high: 3 } });
  assert.deepEqual(getParamImportances(fixed).map((p) => p.name), ["x", "y", "k"]);
  assert.equal(byName(getParamImportances(fixed)).k, 0);
  assert.throws(() => getParamImportances(single, { evaluator: "mdi" as never }), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument");
  // A real study works as the source.
  const study = await createStudy({ direction: "maximize" });
  for (const r of rows.slice(0, 100)) await study.addTrial({ params: r.params, distributions: { x: unit, y: unit }, value: 3 * (r.params.y as number) });
  assert.equal(getParamImportances(study)[0]!.name, "y");
  assert.equal(getParamImportances(study, { evaluator: "ped-anova" })[0]!.name, "y");
});

test("log-scaled and stepped parameters are measured in their sampling scale", () => {
  const rng = new Random(9);
  const dists: Record<string, Distribution> = {
    lr: { kind: "float", low: 1e-5, high: 1, log: true },
    units: { kind: "int", low: 16, high: 256, step: 16 },
    x: unit,
  };
  // The objective depends on log10(lr) over its whole range, and on units only mildly.
  const trials = trialsOf(
    Array.from({ length: 400 }, () => {
      const lr = 10 ** rng.uniform(-5, 0);
      const units = 16 * (1 + rng.int(16));
      return { params: { lr, units, x: rng.next() }, value: (Math.log10(lr) + 2.5) ** 2 + 0.002 * units };
    }),
    dists,
  );
  const v = byName(getParamImportances(trials));
  assert.ok(v.lr! > 0.8 && v.units! > v.x!, JSON.stringify(v));
});

test("rankings agree with Optuna 3.1's FanovaImportanceEvaluator on a fixed trial set", () => {
  // Fixture computed once by fixtures/make-optuna-fanova.py with /usr/bin/python3 (Optuna 3.1.0,
  // scikit-learn 1.2.1): 200 trials, mean importances over five forest seeds.
  const fixture = JSON.parse(readFileSync(new URL("./fixtures/optuna-fanova.json", import.meta.url), "utf8")) as {
    distributions: Record<string, Distribution>;
    trials: { params: Record<string, ParamValue>; value: number }[];
    importances: { mean: Record<string, number> };
  };
  const trials = trialsOf(fixture.trials, fixture.distributions);
  const optuna = Object.entries(fixture.importances.mean).sort((a, b) => b[1] - a[1]);
  const ours = getParamImportances(trials, { seed: 0 });
  assert.deepEqual(ours.map((p) => p.name), optuna.map(([name]) => name));
  // The two forests differ (bootstrap streams, native categorical splits), so values agree loosely.
  for (const [name, value] of optuna) assert.ok(Math.abs(byName(ours)[name]! - value) < 0.03, `${name}: ours ${byName(ours)[name]}, Optuna ${value}`);
});
