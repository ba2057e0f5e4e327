import assert from "node:assert/strict";
import { test } from "node:test";
import type { Distribution } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import { Random } from "../core/rng.js";
import { SimulatedStudyView, simulateStudy } from "../testing/simulate.js";
import { makeFrozenTrial } from "../testing/static-study-view.js";
import { HaltonSequence, QMCSampler, SobolSequence } from "./qmc.js";
import { uniformToInternal } from "./random.js";

const points = (seq: { point(i: number, d: number): number[] }, n: number, d: number): number[][] =>
  Array.from({ length: n }, (_, i) => seq.point(i, d));

/** Warnock's closed form of the L2-star discrepancy. */
function l2StarDiscrepancy(xs: readonly (readonly number[])[]): number {
  const n = xs.length;
  const d = (xs[0] as readonly number[]).length;
  let a = 0;
  for (const x of xs) a += x.reduce((p, v) => p * (1 - v * v), 1);
  let b = 0;
  for (const x of xs) for (const y of xs) b += x.reduce((p, v, k) => p * (1 - Math.max(v, y[k] as number)), 1);
  return Math.sqrt(3 ** -d - (2 ** (1 - d) / n) * a + b / (n * n));
}

test("unscrambled Sobol points equal SciPy's (Joe–Kuo D6 direction numbers, Gray-code order)", () => {
  const s = new SobolSequence({ scramble: false });
  assert.deepEqual(points(s, 8, 6), [
    [0, 0, 0, 0, 0, 0],
    [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    [0.75, 0.25, 0.25, 0.25, 0.75, 0.75],
    [0.25, 0.75, 0.75, 0.75, 0.25, 0.25],
    [0.375, 0.375, 0.625, 0.875, 0.375, 0.125],
    [0.875, 0.875, 0.125, 0.375, 0.875, 0.625],
    [0.625, 0.125, 0.875, 0.625, 0.625, 0.875],
    [0.125, 0.625, 0.375, 0.125, 0.125, 0.375],
  ]);
  // scipy.stats.qmc.Sobol(d=1024, scramble=False, bits=32), rows 1000 and 2**21 + 12345.
  const p = s.point(1000, 1024);
  assert.deepEqual([0, 1, 63, 64, 500, 1023].map((j) => p[j]), [0.2197265625, 0.0966796875, 0.4462890625, 0.1298828125, 0.7255859375, 0.7138671875]);
  const q = s.point(2 ** 21 + 12345, 1024);
  assert.deepEqual(
    [0, 1, 7, 63, 64, 333, 1023].map((j) => q[j]),
    [0.6409308910369873, 0.5790445804595947, 0.2100226879119873, 0.15468096733093262, 0.7877638339996338, 0.01873469352722168, 0.9180781841278076],
  );
  // Checksums Σ_j (j + 1)·x_j over all 1024 dimensions (exact: the points are dyadic), from SciPy.
  const checksum = (i: number): number => s.point(i, 1024).reduce((acc, x, j) => acc + (j + 1) * x, 0);
  assert.deepEqual([1, 2, 3, 5, 100, 1023, 2047, 4095].map(checksum), [262400, 262247, 262553, 261223.25, 258977.390625, 265298.59375, 261834.076171875, 271808.05078125]);
});

test("unscrambled Halton points equal SciPy's", () => {
  const h = points(new HaltonSequence({ scramble: false }), 6, 5);
  const expected = [
    [0, 0, 0, 0, 0],
    [0.5, 1 / 3, 0.2, 1 / 7, 1 / 11],
    [0.25, 2 / 3, 0.4, 2 / 7, 2 / 11],
    [0.75, 1 / 9, 0.6, 3 / 7, 3 / 11],
    [0.125, 4 / 9, 0.8, 4 / 7, 4 / 11],
    [0.625, 7 / 9, 0.04, 5 / 7, 5 / 11],
  ];
  h.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (expected[i]?.[j] as number)) < 1e-15, `point ${i} coordinate ${j}: ${v}`)));
});

test("the first 2^m Sobol points in 2D form a (0, m, 2)-net, scrambled or not", () => {
  const m = 8;
  const n = 2 ** m;
  for (const seq of [new SobolSequence({ scramble: false }), new SobolSequence({ seed: 0 }), new SobolSequence({ seed: 1 }), new SobolSequence({ seed: 2 })]) {
    const xs = points(seq, n, 2);
    // Every elementary interval of volume 2^-m, [a/2^i, (a+1)/2^i) × [b/2^(m−i), (b+1)/2^(m−i)), holds exactly one point.
    for (let i = 0; i <= m; i++) {
      const counts = new Map<number, number>();
      for (const [x, y] of xs as [number, number][]) {
        const cell = Math.floor(x * 2 ** i) * 2 ** (m - i) + Math.floor(y * 2 ** (m - i));
        counts.set(cell, (counts.get(cell) ?? 0) + 1);
      }
      assert.equal(counts.size, n, `scramble=${seq.scramble} seed=${seq.seed}: split ${i}/${m - i} leaves an interval empty`);
    }
  }
});

test("every one of the 1024 Sobol dimensions is stratified: 2^m points, one per interval of width 2^-m", () => {
  const m = 7;
  for (const seq of [new SobolSequence({ scramble: false }), new SobolSequence({ seed: 9 })]) {
    const xs = points(seq, 2 ** m, 1024);
    for (let j = 0; j < 1024; j++) {
      const cells = new Set(xs.map((x) => Math.floor((x[j] as number) * 2 ** m)));
      assert.equal(cells.size, 2 ** m, `dimension ${j} (scramble=${seq.scramble})`);
    }
  }
});

test("discrete dimensions are balanced over a net: 16 points give each of 4 choices 4 times", () => {
  const cat: Distribution = { kind: "categorical", choices: ["a", "b", "c", "d"] };
  const int: Distribution = { kind: "int", low: 0, high: 7 };
  for (const seq of [new SobolSequence({ scramble: false }), new SobolSequence({ seed: 4 })]) {
    const xs = points(seq, 16, 2);
    const c = [0, 0, 0, 0];
    const k = Array.from({ length: 8 }, () => 0);
    for (const [u, v] of xs as [number, number][]) {
      c[uniformToInternal(cat, u)]! += 1;
      k[uniformToInternal(int, v)]! += 1;
    }
    assert.deepEqual(c, [4, 4, 4, 4]);
    assert.deepEqual(k, Array.from({ length: 8 }, () => 2));
  }
});

test("scrambled points are more uniform than random points (L2-star discrepancy, several seeds)", () => {
  const n = 256;
  const d = 4;
  for (let seed = 0; seed < 5; seed++) {
    const rng = new Random(seed);
    const random = l2StarDiscrepancy(Array.from({ length: n }, () => Array.from({ length: d }, () => rng.next())));
    const sobol = l2StarDiscrepancy(points(new SobolSequence({ seed }), n, d));
    const halton = l2StarDiscrepancy(points(new HaltonSequence({ seed }), n, d));
    assert.ok(sobol < random / 2, `seed ${seed}: Sobol ${sobol} vs random ${random}`);
    assert.ok(halton < random, `seed ${seed}: Halton ${halton} vs random ${random}`);
  }
});

test("the same seed gives the same points, another seed other points; scrambled points lie in [0, 1)", () => {
  for (const make of [(seed: number) => new SobolSequence({ seed }), (seed: number) => new HaltonSequence({ seed })]) {
    assert.deepEqual(points(make(3), 32, 5), points(make(3), 32, 5));
    assert.notDeepEqual(points(make(3), 32, 5), points(make(4), 32, 5));
    // A dimension scrambles the same whatever the number of dimensions asked for.
    assert.deepEqual(make(3).point(17, 2), make(3).point(17, 9).slice(0, 2));
    for (const x of points(make(5), 200, 8).flat()) assert.ok(x >= 0 && x < 1, String(x));
  }
  assert.deepEqual(points(new SobolSequence({ scramble: false, seed: 1 }), 8, 3), points(new SobolSequence({ scramble: false, seed: 2 }), 8, 3));
});

test("bad indices and dimensions are rejected", () => {
  const s = new SobolSequence();
  assert.throws(() => s.point(-1, 2), OuroborosError);
  assert.throws(() => s.point(1.5, 2), OuroborosError);
  assert.throws(() => s.point(0, 1025), (e) => e instanceof OuroborosError && /1024/.test(e.message));
});

const space: Record<string, Distribution> = {
  x: { kind: "float", low: -1, high: 1 },
  lr: { kind: "float", low: 1e-5, high: 1, log: true },
  n: { kind: "int", low: 1, high: 8 },
  opt: { kind: "categorical", choices: ["adam", "sgd"] },
  fixed: { kind: "float", low: 2, high: 2 },
};

test("QMCSampler: the first trial is independent, then trial n takes point n over the first trial's space", () => {
  const sampler = new QMCSampler({ seed: 3 });
  const view = new SimulatedStudyView([]);
  view.put(makeFrozenTrial({ number: 0, state: "running" }));
  assert.deepEqual(sampler.inferRelativeSearchSpace(view, view.trial(0)!), {});
  const { trials, samples } = simulateStudy(sampler, () => 0, 12, space);
  assert.deepEqual(samples[0]?.relative, {});
  const inferred = samples[5]?.relativeSpace ?? {};
  assert.deepEqual(Object.keys(inferred), ["lr", "n", "opt", "x"], "name order, single-value dimension left out, categorical kept");
  const seq = new SobolSequence({ seed: 3 });
  for (const t of trials.slice(1)) {
    const u = seq.point(t.number, 4);
    assert.deepEqual(
      t.internalParams,
      { fixed: 2, lr: uniformToInternal(space.lr!, u[0]!), n: uniformToInternal(space.n!, u[1]!), opt: uniformToInternal(space.opt!, u[2]!), x: uniformToInternal(space.x!, u[3]!) },
      `trial ${t.number}`,
    );
  }
});

test("QMCSampler: the space comes from the lowest-numbered complete or pruned trial; other params are random", () => {
  const sampler = new QMCSampler({ seed: 1 });
  const trials = [
    makeFrozenTrial({ number: 0, state: "fail", internalParams: { a: 0.5 }, distributions: { a: space.x! } }),
    makeFrozenTrial({ number: 1, state: "running", internalParams: { b: 0.5 }, distributions: { b: space.x! } }),
    makeFrozenTrial({ number: 2, state: "pruned", internalParams: { c: 0.5 }, distributions: { c: space.x! } }),
    makeFrozenTrial({ number: 3, value: 1, internalParams: { d: 0.5 }, distributions: { d: space.x! } }),
    makeFrozenTrial({ number: 4, state: "running" }),
  ];
  const view = new SimulatedStudyView(trials);
  assert.deepEqual(Object.keys(sampler.inferRelativeSearchSpace(view, view.trial(4)!)), ["c"]);
  const x = sampler.sampleIndependent(view, view.trial(4)!, "d", space.x!);
  assert.ok(x >= -1 && x <= 1);
});

test("QMCSampler: parallel trials get distinct points whatever else they see", () => {
  const sampler = new QMCSampler({ seed: 2 });
  const history = simulateStudy(new QMCSampler({ seed: 2 }), () => 0, 1, { x: space.x! }).trials;
  const seen = new Set<number>();
  for (let n = 1; n <= 64; n++) {
    const view = new SimulatedStudyView(history);
    view.put(makeFrozenTrial({ number: n, state: "running" }));
    const s = sampler.inferRelativeSearchSpace(view, view.trial(n)!);
    seen.add(sampler.sampleRelative(view, view.trial(n)!, s).x!);
  }
  assert.equal(seen.size, 64);
});

test("QMCSampler: beyond 1024 Sobol dimensions the remaining names fall back to independent sampling", () => {
  const sampler = new QMCSampler({ seed: 0 });
  const big: Record<string, Distribution> = {};
  for (let i = 0; i < 1030; i++) big[`p${String(i).padStart(4, "0")}`] = { kind: "float", low: 0, high: 1 };
  const out = sampler.sampleRelative(new SimulatedStudyView([]), makeFrozenTrial({ number: 5 }), big);
  assert.equal(Object.keys(out).length, 1024);
  const halton = new QMCSampler({ seed: 0, qmcType: "halton" }).sampleRelative(new SimulatedStudyView([]), makeFrozenTrial({ number: 5 }), big);
  assert.equal(Object.keys(halton).length, 1030);
});

test("QMCSampler: options are checked and exposed in params", () => {
  assert.deepEqual(new QMCSampler({ seed: 4 }).params, { qmcType: "sobol", scramble: true, seed: 4 });
  assert.deepEqual(new QMCSampler({ seed: 4, qmcType: "halton", scramble: false }).params, { qmcType: "halton", scramble: false, seed: 4 });
  assert.equal(typeof new QMCSampler().params.seed, "number");
  assert.throws(() => new QMCSampler({ qmcType: "lattice" as "sobol" }), (e) => e instanceof OuroborosError && /qmcType/.test(e.message));
  assert.throws(() => new QMCSampler({ scramble: 1 as unknown as boolean }), OuroborosError);
});
