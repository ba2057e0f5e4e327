import assert from "node:assert/strict";
import { test } from "node:test";
import type { Distribution } from "../core/distributions.js";
import type { FrozenTrial, TrialState } from "../core/frozen-trial.js";
import { makeFrozenTrial } from "../testing/static-study-view.js";
import { groupDecomposedSearchSpace, intersectionSearchSpace } from "./intersection.js";

const A: Distribution = { kind: "float", low: 0, high: 1 };
const B: Distribution = { kind: "int", low: 1, high: 5 };
const C: Distribution = { kind: "categorical", choices: ["x", "y"] };
const A2: Distribution = { kind: "float", low: 0, high: 2 };

function trial(number: number, state: TrialState, dists: Record<string, Distribution>): FrozenTrial {
  const internalParams = Object.fromEntries(Object.keys(dists).map((k) => [k, 0]));
  return makeFrozenTrial({ number, state, distributions: dists, internalParams, ...(state === "complete" ? { values: [0] } : {}) });
}

test("intersection: parameters with equal distributions in every complete trial, in name order", () => {
  const trials = [
    trial(0, "complete", { c: C, a: A, b: B }),
    trial(1, "complete", { b: B, a: A, c: C }),
    trial(2, "running", { a: A }),
    trial(3, "fail", {}),
    trial(4, "pruned", { a: A }),
  ];
  assert.deepEqual(Object.keys(intersectionSearchSpace(trials)), ["a", "b", "c"]);
  assert.deepEqual(intersectionSearchSpace(trials), { a: A, b: B, c: C });
  assert.deepEqual(intersectionSearchSpace(trials, { includePruned: true }), { a: A });
  assert.deepEqual(intersectionSearchSpace([trial(0, "complete", { a: A, b: B }), trial(1, "complete", { a: A2, b: B })]), { b: B });
  assert.deepEqual(intersectionSearchSpace([trial(0, "running", { a: A })]), {});
  assert.deepEqual(intersectionSearchSpace([]), {});
});

test("intersection: cached by array identity, and updated when the array or its trials change", () => {
  const trials: FrozenTrial[] = [trial(0, "complete", { a: A, b: B })];
  const first = intersectionSearchSpace(trials);
  assert.equal(intersectionSearchSpace(trials), first, "same array, same result object");
  assert.ok(Object.isFrozen(first));
  trials.push(trial(1, "running", { a: A }));
  assert.deepEqual(intersectionSearchSpace(trials), { a: A, b: B });
  trials[1] = trial(1, "complete", { a: A });
  assert.deepEqual(intersectionSearchSpace(trials), { a: A });
  trials.length = 0;
  assert.deepEqual(intersectionSearchSpace(trials), {});
});

test("intersection: correct on a long study (the incremental path)", () => {
  const trials: FrozenTrial[] = [];
  const dists: Record<string, Distribution> = {};
  for (let k = 0; k < 30; k++) dists[`p${k}`] = A;
  for (let n = 0; n < 3000; n++) {
    trials.push(trial(n, "complete", dists));
    intersectionSearchSpace(trials);
  }
  assert.equal(Object.keys(intersectionSearchSpace(trials)).length, 30);
});

test("group decomposition: parameters that always appear together form a group", () => {
  const trials = [
    trial(0, "complete", { model: C, "linear.alpha": A, "linear.l1": A }),
    trial(1, "complete", { model: C, "tree.depth": B }),
    trial(2, "complete", { model: C, "tree.depth": B, "tree.leaf": B }),
    trial(3, "running", { model: C, other: A }),
    trial(4, "pruned", { model: C, "linear.alpha": A }),
  ];
  const groups = groupDecomposedSearchSpace(trials);
  assert.deepEqual(
    groups.map((g) => Object.keys(g)),
    [["model"], ["linear.alpha", "linear.l1"], ["tree.depth"], ["tree.leaf"]],
  );
  assert.deepEqual(groups[0], { model: C });
  const withPruned = groupDecomposedSearchSpace(trials, { includePruned: true }).map((g) => Object.keys(g));
  assert.deepEqual(withPruned, [["model"], ["linear.alpha"], ["linear.l1"], ["tree.depth"], ["tree.leaf"]]);
  // A parameter seen with two distributions can only be sampled independently.
  const conflicting = groupDecomposedSearchSpace([trial(0, "complete", { a: A, b: B }), trial(1, "complete", { a: A2, b: B })]);
  assert.deepEqual(conflicting, [{ b: B }]);
});

test("intersection: a study's next array reuses the work done for the previous one, and other studies stay apart", () => {
  const t0 = trial(0, "complete", { a: A, b: B, c: C });
  const first = [t0, trial(1, "running", { a: A })];
  assert.deepEqual(intersectionSearchSpace(first), { a: A, b: B, c: C });
  const second = [t0, trial(1, "complete", { a: A, b: B })];
  assert.deepEqual(intersectionSearchSpace(second), { a: A, b: B });
  // Another study in between, then the first study again with an attribute set on a complete trial.
  assert.deepEqual(intersectionSearchSpace([trial(0, "complete", { c: C })]), { c: C });
  const third = [{ ...t0, systemAttrs: { constraints: [0] } }, second[1]!, trial(2, "complete", { a: A, c: C })];
  assert.deepEqual(intersectionSearchSpace(third), { a: A });
  assert.deepEqual(intersectionSearchSpace([trial(0, "complete", { b: B, c: C })]), { b: B, c: C });
  assert.deepEqual(groupDecomposedSearchSpace(second), [{ a: A, b: B }, { c: C }]);
  assert.deepEqual(groupDecomposedSearchSpace([trial(0, "complete", { c: C })]), [{ c: C }]);
});

// Speed is the overhead benchmark's business (bench/overhead.ts); this checks the incremental path
// stays correct over a long live-study-like sequence of new arrays.
test("intersection: correct when every change makes a new array (as a live study does)", () => {
  const dists: Record<string, Distribution> = {};
  for (let k = 0; k < 30; k++) dists[`p${k}`] = A;
  let trials: readonly FrozenTrial[] = [];
  for (let n = 0; n < 3000; n++) {
    trials = [...trials, trial(n, "running", dists)];
    intersectionSearchSpace(trials);
    groupDecomposedSearchSpace(trials);
    trials = [...trials.slice(0, n), trial(n, "complete", dists)];
    intersectionSearchSpace(trials);
    groupDecomposedSearchSpace(trials);
  }
  assert.equal(Object.keys(intersectionSearchSpace(trials)).length, 30);
  assert.deepEqual(groupDecomposedSearchSpace(trials), [dists]);
});
