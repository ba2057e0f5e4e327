import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { containsInternal, type Distribution } from "../../core/distributions.js";
import { Random } from "../../core/rng.js";
import { CROSSOVER_KINDS, crossover, crossoverParents, insideUnitCube, type CrossoverSettings } from "./crossover.js";
import { fromUnit, toUnit, type NumericDistribution } from "./unit-space.js";

const settings: CrossoverSettings = { swappingProb: 0.5, blxAlpha: 0.5, sbxEta: 20, spxEpsilon: 2, undxSigmaXi: 0.5, undxSigmaEta: undefined };
const parents = [new Float64Array([0.1, 0.9, 0.5, 0.0]), new Float64Array([0.3, 0.6, 0.5, 1.0]), new Float64Array([0.7, 0.2, 0.4, 0.5])];

function children(kind: (typeof CROSSOVER_KINDS)[number], seed: number, n: number): Float64Array[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => crossover(kind, parents.slice(0, crossoverParents(kind)), rng, settings));
}

const mean = (xs: readonly Float64Array[], i: number): number => xs.reduce((s, x) => s + (x[i] as number), 0) / xs.length;

describe("crossover operators", () => {
  for (const kind of CROSSOVER_KINDS) {
    test(`${kind}: seeded (same seed, same children; another seed, other children)`, () => {
      assert.deepEqual(children(kind, 5, 20), children(kind, 5, 20));
      assert.notDeepEqual(children(kind, 5, 20), children(kind, 6, 20));
    });
  }

  test("uniform: every coordinate is one of the parents', each parent about half the time", () => {
    const kids = children("uniform", 1, 2000);
    let fromSecond = 0;
    for (const c of kids) {
      for (let i = 0; i < 4; i++) {
        assert.ok(c[i] === parents[0]![i] || c[i] === parents[1]![i]);
        if (c[i] !== parents[0]![i]) fromSecond++;
      }
    }
    // Coordinates 0, 1 and 3 differ between the parents: 3 × 2000 draws, half from the second.
    assert.ok(Math.abs(fromSecond / 6000 - 0.5) < 0.03, `${fromSecond / 6000}`);
  });

  test("SBX: children always inside [0, 1] (the law is cut at the bounds), centred on the parents", () => {
    const kids = children("sbx", 2, 4000);
    for (const c of kids) assert.ok(insideUnitCube(c), `outside: ${[...c]}`);
    assert.ok(Math.abs(mean(kids, 0) - 0.2) < 0.01, `mean ${mean(kids, 0)}`);
    assert.ok(Math.abs(mean(kids, 1) - 0.75) < 0.01, `mean ${mean(kids, 1)}`);
    // Equal parents: the coordinate is copied.
    for (const c of kids) assert.equal(c[2], 0.5);
    // Parents at both bounds: children still inside.
    const rng = new Random(3);
    for (let k = 0; k < 2000; k++) {
      const c = crossover("sbx", [new Float64Array([0, 1e-9]), new Float64Array([1, 1])], rng, { ...settings, sbxEta: 0.5 });
      assert.ok(insideUnitCube(c), `outside: ${[...c]}`);
    }
  });

  test("BLX-α: uniform on the parents' interval widened by α of its length on each side", () => {
    const kids = children("blx-alpha", 4, 4000);
    const lo = Math.min(...kids.map((c) => c[0] as number));
    const hi = Math.max(...kids.map((c) => c[0] as number));
    assert.ok(lo >= 0.0 - 1e-12 && lo < 0.01, `lo ${lo}`);
    assert.ok(hi <= 0.4 + 1e-12 && hi > 0.39, `hi ${hi}`);
    assert.ok(Math.abs(mean(kids, 0) - 0.2) < 0.01);
  });

  test("SPX: children inside the ε-expanded simplex of the parents, centred on their centroid", () => {
    const kids = children("spx", 5, 4000);
    const g = [0, 1, 2, 3].map((i) => parents.reduce((s, p) => s + (p[i] as number), 0) / 3);
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(mean(kids, i) - (g[i] as number)) < 0.02, `coordinate ${i}: ${mean(kids, i)} vs ${g[i]}`);
    // Every child is an affine combination of the expanded vertices with non-negative weights: check
    // it stays within their bounding box.
    const ys = parents.map((p) => [...p].map((x, i) => (g[i] as number) + 2 * (x - (g[i] as number))));
    for (const c of kids) {
      for (let i = 0; i < 4; i++) {
        const vs = ys.map((y) => y[i] as number);
        assert.ok((c[i] as number) >= Math.min(...vs) - 1e-9 && (c[i] as number) <= Math.max(...vs) + 1e-9);
      }
    }
  });

  test("UNDX: centred on the primary parents' midpoint, spread σξ·|d| along their line", () => {
    const kids = children("undx", 6, 6000);
    const mid = [0, 1, 2, 3].map((i) => 0.5 * ((parents[0]![i] as number) + (parents[1]![i] as number)));
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(mean(kids, i) - (mid[i] as number)) < 0.02, `coordinate ${i}`);
    const d = [0, 1, 2, 3].map((i) => (parents[1]![i] as number) - (parents[0]![i] as number));
    const dn = Math.hypot(...d);
    // The component along d has standard deviation σξ |d|.
    const along = kids.map((c) => c.reduce((s, x, i) => s + (x - (mid[i] as number)) * ((d[i] as number) / dn), 0));
    const sd = Math.sqrt(along.reduce((s, a) => s + a * a, 0) / along.length);
    assert.ok(Math.abs(sd - 0.5 * dn) < 0.05 * dn, `sd along the line ${sd}, expected ${0.5 * dn}`);
  });
});

describe("unit space", () => {
  const dists: NumericDistribution[] = [
    { kind: "float", low: -10.2, high: 10.5 },
    { kind: "float", low: 1e-5, high: 1, log: true },
    { kind: "float", low: 0, high: 1, step: 0.1 },
    { kind: "int", low: -5, high: 20 },
    { kind: "int", low: 1, high: 1000, log: true },
    { kind: "int", low: 0, high: 30, step: 3 },
  ];
  test("round trips, maps the ends inside [0, 1] and snaps any real to a valid value", () => {
    for (const d of dists) {
      for (const x of [d.low, d.high, d.kind === "int" ? Math.round((d.low + d.high) / 2 / (d.step ?? 1)) * (d.step ?? 1) : (d.low + d.high) / 2]) {
        const u = toUnit(d, x);
        assert.ok(u >= 0 && u <= 1);
        assert.ok(Math.abs(fromUnit(d, u) - x) <= 1e-9 * Math.max(1, Math.abs(x)), `${JSON.stringify(d)}: ${x} → ${u} → ${fromUnit(d, u)}`);
      }
      for (const u of [-3, -0.01, 0, 0.37, 0.999, 1, 7, NaN]) assert.ok(containsInternal(d as Distribution, fromUnit(d, u)), `${JSON.stringify(d)} at ${u}`);
    }
  });

  test("log dimensions are crossed in log space", () => {
    const d: NumericDistribution = { kind: "float", low: 1e-4, high: 1, log: true };
    assert.ok(Math.abs(toUnit(d, 1e-2) - 0.5) < 1e-12);
    assert.ok(Math.abs(fromUnit(d, 0.25) - 1e-3) < 1e-15);
  });
});
