/**
 * The incremental trial index against a from-scratch reading of the same trials, over random
 * histories of a study (trials created, finished in every state, their attributes rewritten), and
 * across a switch to another study's trials and to a shorter (hidden-last) prefix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Distribution } from "../../core/distributions.js";
import type { FrozenTrial, TrialState } from "../../core/frozen-trial.js";
import { Random } from "../../core/rng.js";
import { makeFrozenTrial } from "../../testing/static-study-view.js";
import { intersectionSearchSpace } from "../intersection.js";
import { TrialIndex } from "./trial-index.js";

const GEN = "cmaes:generation";
const SPACES: readonly Record<string, Distribution>[] = [
  { a: { kind: "float", low: 0, high: 1 }, b: { kind: "int", low: 1, high: 5 }, c: { kind: "float", low: 1e-3, high: 1, log: true } },
  { a: { kind: "float", low: 0, high: 1 }, b: { kind: "int", low: 1, high: 5 } },
  { a: { kind: "float", low: 0, high: 2 }, b: { kind: "int", low: 1, high: 5 }, c: { kind: "float", low: 1e-3, high: 1, log: true } },
];

function trial(number: number, state: TrialState, space: Record<string, Distribution>, gen: number | undefined): FrozenTrial {
  return makeFrozenTrial({
    number,
    state,
    // A fresh copy, as the storage hands out a new frozen object whenever a trial changes.
    distributions: { ...space },
    internalParams: Object.fromEntries(Object.keys(space).map((k) => [k, 0])),
    systemAttrs: gen === undefined ? {} : { [GEN]: gen },
    ...(state === "complete" ? { values: [number] } : {}),
  });
}

/** A random study history: every step returns a new array that shares the unchanged trial objects. */
function* history(seed: number, steps: number): Generator<readonly FrozenTrial[]> {
  const rng = new Random(seed);
  let trials: FrozenTrial[] = [];
  const spaceOf = new Map<number, Record<string, Distribution>>();
  for (let s = 0; s < steps; s++) {
    trials = [...trials];
    const r = rng.next();
    const running = trials.filter((t) => t.state === "running");
    if (r < 0.4 || running.length === 0) {
      const space = SPACES[rng.next() < 0.9 ? 0 : rng.int(SPACES.length)] as Record<string, Distribution>;
      spaceOf.set(trials.length, space);
      trials.push(trial(trials.length, "running", space, rng.next() < 0.8 ? rng.int(4) : undefined));
    } else if (r < 0.85) {
      const t = running[rng.int(running.length)] as FrozenTrial;
      const u = rng.next();
      const state: TrialState = u < 0.7 ? "complete" : u < 0.85 ? "pruned" : "fail";
      trials[t.number] = trial(t.number, state, spaceOf.get(t.number) as Record<string, Distribution>, t.systemAttrs[GEN] as number | undefined);
    } else {
      // A finished trial's attributes rewritten: a new object with the same state and space.
      const done = trials.filter((t) => t.state !== "running");
      if (done.length === 0) continue;
      const t = done[rng.int(done.length)] as FrozenTrial;
      trials[t.number] = trial(t.number, t.state, spaceOf.get(t.number) as Record<string, Distribution>, rng.int(4));
    }
    yield trials;
  }
}

function assertMatches(index: TrialIndex, trials: readonly FrozenTrial[], includePruned: boolean, where: string): void {
  const counts = (t: FrozenTrial): boolean => t.state === "complete" || (includePruned && t.state === "pruned");
  assert.equal(index.counted, trials.filter(counts).length, `${where}: counted`);
  const expected = intersectionSearchSpace(trials, { includePruned });
  assert.deepEqual(index.intersection, expected, `${where}: intersection`);
  assert.deepEqual(Object.keys(index.intersection), Object.keys(expected), `${where}: intersection order`);
  for (let g = 0; g < 4; g++) {
    const want = trials.filter((t) => counts(t) && t.systemAttrs[GEN] === g).map((t) => t.number);
    assert.deepEqual(
      index.generation(g).map((t) => t.number),
      want,
      `${where}: generation ${g}`,
    );
    assert.equal(index.generationSize(g), want.length);
  }
}

test("the incremental index equals a from-scratch reading after every change of random histories", () => {
  for (const includePruned of [false, true]) {
    for (let seed = 0; seed < 20; seed++) {
      const index = new TrialIndex((t) => t.state === "complete" || (includePruned && t.state === "pruned"), GEN);
      let step = 0;
      for (const trials of history(seed, 120)) {
        index.update(trials);
        assertMatches(index, trials, includePruned, `seed ${seed} step ${step++}`);
      }
    }
  }
});

test("the index starts afresh on another study's trials and on a shorter prefix", () => {
  const counts = (t: FrozenTrial): boolean => t.state === "complete";
  const index = new TrialIndex(counts, GEN);
  const a = [...history(1, 80)].at(-1) as readonly FrozenTrial[];
  const b = [...history(2, 80)].at(-1) as readonly FrozenTrial[];
  for (const [trials, where] of [
    [a, "study A"],
    [a.slice(0, 10), "prefix of A"],
    [a, "A again"],
    [b, "study B"],
    [a, "A after B"],
  ] as const) {
    index.update(trials);
    assertMatches(index, trials, false, where);
  }
});

test("an unchanged intersection is the same object, so per-space caches keep hitting", () => {
  const index = new TrialIndex((t) => t.state === "complete", GEN);
  const space = SPACES[0] as Record<string, Distribution>;
  const trials = [trial(0, "complete", space, 0)];
  index.update(trials);
  const first = index.intersection;
  index.update([...trials, trial(1, "complete", space, 0)]);
  assert.equal(index.intersection, first);
  index.update([...trials, trial(1, "complete", space, 0), trial(2, "complete", SPACES[1] as Record<string, Distribution>, 0)]);
  assert.deepEqual(Object.keys(index.intersection), ["a", "b"]);
});
