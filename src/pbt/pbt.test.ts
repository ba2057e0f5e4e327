/**
 * Population Based Training through its public API: on a toy problem whose best learning rate
 * shrinks as training goes on, PBT beats a random search with the same compute and learns a
 * decaying schedule; exploit (truncation) and explore (perturb, resample) do what the paper says;
 * runs are deterministic; every member's schedule replays from scratch to the same model (JSON
 * state or models kept by the step with checkpoint/restore); and a run recorded in a study yields
 * the same schedule from storage alone.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Distribution } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import { Random } from "../core/rng.js";
import { createStudy } from "../study/create-study.js";
import { intervalsFromTrials, perturbExplore, replaySchedule, runPBT, scheduleOf, truncationExploit, type PBTSchedule, type PBTStep } from "./index.js";

/**
 * Noisy SGD on a quadratic, tracked by its second moment m = E[w²]: one step gives
 * (1 − lr)² m + lr² σ² (σ = 1), times a small seeded jitter. The best rate for one step is
 * m / (m + 1), so it decays from ≈ 1 towards 1/t: no fixed rate is good for the whole run.
 */
type Model = { m: number };
const train: PBTStep<Model> = ({ params, state }, ctx) => {
  const lr = params.lr as number;
  const m0 = state?.m ?? 1e4;
  const jitter = 1 + 0.1 * (new Random(ctx.seed).next() - 0.5);
  const m = ((1 - lr) ** 2 * m0 + lr * lr) * jitter;
  return { score: -Math.log10(m), state: { m } };
};
const LR: Record<string, Distribution> = { lr: { kind: "float", low: 1e-4, high: 1, log: true } };
const base = { population: 10, hyperparameters: LR, step: train, totalSteps: 100, readyInterval: 5 } as const;

describe("runPBT on a problem whose best learning rate decays", () => {
  test("beats a random search with the same compute on every seed, and learns a decaying schedule", async () => {
    const ratios: number[] = [];
    let decayed = 0;
    for (let seed = 0; seed < 8; seed++) {
      const pbt = await runPBT({ ...base, seed });
      const random = await runPBT({ ...base, seed, exploit: "none" });
      // Same compute: 10 members × 100 steps each, and the same 10 initial learning rates.
      assert.equal(pbt.intervals.length, random.intervals.length);
      assert.deepEqual(random.intervals.slice(0, 10).map((iv) => iv.params), pbt.intervals.slice(0, 10).map((iv) => iv.params));
      ratios.push(10 ** -pbt.best.score / 10 ** -random.best.score);
      const segs = pbt.best.schedule.segments;
      if ((segs[segs.length - 1]?.params.lr as number) < 0.5 * (segs[0]?.params.lr as number)) decayed++;
    }
    assert.ok(ratios.every((r) => r < 1), `final loss PBT / random search per seed: ${ratios.map((r) => r.toFixed(2)).join(" ")}`);
    const sorted = [...ratios].sort((a, b) => a - b);
    assert.ok((sorted[3] as number) < 0.5, `median loss ratio ${sorted[3]}`);
    assert.ok(decayed >= 6, `the best schedule's learning rate decayed on ${decayed} of 8 seeds`);
  });

  test("is deterministic: the same seed gives the same run, another seed another", async () => {
    const a = await runPBT({ ...base, seed: 3, totalSteps: 40 });
    const b = await runPBT({ ...base, seed: 3, totalSteps: 40 });
    const c = await runPBT({ ...base, seed: 4, totalSteps: 40 });
    assert.deepEqual(b, a);
    assert.notDeepEqual(c.intervals, a.intervals);
  });
});

describe("schedules", () => {
  test("replaying any member's schedule from scratch gives its final score and state exactly", async () => {
    const result = await runPBT({ ...base, seed: 7, totalSteps: 60, readyInterval: 7 });
    assert.ok(result.intervals.some((iv) => iv.copiedFrom !== undefined), "no exploit happened");
    for (const member of result.members) {
      // A schedule is plain JSON: it survives being written to a file and read back.
      const schedule = JSON.parse(JSON.stringify(member.schedule)) as PBTSchedule;
      const again = await replaySchedule(schedule, train);
      assert.equal(again.score, member.score, `member ${member.id}`);
      assert.deepEqual(again.state, member.state);
    }
    const best = result.best.schedule;
    assert.equal(best.segments[0]?.start, 0);
    assert.equal(best.segments[best.segments.length - 1]?.end, 60);
    assert.ok(new Set(best.segments.map((s) => s.member)).size > 1, "the best model's lineage should pass through several members");
  });

  test("models kept by the step are handed over with checkpoint/restore, and replay the same way", async () => {
    const makeTrainer = (): { step: PBTStep<never>; models: Map<number, number>; checkpoint: (m: number) => unknown; restore: (m: number, c: unknown) => void } => {
      const models = new Map<number, number>();
      const step: PBTStep<never> = ({ id, params }, ctx) => {
        const m0 = models.get(id) ?? 1e4;
        const lr = params.lr as number;
        const m = ((1 - lr) ** 2 * m0 + lr * lr) * (1 + 0.1 * (new Random(ctx.seed).next() - 0.5));
        models.set(id, m);
        return -Math.log10(m);
      };
      return { step, models, checkpoint: (m) => models.get(m), restore: (m, c) => void models.set(m, c as number) };
    };
    const run = makeTrainer();
    const result = await runPBT({ ...base, seed: 2, totalSteps: 50, step: run.step, checkpoint: run.checkpoint, restore: run.restore });
    const json = await runPBT({ ...base, seed: 2, totalSteps: 50 });
    // The same algorithm whichever way the model travels.
    assert.deepEqual(result.intervals, json.intervals);
    const replay = makeTrainer();
    const again = await replaySchedule(result.best.schedule, replay.step, { checkpoint: replay.checkpoint, restore: replay.restore });
    assert.equal(again.score, result.best.score);
  });

  test("a step with neither state nor checkpoint/restore is refused at the first exploit", async () => {
    await assert.rejects(runPBT({ ...base, seed: 1, step: () => 1 }), (e) => e instanceof OuroborosError && /checkpoint and restore/.test(e.message));
  });

  test("a run recorded in a study: one trial per member-interval, and the schedule recovered from storage", async () => {
    const study = await createStudy({ direction: "maximize" });
    const result = await runPBT({ ...base, seed: 5, totalSteps: 23, readyInterval: 5, study });
    assert.equal(study.trials.length, 10 * 5, "5 rounds (the last one 3 steps) of 10 members");
    const t = study.trials[17];
    assert.equal(t?.userAttrs["pbt:member"], 7);
    assert.equal(t?.userAttrs["pbt:round"], 1);
    assert.deepEqual(Object.keys(t?.intermediateValues ?? {}).map(Number), [5, 6, 7, 8, 9]);
    const intervals = intervalsFromTrials(study.trials);
    assert.deepEqual(intervals, result.intervals);
    assert.deepEqual(scheduleOf(intervals, result.best.id, result.seed), result.best.schedule);
    assert.deepEqual(study.userAttrs["pbt:best"], JSON.parse(JSON.stringify(result.best.schedule)));
    const minimizing = await createStudy({ direction: "minimize" });
    await assert.rejects(runPBT({ ...base, seed: 5, totalSteps: 5, study: minimizing, direction: "maximize" }), OuroborosError);
  });
});

describe("exploit and explore", () => {
  test("truncation: the bottom 20% each copy a member of the top 20%; nobody else copies", () => {
    const losses = [5, 1, 9, 3, 7, 0, 8, 2, 6, 4];
    const seen = new Set<number>();
    for (let s = 0; s < 50; s++) {
      const donors = truncationExploit()(losses, new Random(s));
      for (let m = 0; m < 10; m++) {
        if (m === 2 || m === 6) {
          assert.ok(donors[m] === 5 || donors[m] === 1, `member ${m} copied ${donors[m]}`);
          seen.add(donors[m] as number);
        } else assert.equal(donors[m], undefined);
      }
    }
    assert.deepEqual([...seen].sort(), [1, 5]);
    assert.deepEqual(truncationExploit()([2, Number.NaN, 1], new Random(0)), [undefined, 2, undefined], "NaN ranks last; quantile of 1 for 3 members");
    assert.deepEqual(truncationExploit(0.5)([3, 2, 1, 0], new Random(0)).filter((d) => d !== undefined).length, 2);
    assert.throws(() => truncationExploit(0.6), OuroborosError);
  });

  test("in a run, the worst members (by direction) copy the best ones' state and perturbed hyperparameters", async () => {
    const space: Record<string, Distribution> = { a: { kind: "float", low: 0.01, high: 100, log: true }, k: { kind: "int", low: 1, high: 64 }, c: { kind: "categorical", choices: ["x", "y"] } };
    for (const direction of ["maximize", "minimize"] as const) {
      const seen: { id: number; step: number; state: number | undefined; params: Record<string, unknown> }[] = [];
      // The score is the member's id: members 8, 9 are best when maximizing, 0, 1 when minimizing.
      const step: PBTStep<number> = ({ id, params, state }, ctx) => {
        seen.push({ id, step: ctx.step, state, params: { ...params } });
        return { score: id, state: 1000 * id + ctx.step };
      };
      const result = await runPBT({ population: 10, hyperparameters: space, step, totalSteps: 4, readyInterval: 2, seed: 1, resampleProbability: 0, direction });
      const [worst, best] = direction === "maximize" ? [[0, 1], [8, 9]] : [[8, 9], [0, 1]];
      for (const iv of result.intervals.filter((x) => x.round === 1)) {
        if (!worst.includes(iv.member)) {
          assert.equal(iv.copiedFrom, undefined);
          continue;
        }
        const donor = iv.copiedFrom as number;
        assert.ok(best.includes(donor), `${direction}: member ${iv.member} copied ${donor}`);
        const first = seen.find((s) => s.id === iv.member && s.step === 2);
        assert.equal(first?.state, 1000 * donor + 1, "the recipient continues from the donor's model");
        const before = result.intervals.find((x) => x.round === 0 && x.member === donor)?.params as Record<string, number | string>;
        const ratio = (iv.params.a as number) / (before.a as number);
        assert.ok(Math.abs(ratio - 0.8) < 1e-9 || Math.abs(ratio - 1.2) < 1e-9, `a scaled by ${ratio}`);
        assert.notEqual(iv.params.k, before.k, "an int always moves");
        assert.equal(iv.params.c, before.c, "a categorical is only changed by a re-draw");
      }
    }
  });

  test("perturbExplore and resample: factors, bounds, grids and re-draws", () => {
    const space: Record<string, Distribution> = { x: { kind: "float", low: 0, high: 1 }, n: { kind: "int", low: 1, high: 10 }, s: { kind: "float", low: 0, high: 1, step: 0.25 } };
    const values = new Set<string>();
    const ns = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const out = perturbExplore({ resampleProbability: 0 })({ x: 0.9, n: 1, s: 0.5 }, space, new Random(seed));
      assert.ok(out.x === 1 || Math.abs((out.x as number) - 0.72) < 1e-12, `x → ${out.x} (0.9 × 1.2 clipped to 1, or × 0.8)`);
      // 1 × 1.2 rounds back to 1, so it moves up a grid point; 1 × 0.8 would move down, but 1 is the bound.
      assert.ok(out.n === 1 || out.n === 2, `n → ${out.n}`);
      ns.add(out.n as number);
      assert.ok(out.s === 0.5 || out.s === 0.75 || out.s === 0.25, `s → ${out.s}`);
      values.add(JSON.stringify(out));
    }
    assert.ok(values.size >= 2);
    assert.equal(ns.size, 2);
    const redraws = Array.from({ length: 200 }, (_, seed) => perturbExplore({ factors: [1], resampleProbability: 1 })({ x: 0.5, n: 5, s: 0.5 }, space, new Random(seed)).n as number);
    assert.equal(new Set(redraws).size, 10, "a full re-draw covers the whole int range");
    assert.throws(() => perturbExplore({ factors: [] }), OuroborosError);
    assert.throws(() => perturbExplore({ resampleProbability: 1.5 }), OuroborosError);
  });

  test("bad options are invalid-argument errors", async () => {
    const bad: Record<string, unknown>[] = [
      { population: 1 },
      { totalSteps: 0 },
      { readyInterval: 1.5 },
      { hyperparameters: {} },
      { exploit: "bogus" },
      { explore: "bogus" },
      { checkpoint: () => 0 },
      { truncationFraction: 0.9 },
      { popSize: 3 },
    ];
    for (const b of bad) await assert.rejects(runPBT({ ...base, seed: 1, ...b } as never), (e) => e instanceof OuroborosError && e.code === "invalid-argument", JSON.stringify(b));
  });
});
