import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createStudy, loadStudy, deleteStudy, getAllStudyNames, OuroborosError, TrialPruned } from "../index.js";

describe("Study: define-by-run API", () => {
  it("optimizes an async objective and reports the best trial", async () => {
    const study = await createStudy({ direction: "minimize" });
    await study.optimize(
      async (trial) => {
        const x = trial.suggestFloat("x", -10, 10);
        const kind = trial.suggestCategorical("kind", ["a", "b"]);
        const n = trial.suggestInt("n", 1, 5);
        return (x - 2) ** 2 + (kind === "a" ? 0 : 1) + n;
      },
      { nTrials: 30 },
    );
    assert.equal(study.trials.length, 30);
    assert.ok(study.trials.every((t) => t.state === "complete"));
    const best = study.bestTrial;
    assert.equal(best.value, Math.min(...study.trials.map((t) => t.value as number)));
    assert.deepEqual(study.bestParams, best.params);
    assert.equal(study.bestValue, best.value);
    for (const t of study.trials) {
      assert.ok((t.params["x"] as number) >= -10 && (t.params["x"] as number) <= 10);
      assert.ok(["a", "b"].includes(t.params["kind"] as string));
      assert.ok(Number.isInteger(t.params["n"]));
    }
  });

  it("records failures, NaN and non-number results as failed trials and continues", async () => {
    const study = await createStudy();
    let i = 0;
    await study.optimize(
      (trial) => {
        trial.suggestFloat("x", 0, 1);
        i++;
        if (i === 1) throw new Error("boom");
        if (i === 2) return NaN;
        if (i === 3) return Infinity;
        if (i === 4) return "nope" as unknown as number;
        return 1;
      },
      { nTrials: 6 },
    );
    const states = study.trials.map((t) => t.state);
    assert.deepEqual(states, ["fail", "fail", "fail", "fail", "complete", "complete"]);
    assert.match(study.trials[0]?.failReason ?? "", /boom/);
    assert.match(study.trials[1]?.failReason ?? "", /non-finite/);
    assert.match(study.trials[3]?.failReason ?? "", /expected a number/);
  });

  it("rethrows when catch is false, after recording the failure", async () => {
    const study = await createStudy();
    await assert.rejects(
      study.optimize(() => {
        throw new RangeError("bad");
      }, { nTrials: 5, catch: false }),
      /bad/,
    );
    assert.equal(study.trials.length, 1);
    assert.equal(study.trials[0]?.state, "fail");
  });

  it("catch with error classes only swallows those", async () => {
    const study = await createStudy();
    await assert.rejects(
      study.optimize((t) => {
        if (t.number === 0) throw new RangeError("ok");
        throw new TypeError("stop");
      }, { nTrials: 5, catch: [RangeError] }),
      /stop/,
    );
    assert.deepEqual(study.trials.map((t) => t.state), ["fail", "fail"]);
  });

  it("rejects re-suggesting a name with another distribution, and returns the same value for the same one", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    const a = trial.suggestFloat("x", 0, 1);
    assert.equal(trial.suggestFloat("x", 0, 1), a);
    assert.throws(() => trial.suggestFloat("x", 0, 2), (e: unknown) => e instanceof OuroborosError && e.code === "distribution-conflict" && /"x"/.test(e.message));
    assert.throws(() => trial.suggestInt("y", 5, 1), /low must be <= high, but got low=5, high=1/);
    assert.throws(() => trial.suggestFloat("z", 0, 1, { log: true }), /log=true needs low > 0/);
    await study.tell(trial, 1);
    assert.throws(() => trial.suggestFloat("w", 0, 1), /already complete/);
  });

  it("ask/tell with values, states and fixed distributions", async () => {
    const study = await createStudy({ direction: "maximize" });
    const t0 = await study.ask({ fixedDistributions: { lr: { kind: "float", low: 1e-4, high: 1, log: true } } });
    assert.ok("lr" in t0.params);
    const frozen = await study.tell(t0, 0.5);
    assert.equal(frozen.state, "complete");
    assert.equal(frozen.value, 0.5);
    const t1 = await study.ask();
    await study.tell(t1.number, "pruned");
    const t2 = await study.ask();
    await study.tell(t2, "fail");
    const t3 = await study.ask();
    const f3 = await study.tell(t3, [1, 2]);
    assert.equal(f3.state, "fail");
    assert.match(f3.failReason ?? "", /expected 1 value/);
    await assert.rejects(study.tell(t0, 1), /already complete|is complete/);
    assert.deepEqual(study.getTrials({ states: ["pruned"] }).map((t) => t.number), [1]);
    assert.equal(study.bestValue, 0.5);
  });

  it("enqueued trials are evaluated first with their params; partial params are sampled", async () => {
    const study = await createStudy();
    await study.enqueueTrial({ x: 0.25, c: "b" });
    await study.enqueueTrial({ x: 0.75 });
    await study.enqueueTrial({ x: 0.75 }, { skipIfExists: true });
    assert.equal(study.trials.length, 2);
    assert.deepEqual(study.trials.map((t) => t.state), ["waiting", "waiting"]);
    await study.optimize((t) => t.suggestFloat("x", 0, 1) + (t.suggestCategorical("c", ["a", "b"]) === "a" ? 0 : 1), { nTrials: 3 });
    assert.equal(study.trials[0]?.params["x"], 0.25);
    assert.equal(study.trials[0]?.params["c"], "b");
    assert.equal(study.trials[1]?.params["x"], 0.75);
    assert.equal(study.trials.length, 3);
  });

  it("addTrial validates and stores finished trials that count for best", async () => {
    const study = await createStudy();
    const added = await study.addTrial({
      params: { x: 0.3, c: "q" },
      distributions: { x: { kind: "float", low: 0, high: 1 }, c: { kind: "categorical", choices: ["p", "q"] } },
      value: -5,
    });
    assert.equal(added.internalParams["c"], 1);
    assert.equal(study.bestValue, -5);
    await assert.rejects(study.addTrial({ params: { x: 3 }, distributions: { x: { kind: "float", low: 0, high: 1 } }, value: 1 }), /expected a float in \[0, 1\]/);
    await assert.rejects(study.addTrial({ value: NaN }), /finite value/);
  });

  it("user attributes on studies and trials", async () => {
    const study = await createStudy();
    await study.setUserAttr("owner", "ml-team");
    await study.optimize((t) => {
      t.setUserAttr("note", { fold: 3 });
      return 1;
    }, { nTrials: 1 });
    assert.equal(study.userAttrs["owner"], "ml-team");
    assert.deepEqual(study.trials[0]?.userAttrs["note"], { fold: 3 });
  });

  it("multi-objective studies give the Pareto front", async () => {
    const study = await createStudy({ directions: ["minimize", "maximize"] });
    const points: [number, number][] = [[1, 1], [2, 3], [0.5, 0.2], [3, 3], [2, 2.5]];
    for (const p of points) {
      const t = await study.ask();
      await study.tell(t, p);
    }
    const front = study.bestTrials.map((t) => t.values);
    assert.deepEqual(front, [[1, 1], [2, 3], [0.5, 0.2]]);
    assert.throws(() => study.bestTrial, /single-objective/);
  });

  it("pruned objectives record the trial as pruned", async () => {
    const study = await createStudy({ pruner: { kind: "always", params: {}, prune: () => true } });
    await study.optimize(async (t) => {
      t.report(1, 0);
      if (await t.shouldPrune()) throw new TrialPruned();
      return 0;
    }, { nTrials: 2 });
    assert.deepEqual(study.trials.map((t) => t.state), ["pruned", "pruned"]);
    assert.deepEqual(study.trials[0]?.intermediateValues, { 0: 1 });
  });

  it("stop() from a callback ends optimize; timeout ends it too", async () => {
    const study = await createStudy();
    await study.optimize(() => 1, { nTrials: 100, callbacks: [(s, t) => { if (t.number === 4) s.stop(); }] });
    assert.equal(study.trials.length, 5);
    await study.optimize(async () => { await new Promise((r) => setTimeout(r, 20)); return 1; }, { timeout: 0.1 });
    assert.ok(study.trials.length > 5 && study.trials.length < 20);
  });

  it("loads, lists and deletes studies by name in a shared storage", async () => {
    const storage = `memory:shared-${Math.random()}`;
    const a = await createStudy({ storage, studyName: "a" });
    await a.optimize(() => 3, { nTrials: 2 });
    await assert.rejects(createStudy({ storage, studyName: "a" }), (e: unknown) => e instanceof OuroborosError && e.code === "duplicated-study");
    const again = await createStudy({ storage, studyName: "a", loadIfExists: true });
    assert.equal(again.trials.length, 2);
    const loaded = await loadStudy({ storage, studyName: "a" });
    assert.equal(loaded.bestValue, 3);
    assert.deepEqual(await getAllStudyNames(storage), ["a"]);
    await deleteStudy({ storage, studyName: "a" });
    assert.deepEqual(await getAllStudyNames(storage), []);
    await assert.rejects(loadStudy({ storage, studyName: "a" }), (e: unknown) => e instanceof OuroborosError && e.code === "study-not-found");
  });

  it("is reproducible with nJobs > 1 whatever the timing", async () => {
    const run = async (): Promise<unknown[]> => {
      const { Random } = await import("../core/rng.js");
      const jitter = new Random(Math.floor(Math.random() * 1e9));
      const study = await createStudy({ sampler: (await import("./defaults.js")).defaultSampler(7) });
      await study.optimize(async (t) => {
        const x = t.suggestFloat("x", -5, 5);
        await new Promise((r) => setTimeout(r, jitter.int(8)));
        return x * x;
      }, { nTrials: 16, nJobs: 4 });
      return study.trials.map((t) => [t.number, t.params, t.value]);
    };
    assert.deepEqual(await run(), await run());
  });
});
