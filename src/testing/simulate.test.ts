import assert from "node:assert/strict";
import { test } from "node:test";
import type { Distribution } from "../core/distributions.js";
import { TrialPruned } from "../core/errors.js";
import type { Sampler } from "../core/sampler.js";
import { SimulatedStudyView, simulateStudy, simulateTrial } from "./simulate.js";

const X: Distribution = { kind: "float", low: 0, high: 1 };
const Y: Distribution = { kind: "int", low: 0, high: 9 };

/** Records every call; samples x jointly and everything else as its low end. */
function recordingSampler(log: string[]): Sampler {
  return {
    kind: "recording",
    params: {},
    beforeTrial: (_s, t) => void log.push(`before ${t.number}`),
    inferRelativeSearchSpace: (_s, t) => (log.push(`infer ${t.number}`), { x: X }),
    sampleRelative: (_s, t, space) => (log.push(`relative ${t.number} ${Object.keys(space).join()}`), { x: 0.25 }),
    sampleIndependent: (_s, t, name, d) => (log.push(`independent ${t.number} ${name} params=${Object.keys(t.params).join()}`), d.kind === "categorical" ? 0 : d.low),
    afterTrial: (s, t, state, values) => void log.push(`after ${t.number} ${state} ${JSON.stringify(values)} viewState=${s.getTrials()[t.number]?.state}`),
  };
}

test("follows the sampler call order of core/sampler.ts", () => {
  const log: string[] = [];
  const { trials } = simulateStudy(recordingSampler(log), (t) => {
    t.suggest("y", Y);
    t.suggest("single", { kind: "int", low: 4, high: 4 });
    return 1.5;
  }, 1, { x: X });
  assert.deepEqual(log, [
    "before 0",
    "infer 0",
    "relative 0 x",
    "independent 0 y params=x",
    "after 0 complete [1.5] viewState=running",
  ]);
  assert.deepEqual(trials[0]?.params, { x: 0.25, y: 0, single: 4 });
  assert.equal(trials[0]?.state, "complete");
  assert.equal(trials[0]?.value, 1.5);
});

test("outcomes: fail, pruned (returned or thrown), running, and non-finite values fail", () => {
  const log: string[] = [];
  const outcomes = ["fail", "pruned", "throw", "running", Number.NaN, [1, 2]] as const;
  const { trials } = simulateStudy(recordingSampler(log), (t) => {
    t.report(0.5, 3);
    const o = outcomes[t.number] as (typeof outcomes)[number];
    if (o === "throw") throw new TrialPruned();
    return o;
  }, outcomes.length);
  assert.deepEqual(trials.map((t) => t.state), ["fail", "pruned", "pruned", "running", "fail", "fail"]);
  assert.deepEqual(trials[1]?.intermediateValues, { 3: 0.5 });
  assert.equal(log.filter((l) => l.startsWith("after")).length, 5, "no afterTrial for a trial left running");
  assert.throws(() => simulateStudy(recordingSampler([]), () => {
    throw new Error("objective bug");
  }, 1), /objective bug/);
});

test("fixed params (enqueued trials) bypass the sampler", () => {
  const log: string[] = [];
  const view = new SimulatedStudyView([]);
  const { trial } = simulateTrial(recordingSampler(log), view, 0, (t) => (t.suggest("y", Y), 0), { systemAttrs: { fixedParams: { y: 7 } } });
  assert.equal(trial.params.y, 7);
  assert.ok(!log.some((l) => l.startsWith("independent")));
});

test("the view hands out frozen trials, and the same array until something changes", () => {
  const view = new SimulatedStudyView([]);
  simulateStudy(recordingSampler([]), () => 0, 2, { x: X }, { view });
  const a = view.getTrials();
  assert.equal(view.getTrials(), a);
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a[0]) && Object.isFrozen(a[0]?.params));
  assert.throws(() => {
    (a[0]!.params as Record<string, number>).x = 3;
  }, TypeError);
  view.setTrialSystemAttr(0, "k", [1]);
  assert.notEqual(view.getTrials(), a);
  assert.deepEqual(view.trial(0)?.systemAttrs, { k: [1] });
  view.setStudySystemAttr("s", { v: 1 });
  assert.ok(Object.isFrozen(view.systemAttrs));
  assert.deepEqual(view.getTrials({ states: ["complete"] }).map((t) => t.number), [0, 1]);
});
