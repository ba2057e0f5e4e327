/**
 * Resuming PBT from storage: a run recorded in a SQLite study and stopped part-way (the step
 * throws, the run is aborted, the step never returns, or the process is killed with SIGKILL) is
 * continued by a fresh `runPBT` over a freshly opened handle on the same file. Finished intervals
 * are not trained again, intervals left running are failed and trained again, and the result equals
 * an uninterrupted run's, for models carried as JSON state and for models the step keeps itself
 * (saved to files by checkpoint/restore). A resume that lacks a model fails with a clear error.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { OuroborosError } from "../core/errors.js";
import type { Study } from "../study/study.js";
import { createStudy, loadStudy } from "../study/create-study.js";
import { intervalsFromTrials, runPBT, type PBTCheckpointContext, type PBTResult, type PBTStep } from "./index.js";
import { TOY, sgd, toyStep, type ToyModel } from "./test-fixtures/toy-pbt.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const worker = fileURLToPath(new URL("./test-fixtures/pbt-worker.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ouro-pbt-resume-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshUrl = (): string => `sqlite:${join(dir, `run-${files++}.db`)}`;
const TOTAL = TOY.population * TOY.totalSteps;

/** Wraps a step to count its calls and, on call number `failAt` (0-based), run `fail` instead. */
function counted<S>(inner: PBTStep<S>, failAt = Infinity, fail: () => ReturnType<PBTStep<S>> = () => {
  throw new Error("simulated crash");
}): { step: PBTStep<S>; readonly calls: number } {
  let calls = 0;
  return {
    step: (member, ctx) => (calls++ === failAt ? fail() : inner(member, ctx)),
    get calls() {
      return calls;
    },
  };
}

/** Steps of the intervals a study holds as finished. */
const finishedSteps = (study: Study): number => intervalsFromTrials(study.trials).reduce((s, iv) => s + iv.end - iv.start, 0);

const uninterrupted = runPBT({ ...TOY, step: toyStep });

describe("runPBT resumes from a SQLite study", () => {
  // Crash points: mid-interval in round 0; at the first step of an interval after three exploits;
  // in the short last round (32 = 6 × 5 + 2 steps).
  for (const [crashAt, done] of [
    [23, 20],
    [100, 100],
    [185, 184],
  ] as const) {
    test(`a step that throws at call ${crashAt}: the resumed run trains only the ${TOTAL - done} unfinished steps and equals an uninterrupted run`, async () => {
      const reference = await uninterrupted;
      const url = freshUrl();
      const before = await createStudy({ storage: url, studyName: "pbt", direction: "maximize" });
      const first = counted(toyStep, crashAt);
      await assert.rejects(runPBT({ ...TOY, step: first.step, study: before }), /simulated crash/);
      await before.storage.close();

      // A new process: a fresh handle on the same file, and (in one case) no seed: the recorded one is used.
      const study = await loadStudy({ storage: url, studyName: "pbt" });
      assert.equal(finishedSteps(study), done);
      const failed = study.trials.filter((t) => t.state === "fail");
      assert.equal(failed.length, 1);
      assert.match(failed[0]?.failReason ?? "", /simulated crash/);
      const { seed: _seed, ...noSeed } = TOY;
      const second = counted(toyStep);
      const resumed = await runPBT({ ...(crashAt === 100 ? noSeed : TOY), step: second.step, study });
      assert.deepEqual(resumed, reference);
      assert.equal(second.calls, TOTAL - done, "finished intervals are not trained again");
      assert.deepEqual(intervalsFromTrials(study.trials), reference.intervals);
      assert.deepEqual(study.userAttrs["pbt:best"], JSON.parse(JSON.stringify(reference.best.schedule)));

      // Once finished, another call trains nothing and returns the same run.
      const third = counted(toyStep);
      assert.deepEqual(await runPBT({ ...TOY, step: third.step, study }), reference);
      assert.equal(third.calls, 0);
      await study.storage.close();
    });
  }

  test("models kept by the step, saved to files by checkpoint/restore, resume after an abort through the signal", async () => {
    const ckptDir = join(dir, "checkpoints");
    mkdirSync(ckptDir);
    // Models live in the trainer's Map; a checkpoint is a file named by (member, step), as the contract asks.
    const trainer = (): { step: PBTStep<never>; checkpoint: (m: number, ctx: PBTCheckpointContext) => string; restore: (m: number, c: unknown) => void; models: Map<number, number>; calls: () => number } => {
      const models = new Map<number, number>();
      let calls = 0;
      return {
        models,
        calls: () => calls,
        step: ({ id, params }, ctx) => {
          calls++;
          const m = sgd(models.get(id) ?? 1e4, params.lr as number, ctx.seed);
          models.set(id, m);
          return -Math.log10(m);
        },
        checkpoint: (m, ctx) => {
          const path = join(ckptDir, `member-${m}-step-${ctx.step}.json`);
          writeFileSync(path, JSON.stringify(models.get(m)));
          return path;
        },
        restore: (m, c) => void models.set(m, JSON.parse(readFileSync(c as string, "utf8")) as number),
      };
    };
    const ref = trainer();
    const reference = await runPBT({ ...TOY, step: ref.step, checkpoint: ref.checkpoint, restore: ref.restore });
    assert.deepEqual(reference.intervals, (await uninterrupted).intervals, "the same run as with JSON states");

    const url = freshUrl();
    const before = await createStudy({ storage: url, studyName: "pbt", direction: "maximize" });
    const stop = new AbortController();
    const a = trainer();
    const stopAfter = 68; // round 2, member 1, 3 steps into its interval
    const step: PBTStep<never> = (member, ctx) => {
      const r = a.step(member, ctx);
      if (a.calls() === stopAfter) stop.abort(new Error("stop requested"));
      return r;
    };
    await assert.rejects(runPBT({ ...TOY, step, checkpoint: a.checkpoint, restore: a.restore, study: before, signal: stop.signal }), /stop requested/);
    await before.storage.close();

    const study = await loadStudy({ storage: url, studyName: "pbt" });
    assert.equal(finishedSteps(study), 65);
    assert.match(study.trials.find((t) => t.state === "fail")?.failReason ?? "", /aborted: Error: stop requested/);
    // A fresh trainer: every model it needs must come from the checkpoint files named in the study.
    const b = trainer();
    const resumed = await runPBT({ ...TOY, step: b.step, checkpoint: b.checkpoint, restore: b.restore, study });
    assert.deepEqual(resumed, reference);
    assert.equal(b.calls(), TOTAL - 65);
    const sorted = (m: Map<number, number>): [number, number][] => [...m].sort((x, y) => x[0] - y[0]);
    assert.deepEqual(sorted(b.models), sorted(ref.models), "the step's models end as in the uninterrupted run");
    // Called again once finished, with yet another fresh trainer: nothing is trained, and every model is restored.
    const c = trainer();
    assert.deepEqual(await runPBT({ ...TOY, step: c.step, checkpoint: c.checkpoint, restore: c.restore, study }), reference);
    assert.equal(c.calls(), 0);
    assert.deepEqual(sorted(c.models), sorted(ref.models));
    await study.storage.close();
  });

  test("an interval left running (its step never returned) is marked failed and trained again", async () => {
    const reference = await uninterrupted;
    const url = freshUrl();
    const before = await createStudy({ storage: url, studyName: "pbt", direction: "maximize" });
    let hung = false;
    const first = counted(toyStep, 47, () => {
      hung = true;
      return new Promise<never>(() => undefined);
    });
    void runPBT({ ...TOY, step: first.step, study: before });
    while (!hung) await new Promise((r) => setTimeout(r, 5));

    const study = await loadStudy({ storage: url, studyName: "pbt" });
    const running = study.trials.filter((t) => t.state === "running");
    assert.equal(running.length, 1);
    const left = running[0]!;
    assert.deepEqual([left.userAttrs["pbt:round"], left.userAttrs["pbt:member"]], [1, 3]);
    const second = counted(toyStep);
    assert.deepEqual(await runPBT({ ...TOY, step: second.step, study }), reference);
    assert.equal(second.calls, TOTAL - 45);
    assert.equal(study.trials[left.number]?.state, "fail");
    assert.match(study.trials[left.number]?.failReason ?? "", /interrupted/);
    const redone = study.trials.filter((t) => t.userAttrs["pbt:round"] === 1 && t.userAttrs["pbt:member"] === 3);
    assert.deepEqual(redone.map((t) => t.state), ["fail", "complete"]);
    await study.storage.close();
  });

  test("a process killed with SIGKILL in the middle of an interval: the resumed run redoes that interval and equals an uninterrupted run", { timeout: 60_000 }, async () => {
    const reference = await uninterrupted;
    const url = freshUrl();
    const child = spawn(process.execPath, ["--import", "tsx", worker, url, "pbt", "77"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once("exit", (_code, signal) => r(signal)));
    const lines = createInterface({ input: child.stdout });
    const first = await Promise.race([new Promise<string>((r) => lines.once("line", r)), exited.then(() => `exited early: ${stderr}`)]);
    assert.equal(first, "hung");
    child.kill("SIGKILL");
    assert.equal(await exited, "SIGKILL");

    const study = await loadStudy({ storage: url, studyName: "pbt" });
    assert.equal(finishedSteps(study), 75);
    const left = study.trials.filter((t) => t.state === "running");
    assert.equal(left.length, 1);
    const second = counted(toyStep);
    assert.deepEqual(await runPBT({ ...TOY, step: second.step, study }), reference);
    assert.equal(second.calls, TOTAL - 75);
    assert.match(study.trials[left[0]!.number]?.failReason ?? "", /interrupted/);
    await study.storage.close();
  });
});

describe("a resume that cannot be done says why", () => {
  /** Runs until the step throws at call `crashAt`; `resume` then continues over a fresh handle. */
  async function crashThenResume<S>(
    inner: PBTStep<S>,
    crashAt: number,
    extra: Record<string, unknown> = {},
  ): Promise<{ resume: (o?: Record<string, unknown>) => Promise<PBTResult<S>>; calls: () => number; close: () => Promise<void> }> {
    const url = freshUrl();
    const before = await createStudy({ storage: url, studyName: "pbt", direction: "maximize" });
    await assert.rejects(runPBT({ ...TOY, ...extra, step: counted(inner, crashAt).step, study: before }), /simulated crash/);
    await before.storage.close();
    const study = await loadStudy({ storage: url, studyName: "pbt" });
    const again = counted(inner);
    return { resume: (o = {}) => runPBT({ ...TOY, ...extra, ...o, step: again.step, study }), calls: () => again.calls, close: () => study.storage.close() };
  }

  test("a step that keeps its model without checkpoint/restore: an error naming the member, the step and the hooks, and nothing trained", async () => {
    const models = new Map<number, number>();
    const step: PBTStep<never> = ({ id, params }, ctx) => {
      const m = sgd(models.get(id) ?? 1e4, params.lr as number, ctx.seed);
      models.set(id, m);
      return -Math.log10(m);
    };
    const r = await crashThenResume(step, 40, { exploit: "none" });
    await assert.rejects(r.resume(), (e) => {
      assert.ok(e instanceof OuroborosError && e.code === "invalid-argument");
      assert.match(e.message, /cannot resume study "pbt": member 2 needs its model after step 5/);
      assert.match(e.message, /returned only scores/);
      assert.match(e.message, /checkpoint and restore/);
      return true;
    });
    assert.equal(r.calls(), 0, "no silent restart");
    await r.close();
  });

  test("a state that is not plain JSON is not stored (with a warning), and the resume names it", async (t) => {
    const warn = t.mock.method(console, "warn", () => undefined);
    const step: PBTStep<Float64Array> = (member, ctx) => {
      const r = toyStep({ ...member, state: member.state ? { m: member.state[0] as number } : undefined }, ctx) as { score: number; state: ToyModel };
      return { score: r.score, state: Float64Array.of(r.state.m) };
    };
    const r = await crashThenResume(step, 40);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0]?.arguments[0]), /not plain JSON \(a Float64Array\)/);
    await assert.rejects(r.resume(), (e) => e instanceof OuroborosError && /member 2 needs its model after step 5.*not plain JSON \(a Float64Array\)/.test(e.message));
    await r.close();
  });

  test("other settings than the recorded run's are refused, naming the setting", async () => {
    const r = await crashThenResume(toyStep, 12);
    await assert.rejects(r.resume({ seed: 18 }), (e) => e instanceof OuroborosError && /seed=17, but this call has seed=18/.test(e.message));
    await assert.rejects(r.resume({ population: 8 }), (e) => e instanceof OuroborosError && /population=6, but this call has population=8/.test(e.message));
    // An exploit that differs is caught where the runs part: the first recorded interval after an exploit.
    const other = await crashThenResume(toyStep, 70);
    await assert.rejects(other.resume({ exploit: "none" }), (e) => e instanceof OuroborosError && /holds a different PBT run: member \d's interval in round 1 was recorded as .*"copiedFrom":\d/.test(e.message));
    assert.equal(r.calls() + other.calls(), 0);
    await r.close();
    await other.close();
  });

  test("with a study, checkpoint must return plain JSON; the interval's trial is failed, not left running", async () => {
    const study = await createStudy({ storage: freshUrl(), studyName: "pbt", direction: "maximize" });
    const hooks = { checkpoint: () => new Map(), restore: () => undefined };
    await assert.rejects(runPBT({ ...TOY, step: toyStep, ...hooks, study }), (e) => e instanceof OuroborosError && e.code === "invalid-value" && /checkpoint after step 5 is a Map/.test(e.message));
    await study.refresh();
    assert.deepEqual(study.trials.map((t) => t.state), ["fail"]);
    await study.storage.close();
  });
});
