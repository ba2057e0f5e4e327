/**
 * Tests of the samplers benchmark's statistics, resource accounting and verdicts (no Python, no
 * sampler runs: hand-made results), and of the new problems' known values.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateFidelity, evaluateMulti, mfProblem, moProblem, PROBLEMS } from "../problems.js";
import { higherVerdict, lowerVerdict, portfolioSection, type JobResult, type Lookup } from "./report.js";
import { RandomSampler } from "../../src/samplers/random.js";
import { bestWithinResource, hypervolumeAt, runFidelity, summariseTimes, type SingleRun } from "./runs.js";
import { cellOf, medianCI } from "./stats.js";

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

describe("medianCI", () => {
  it("gives the order statistics x(6) and x(15) for 20 values at 95%", () => {
    const xs = range(20, (i) => 20 - i); // unsorted on purpose
    assert.deepEqual(medianCI(xs), [6, 15]);
  });
  it("falls back to the full range when there are too few values for 95%", () => {
    assert.deepEqual(medianCI([3, 1, 2]), [1, 3]);
  });
  it("gives x(2) and x(9) for 10 values (coverage 97.9%)", () => {
    assert.deepEqual(medianCI(range(10, (i) => i + 1)), [2, 9]);
  });
});

describe("bestWithinResource", () => {
  it("counts only trials that finished at full fidelity within each budget", () => {
    const events = [
      { resource: 27, final: 5 },
      { resource: 30, final: undefined },
      { resource: 60, final: 2 },
      { resource: 80, final: 7 },
      { resource: 135, final: 1 },
    ];
    assert.deepEqual(bestWithinResource(events, 27, [1, 2, 3, 5]), { "1": 5, "2": 5, "3": 2, "5": 1 });
  });
  it("is Infinity before any trial finished", () => {
    assert.deepEqual(bestWithinResource([{ resource: 9, final: undefined }], 27, [1]), { "1": Infinity });
  });
});

describe("runFidelity", () => {
  const factory = (seed: number): RandomSampler => new RandomSampler({ seed });
  it("without pruning spends maxResource steps per trial", async () => {
    const [run] = await runFidelity("hartmann6_mf", { factory, hyperband: false }, [1], [2, 4]);
    assert.equal(run?.trials, 4);
    assert.equal(run?.completed, 4);
    assert.ok((run?.bestAt["4"] as number) <= (run?.bestAt["2"] as number));
  });
  it("under Hyperband prunes some trials, so more of them fit in the same resource, and is seeded", async () => {
    const a = await runFidelity("hartmann6_mf", { factory, hyperband: true }, [1], [6]);
    const b = await runFidelity("hartmann6_mf", { factory, hyperband: true }, [1], [6]);
    assert.ok((a[0]?.trials ?? 0) > 6, `trials ${a[0]?.trials}`);
    assert.ok((a[0]?.completed ?? 99) < (a[0]?.trials ?? 0));
    assert.deepEqual(a[0]?.bestAt, b[0]?.bestAt);
  });
});

describe("summariseTimes", () => {
  it("averages the whole run and the 10 trials ending at each checkpoint", () => {
    const cpu = range(20, (i) => i + 1);
    const t = summariseTimes(cpu, cpu, [10, 20, 30]);
    assert.equal(t.cpuMsMean, 10.5);
    assert.deepEqual(t.cpuMsAt, { "10": 5.5, "20": 15.5 });
  });
});

describe("hypervolumeAt", () => {
  it("scores the first k points against the reference", () => {
    const hv = hypervolumeAt([[1, 1], [0.5, 1.5], [2, 0]], [3, 3], [1, 2, 3]);
    assert.equal(hv["1"], 4);
    assert.equal(hv["2"], 4 + 0.5 * 1.5);
    assert.equal(hv["3"], 4 + 0.75 + 1 * 1);
  });
});

describe("verdicts", () => {
  const low = cellOf(range(20, (i) => i / 100));
  const high = cellOf(range(20, (i) => 10 + i));
  const near = cellOf(range(20, (i) => i / 100 + 0.005));
  it("lower is better: ✓ at or below, ✗ when significantly above, ✗ (n.s.) otherwise", () => {
    assert.equal(lowerVerdict(low, high), "✓");
    assert.equal(lowerVerdict(high, low), "✗");
    assert.equal(lowerVerdict(near, low), "✗ (n.s.)");
    assert.equal(lowerVerdict(undefined, low), "");
  });
  it("higher is better for hypervolume", () => {
    assert.equal(higherVerdict(high, low), "✓");
    assert.equal(higherVerdict(low, high), "✗");
    assert.equal(higherVerdict(low, near), "✗ (n.s.)");
  });
});

describe("portfolioSection", () => {
  const run = (seed: number, best: number): SingleRun => ({ seed, bestAt: { "50": best }, cpuMsMean: 1, wallMsMean: 1, cpuMsAt: {} });
  const job = (sampler: string, values: readonly number[]): JobResult => ({ side: "ours", mode: "single", sampler, problem: "p", runs: values.map((v, i) => run(i, v)) });
  const lookup = (jobs: readonly JobResult[]): Lookup => (side, sampler) => jobs.find((j) => j.side === side && j.sampler === sampler);
  const problems = [{ name: "p", title: "P", optimum: 0 }];
  it("meets both targets when between the singles and not significantly worse than the best", () => {
    const get = lookup([job("portfolio", range(20, (i) => 1 + i / 100)), job("a", range(20, (i) => 1 + i / 90)), job("b", range(20, (i) => 5 + i))]);
    const s = portfolioSection(get, problems, [50], ["a", "b"]);
    assert.equal(s.rows, 1);
    assert.equal(s.met, 1);
  });
  it("misses when clearly worse than the best single", () => {
    const get = lookup([job("portfolio", range(20, (i) => 3 + i / 100)), job("a", range(20, (i) => i / 100)), job("b", range(20, (i) => 5 + i))]);
    const s = portfolioSection(get, problems, [50], ["a", "b"]);
    assert.equal(s.met, 0);
    assert.match(s.markdown, /✗ \(p <0\.001\)/);
  });
  it("says why when there are no portfolio runs", () => {
    const get = lookup([{ side: "ours", mode: "single", sampler: "portfolio", problem: "p", error: "not written yet" }]);
    assert.match(portfolioSection(get, problems, [50], ["a"]).markdown, /not written yet/);
  });
});

describe("new problems", () => {
  it("put the front points on the Pareto fronts", () => {
    for (const name of ["zdt1", "zdt2", "dtlz2"]) {
      const spec = moProblem(name);
      const v = evaluateMulti(name, spec.frontPoint);
      v.forEach((x, k) => assert.ok(Math.abs(x - (spec.frontValues[k] as number)) < 1e-12, `${name} objective ${k}: ${x}`));
    }
  });
  it("give Hartmann-6 at full fidelity and a biased value at low fidelity", () => {
    const spec = mfProblem("hartmann6_mf");
    assert.ok(Math.abs(evaluateFidelity("hartmann6_mf", spec.argmin, 27) - spec.optimum) < 1e-12);
    assert.ok(evaluateFidelity("hartmann6_mf", spec.argmin, 1) > spec.optimum + 0.5);
    assert.throws(() => evaluateFidelity("hartmann6_mf", spec.argmin, 28), /step must be an integer in \[1, 27\]/);
  });
  it("leave the single-objective problems as they were", () => {
    assert.equal(Object.keys(PROBLEMS).length, 9);
    assert.equal(PROBLEMS["zdt1"], undefined);
  });
});
