/**
 * `ouro run`, `ouro predict`, `ouro report` and `ouro audit verify` as a user runs them: separate
 * processes, real files, a SIGKILL in the middle of a run followed by `--resume`, and bad input.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsxLoader = import.meta.resolve("tsx");
const runTs = join(root, "src/cli/run.ts");
const dir = mkdtempSync(join(tmpdir(), "ouro-run-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(join(root, "data/iris.csv"), join(dir, "iris.csv"));

interface Child {
  code: Promise<number>;
  stdout: () => string;
  stderr: () => string;
  kill: () => void;
  onLine: (f: (line: string) => void) => void;
}

function start(args: string[]): Child {
  const child = spawn(process.execPath, ["--import", tsxLoader, runTs, ...args], { cwd: dir });
  let stdout = "";
  let stderr = "";
  const listeners: ((l: string) => void)[] = [];
  let partial = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    partial += d.toString();
    const lines = partial.split("\n");
    partial = lines.pop()!;
    for (const l of lines) for (const f of listeners) f(l);
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return {
    code: new Promise((resolve) => child.on("close", (c, sig) => resolve(c ?? (sig ? 137 : -1)))),
    stdout: () => stdout,
    stderr: () => stderr,
    kill: () => child.kill("SIGKILL"),
    onLine: (f) => listeners.push(f),
  };
}

async function ouro(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = start(args);
  const code = await c.code;
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

const RUN_ARGS = ["--data", "iris.csv", "--target", "target", "--families", "linear,naive-bayes,knn", "--seed", "4", "--out", "runs", "--json"];

describe("ouro run (CLI)", () => {
  let runDir = "";

  it("runs to a champion; predict, report and audit verify work on what it wrote", async () => {
    const r = await ouro(["run", ...RUN_ARGS, "--trials", "6", "--budget", "5m"]);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; runDir?: string; champion?: { candidate: string } });
    assert.equal(events[0]!.type, "start");
    const finish = events[events.length - 1]!;
    assert.equal(finish.type, "finish");
    runDir = finish.runDir!;
    assert.ok(existsSync(join(runDir, "champion", "predict.ts")));
    assert.equal((JSON.parse(readFileSync(join(runDir, "run.json"), "utf8")) as { finalFit: string }).finalFit, "bag");
    assert.equal((JSON.parse(readFileSync(join(runDir, "champion", "model.json"), "utf8")) as { header: { kind: string } }).header.kind.replace("ensemble", "bag"), "bag");

    const p = await ouro(["predict", "--model", join(runDir, "champion"), "--data", "iris.csv", "--out", "pred.csv"]);
    assert.equal(p.code, 0, p.stderr);
    const rows = readFileSync(join(dir, "pred.csv"), "utf8").trim().split("\n");
    assert.equal(rows[0], "line,prediction,p_setosa,p_versicolor,p_virginica");
    assert.equal(rows.length, 151);
    const irisLines = readFileSync(join(dir, "iris.csv"), "utf8").trim().split(/\r?\n/);
    const correct = rows.slice(1).filter((row, i) => row.split(",")[1] === irisLines[i + 1]!.split(",").at(-1)).length;
    assert.ok(correct >= 140, `${correct}/150 training rows predicted right`);

    // The generated standalone module predicts what the library predicts.
    const { tsImport } = await import("tsx/esm/api");
    const mod = (await tsImport(join(runDir, "champion", "predict.ts"), import.meta.url)) as { predict: (row: Record<string, string>) => { probabilities: Record<string, number> } };
    const header = irisLines[0]!.split(",");
    const first = irisLines[1]!.split(",");
    const row = Object.fromEntries(header.map((h, i) => [h, first[i]!]));
    const probs = mod.predict(row).probabilities;
    const lib = rows[1]!.split(",").slice(2).map(Number);
    assert.ok(Math.abs(probs["setosa"]! - lib[0]!) < 1e-9 && Math.abs(probs["virginica"]! - lib[2]!) < 1e-9, `${JSON.stringify(probs)} vs ${lib.join(",")}`);

    const before = statSync(join(runDir, "report.html")).mtimeMs;
    const rep = await ouro(["report", runDir]);
    assert.equal(rep.code, 0, rep.stderr);
    assert.ok(statSync(join(runDir, "report.html")).mtimeMs >= before);

    const ok = await ouro(["audit", "verify", "--storage", `sqlite:${join(runDir, "ouro.db")}`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^audit log OK: \d+ records, head [0-9a-f]{64}/);
  });

  it("--final-fit refit saves one model refitted on all rows", async () => {
    const r = await ouro(["run", ...RUN_ARGS, "--families", "linear", "--trials", "2", "--budget", "5m", "--final-fit", "refit"]);
    assert.equal(r.code, 0, r.stderr);
    const finish = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { runDir: string };
    assert.equal((JSON.parse(readFileSync(join(finish.runDir, "run.json"), "utf8")) as { finalFit: string }).finalFit, "refit");
    assert.equal((JSON.parse(readFileSync(join(finish.runDir, "champion", "model.json"), "utf8")) as { header: { kind: string } }).header.kind, "linear");
  });

  it("audit verify finds an edited record in a run's database", async () => {
    const db = new Database(join(runDir, "ouro.db"));
    const row = db.prepare(`SELECT seq, op FROM journal WHERE op LIKE '%"op":"audit"%' AND op LIKE '%"action":"generation"%' ORDER BY seq LIMIT 1`).get() as { seq: number; op: string };
    db.prepare("UPDATE journal SET op = ? WHERE seq = ?").run(row.op.replace(/"score":([0-9.e-]+)/, '"score":0.0001'), row.seq);
    db.close();
    const bad = await ouro(["audit", "verify", "--storage", `sqlite:${join(runDir, "ouro.db")}`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^ouro: error: audit log broken at record \d+: /);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });

  it("a run killed with SIGKILL resumes with --resume and keeps its completed candidates", async () => {
    const child = start(["run", ...RUN_ARGS, "--trials", "9", "--budget", "5m", "--seed", "8"]);
    let runId = "";
    const completed: { id: string; score: number }[] = [];
    child.onLine((l) => {
      const e = JSON.parse(l) as { type: string; runId?: string; candidate?: { id: string; state: string; score?: number; trial?: number } };
      if (e.type === "start") runId = e.runId!;
      if (e.type === "candidate" && e.candidate?.state === "complete" && e.candidate.trial !== undefined) {
        completed.push({ id: e.candidate.id, score: e.candidate.score! });
        if (completed.length === 3) child.kill();
      }
    });
    assert.equal(await child.code, 137);
    assert.ok(runId !== "" && completed.length >= 3);
    const resumed = await ouro(["run", ...RUN_ARGS, "--trials", "9", "--budget", "5m", "--seed", "8", "--resume", runId]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const record = JSON.parse(readFileSync(join(dir, "runs", runId, "run.json"), "utf8")) as { candidates: { id: string; score?: number; trial?: number; state: string; error?: string }[] };
    const trials = record.candidates.filter((c) => c.trial !== undefined);
    assert.equal(trials.length, 9);
    for (const c of completed) assert.equal(record.candidates.find((x) => x.id === c.id)?.score, c.score, `candidate ${c.id} kept`);
    // A candidate that was running when the process died is recorded as cancelled, with the reason.
    for (const c of trials.filter((t) => t.state === "cancelled")) assert.match(c.error ?? "", /interrupted/);
    assert.equal(trials.filter((t) => t.state === "fail").length, 0, "nothing failed: the killed candidate is cancelled, not failed");
    const ok = await ouro(["audit", "verify", "--storage", `sqlite:${join(dir, "runs", runId, "ouro.db")}`]);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it("bad input: one clear line naming the problem, no stack trace", async () => {
    const missing = await ouro(["run", "--data", "nope.csv", "--target", "y", "--budget", "10s"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /^ouro: error: .*nope\.csv/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
    const target = await ouro(["run", "--data", "iris.csv", "--target", "species", "--budget", "10s"]);
    assert.match(target.stderr, /^ouro: error: .*"species"/);
    const budget = await ouro(["run", "--data", "iris.csv", "--target", "target", "--budget", "5 parsecs"]);
    assert.equal(budget.code, 2);
    assert.match(budget.stderr, /--budget must be a duration like 90s, 5m or 1h30m, but got "5 parsecs"/);
    const model = await ouro(["predict", "--model", "runs", "--data", "iris.csv"]);
    assert.match(model.stderr, /^ouro: error: runs is not a model directory/);
  });
});
