import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

describe("TrialPool with reuseWorkers", () => {
  type Who = { threadId: number };
  const who = async (pool: TrialPool): Promise<number> => {
    const r = await pool.run<Who>(task("whoAmI"));
    assert.ok(r.status === "ok", JSON.stringify(r));
    return r.value.threadId;
  };

  it("runs consecutive tasks in the same thread, and fresh threads without reuse", async () => {
    const reusing = new TrialPool({ jobs: 1, reuseWorkers: true });
    const a = await who(reusing);
    assert.equal(reusing.idleWorkers, 1);
    const b = await who(reusing);
    const failed = await reusing.run(task("fail", { message: "bad input" }));
    assert.ok(failed.status === "error" && failed.reason === "TypeError: bad input", JSON.stringify(failed));
    const c = await who(reusing);
    assert.equal(b, a, "the second task ran in the first task's thread");
    assert.equal(c, a, "a task that threw leaves its thread usable");
    await reusing.close();
    assert.equal(reusing.idleWorkers, 0);

    const fresh = new TrialPool({ jobs: 1 });
    const d = await who(fresh);
    const e = await who(fresh);
    assert.notEqual(d, e);
    assert.equal(fresh.idleWorkers, 0);
    await fresh.close();
  });

  it("replaces a thread whose task timed out, and the next task succeeds", async () => {
    const pool = new TrialPool({ jobs: 1, reuseWorkers: true, limits: { timeoutMs: 300 } });
    const a = await who(pool);
    const spun = await pool.run(task("spin"), { graceMs: 50 });
    assert.ok(spun.status === "timeout", JSON.stringify(spun));
    assert.equal(pool.idleWorkers, 0);
    const after = await pool.run<{ y: number }>(task("double", { x: 4 }));
    assert.ok(after.status === "ok", JSON.stringify(after));
    assert.deepEqual(after.value, { y: 8 });
    assert.notEqual(await who(pool), a);
    await pool.close();
  });

  it("reuses the thread of a task that stopped when asked (a pruned candidate), never that of a terminated one", async () => {
    const pool = new TrialPool({ jobs: 1, reuseWorkers: true });
    const a = await who(pool);
    const ac = new AbortController();
    setTimeout(() => ac.abort("pruned"), 200);
    const polite = await pool.run(task("politeSpin"), { signal: ac.signal });
    assert.ok(polite.status === "cancelled", JSON.stringify(polite));
    const b = await who(pool);
    assert.equal(b, a, "the thread of the cooperatively stopped task was reused");
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort("user pressed Ctrl-C"), 200);
    const killed = await pool.run(task("spin"), { signal: ac2.signal, graceMs: 50 });
    assert.ok(killed.status === "cancelled", JSON.stringify(killed));
    const c = await who(pool);
    assert.notEqual(c, b, "the thread of the terminated task was not reused");
    await pool.close();
  });

  it("recycles a thread after maxTasksPerWorker tasks, and checks the option", async () => {
    const pool = new TrialPool({ jobs: 1, reuseWorkers: true, maxTasksPerWorker: 2 });
    const ids = [await who(pool), await who(pool), await who(pool), await who(pool), await who(pool)];
    assert.equal(ids[1], ids[0]);
    assert.notEqual(ids[2], ids[1]);
    assert.equal(ids[3], ids[2]);
    assert.notEqual(ids[4], ids[3]);
    await pool.close();
    assert.throws(() => new TrialPool({ reuseWorkers: true, maxTasksPerWorker: 0 }), (e: unknown) => e instanceof OuroborosError && /maxTasksPerWorker must be an integer ≥ 1, but got 0/.test(e.message));
  });

  it("keeps at most jobs threads, one per heap limit, and close terminates the idle ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ouro-pool-"));
    const path = join(dir, "ticks");
    try {
      const pool = new TrialPool({ jobs: 1, reuseWorkers: true });
      const r = await pool.run<Who>(task("tick", { path }));
      assert.ok(r.status === "ok", JSON.stringify(r));
      // A task with another heap limit needs another thread; with jobs: 1 the idle one is retired.
      const other = await pool.run<Who>(task("whoAmI"), { limits: { maxOldGenerationSizeMb: 256 } });
      assert.ok(other.status === "ok" && other.value.threadId !== r.value.threadId);
      assert.equal(pool.idleWorkers, 1);
      const again = await pool.run<Who>(task("tick", { path }));
      assert.ok(again.status === "ok");
      await new Promise((res) => setTimeout(res, 150));
      const grown = statSync(path).size;
      assert.ok(grown > 0, "the leftover timer runs while its thread is idle");
      await pool.close();
      const atClose = statSync(path).size;
      await new Promise((res) => setTimeout(res, 150));
      assert.equal(statSync(path).size, atClose, "no thread is alive after close to write more");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
