/**
 * The improvement loop through its public entry point, on real bundled data: what it writes, that
 * promotions only ever improve the champion, that a seed reproduces a run, that a stopped run
 * resumes without losing work, that limits fail a candidate without stopping the run, and that bad
 * input gets a clear error.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import { AuditLog } from "../registry/audit-log.js";
import { runImprovement, type RunEvent } from "./improvement-run.js";
import type { RunRecord } from "./run-record.js";

const out = (): string => mkdtempSync(join(tmpdir(), "ouro-run-"));
const IRIS = "data/iris.csv";

test("a run writes its champion, generated predict.ts, leaderboard, report and a verifiable audit log; promotions only improve", async () => {
  const events: RunEvent[] = [];
  const r = await runImprovement({ dataPath: IRIS, target: "target", budgetTrials: 10, outDir: out(), seed: 3, isolation: "none", families: ["linear", "naive-bayes", "gbdt", "knn"], onEvent: (e) => events.push(e) });
  const rec = r.record;
  assert.equal(rec.task, "multiclass");
  assert.equal(rec.metric.name, "log_loss");
  assert.ok(rec.candidates.filter((c) => c.trial !== undefined).length === 10, "ten proposed candidates");
  assert.ok(rec.generations.length >= 1 && rec.champion !== undefined);
  // Each generation beats the previous one (lower log-loss) with the gate's evidence attached.
  for (let g = 1; g < rec.generations.length; g++) {
    const cur = rec.generations[g]!;
    assert.ok(cur.score < rec.generations[g - 1]!.score, `generation ${g} must improve`);
    assert.ok(cur.improvement !== undefined && cur.improvement.ci[0] > 0);
  }
  // The first four trials are the families' defaults, in the order asked for.
  const trials = rec.candidates.filter((c) => c.trial !== undefined);
  assert.deepEqual(trials.slice(0, 4).map((c) => (c.reason.startsWith("generation 0: defaults of") ? c.family : "?")), ["linear", "naive-bayes", "gbdt", "knn"]);
  // Then the family scheduler picks each family (and says so), TPE the hyperparameters.
  for (const c of trials.slice(4)) assert.match(c.reason, new RegExp(`^family ${c.family} by discounted Thompson sampling`));
  for (const f of ["champion/model.json", "champion/weights.bin", "champion/predict.ts", "champion/schema.json", "leaderboard.csv", "leaderboard.json", "report.html", "run.json"]) {
    assert.ok(existsSync(join(r.runDir, f)), `${f} written`);
  }
  const csv = readFileSync(join(r.runDir, "leaderboard.csv"), "utf8").trim().split("\n");
  assert.equal(csv.length, rec.candidates.length + 1);
  assert.match(csv[0]!, /^rank,id,family,state,log_loss,/);
  const saved = JSON.parse(readFileSync(join(r.runDir, "run.json"), "utf8")) as RunRecord;
  assert.equal(saved.champion?.candidate, rec.champion?.candidate);
  assert.ok((saved.diagnostics?.confusion?.matrix.length ?? 0) === 3);
  assert.ok((saved.diagnostics?.featureImportance?.length ?? 0) === 4);
  assert.ok((saved.paramImportance?.length ?? 0) > 0);
  assert.ok(events.some((e) => e.type === "promotion") && events[events.length - 1]!.type === "finish");
  const log = await AuditLog.open(`sqlite:${join(r.runDir, "ouro.db")}`);
  const v = await log.verify();
  assert.ok(v.ok, JSON.stringify(v));
  const actions = new Set(log.records.map((x) => x.action));
  for (const a of ["run", "proposal", "evaluation", "generation", "registration", "promotion"]) assert.ok(actions.has(a as never), `audit has ${a}`);
  await log.close();
});

test("the same seed gives the same run (jobs 1, trial budget)", async () => {
  const opts = { dataPath: IRIS, target: "target", budgetTrials: 7, seed: 11, isolation: "none" as const, families: ["linear", "knn", "naive-bayes"] };
  const a = await runImprovement({ ...opts, outDir: out() });
  const b = await runImprovement({ ...opts, outDir: out() });
  const key = (r: RunRecord): unknown => r.candidates.map((c) => [c.id, c.state, c.score, c.spec]);
  assert.deepEqual(key(b.record), key(a.record));
  assert.deepEqual(b.record.generations.map((g) => [g.candidate, g.score, g.artifactDigest]), a.record.generations.map((g) => [g.candidate, g.score, g.artifactDigest]));
});

test("a stopped run resumes: completed candidates are kept and the budget continues", async () => {
  const dir = out();
  const controller = new AbortController();
  let done = 0;
  const opts = { dataPath: IRIS, target: "target", seed: 5, isolation: "none" as const, families: ["linear", "knn", "naive-bayes"], outDir: dir };
  const first = await runImprovement({
    ...opts,
    budgetTrials: 8,
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === "candidate" && e.candidate.trial !== undefined && ++done === 3) controller.abort("test stop");
    },
  });
  const kept = first.record.candidates.filter((c) => c.state === "complete" && c.trial !== undefined);
  assert.ok(kept.length >= 3 && kept.length < 8, `stopped early with ${kept.length} complete`);
  const second = await runImprovement({ ...opts, budgetTrials: 8, resume: first.runId });
  assert.equal(second.runId, first.runId);
  const trials = second.record.candidates.filter((c) => c.trial !== undefined);
  assert.equal(trials.length, 8);
  for (const k of kept) {
    const again = second.record.candidates.find((c) => c.id === k.id);
    assert.deepEqual([again?.state, again?.score], [k.state, k.score], `candidate ${k.id} kept`);
  }
  assert.ok(second.record.generations.length >= first.record.generations.length);
  const log = await AuditLog.open(`sqlite:${join(dir, first.runId, "ouro.db")}`);
  assert.ok((await log.verify()).ok);
  await log.close();
});

test("a candidate still training when the run is stopped is cancelled, not failed, and the run keeps what finished", async () => {
  // Two jobs: the two defaults train side by side; the stop comes when the first one finishes.
  const controller = new AbortController();
  const r = await runImprovement({
    dataPath: "data/wa_churn.csv",
    target: "churn",
    seed: 1,
    jobs: 2,
    families: ["gbdt", "linear"],
    budgetTrials: 6,
    outDir: out(),
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === "candidate" && e.candidate.state === "complete") controller.abort("stopped by the user");
    },
  });
  const cut = r.record.candidates.filter((c) => c.state === "cancelled");
  assert.equal(cut.length, 1, JSON.stringify(r.record.candidates.map((c) => [c.id, c.state])));
  assert.match(cut[0]!.error ?? "", /^not finished: stopped by the user/);
  assert.equal(r.record.candidates.filter((c) => c.state === "fail").length, 0);
  assert.ok(r.record.champion !== undefined, "the finished candidate is the champion");
});

test("a candidate over its time limit is terminated and failed with the reason; the run goes on (worker isolation)", async () => {
  // A user-defined learner that spins without yielding: only terminating its worker stops it.
  const spinModule = new URL("../../test/fixtures/spin-learner.ts", import.meta.url).href;
  const spinFamily = { kind: "spin", tasks: ["binary", "multiclass", "regression"] as const, applies: () => true, dimensions: () => [], build: () => ({}) };
  const r = await runImprovement({ dataPath: IRIS, target: "target", budgetTrials: 3, outDir: out(), seed: 1, families: ["linear", "spin"], learnerModules: [spinModule], extraFamilies: [spinFamily], trialTimeoutSeconds: 4 });
  const [lin, spin] = r.record.candidates.filter((c) => c.trial !== undefined);
  assert.equal(lin?.family, "linear");
  assert.equal(lin?.state, "complete");
  assert.equal(spin?.family, "spin");
  assert.equal(spin?.state, "fail");
  assert.match(spin?.error ?? "", /time limit/i);
  assert.ok(r.record.candidates.filter((c) => c.trial !== undefined).length === 3, "the run went on after the failure");
  assert.equal(r.record.champion?.family === "linear" || r.record.champion?.family === "ensemble", true);
});

test("bad input gets one clear error naming the problem", async () => {
  const dir = out();
  await assert.rejects(runImprovement({ dataPath: IRIS, target: "species", budgetTrials: 2, outDir: dir, isolation: "none" }), (e: unknown) => e instanceof OuroborosError && /species/.test(e.message) && /target/.test(e.message));
  const one = join(dir, "one-class.csv");
  writeFileSync(one, "a,b,y\n1,2,x\n3,4,x\n5,6,x\n7,8,x\n9,1,x\n");
  await assert.rejects(runImprovement({ dataPath: one, target: "y", budgetTrials: 2, outDir: dir, isolation: "none" }), (e: unknown) => e instanceof OuroborosError && /one class|1 class|single/i.test(e.message));
  const tiny = join(dir, "tiny.csv");
  writeFileSync(tiny, "a,y\n1,2.5\n");
  await assert.rejects(runImprovement({ dataPath: tiny, target: "y", budgetTrials: 2, outDir: dir, isolation: "none" }), (e: unknown) => e instanceof OuroborosError && /row/.test(e.message));
  await assert.rejects(runImprovement({ dataPath: IRIS, target: "target", budgetTrials: 2, metric: "rmse", outDir: dir, isolation: "none" }), (e: unknown) => e instanceof OuroborosError && /rmse/.test(e.message) && /multiclass/.test(e.message));
  await assert.rejects(runImprovement({ dataPath: IRIS, target: "target", outDir: dir, isolation: "none" }), (e: unknown) => e instanceof OuroborosError && /budget/.test(e.message));
  await assert.rejects(
    runImprovement({ dataPath: IRIS, target: "target", budgetSeconds: 0.001, outDir: dir, isolation: "none", families: ["linear"] }),
    (e: unknown) => e instanceof OuroborosError && /no candidate finished within the budget/.test(e.message),
  );
});

test("pruning networks that run inside onnxruntime in worker threads stops them cleanly (no process abort)", async () => {
  // Terminating a worker thread while an onnxruntime session runs in it aborts the whole process;
  // candidates are asked to stop between epochs first. Before that fix this run died with SIGABRT.
  const r = await runImprovement({ dataPath: "data/penguins.csv", target: "species", budgetTrials: 10, outDir: out(), seed: 3, families: ["mlp", "linear"] });
  const pruned = r.record.candidates.filter((c) => c.family === "mlp" && c.state === "pruned");
  assert.ok(pruned.length >= 1, "some networks were pruned");
  assert.ok(pruned.every((c) => c.fidelity !== undefined && c.fidelity.reached < c.fidelity.max));
  assert.ok(r.record.champion !== undefined);
});

test("with two jobs, generations are numbered 0, 1, 2, … and each one beats the one before (promotions are serialised)", async () => {
  // Naive Bayes first (log-loss ~0.3 on this data) and then kNN and linear (~0.1 and ~0.07): later
  // results are clearly better, so there are several promotions, two of which may arrive together.
  const r = await runImprovement({ dataPath: "data/breast_cancer.csv", target: "target", budgetTrials: 10, outDir: out(), seed: 5, jobs: 2, families: ["naive-bayes", "knn", "linear"] });
  const gens = r.record.generations;
  assert.ok(gens.length >= 2, `expected at least two generations, got ${gens.length}`);
  assert.deepEqual(gens.map((g) => g.generation), gens.map((_, i) => i), "one generation per number, in order");
  for (let g = 1; g < gens.length; g++) assert.ok(gens[g]!.score < gens[g - 1]!.score, `generation ${g} (${gens[g]!.score}) must beat ${gens[g - 1]!.score}`);
  assert.equal(r.record.champion?.generation, gens.length - 1);
});
