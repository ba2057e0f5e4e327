/**
 * The durable backends shared by real processes: child Node processes
 * (`test-fixtures/journal-writer.ts`) append to one journal file / SQLite database at once, and
 * are killed with SIGKILL mid-run.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { JournalOp } from "./journal-ops.js";
import type { JournalStorage } from "./journal-storage.js";
import { openStorage } from "./open-storage.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixture = fileURLToPath(new URL("./test-fixtures/journal-writer.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ouro-multiprocess-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Ops per append: a createTrial and BATCH - 1 setStudyAttr, so torn batches would show. */
const BATCH = 3;

/** A `journal-writer.ts` child process and the lines it printed. */
class Writer {
  readonly proc: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderr = "";
  private readonly waiters: (() => void)[] = [];

  constructor(url: string, study: string, count: number | "forever") {
    this.proc = spawn(process.execPath, ["--import", "tsx", fixture, url, study, String(count), String(BATCH)], {
      cwd: root,
      stdio: ["pipe", "pipe", "pipe"],
    });
    createInterface({ input: this.proc.stdout! }).on("line", (line) => {
      this.lines.push(line);
      for (const w of this.waiters.splice(0)) w();
    });
    this.proc.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.proc.on("exit", (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Waits until `pred` holds for the printed lines (or fails if the child exits first). */
  async until(pred: (lines: readonly string[]) => boolean, what: string): Promise<void> {
    while (!pred(this.lines)) {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
        assert.fail(`writer exited (${this.proc.exitCode ?? this.proc.signalCode}) before ${what}; stderr:\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  get worker(): string {
    return this.lines.find((l) => l.startsWith("ready "))?.slice(6) ?? "";
  }

  go(): void {
    this.proc.stdin!.write("go\n");
  }

  /** The trial numbers the child reported. */
  get trials(): number[] {
    const done = this.lines.find((l) => l.startsWith("done "));
    if (done) return (JSON.parse(done.slice(5)) as { trials: number[] }).trials;
    return this.lines.filter((l) => l.startsWith("trial ")).map((l) => Number(l.slice(6)));
  }

  async finished(): Promise<void> {
    const { code, signal } = await this.exited;
    assert.equal(code, 0, `writer exited with ${code ?? signal}; stderr:\n${this.stderr}`);
  }
}

async function startWriters(url: string, study: string, n: number, count: number | "forever"): Promise<Writer[]> {
  const writers = Array.from({ length: n }, () => new Writer(url, study, count));
  await Promise.all(writers.map((w) => w.until((l) => l.some((x) => x.startsWith("ready ")), "it was ready")));
  for (const w of writers) w.go();
  return writers;
}

/** Checks that `ops` (after the createStudy) consists of whole batches as the writers append them. */
function assertWholeBatches(ops: readonly JournalOp[], from: number): void {
  assert.equal((ops.length - from) % BATCH, 0, `${ops.length - from} ops is not a whole number of ${BATCH}-op batches`);
  for (let i = from; i < ops.length; i += BATCH) {
    const head = ops[i];
    assert.ok(head?.op === "createTrial", `op ${i + 1} should start a batch, got ${JSON.stringify(head)}`);
    for (let k = 1; k < BATCH; k++) {
      const op = ops[i + k];
      assert.ok(op?.op === "setStudyAttr" && op.key === `${head.worker}/${head.nonce}/${k - 1}`, `op ${i + k + 1} does not belong to the batch of op ${i + 1}`);
    }
  }
}

/** Every trial 0..n-1 exists once, and each writer's reported numbers are trials it created. */
function assertTrials(storage: JournalStorage, studyName: string, writers: readonly Writer[], expected?: number): number {
  const study = storage.getStudy(studyName);
  const trials = storage.state.frozenTrials(study);
  if (expected !== undefined) assert.equal(trials.length, expected);
  assert.deepEqual(
    trials.map((t) => t.number),
    trials.map((_, i) => i),
  );
  const seen = new Set<number>();
  for (const w of writers) {
    for (const t of w.trials) {
      assert.ok(!seen.has(t), `trial ${t} reported by two writers`);
      seen.add(t);
      assert.equal(storage.state.claimedBy(study.id, t), w.worker, `trial ${t} was not created by the writer that reported it`);
    }
  }
  return trials.length;
}

const kinds = [
  { kind: "file", url: (name: string) => `file:${join(dir, `${name}.jsonl`)}` },
  { kind: "sqlite", url: (name: string) => `sqlite:${join(dir, `${name}.db`)}` },
] as const;

for (const { kind, url: urlOf } of kinds) {
  describe(`${kind} journal shared by processes`, () => {
    test("4 processes append 200 batches each at once: nothing lost or duplicated, readers see only whole batches", { timeout: 120_000 }, async () => {
      const url = urlOf("concurrent");
      const parent = await openStorage(url);
      await parent.createStudy("mp", ["minimize"]);
      const reader = (await openStorage(url)).backend;
      const writers = await startWriters(url, "mp", 4, 200);
      // Poll from another backend while they write: every read must end on a batch boundary.
      let polling = true;
      let polls = 0;
      const poll = (async () => {
        while (polling) {
          assertWholeBatches(await reader.read(0), 1);
          polls++;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      try {
        await Promise.all(writers.map((w) => w.finished()));
      } finally {
        polling = false;
        await poll;
      }
      assert.ok(polls > 0);
      await parent.sync();
      const ops = await parent.backend.read(0);
      assert.equal(ops.length, 1 + 4 * 200 * BATCH);
      assertWholeBatches(ops, 1);
      const ids = ops.flatMap((op) => (op.op === "createTrial" ? [`${op.worker}/${op.nonce}`] : []));
      assert.equal(new Set(ids).size, 800, "a createTrial was stored twice");
      assertTrials(parent, "mp", writers, 800);
      for (const w of writers) assert.equal(w.trials.length, 200);
      await reader.close();
      await parent.close();
    });

    test("writers killed with SIGKILL mid-run leave a journal that opens, replays and takes new appends", { timeout: 120_000 }, async () => {
      const url = urlOf("crash");
      const parent = await openStorage(url);
      await parent.createStudy("crash", ["minimize"]);
      await parent.close();
      const writers = await startWriters(url, "crash", 2, "forever");
      await Promise.all(writers.map((w) => w.until((l) => l.filter((x) => x.startsWith("trial ")).length >= 25, "25 trials")));
      for (const w of writers) w.proc.kill("SIGKILL");
      for (const w of writers) assert.equal((await w.exited).signal, "SIGKILL");

      const storage = await openStorage(url);
      await storage.sync();
      assertWholeBatches(await storage.backend.read(0), 1);
      const n = assertTrials(storage, "crash", writers);
      assert.ok(n >= 50);
      // A new append works (for the file backend, the dead writer's lock, if any, is broken).
      const nonce = storage.nextNonce();
      await storage.append([{ op: "createTrial", study: 0, worker: storage.worker, nonce, state: "running", time: Date.now() }]);
      assert.equal(storage.state.outcome(storage.worker, nonce)?.trial, n);
      await storage.close();
    });
  });
}

test("file journal: a torn last line written by hand is skipped by readers and cut off by the next writers", { timeout: 120_000 }, async () => {
  const url = kinds[0].url("torn");
  const path = url.slice("file:".length);
  const first = await openStorage(url);
  await first.createStudy("torn", ["minimize"]);
  const nonce = first.nextNonce();
  await first.append([{ op: "createTrial", study: 0, worker: first.worker, nonce, state: "running", time: 1 }]);
  // A writer killed mid-write: half a line, no newline.
  const torn = '{"op":"createTrial","study":0,"worker":"dead","nonce":"0","sta';
  appendFileSync(path, torn);
  await first.sync();
  assert.equal(first.state.seq, 2);
  const fresh = await openStorage(url);
  await fresh.sync();
  assert.equal(fresh.state.seq, 2);

  // Several processes append after it.
  const writers = await startWriters(url, "torn", 2, 20);
  await Promise.all(writers.map((w) => w.finished()));
  const text = readFileSync(path, "utf8");
  assert.ok(!text.includes(torn), "the torn line is still in the file");
  assert.ok(text.endsWith("\n"));
  for (const [i, line] of text.slice(0, -1).split("\n").entries()) assert.doesNotThrow(() => JSON.parse(line), `line ${i + 1}`);
  await fresh.sync();
  await first.sync();
  assertWholeBatches(await fresh.backend.read(2), 0);
  assert.equal(assertTrials(fresh, "torn", writers, 41), 41);
  assert.deepEqual(first.state.frozenTrials(first.getStudy("torn")).length, 41);
  await first.close();
  await fresh.close();
});
