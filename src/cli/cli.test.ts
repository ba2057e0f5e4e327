import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
// Children run from temp folders, so tsx is named by absolute URL rather than resolved from cwd.
const tsxLoader = import.meta.resolve("tsx");
const runTs = join(root, "src/cli/run.ts");
const fixture = (name: string): string => join(root, "test/fixtures", name);
const dir = mkdtempSync(join(tmpdir(), "ouro-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function ouro(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", tsxLoader, runTs, ...args], { cwd: dir });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("ouro study (CLI)", () => {
  it("create → optimize from 3 processes at once on SQLite → trials/best: no trial lost or duplicated", async () => {
    const storage = `sqlite:${join(dir, "shared.db")}`;
    const created = await ouro(["study", "create", "--storage", storage, "--study", "q", "--json"]);
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual(JSON.parse(created.stdout).directions, ["minimize"]);
    const runs = await Promise.all(
      [1, 2, 3].map((seed) =>
        ouro(["study", "optimize", "--storage", storage, "--study", "q", "--objective", fixture("quadratic-objective.mjs"), "--n-trials", "15", "--seed", String(seed), "--json"]),
      ),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const reported = runs.flatMap((r) => r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { number: number }));
    assert.equal(reported.length, 45);
    const listed = await ouro(["study", "trials", "--storage", storage, "--study", "q", "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const trials = JSON.parse(listed.stdout) as { number: number; state: string; params: Record<string, unknown> }[];
    assert.equal(trials.length, 45);
    assert.deepEqual(trials.map((t) => t.number), Array.from({ length: 45 }, (_, i) => i));
    assert.deepEqual(reported.map((t) => t.number).sort((a, b) => a - b), Array.from({ length: 45 }, (_, i) => i));
    assert.ok(trials.every((t) => t.state === "complete" && Object.keys(t.params).length === 3));
    const best = await ouro(["study", "best", "--storage", storage, "--study", "q", "--json"]);
    const b = JSON.parse(best.stdout) as { values: number[] };
    assert.equal(b.values[0], Math.min(...trials.map((t) => (t as unknown as { values: number[] }).values[0] as number)));
  });

  it("ask and tell from separate processes", async () => {
    const storage = `sqlite:${join(dir, "asktell.db")}`;
    assert.equal((await ouro(["study", "create", "--storage", storage, "--study", "s", "--direction", "maximize"])).code, 0);
    const asked = await ouro(["study", "ask", "--storage", storage, "--study", "s", "--search-space", '{"x":{"kind":"float","low":0,"high":2},"k":{"kind":"categorical","choices":["u","v"]}}', "--json"]);
    assert.equal(asked.code, 0, asked.stderr);
    const t = JSON.parse(asked.stdout) as { number: number; params: { x: number; k: string } };
    assert.ok(t.params.x >= 0 && t.params.x <= 2 && ["u", "v"].includes(t.params.k));
    const told = await ouro(["study", "tell", "--storage", storage, "--study", "s", "--trial", String(t.number), "--values", "0.75", "--json"]);
    assert.equal(told.code, 0, told.stderr);
    assert.equal(JSON.parse(told.stdout).state, "complete");
    const again = await ouro(["study", "tell", "--storage", storage, "--study", "s", "--trial", String(t.number), "--values", "1"]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^ouro: error: cannot tell trial 0: it is complete, not running\n/);
    const best = await ouro(["study", "best", "--storage", storage, "--study", "s"]);
    assert.match(best.stdout, /#0 complete value=0\.75/);
  });

  it("optimize loads a TypeScript objective module; delete and list work", async () => {
    const storage = `file:${join(dir, "ts.jsonl")}`;
    const r = await ouro(["study", "optimize", "--storage", storage, "--study", "t", "--objective", fixture("ts-objective.ts"), "--n-trials", "5", "--sampler", "random", "--seed", "3"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /study "t": 5 trials, 5 complete/);
    const list = await ouro(["study", "list", "--storage", storage]);
    assert.match(list.stdout, /^t\tminimize\t5 trials$/m);
    assert.equal((await ouro(["study", "delete", "--storage", storage, "--study", "t"])).code, 0);
    const list2 = await ouro(["study", "list", "--storage", storage, "--json"]);
    assert.deepEqual(JSON.parse(list2.stdout), []);
  });

  it("bad input gets one clear line and a non-zero exit", async () => {
    const storage = `sqlite:${join(dir, "bad.db")}`;
    const cases: [string[], RegExp][] = [
      [["study", "best", "--storage", storage, "--study", "missing"], /no study named "missing"/],
      [["study", "optimize", "--storage", storage, "--study", "x", "--objective", "nope.mjs", "--n-trials", "1"], /objective module not found/],
      [["study", "create", "--storage", "bogus://x", "--study", "x"], /unknown storage URL "bogus:\/\/x"/],
      [["study", "ask", "--storage", storage, "--study", "x", "--search-space", "{oops"], /--search-space is not valid JSON/],
      [["study", "create", "--storage", storage, "--study", "x", "--direction", "up"], /direction must be "minimize" or "maximize", but got "up"/],
      [["study", "optimize", "--storage", storage, "--study", "x", "--objective", fixture("quadratic-objective.mjs"), "--n-trials", "1", "--sampler", "nosuch"], /nosuch/],
    ];
    for (const [args, pattern] of cases) {
      const r = await ouro(args);
      assert.notEqual(r.code, 0, args.join(" "));
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
  });
});
