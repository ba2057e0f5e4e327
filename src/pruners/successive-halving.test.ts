import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial, StudyDirection } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import { makeFrozenTrial, StaticStudyView } from "../testing/static-study-view.js";
import { SHA_MIN_RESOURCE_KEY, SuccessiveHalvingPruner, completedRungKey } from "./successive-halving.js";

/** A study driven by hand: add trials, report, ask the pruner as `trial.shouldPrune()` would. */
class Driver {
  readonly view: StaticStudyView;
  constructor(
    readonly pruner: SuccessiveHalvingPruner,
    directions: StudyDirection[] = ["minimize"],
  ) {
    this.view = new StaticStudyView([], directions, "sha-test");
  }
  add(): number {
    const number = this.view.trials.length;
    this.view.trials.push(makeFrozenTrial({ number, state: "running" }));
    return number;
  }
  get(number: number): FrozenTrial {
    return this.view.trials[number] as FrozenTrial;
  }
  report(number: number, value: number | number[], step: number): boolean {
    const t = this.get(number);
    this.view.trials[number] =
      typeof value === "number"
        ? { ...t, intermediateValues: { ...t.intermediateValues, [step]: value } }
        : { ...t, intermediateVectors: { ...t.intermediateVectors, [step]: value } };
    return this.pruner.prune(this.view, this.get(number));
  }
  finish(number: number, state: "complete" | "pruned"): void {
    const t = this.get(number);
    const last = Object.values(t.intermediateValues).at(-1);
    this.view.trials[number] = { ...t, state, values: state === "complete" && last !== undefined ? [last] : undefined };
  }
  attrs(number: number): Readonly<Record<string, JsonValue>> {
    return this.get(number).systemAttrs;
  }
  rungs(number: number): number[] {
    const out: number[] = [];
    for (let k = 0; completedRungKey(k) in this.attrs(number); k++) out.push(this.attrs(number)[completedRungKey(k)] as number);
    return out;
  }
}

describe("SuccessiveHalvingPruner minCompetitors", () => {
  test("promotes everyone at a rung until that many other trials reached it, then prunes as usual", () => {
    const d = new Driver(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3, minCompetitors: 2 }));
    const first = d.add();
    assert.equal(d.report(first, 1, 1), false);
    // Worse than the first: Optuna's rule would prune it; with one competitor it continues.
    const second = d.add();
    assert.equal(d.report(second, 5, 1), false);
    assert.deepEqual(d.rungs(second), [5], "its rung value is still recorded");
    // Two competitors now: a third that is worse than both is pruned.
    const third = d.add();
    assert.equal(d.report(third, 9, 1), true);
    // Without the option the second trial is pruned at once.
    const plain = new Driver(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 }));
    plain.report(plain.add(), 1, 1);
    assert.equal(plain.report(plain.add(), 5, 1), true);
    assert.throws(() => new SuccessiveHalvingPruner({ minResource: 1, minCompetitors: -1 }), OuroborosError);
  });
});

describe("SuccessiveHalvingPruner (Optuna's behaviour)", () => {
  test("the first trial is promoted, a worse second one is pruned at rung 0 (both directions)", () => {
    for (const [direction, worse] of [
      ["minimize", 2],
      ["maximize", 0.5],
    ] as const) {
      const d = new Driver(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }), [direction]);
      const a = d.add();
      assert.equal(d.report(a, 1, 1), false);
      const b = d.add();
      assert.equal(d.pruner.prune(d.view, d.get(b)), false, "no reports, no pruning");
      assert.equal(d.report(b, worse, 1), true);
    }
  });

  test("a lone trial climbs rungs 0..3 by step 9 (r=1, eta=2: rungs end at 1, 2, 4, 8)", () => {
    const d = new Driver(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }));
    const a = d.add();
    for (let step = 0; step < 10; step++) assert.equal(d.report(a, 1, step), false);
    assert.deepEqual(d.rungs(a), [1, 1, 1, 1]);
  });

  test("rung check: promotions among 7 recorded values (r=1, eta=2)", () => {
    const d = new Driver(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }));
    for (let i = 0; i < 7; i++) d.report(d.add(), 0.1 * (i + 1), 7);
    // 0.75 is 7th of 8 at rung 0: top 8/2 = 4 needed -> pruned at rung 0
    const x = d.add();
    assert.equal(d.report(x, 0.75, 7), true);
    assert.deepEqual(Object.keys(d.attrs(x)), ["completed_rung_0"]);
    // 0.25 is 3rd of 9 at rung 0 (top 4): promoted; at rung 1 only 0.1 was recorded before
    // (n = 2, top max(1, 1)), so it is pruned there
    const y = d.add();
    assert.equal(d.report(y, 0.25, 7), true);
    assert.deepEqual(Object.keys(d.attrs(y)), ["completed_rung_0", "completed_rung_1"]);
    // 0.05 wins every rung up to the one ending after step 7
    const z = d.add();
    assert.equal(d.report(z, 0.05, 7), false);
    assert.deepEqual(Object.keys(d.attrs(z)), ["completed_rung_0", "completed_rung_1", "completed_rung_2"]);
  });

  test("NaN prunes only at a rung end", () => {
    const d = new Driver(new SuccessiveHalvingPruner({ minResource: 2, reductionFactor: 2 }));
    const a = d.add();
    assert.equal(d.report(a, NaN, 1), false);
    assert.equal(d.report(a, NaN, 2), true);
    assert.deepEqual(d.attrs(a), {}, "NaN is never recorded");
  });

  test("minResource, reductionFactor and minEarlyStoppingRate place the rung ends", () => {
    const rungAfter = (options: ConstructorParameters<typeof SuccessiveHalvingPruner>[0], steps: number[]): string[][] => {
      const d = new Driver(new SuccessiveHalvingPruner(options));
      const a = d.add();
      return steps.map((s) => {
        d.report(a, 1, s);
        return Object.keys(d.attrs(a));
      });
    };
    assert.deepEqual(rungAfter({ minResource: 2, reductionFactor: 2 }, [1, 2]), [[], ["completed_rung_0"]]);
    assert.deepEqual(rungAfter({ minResource: 1, reductionFactor: 3 }, [1, 2, 3]), [
      ["completed_rung_0"],
      ["completed_rung_0"],
      ["completed_rung_0", "completed_rung_1"],
    ]);
    assert.deepEqual(rungAfter({ minResource: 1, reductionFactor: 2, minEarlyStoppingRate: 1 }, [1, 2]), [[], ["completed_rung_0"]]);
  });

  test("bootstrapCount: the first arrivals at a rung are pruned", () => {
    const d = new Driver(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2, bootstrapCount: 1 }));
    const a = d.add();
    const b = d.add();
    assert.equal(d.report(a, 1, 1), true);
    assert.equal(d.report(b, 1, 1), false);
  });
});

describe("SuccessiveHalvingPruner, hand-computed rungs", () => {
  test("eta = 3 with bootstrapCount 2 (rungs end at steps 1, 3, 9)", () => {
    const d = new Driver(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3, bootstrapCount: 2 }));
    const t = [0.5, 0.4, 0.3, 0.35, 0.1, 0.32, 0.2].map(() => d.add());
    // rung 0 (step 1): n values so far including the trial; promoted if fewer than max(1, ⌊n/3⌋) are better
    assert.equal(d.report(t[0]!, 0.5, 1), true, "n=1 <= bootstrap 2");
    assert.equal(d.report(t[1]!, 0.4, 1), true, "n=2 <= bootstrap 2");
    assert.equal(d.report(t[2]!, 0.3, 1), false, "n=3, top 1: best");
    assert.equal(d.report(t[3]!, 0.35, 1), true, "n=4, top 1: 0.3 is better");
    assert.equal(d.report(t[4]!, 0.1, 1), false, "n=5, top 1: best");
    assert.equal(d.report(t[5]!, 0.32, 1), true, "n=6, top 2: 0.1 and 0.3 are better");
    assert.equal(d.report(t[6]!, 0.2, 1), false, "n=7, top 2: only 0.1 is better");
    // rung 1 (step 3): the bootstrap applies again, per rung
    assert.equal(d.report(t[2]!, 0.25, 3), true, "first at rung 1");
    assert.equal(d.report(t[4]!, 0.05, 3), true, "second at rung 1");
    assert.equal(d.report(t[6]!, 0.15, 3), true, "third at rung 1: 0.05 is better, top max(1, 1)");
    assert.deepEqual(
      t.map((n) => d.rungs(n)),
      [[0.5], [0.4], [0.3, 0.25], [0.35], [0.1, 0.05], [0.32], [0.2, 0.15]],
    );
  });

  test("decides from recorded rung values, whatever process wrote them (resume)", () => {
    // Eight finished trials whose rung-0 values were written by another worker.
    const finished = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8].map((v, i) =>
      makeFrozenTrial({ number: i, state: "pruned", intermediateValues: { 1: v }, systemAttrs: { completed_rung_0: v } }),
    );
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 4 });
    const decide = (v: number): boolean => {
      const trial = makeFrozenTrial({ number: 8, state: "running", intermediateValues: { 1: v } });
      return pruner.prune(new StaticStudyView([...finished, trial]), trial);
    };
    // n = 9, top ⌊9/4⌋ = 2
    assert.equal(decide(0.25), true, "0.1 and 0.2 are better");
    assert.equal(decide(0.15), false, "only 0.1 is better");
  });

  test("a fresh instance over the same view decides as the original did", () => {
    const options = { minResource: 1, reductionFactor: 3 } as const;
    const original = new Driver(new SuccessiveHalvingPruner(options));
    const values = [0.9, 0.5, 0.7, 0.2, 0.6, 0.3, 0.8, 0.1, 0.4];
    const decisions = values.map((v) => original.report(original.add(), v, 3));
    // replay each call with a fresh pruner over a copy of the view at that moment
    const replay = new Driver(new SuccessiveHalvingPruner(options));
    values.forEach((v, i) => {
      const fresh = new SuccessiveHalvingPruner(options);
      const n = replay.add();
      const t = replay.get(n);
      replay.view.trials[n] = { ...t, intermediateValues: { 3: v } };
      const copy = new StaticStudyView(structuredClone(replay.view.trials), ["minimize"], "sha-test");
      assert.equal(fresh.prune(copy, copy.trials[n]!), decisions[i], `trial ${i}`);
      replay.pruner.prune(replay.view, replay.get(n));
    });
    assert.deepEqual(replay.view.trials, original.view.trials);
  });

  test("infinite values are stored as strings JSON can hold, and compete", () => {
    const d = new Driver(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }), ["maximize"]);
    const a = d.add();
    assert.equal(d.report(a, Infinity, 1), false);
    assert.equal(d.attrs(a)["completed_rung_0"], "Infinity");
    const b = d.add();
    assert.equal(d.report(b, 1e300, 1), true, "Infinity is better when maximising");
  });
});

describe("SuccessiveHalvingPruner with minResource 'auto'", () => {
  test("estimates max(⌊last step / 100⌋, 1) from the completed trials, once, and stores it", () => {
    const pruner = new SuccessiveHalvingPruner();
    const running = makeFrozenTrial({ number: 0, state: "running", intermediateValues: { 5: 1 } });
    const view = new StaticStudyView([running]);
    assert.equal(pruner.prune(view, running), false, "no completed trial: no estimate, no pruning");
    assert.deepEqual(view.systemAttrs, {});
    view.trials.push(makeFrozenTrial({ number: 1, value: 1, intermediateValues: { 0: 3, 250: 1 } }));
    assert.equal(pruner.resolveMinResource(view), 2);
    assert.equal(view.systemAttrs[SHA_MIN_RESOURCE_KEY], 2);
    view.trials.push(makeFrozenTrial({ number: 2, value: 1, intermediateValues: { 999: 1 } }));
    assert.equal(new SuccessiveHalvingPruner().resolveMinResource(view), 2, "the stored estimate is kept");
  });
});

describe("SuccessiveHalvingPruner on vector reports", () => {
  const others: number[][] = [
    [1, 5],
    [5, 1],
    [3, 3],
    [4, 4],
    [6, 6],
  ];
  const population = others.map((v, i) =>
    makeFrozenTrial({ number: i, state: "pruned", intermediateVectors: { 1: v }, systemAttrs: { completed_rung_0: v } }),
  );
  const decide = (v: number[], directions: StudyDirection[] = ["minimize", "minimize"], pop = population): [boolean, StaticStudyView] => {
    const trial = makeFrozenTrial({ number: 5, state: "running", intermediateVectors: { 1: v } });
    const view = new StaticStudyView([...pop, trial], directions);
    return [new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }).prune(view, trial), view];
  };

  test("promotes the top ⌊n/η⌋ by non-dominated rank, then crowding distance", () => {
    // n = 6, top 3. [2,2] joins the front with [1,5] and [5,1], whose infinite crowding puts them ahead: 2 ahead.
    const [promoted, view] = decide([2, 2]);
    assert.equal(promoted, false);
    assert.deepEqual(view.trials[5]!.systemAttrs, { completed_rung_0: [2, 2] }, "the rung vector is stored");
    // [3.5, 3.5] is behind the whole front [1,5], [5,1], [3,3]: 3 ahead
    assert.equal(decide([3.5, 3.5])[0], true);
  });

  test("maximised objectives are mirrored", () => {
    const mirrored = population.map((t) => {
      const v = t.systemAttrs["completed_rung_0"] as number[];
      return { ...t, systemAttrs: { completed_rung_0: [v[0]!, -v[1]!] } };
    });
    assert.equal(decide([2, -2], ["minimize", "maximize"], mirrored)[0], false);
    assert.equal(decide([3.5, -3.5], ["minimize", "maximize"], mirrored)[0], true);
  });

  test("a NaN component prunes at a rung end", () => {
    assert.equal(decide([NaN, 0])[0], true);
  });

  test("a multi-objective trial that reported scalars only is refused", () => {
    const trial = makeFrozenTrial({ number: 5, state: "running", intermediateValues: { 1: 2 } });
    assert.throws(
      () => new SuccessiveHalvingPruner({ minResource: 1 }).prune(new StaticStudyView([...population, trial], ["minimize", "minimize"]), trial),
      (e: unknown) => e instanceof OuroborosError && e.code === "unsupported" && /report a vector of 2 values/.test(e.message),
    );
  });
});

test("SuccessiveHalvingPruner option checks say what was expected and what was got", () => {
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof OuroborosError && e.code === "invalid-argument");
      return e.message;
    }
    assert.fail("no error");
  };
  assert.equal(
    message(() => new SuccessiveHalvingPruner({ reductionFactor: 1 })),
    "SuccessiveHalvingPruner: reductionFactor must be an integer >= 2, but got 1",
  );
  assert.equal(
    message(() => new SuccessiveHalvingPruner({ minResource: 0 })),
    'SuccessiveHalvingPruner: minResource must be an integer >= 1 or "auto", but got 0',
  );
  assert.equal(
    message(() => new SuccessiveHalvingPruner({ minResource: "fixed" as "auto" })),
    'SuccessiveHalvingPruner: minResource must be an integer >= 1 or "auto", but got "fixed"',
  );
  assert.match(message(() => new SuccessiveHalvingPruner({ minEarlyStoppingRate: -1 })), /minEarlyStoppingRate must be an integer >= 0, but got -1/);
  assert.match(message(() => new SuccessiveHalvingPruner({ bootstrapCount: 1 })), /bootstrapCount must be 0 when minResource is "auto"/);
  assert.deepEqual(new SuccessiveHalvingPruner().params, {
    minResource: "auto",
    reductionFactor: 4,
    minEarlyStoppingRate: 0,
    bootstrapCount: 0,
  });
});
