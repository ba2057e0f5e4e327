import assert from "node:assert/strict";
import { mock, test } from "node:test";
import type { Distribution } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import { SimulatedStudyView, simulateStudy, simulateTrial, type SimulatedObjective } from "../testing/simulate.js";
import { makeFrozenTrial } from "../testing/static-study-view.js";
import { GridSampler } from "./grid.js";

const X: Distribution = { kind: "int", low: 0, high: 10 };
const Y: Distribution = { kind: "categorical", choices: ["a", "b", "c"] };
const space = { x: [1, 2, 3, 4], y: ["a", "b", "c"] };
const objective: SimulatedObjective = (t) => {
  t.suggest("x", X);
  t.suggest("y", Y);
  return 0;
};
const key = (t: FrozenTrial): string => `${String(t.params.x)}${String(t.params.y)}`;
const allKeys = [1, 2, 3, 4].flatMap((x) => ["a", "b", "c"].map((y) => `${x}${y}`)).sort();

test("visits every grid point exactly once, then stops the study", () => {
  const sampler = new GridSampler(space, { seed: 0 });
  assert.equal(sampler.size, 12);
  const view = new SimulatedStudyView([]);
  simulateStudy(sampler, objective, 11, {}, { view });
  assert.equal(view.stopped, false);
  simulateStudy(sampler, objective, 1, {}, { view });
  assert.equal(view.stopped, true);
  const trials = view.getTrials();
  assert.deepEqual(trials.map(key).sort(), allKeys);
  for (const t of trials) assert.deepEqual(sampler.point(t.systemAttrs.grid_id as number), t.params);
  assert.deepEqual(view.systemAttrs.search_space, { x: [1, 2, 3, 4], y: ["a", "b", "c"] });
});

test("the order is seeded: reproducible with a seed, different with another", () => {
  const order = (seed: number): string[] => simulateStudy(new GridSampler(space, { seed }), objective, 12).trials.map(key);
  assert.deepEqual(order(5), order(5));
  assert.notDeepEqual(order(5), order(6));
  assert.deepEqual(new GridSampler(space, { seed: 5 }).params, { searchSpace: { x: [1, 2, 3, 4], y: ["a", "b", "c"] }, seed: 5 });
});

test("parallel trials that cannot see each other still get distinct points", () => {
  const sampler = new GridSampler(space, { seed: 1 });
  const seen = new Set<string>();
  for (let n = 0; n < 12; n++) seen.add(key(simulateTrial(sampler, new SimulatedStudyView([]), n, objective).trial));
  assert.equal(seen.size, 12);
});

test("partial grid: parameters outside the grid are sampled at random, inside their distribution", () => {
  const sampler = new GridSampler({ x: [1, 2, 3] }, { seed: 2 });
  const { trials, view } = simulateStudy(sampler, (t) => {
    t.suggest("x", X);
    t.suggest("lr", { kind: "float", low: 1e-4, high: 1e-1, log: true });
    t.suggest("opt", Y);
    return 0;
  }, 3);
  assert.deepEqual(trials.map((t) => t.params.x).sort(), [1, 2, 3]);
  for (const t of trials) assert.ok((t.params.lr as number) >= 1e-4 && (t.params.lr as number) <= 1e-1);
  assert.equal(new Set(trials.map((t) => t.params.lr)).size, 3);
  assert.equal(view.stopped, true);
});

test("a grid value outside the suggested distribution is an error naming the parameter, value and range", () => {
  const sampler = new GridSampler({ x: [50] }, { seed: 0 });
  assert.throws(
    () => simulateStudy(sampler, objective, 1),
    (e) => e instanceof OuroborosError && e.code === "invalid-value" && /"x"/.test(e.message) && /50/.test(e.message) && /\[0, 10\]/.test(e.message),
  );
  const cat = new GridSampler({ y: ["a", "z"] }, { seed: 0 });
  assert.throws(
    () => simulateStudy(cat, objective, 2),
    (e) => e instanceof OuroborosError && /"y"/.test(e.message) && /"z"/.test(e.message) && /choices/.test(e.message),
  );
  const notNumber = new GridSampler({ x: ["1"] }, { seed: 0 });
  assert.throws(() => simulateStudy(notNumber, objective, 1), (e) => e instanceof OuroborosError && e.code === "invalid-value");
});

test("a study run with another grid is refused", () => {
  const view = new SimulatedStudyView([]);
  simulateStudy(new GridSampler(space, { seed: 0 }), objective, 2, {}, { view });
  // The same grid, in another key order, is fine.
  simulateStudy(new GridSampler({ y: ["a", "b", "c"], x: [1, 2, 3, 4] }, { seed: 9 }), objective, 1, {}, { view });
  assert.throws(
    () => simulateStudy(new GridSampler({ x: [1, 2], y: ["a"] }, { seed: 0 }), objective, 1, {}, { view }),
    (e) => e instanceof OuroborosError && e.code === "invalid-argument" && /another grid|different grid|was run with the grid/.test(e.message),
  );
});

test("enqueued trials: a fixed grid point counts as visited; partly fixed trials get a matching free point", () => {
  const sampler = new GridSampler(space, { seed: 3 });
  const view = new SimulatedStudyView([]);
  simulateTrial(sampler, view, 0, objective, { systemAttrs: { fixedParams: { x: 2, y: "b" } } });
  simulateTrial(sampler, view, 1, objective, { systemAttrs: { fixedParams: { x: 4 } } });
  simulateTrial(sampler, view, 2, objective, { systemAttrs: { fixedParams: { x: 4 } } });
  // An enqueued point off the grid stands for no grid point.
  simulateTrial(sampler, view, 3, objective, { systemAttrs: { fixedParams: { x: 9, y: "a" } } });
  const [t0, t1, t2, t3] = view.getTrials() as FrozenTrial[];
  assert.equal(key(t0!), "2b");
  assert.equal(t1!.params.x, 4);
  assert.equal(t2!.params.x, 4);
  assert.notEqual(t1!.params.y, t2!.params.y);
  assert.equal(key(t3!), "9a");
  simulateStudy(sampler, objective, 9, {}, { view });
  assert.equal(view.stopped, true);
  const onGrid = view.getTrials().filter((t) => t.params.x !== 9);
  assert.deepEqual(onGrid.map(key).sort(), allKeys);
});

test("trials from another sampler whose params equal a grid point count as visited", () => {
  const history = [
    makeFrozenTrial({ number: 0, value: 1, internalParams: { x: 3, y: 2 }, distributions: { x: X, y: Y } }),
    makeFrozenTrial({ number: 1, state: "running", internalParams: { x: 1, y: 0 }, distributions: { x: X, y: Y } }),
  ];
  const sampler = new GridSampler(space, { seed: 4 });
  const view = new SimulatedStudyView(history);
  simulateStudy(sampler, objective, 10, {}, { view });
  const keys = view.getTrials().map(key);
  assert.deepEqual([...keys].sort(), allKeys);
});

test("failed trials give their point back; pruned and running trials keep theirs", () => {
  const sampler = new GridSampler({ x: [1, 2, 3] }, { seed: 5 });
  const view = new SimulatedStudyView([]);
  const outcome = (o: "fail" | "pruned" | "running" | number): SimulatedObjective => (t) => {
    t.suggest("x", X);
    return o;
  };
  const a = simulateTrial(sampler, view, 0, outcome("fail")).trial;
  const b = simulateTrial(sampler, view, 1, outcome("pruned")).trial;
  const c = simulateTrial(sampler, view, 2, outcome("running")).trial;
  const d = simulateTrial(sampler, view, 3, outcome(0)).trial;
  assert.deepEqual([b, c, d].map((t) => t.params.x).sort(), [1, 2, 3]);
  assert.ok([b, c, d].some((t) => t.params.x === a.params.x), "the failed point is retried");
  assert.equal(view.stopped, false, "a running point is not evaluated yet");
  // Every point taken, one still running: the next trial shares the running point rather than an evaluated one.
  const e = simulateTrial(sampler, view, 4, outcome(0)).trial;
  assert.equal(e.params.x, c.params.x);
  assert.equal(view.stopped, true);
});

test("more trials than points re-evaluate a random point and warn once", () => {
  const warn = mock.method(console, "warn", () => {});
  try {
    const sampler = new GridSampler({ x: [1, 2] }, { seed: 6 });
    const { trials } = simulateStudy(sampler, (t) => (t.suggest("x", X), 0), 6);
    assert.deepEqual(trials.slice(0, 2).map((t) => t.params.x).sort(), [1, 2]);
    for (const t of trials.slice(2)) assert.ok(t.params.x === 1 || t.params.x === 2);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0]?.arguments[0]), /re-evaluates/);
  } finally {
    warn.mock.restore();
  }
});

test("conditional objectives: grid parameters a trial does not suggest are simply unused", () => {
  const sampler = new GridSampler({ model: ["a", "b"], depth: [1, 2] }, { seed: 7 });
  const { trials, view } = simulateStudy(sampler, (t) => {
    const m = t.suggest("model", { kind: "categorical", choices: ["a", "b"] });
    if (m === "b") t.suggest("depth", { kind: "int", low: 1, high: 5 });
    return 0;
  }, 4);
  assert.equal(new Set(trials.map((t) => t.systemAttrs.grid_id)).size, 4);
  assert.equal(view.stopped, true);
});

test("huge grids are sampled without enumerating them", () => {
  const big: Record<string, number[]> = {};
  for (let i = 0; i < 12; i++) big[`p${i}`] = Array.from({ length: 10 }, (_, k) => k);
  const sampler = new GridSampler(big, { seed: 8 });
  assert.equal(sampler.size, 1e12);
  const d: Distribution = { kind: "int", low: 0, high: 9 };
  // Enumerating 10^12 points would never finish; sampling 50 of them must.
  const { trials } = simulateStudy(sampler, (t) => {
    for (let i = 0; i < 12; i++) t.suggest(`p${i}`, d);
    return 0;
  }, 50);
  assert.equal(new Set(trials.map((t) => JSON.stringify(t.params))).size, 50);
});

test("the grid is validated", () => {
  const bad = (s: unknown, re: RegExp) =>
    assert.throws(() => new GridSampler(s as Record<string, never[]>, { seed: 0 }), (e) => e instanceof OuroborosError && e.code === "invalid-argument" && re.test(e.message));
  bad({ x: [] }, /"x".*non-empty/);
  bad({ x: 3 }, /"x".*non-empty array/);
  bad({ x: [1, 1] }, /"x".*twice/);
  bad({ x: [{ a: 1 }] }, /"x".*strings, finite numbers/);
  bad({ x: [Number.NaN] }, /"x"/);
  bad([1, 2], /object/);
  bad(null, /object/);
});

test("end to end: a study with enqueued points and a partial grid evaluates each point once, then stops", async () => {
  const { createStudy } = await import("../index.js");
  const sampler = new GridSampler({ x: [1, 2, 3], opt: ["adam", "sgd"] }, { seed: 11 });
  const study = await createStudy({ sampler });
  await study.enqueueTrial({ x: 2, opt: "sgd" });
  await study.enqueueTrial({ x: 3 });
  await study.enqueueTrial({ x: 1, opt: "adam", lr: 0.01 });
  await study.optimize(
    (t) => {
      const x = t.suggestInt("x", 0, 5);
      const opt = t.suggestCategorical("opt", ["adam", "sgd"]);
      const lr = t.suggestFloat("lr", 1e-4, 1e-1, { log: true });
      return x + (opt === "sgd" ? 0.5 : 0) + lr;
    },
    { nTrials: 20 },
  );
  const trials = study.trials;
  assert.equal(trials.length, 6, "the study stops once the 6 points are evaluated");
  assert.ok(trials.every((t) => t.state === "complete"));
  assert.deepEqual(trials.map((t) => `${t.params.x}${t.params.opt}`).sort(), ["1adam", "1sgd", "2adam", "2sgd", "3adam", "3sgd"]);
  assert.deepEqual([trials[0]?.params.x, trials[0]?.params.opt], [2, "sgd"]);
  assert.equal(trials[1]?.params.x, 3);
  assert.deepEqual([trials[2]?.params.x, trials[2]?.params.opt, trials[2]?.params.lr], [1, "adam", 0.01]);
  for (const t of trials) assert.ok((t.params.lr as number) >= 1e-4 && (t.params.lr as number) <= 1e-1);
  assert.equal(new Set(trials.map((t) => t.params.lr)).size, 6, "lr is sampled at random");
  assert.deepEqual(study.systemAttrs.search_space, { opt: ["adam", "sgd"], x: [1, 2, 3] });
});

test("end to end: parallel workers cover the grid, and a changed grid is refused on the same study", async () => {
  const { createStudy, MemoryJournalBackend } = await import("../index.js");
  const storage = new MemoryJournalBackend();
  const grid = { a: [0, 1, 2], b: [0, 1, 2] };
  const study = await createStudy({ sampler: new GridSampler(grid, { seed: 12 }), storage, studyName: "grid-e2e" });
  // Trials created before the last point finished re-evaluate points (and the sampler warns).
  const warn = mock.method(console, "warn", () => {});
  try {
    await study.optimize(
      async (t) => {
        await new Promise((r) => setTimeout(r, 1 + ((t.number * 7) % 5)));
        return t.suggestInt("a", 0, 2) + t.suggestInt("b", 0, 2);
      },
      { nTrials: 30, nJobs: 3 },
    );
  } finally {
    warn.mock.restore();
  }
  // Trials 0..8 take distinct slots even though each sees only trials 0..n−3 (reproducible mode).
  const firstNine = study.trials.slice(0, 9).map((t) => `${t.params.a}${t.params.b}`);
  assert.equal(new Set(firstNine).size, 9);
  // Trial n waits for trial n − 2, so at most trials 9..12 can start before trial 8 ends.
  assert.ok(study.trials.length <= 13, `${study.trials.length} trials for 9 points and 3 workers`);
  const again = await createStudy({ sampler: new GridSampler({ a: [0, 1] }, { seed: 12 }), storage, studyName: "grid-e2e", loadIfExists: true });
  await assert.rejects(
    again.optimize((t) => t.suggestInt("a", 0, 2), { nTrials: 1, catch: false }),
    (e) => e instanceof OuroborosError && /was run with the grid/.test(e.message),
  );
});
