import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OuroborosError } from "../../core/errors.js";
import type { JsonValue } from "../../core/json.js";
import { TrialPool } from "./pool.js";
import { runTask } from "./run-task.js";
import type { TaskSpec } from "./task.js";

const tasks = new URL("./test-fixtures/tasks.ts", import.meta.url).href;
const task = (exportName: string, input: JsonValue = null): TaskSpec => ({ module: tasks, exportName, input });

describe("runTask", () => {
  it("returns a task's value, from a .ts module (through tsx) and a .mjs module (directly)", async () => {
    const r = await runTask(task("double", { x: 21 }));
    assert.equal(r.status, "ok");
    assert.ok(r.status === "ok");
    assert.deepEqual(r.value, { y: 42 });
    assert.ok(r.durationMs >= 0);
    const js = await runTask({ module: new URL("./test-fixtures/plain.mjs", import.meta.url).href, exportName: "triple", input: { x: 5 } });
    assert.ok(js.status === "ok");
    assert.deepEqual(js.value, { y: 15, tsx: "undefined" });
  });

  it("keeps a thrown error's message and class", async () => {
    const r = await runTask(task("fail", { message: "learning rate must be > 0, but got -1" }));
    assert.ok(r.status === "error");
    assert.equal(r.reason, "TypeError: learning rate must be > 0, but got -1");
    assert.match(r.stack ?? "", /tasks\.ts/);
  });

  it("reports a missing export, and refuses a relative module path", async () => {
    const r = await runTask(task("nope"));
    assert.ok(r.status === "error");
    assert.match(r.reason, /has no exported function "nope" \(exports: .*double/);
    assert.throws(() => runTask({ module: "./tasks.ts", exportName: "double", input: null }), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-argument");
  });

  it("passes reports to onReport in order and returns typed arrays by structured clone", async () => {
    const seen: JsonValue[] = [];
    const r = await runTask<Float64Array>(task("progress", { n: 4 }), { onReport: (m) => seen.push(m) });
    assert.ok(r.status === "ok");
    assert.ok(r.value instanceof Float64Array);
    assert.deepEqual([...r.value], [0, 0.5, 1, 1.5]);
    assert.deepEqual(seen, [0, 1, 2, 3].map((step) => ({ step, loss: 1 / (step + 1) })));
  });

  it("bounds module loading by loadTimeoutMs, apart from the task's limit", async () => {
    const r = await runTask(task("double", { x: 1 }), { limits: { loadTimeoutMs: 1, timeoutMs: 60_000 } });
    assert.ok(r.status === "timeout", JSON.stringify(r));
    assert.match(r.reason, /did not finish loading .*tasks\.ts within loadTimeoutMs = 1 ms/);
  });

  it("cancels on abort", async () => {
    const ac = new AbortController();
    const p = runTask(task("spin"), { signal: ac.signal });
    setTimeout(() => ac.abort("user pressed Ctrl-C"), 300);
    const r = await p;
    assert.equal(r.status, "cancelled");
    assert.ok(r.status === "cancelled" && r.reason.includes("Ctrl-C"));
  });
});

describe("TrialPool", () => {
  it("kills a task at its time limit and keeps working", async () => {
    const pool = new TrialPool({ jobs: 1, limits: { timeoutMs: 300 } });
    const t0 = performance.now();
    const spun = await pool.run(task("spin"));
    const waited = performance.now() - t0;
    assert.ok(spun.status === "timeout", JSON.stringify(spun));
    assert.equal(spun.reason, "exceeded its time limit of 300 ms and was terminated");
    assert.ok(waited < 5000, `stopped after ${waited.toFixed(0)} ms`);
    const after = await pool.run(task("double", { x: 1 }));
    assert.ok(after.status === "ok", JSON.stringify(after));
    assert.deepEqual(after.value, { y: 2 });
    await pool.close();
  });

  it("reports out-of-memory for a heap that grows without bound, without harming this process", async () => {
    const pool = new TrialPool({ jobs: 1 });
    const r = await pool.run(task("hog"), { limits: { maxOldGenerationSizeMb: 32, timeoutMs: 30_000 } });
    assert.ok(r.status === "out-of-memory", JSON.stringify(r));
    assert.match(r.reason, /maxOldGenerationSizeMb = 32 MB/);
    assert.ok((await pool.run(task("double", { x: 3 }))).status === "ok");
    await pool.close();
  });

  it("stops typed-array growth (outside the heap) with the process-wide maxRssMb guard", async () => {
    const limit = Math.round(process.memoryUsage.rss() / 2 ** 20) + 256;
    const pool = new TrialPool({ jobs: 1, maxRssMb: limit, rssCheckMs: 20, limits: { timeoutMs: 30_000 } });
    const r = await pool.run(task("hogTyped"));
    assert.ok(r.status === "out-of-memory", JSON.stringify(r));
    assert.match(r.reason, new RegExp(`over maxRssMb = ${limit} MB`));
    await pool.close();
  });

  it("runs 2 tasks at once on 2 workers, and queues the third", async () => {
    const pool = new TrialPool({ jobs: 2 });
    const runs = [pool.run<{ start: number; end: number }>(task("nap", { ms: 700 })), pool.run<{ start: number; end: number }>(task("nap", { ms: 700 })), pool.run<{ start: number; end: number }>(task("nap", { ms: 50 }))];
    assert.equal(pool.running, 2);
    assert.equal(pool.queued, 1);
    const [a, b, c] = (await Promise.all(runs)).map((r) => {
      assert.ok(r.status === "ok");
      return r.value;
    });
    assert.ok(a!.start < b!.end && b!.start < a!.end, `the two naps overlap: ${JSON.stringify([a, b])}`);
    assert.ok(c!.start >= Math.min(a!.end, b!.end), "the third waited for a free worker");
    await pool.close();
  });

  it("close cancels queued and running tasks; later runs reject", async () => {
    const pool = new TrialPool({ jobs: 1 });
    const running = pool.run(task("spin"));
    const queued = pool.run(task("double", { x: 1 }));
    await new Promise((r) => setTimeout(r, 100));
    await pool.close();
    assert.equal((await running).status, "cancelled");
    assert.equal((await queued).status, "cancelled");
    await assert.rejects(pool.run(task("double", { x: 1 })), /closed/);
  });
});
