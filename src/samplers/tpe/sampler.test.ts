import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containsInternal, distributionsEqual, toExternal, type Distribution, type ParamValue } from "../../core/distributions.js";
import type { FrozenTrial, StudyDirection } from "../../core/frozen-trial.js";
import type { Sampler } from "../../core/sampler.js";
import { createStudy } from "../../index.js";
import { StaticStudyView, makeFrozenTrial } from "../../testing/static-study-view.js";
import { hypervolume, nonDominatedRanks } from "./multi-objective.js";
import { TPESampler, defaultGamma, defaultWeights } from "./sampler.js";

type Suggest = (name: string, d: Distribution) => ParamValue;
type Objective = (suggest: Suggest) => number | number[];

/** Starts a running trial in the view and samples its parameters as a study would (see core/sampler.ts). */
function startTrial(sampler: Sampler, view: StaticStudyView): { number: number; suggest: Suggest; internal: Record<string, number>; dists: Record<string, Distribution> } {
  const number = view.trials.length;
  const internal: Record<string, number> = {};
  const dists: Record<string, Distribution> = {};
  const snap = (): FrozenTrial =>
    makeFrozenTrial({ number, state: "running", internalParams: { ...internal }, distributions: { ...dists }, systemAttrs: view.trials[number]?.systemAttrs ?? {} });
  view.trials.push(snap());
  sampler.beforeTrial?.(view, snap());
  const space = sampler.inferRelativeSearchSpace(view, snap());
  const relative = Object.keys(space).length > 0 ? sampler.sampleRelative(view, snap(), space) : {};
  const suggest: Suggest = (name, d) => {
    const known = internal[name];
    if (known !== undefined) return toExternal(d, known);
    const rd = space[name];
    const rx = relative[name];
    const x = rd && rx !== undefined && distributionsEqual(rd, d) ? rx : sampler.sampleIndependent(view, snap(), name, d);
    assert.ok(containsInternal(d, x), `${name}: ${x} is not in ${JSON.stringify(d)}`);
    internal[name] = x;
    dists[name] = d;
    view.trials[number] = snap();
    return toExternal(d, x);
  };
  return { number, suggest, internal, dists };
}

function finishTrial(sampler: Sampler, view: StaticStudyView, t: ReturnType<typeof startTrial>, values: number[]): void {
  const running = view.trials[t.number] as FrozenTrial;
  sampler.afterTrial?.(view, running, "complete", values);
  const systemAttrs = (view.trials[t.number] as FrozenTrial).systemAttrs;
  view.trials[t.number] = makeFrozenTrial({ number: t.number, values, internalParams: { ...t.internal }, distributions: { ...t.dists }, systemAttrs });
}

/** Runs n sequential trials of a define-by-run objective on a study view. */
function drive(sampler: Sampler, n: number, objective: Objective, directions: StudyDirection[] = ["minimize"], view = new StaticStudyView([], directions)): StaticStudyView {
  for (let i = 0; i < n; i++) {
    const t = startTrial(sampler, view);
    const r = objective(t.suggest);
    finishTrial(sampler, view, t, typeof r === "number" ? [r] : r);
  }
  return view;
}

const best = (view: StaticStudyView): number => Math.min(...view.trials.map((t) => t.value ?? Infinity));
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const random = (seed: number): TPESampler => new TPESampler({ seed, nStartupTrials: Number.MAX_SAFE_INTEGER });

const branin: Objective = (s) => {
  const x = s("x", { kind: "float", low: -5, high: 10 }) as number;
  const y = s("y", { kind: "float", low: 0, high: 15 }) as number;
  const b = 5.1 / (4 * Math.PI ** 2);
  return (y - b * x * x + (5 / Math.PI) * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
};

const everyKind: Record<string, Distribution> = {
  float: { kind: "float", low: -3, high: 2 },
  logFloat: { kind: "float", low: 1e-8, high: 1e2, log: true },
  steppedFloat: { kind: "float", low: 0, high: 1, step: 0.1 },
  int: { kind: "int", low: -5, high: 5 },
  logInt: { kind: "int", low: 1, high: 1000, log: true },
  steppedInt: { kind: "int", low: 0, high: 100, step: 7 },
  categorical: { kind: "categorical", choices: ["a", 1, true, null] },
  singleFloat: { kind: "float", low: 3, high: 3 },
  singleInt: { kind: "int", low: 2, high: 2 },
  singleCategorical: { kind: "categorical", choices: ["only"] },
};

const everyKindObjective: Objective = (s) => {
  let v = 0;
  for (const [name, d] of Object.entries(everyKind)) {
    const x = s(name, d);
    v += typeof x === "number" ? Math.abs(x) : x === "a" ? 0 : 1;
  }
  return v;
};

describe("TPESampler", () => {
  for (const options of [{}, { multivariate: true }, { multivariate: true, group: true }, { constantLiar: true }, { widthWeightedKernels: false }, { considerPrior: false, considerMagicClip: false, considerEndpoints: true }]) {
    it(`returns values inside every kind of distribution (${JSON.stringify(options)})`, () => {
      // startTrial asserts containment of every value.
      const view = drive(new TPESampler({ seed: 1, nStartupTrials: 5, warnIndependentSampling: false, ...options }), 40, everyKindObjective);
      const last = view.trials.at(-1) as FrozenTrial;
      assert.equal(last.params["singleFloat"], 3);
      assert.equal(last.params["singleInt"], 2);
      assert.equal(last.params["singleCategorical"], "only");
      assert.ok(Number.isInteger(last.params["logInt"]) && Number.isInteger(last.params["steppedInt"]));
      assert.equal((last.params["steppedInt"] as number) % 7, 0);
    });
  }

  it("is reproducible: same seed, same values; another seed, other values", () => {
    const run = (seed: number, multivariate: boolean): unknown[] =>
      drive(new TPESampler({ seed, multivariate, nStartupTrials: 5 }), 25, everyKindObjective).trials.map((t) => t.params);
    for (const multivariate of [false, true]) {
      assert.deepEqual(run(42, multivariate), run(42, multivariate));
      assert.notDeepEqual(run(42, multivariate), run(43, multivariate));
    }
  });

  it("draws depend only on the seed, the trial and the visible trials, not on sampler history", () => {
    const view = drive(new TPESampler({ seed: 5 }), 30, branin);
    const probe = makeFrozenTrial({ number: 30, state: "running" });
    view.trials.push(probe);
    const d: Distribution = { kind: "float", low: -5, high: 10 };
    const used = new TPESampler({ seed: 9 });
    for (let i = 0; i < 5; i++) used.sampleIndependent(view, makeFrozenTrial({ number: 100 + i, state: "running" }), "x", d);
    const fresh = new TPESampler({ seed: 9 });
    assert.equal(used.sampleIndependent(view, probe, "x", d), fresh.sampleIndependent(view, probe, "x", d));
    assert.equal(fresh.sampleIndependent(view, probe, "x", d), fresh.sampleIndependent(view, probe, "x", d));
  });

  it("picks a random seed when none is given and reports it in params", () => {
    const s = new TPESampler();
    assert.equal(typeof s.params["seed"], "number");
    assert.equal(s.kind, "tpe");
    assert.deepEqual(JSON.parse(JSON.stringify(s.params)), s.params);
    const again = new TPESampler({ seed: s.params["seed"] as number });
    const a = drive(s, 15, branin).trials.map((t) => t.params);
    const b = drive(again, 15, branin).trials.map((t) => t.params);
    assert.deepEqual(a, b);
  });

  it("beats random search on Branin", () => {
    const tpe: number[] = [];
    const rnd: number[] = [];
    for (let seed = 0; seed < 6; seed++) {
      tpe.push(best(drive(new TPESampler({ seed }), 50, branin)) - 0.397887);
      rnd.push(best(drive(random(seed), 50, branin)) - 0.397887);
    }
    assert.ok(mean(tpe) < 0.6 * mean(rnd), `mean regret TPE ${mean(tpe)} vs random ${mean(rnd)}`);
  });

  it("beats random search on a quadratic with an int and a log float", () => {
    const f: Objective = (s) => {
      const x = s("x", { kind: "float", low: -10, high: 10 }) as number;
      const n = s("n", { kind: "int", low: 0, high: 50 }) as number;
      const lr = s("lr", { kind: "float", low: 1e-6, high: 1, log: true }) as number;
      return (x - 3) ** 2 + ((n - 20) / 5) ** 2 + (Math.log10(lr) + 4) ** 2;
    };
    const tpe: number[] = [];
    const rnd: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      tpe.push(best(drive(new TPESampler({ seed }), 60, f)));
      rnd.push(best(drive(random(seed), 60, f)));
    }
    assert.ok(mean(tpe) < 0.5 * mean(rnd), `mean best TPE ${mean(tpe)} vs random ${mean(rnd)}`);
  });

  it("multivariate beats univariate on a correlated (rotated, narrow) problem", () => {
    const f: Objective = (s) => {
      const x = s("x", { kind: "float", low: -5, high: 5 }) as number;
      const y = s("y", { kind: "float", low: -5, high: 5 }) as number;
      const u = (x + y) / Math.SQRT2;
      const v = (x - y) / Math.SQRT2;
      return u * u + 100 * v * v;
    };
    const uni: number[] = [];
    const multi: number[] = [];
    for (let seed = 0; seed < 8; seed++) {
      uni.push(best(drive(new TPESampler({ seed }), 60, f)));
      multi.push(best(drive(new TPESampler({ seed, multivariate: true }), 60, f)));
    }
    assert.ok(mean(multi) <= mean(uni), `mean best multivariate ${mean(multi)} vs univariate ${mean(uni)}`);
  });

  it("group mode samples each branch of a conditional space jointly", () => {
    const f: Objective = (s) => {
      const model = s("model", { kind: "categorical", choices: ["linear", "tree"] });
      if (model === "linear") {
        const c = s("c", { kind: "float", low: 1e-4, high: 1e2, log: true }) as number;
        return (Math.log10(c) - 1) ** 2;
      }
      const depth = s("depth", { kind: "int", low: 1, high: 12 }) as number;
      const rate = s("rate", { kind: "float", low: 0, high: 1 }) as number;
      return 0.5 + ((depth - 6) / 3) ** 2 + (rate - 0.3) ** 2;
    };
    const sampler = new TPESampler({ seed: 3, multivariate: true, group: true, nStartupTrials: 8 });
    const view = drive(sampler, 50, f);
    const space = sampler.inferRelativeSearchSpace(view, makeFrozenTrial({ number: 50, state: "running" }));
    assert.deepEqual(Object.keys(space).sort(), ["c", "depth", "model", "rate"]);
    // Relative sampling covers both branches at once.
    const rel = sampler.sampleRelative(view, makeFrozenTrial({ number: 50, state: "running" }), space);
    assert.deepEqual(Object.keys(rel).sort(), ["c", "depth", "model", "rate"]);
    const later = view.trials.slice(8);
    assert.ok(later.some((t) => t.params["model"] === "linear") && later.some((t) => t.params["model"] === "tree"));
    assert.ok(best(view) < 0.05, `best ${best(view)}`);
  });

  it("the constant liar spreads the proposals of concurrent workers", () => {
    const f: Objective = (s) => {
      const x = s("x", { kind: "float", low: -5, high: 5 }) as number;
      const y = s("y", { kind: "float", low: -5, high: 5 }) as number;
      return x * x + y * y;
    };
    const spread = (constantLiar: boolean, seed: number): number => {
      const view = drive(new TPESampler({ seed }), 30, f);
      const sampler = new TPESampler({ seed: seed + 1000, constantLiar });
      const pts: number[][] = [];
      for (let w = 0; w < 6; w++) {
        // Each worker starts while the previous ones are still running.
        const t = startTrial(sampler, view);
        pts.push([t.suggest("x", { kind: "float", low: -5, high: 5 }) as number, t.suggest("y", { kind: "float", low: -5, high: 5 }) as number]);
      }
      let d = 0;
      let pairs = 0;
      for (let i = 0; i < pts.length; i++) {
        for (let j = i + 1; j < pts.length; j++) {
          d += Math.hypot((pts[i]?.[0] as number) - (pts[j]?.[0] as number), (pts[i]?.[1] as number) - (pts[j]?.[1] as number));
          pairs++;
        }
      }
      return d / pairs;
    };
    const seeds = [0, 1, 2, 3, 4, 5, 6, 7];
    const withLiar = mean(seeds.map((s) => spread(true, s)));
    const without = mean(seeds.map((s) => spread(false, s)));
    assert.ok(withLiar > 1.2 * without, `mean pairwise distance with the liar ${withLiar} vs without ${without}`);
  });

  it("constraints steer away from the infeasible region and are stored on the trial", () => {
    // Minimise x² + y²; feasible only where x ≥ 2 (the unconstrained optimum is infeasible).
    const f: Objective = (s) => {
      const x = s("x", { kind: "float", low: -5, high: 5 }) as number;
      const y = s("y", { kind: "float", low: -5, high: 5 }) as number;
      return x * x + y * y;
    };
    const constraintsFunc = (t: FrozenTrial): number[] => [2 - (t.params["x"] as number)];
    const feasibleShare = (withConstraints: boolean): number => {
      let feasible = 0;
      let total = 0;
      for (let seed = 0; seed < 4; seed++) {
        const view = drive(new TPESampler({ seed, ...(withConstraints ? { constraintsFunc } : {}) }), 50, f);
        for (const t of view.trials.slice(20)) {
          total++;
          if ((t.params["x"] as number) >= 2) feasible++;
        }
        if (withConstraints) {
          for (const t of view.trials) assert.deepEqual(t.systemAttrs["constraints"], [2 - (t.params["x"] as number)]);
        }
      }
      return feasible / total;
    };
    const on = feasibleShare(true);
    const off = feasibleShare(false);
    assert.ok(on > 0.4 && on > off + 0.3, `feasible share with constraints ${on}, without ${off}`);
  });

  it("rejects constraint values that are not numbers", () => {
    const sampler = new TPESampler({ seed: 1, constraintsFunc: () => [Number.NaN] });
    const view = new StaticStudyView([makeFrozenTrial({ number: 0, state: "running" })]);
    assert.throws(() => sampler.afterTrial(view, view.trials[0] as FrozenTrial, "complete", [1]), /constraintsFunc/);
    // Failed trials are not evaluated.
    sampler.afterTrial(view, view.trials[0] as FrozenTrial, "fail", undefined);
  });

  it("MOTPE improves the hypervolume over random search on two objectives", () => {
    const f: Objective = (s) => {
      const x = s("x", { kind: "float", low: 0, high: 1 }) as number;
      const y = s("y", { kind: "float", low: 0, high: 1 }) as number;
      const z = s("z", { kind: "float", low: 0, high: 1 }) as number;
      const g = 1 + 9 * ((y + z) / 2);
      return [x, g * (1 - Math.sqrt(x / g))]; // ZDT1 in three variables
    };
    const hv = (view: StaticStudyView): number => {
      const pts = view.trials.map((t) => t.values as number[]);
      const ranks = nonDominatedRanks(pts, 1);
      return hypervolume(pts.filter((_, i) => ranks[i] === 0), [1.1, 11]);
    };
    const tpe: number[] = [];
    const rnd: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      tpe.push(hv(drive(new TPESampler({ seed }), 80, f, ["minimize", "minimize"])));
      rnd.push(hv(drive(random(seed), 80, f, ["minimize", "minimize"])));
    }
    assert.ok(mean(tpe) > mean(rnd) + 0.1, `mean hypervolume MOTPE ${mean(tpe)} vs random ${mean(rnd)}`);
  });

  it("handles a maximised objective", () => {
    const f: Objective = (s) => -((s("x", { kind: "float", low: -5, high: 5 }) as number) ** 2);
    const view = drive(new TPESampler({ seed: 2 }), 40, f, ["maximize"]);
    assert.ok(Math.max(...view.trials.map((t) => t.value as number)) > -0.05);
  });

  it("the categorical kernel converges to the good choice", () => {
    const f: Objective = (s) => (s("c", { kind: "categorical", choices: ["a", "b", "c", "d", "e"] }) === "d" ? 0 : 1);
    let share = 0;
    for (let seed = 0; seed < 4; seed++) {
      const view = drive(new TPESampler({ seed }), 50, f);
      share += view.trials.slice(25).filter((t) => t.params["c"] === "d").length / 25;
    }
    assert.ok(share / 4 > 0.45, `share of the good choice after convergence: ${share / 4}`);
  });

  it("copes with all-equal values, one finished trial and huge log ranges", () => {
    const flat = drive(new TPESampler({ seed: 1, nStartupTrials: 2 }), 30, (s) => {
      s("x", { kind: "float", low: 0, high: 1 });
      s("n", { kind: "int", low: 0, high: 3 });
      return 1;
    });
    assert.equal(flat.trials.length, 30);
    for (const nStartupTrials of [0, 1]) {
      const one = drive(new TPESampler({ seed: 1, nStartupTrials }), 2, (s) => s("x", { kind: "float", low: 0, high: 1 }) as number);
      assert.equal(one.trials.length, 2);
    }
    const log = drive(new TPESampler({ seed: 4 }), 60, (s) => (Math.log10(s("x", { kind: "float", low: 1e-8, high: 1e2, log: true }) as number) + 6) ** 2);
    assert.ok(best(log) < 0.1, `best ${best(log)}`);
    const tiny = drive(new TPESampler({ seed: 4, nStartupTrials: 3 }), 20, (s) => s("x", { kind: "float", low: 1e-300, high: 1e-299, log: true }) as number);
    assert.equal(tiny.trials.length, 20);
  });

  it("uses pruned trials, ignores failed ones, and counts both toward startup correctly", () => {
    const d: Distribution = { kind: "float", low: 0, high: 10 };
    const trials: FrozenTrial[] = [];
    for (let i = 0; i < 12; i++) {
      const x = i * 0.8;
      const base = { number: i, internalParams: { x }, distributions: { x: d } };
      if (i % 3 === 0) trials.push(makeFrozenTrial({ ...base, state: "pruned", intermediateValues: { 0: x, 1: x * x } }));
      else if (i % 3 === 1) trials.push(makeFrozenTrial({ ...base, state: "fail" }));
      else trials.push(makeFrozenTrial({ ...base, value: (x - 7) ** 2 }));
    }
    trials.push(makeFrozenTrial({ number: 12, state: "running" }));
    const view = new StaticStudyView(trials);
    // 8 complete or pruned trials: below 10 startup trials it samples at random, with 8 it runs TPE.
    const probe = view.trials[12] as FrozenTrial;
    const randomish = new TPESampler({ seed: 1, nStartupTrials: 10 }).sampleIndependent(view, probe, "x", d);
    const tpe = new TPESampler({ seed: 1, nStartupTrials: 8 }).sampleIndependent(view, probe, "x", d);
    assert.ok(containsInternal(d, randomish) && containsInternal(d, tpe));
    assert.notEqual(randomish, tpe);
  });

  it("follows a search space that changes between trials", () => {
    const sampler = new TPESampler({ seed: 6, nStartupTrials: 5 });
    const view = drive(sampler, 20, (s) => {
      const x = s("x", { kind: "float", low: 0, high: 10 }) as number;
      const c = s("c", { kind: "categorical", choices: ["a", "b"] });
      return x + (c === "b" ? 0 : 1);
    });
    // Narrower range and other choices: old observations outside are left out, shared choices are matched by value.
    drive(
      sampler,
      20,
      (s) => {
        const x = s("x", { kind: "float", low: 0, high: 5 }) as number;
        const c = s("c", { kind: "categorical", choices: ["b", "c"] });
        return x + (c === "b" ? 0 : 1);
      },
      ["minimize"],
      view,
    );
    const later = view.trials.slice(30);
    assert.ok(later.every((t) => (t.params["x"] as number) <= 5 && ["b", "c"].includes(t.params["c"] as string)));
    assert.ok(later.filter((t) => t.params["c"] === "b").length >= 6, "the choice that was good before stays preferred");
  });

  it("runs MOTPE with constraints, pruned trials and the constant liar together", () => {
    const sampler = new TPESampler({ seed: 2, constantLiar: true, constraintsFunc: (t) => [(t.params["x"] as number) - 0.8] });
    const view = drive(
      sampler,
      40,
      (s) => {
        const x = s("x", { kind: "float", low: 0, high: 1 }) as number;
        const y = s("y", { kind: "int", low: 0, high: 10 }) as number;
        return [x + y / 10, 1 - x + (10 - y) / 10];
      },
      ["minimize", "maximize"],
    );
    view.trials.push(makeFrozenTrial({ number: 40, state: "pruned", internalParams: { x: 0.5 }, distributions: { x: { kind: "float", low: 0, high: 1 } } }));
    const t = startTrial(sampler, view);
    assert.ok(typeof t.suggest("x", { kind: "float", low: 0, high: 1 }) === "number");
    assert.ok(view.trials.slice(0, 40).every((tr) => Array.isArray(tr.systemAttrs["constraints"])));
  });

  it("validates its options", () => {
    assert.throws(() => new TPESampler({ group: true }), /group: true needs multivariate/);
    assert.throws(() => new TPESampler({ nEICandidates: 0 }), /nEICandidates/);
    assert.throws(() => new TPESampler({ priorWeight: 0 }), /priorWeight/);
    assert.throws(() => new TPESampler({ nStartupTrials: -1 }), /nStartupTrials/);
    assert.throws(() => new TPESampler({ nStartupTrial: 5 } as never), /unknown option\(s\) "nStartupTrial"/);
    assert.throws(() => new TPESampler({ gamma: 3 } as never), /gamma must be a function/);
    // A sampler rebuilt from its params samples exactly as the original.
    const original = new TPESampler({ seed: 8, multivariate: true, nStartupTrials: 4, widthWeightedKernels: true });
    const copy = new TPESampler(JSON.parse(JSON.stringify(original.params)) as never);
    assert.deepEqual(drive(original, 12, branin).trials.map((t) => t.params), drive(copy, 12, branin).trials.map((t) => t.params));
    const badGamma = new TPESampler({ seed: 1, nStartupTrials: 1, gamma: () => Number.NaN });
    assert.throws(() => drive(badGamma, 3, branin), /gamma/);
  });

  it("accepts the two multivariate bandwidth rules and rejects others", () => {
    assert.equal(new TPESampler({ seed: 1 }).params["multivariateBandwidth"], "scott");
    assert.equal(new TPESampler({ seed: 1, multivariate: true, multivariateBandwidth: "neighbour" }).params["multivariateBandwidth"], "neighbour");
    assert.throws(() => new TPESampler({ seed: 1, multivariateBandwidth: "silverman" as never }), /multivariateBandwidth must be "scott" or "neighbour"/);
  });

  it("has Optuna's default gamma and weights", () => {
    assert.deepEqual([0, 1, 10, 11, 100, 250, 1000].map(defaultGamma), [0, 1, 1, 2, 10, 25, 25]);
    assert.deepEqual([...defaultWeights(3)], [1, 1, 1]);
    const w = defaultWeights(30);
    assert.equal(w.length, 30);
    assert.ok(Math.abs((w[0] as number) - 1 / 30) < 1e-12 && w[4] === 1 && w[29] === 1);
    assert.ok((w[1] as number) > (w[0] as number) && (w[3] as number) < 1);
  });

  it("optimises end to end through createStudy, reproducibly", async () => {
    const run = async (): Promise<{ best: number; params: unknown[] }> => {
      const study = await createStudy({ sampler: new TPESampler({ seed: 11, multivariate: true }) });
      await study.optimize(
        (trial) => {
          const x = trial.suggestFloat("x", -5, 5);
          const n = trial.suggestInt("n", 1, 9);
          const kind = trial.suggestCategorical("kind", ["a", "b", "c"]);
          return (x - 1) ** 2 + Math.abs(n - 4) + (kind === "b" ? 0 : 2);
        },
        { nTrials: 50 },
      );
      return { best: study.bestValue, params: study.trials.map((t) => t.params) };
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a.params, b.params);
    assert.ok(a.best < 0.5, `best ${a.best}`);
  });
});
