/** File-journal specifics beyond the conformance suite: format, torn tails, corruption, the lock. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import { FileJournalBackend } from "./file-backend.js";
import type { JournalOp } from "./journal-ops.js";

const dir = mkdtempSync(join(tmpdir(), "ouro-file-backend-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => join(dir, `j${counter++}.jsonl`);

const hb = (trial: number): JournalOp => ({ op: "heartbeat", study: 0, trial, time: trial });
const line = (op: JournalOp): string => `${JSON.stringify(op)}\n`;
const code = (c: string) => (e: unknown) => e instanceof OuroborosError && e.code === c;

/** A pid that certainly belongs to no running process: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(r.stdout.toString());
}

function ownStart(): string | null {
  try {
    const text = readFileSync("/proc/self/stat", "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

describe("FileJournalBackend", () => {
  test("writes one op per line; lines of a multi-op append but its last end in ' \\n'", async () => {
    const path = freshPath();
    const b = new FileJournalBackend(path);
    await b.append([hb(1)]);
    await b.append([hb(2), hb(3), hb(4)]);
    const expected = [JSON.stringify(hb(1)), `${JSON.stringify(hb(2))} `, `${JSON.stringify(hb(3))} `, JSON.stringify(hb(4))].join("\n") + "\n";
    assert.equal(readFileSync(path, "utf8"), expected);
    await b.close();
  });

  test("creates missing parent directories", async () => {
    const path = join(dir, "a", "b", "c", "study.jsonl");
    const b = new FileJournalBackend(path);
    await b.append([hb(1)]);
    assert.ok(existsSync(path));
    await b.close();
  });

  test("a path that cannot be written fails with the path and the reason", () => {
    const file = freshPath();
    writeFileSync(file, "");
    assert.throws(
      () => new FileJournalBackend(join(file, "sub", "study.jsonl")),
      (e: unknown) => e instanceof OuroborosError && e.code === "storage" && e.message.includes(file) && /ENOTDIR|not a directory|EEXIST/.test(e.message),
    );
    assert.throws(() => new FileJournalBackend(dir), (e: unknown) => e instanceof OuroborosError && e.code === "storage" && e.message.includes(dir));
  });

  test("reads are incremental: bytes already read are not read again", async () => {
    const path = freshPath();
    const b = new FileJournalBackend(path);
    await b.append([hb(1), hb(2)]);
    assert.equal((await b.read(0)).length, 2);
    // Damage the bytes already read, keeping their length: only a read from 0 notices.
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.replace('"heartbeat"', '"heartbeat!').replace(/^{/, "X"));
    await b.append([hb(3)]);
    assert.deepEqual(await b.read(2), [hb(3)]);
    await assert.rejects(b.read(0), code("storage-corrupt"));
    await b.close();
  });

  test("a torn last line is not returned, and the next writer cuts it off before appending", async () => {
    const path = freshPath();
    const w = new FileJournalBackend(path);
    await w.append([hb(1), hb(2)]);
    const torn = '{"op":"heartbeat","study":0,"tri';
    appendFileSync(path, torn);
    const r = new FileJournalBackend(path);
    assert.deepEqual(await r.read(0), [hb(1), hb(2)]);
    assert.deepEqual(await w.read(2), []);
    assert.equal(await r.append([]), 2);
    assert.equal(await w.append([hb(3)]), 3);
    assert.equal(readFileSync(path, "utf8"), `${JSON.stringify(hb(1))} \n${line(hb(2))}${line(hb(3))}`);
    // The reader that saw the torn tail reads the op that replaced it.
    assert.deepEqual(await r.read(2), [hb(3)]);
    await w.close();
    await r.close();
  });

  test("an unfinished multi-op append is invisible as a whole and removed by the next writer", async () => {
    const path = freshPath();
    const w = new FileJournalBackend(path);
    await w.append([hb(1)]);
    // Two whole lines of a three-op batch, the writer killed before the third.
    appendFileSync(path, `${JSON.stringify(hb(2))} \n${JSON.stringify(hb(3))} \n`);
    const r = new FileJournalBackend(path);
    assert.deepEqual(await r.read(0), [hb(1)]);
    assert.equal(await w.append([hb(9)]), 2);
    assert.deepEqual(await r.read(0), [hb(1), hb(9)]);
    await w.close();
    await r.close();
  });

  test("a line that is not a JSON op in the middle is corruption, named by file and line", async () => {
    const path = freshPath();
    writeFileSync(path, line(hb(1)) + "this is not json\n" + line(hb(3)));
    const b = new FileJournalBackend(path);
    await assert.rejects(b.read(0), (e: unknown) => {
      assert.ok(e instanceof OuroborosError && e.code === "storage-corrupt");
      assert.ok(e.message.includes(`line 2 of journal file ${path}`), e.message);
      return true;
    });
    const notOp = freshPath();
    writeFileSync(notOp, line(hb(1)) + "[1,2,3]\n");
    const c = new FileJournalBackend(notOp);
    await assert.rejects(c.read(0), (e: unknown) => e instanceof OuroborosError && e.code === "storage-corrupt" && /line 2 of journal file .* is not a journal operation/.test(e.message));
    // An empty line in the middle is corruption too.
    const blank = freshPath();
    writeFileSync(blank, line(hb(1)) + "\n" + line(hb(3)));
    const d = new FileJournalBackend(blank);
    await assert.rejects(d.read(0), code("storage-corrupt"));
    await Promise.all([b.close(), c.close(), d.close()]);
  });

  test("a file that shrinks below what was read is reported", async () => {
    const path = freshPath();
    const b = new FileJournalBackend(path);
    await b.append([hb(1), hb(2)]);
    await b.read(0);
    writeFileSync(path, line(hb(1)));
    await assert.rejects(b.read(2), (e: unknown) => e instanceof OuroborosError && e.code === "storage-corrupt" && /shrank/.test(e.message));
    await b.close();
  });

  test("ops JSON cannot hold are refused before anything is written", async () => {
    const path = freshPath();
    const b = new FileJournalBackend(path);
    await assert.rejects(b.append([hb(1), { op: "report", study: 0, trial: 0, step: 0, value: Number.NaN }]), code("invalid-value"));
    assert.equal(readFileSync(path, "utf8"), "");
    await b.close();
  });

  test("fsync: true appends and reads like the default", async () => {
    const b = new FileJournalBackend(freshPath(), { fsync: true });
    assert.equal(await b.append([hb(1), hb(2)]), 2);
    assert.deepEqual(await b.read(1), [hb(2)]);
    await b.close();
  });

  describe("lock", () => {
    test("a lock left by a dead process on this host is broken at once", async () => {
      const path = freshPath();
      const b = new FileJournalBackend(path, { lockTimeoutMs: 5_000 });
      writeFileSync(`${path}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), start: "1", token: "dead", time: Date.now() }));
      const t0 = Date.now();
      assert.equal(await b.append([hb(1)]), 1);
      assert.ok(Date.now() - t0 < 2_000);
      assert.ok(!existsSync(`${path}.lock`), "the lock is released after the append");
      await b.close();
    });

    test("a lock whose pid now belongs to another process (pid reuse) is broken", { skip: ownStart() === null && "no /proc on this system" }, async () => {
      const path = freshPath();
      const b = new FileJournalBackend(path, { lockTimeoutMs: 5_000 });
      writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), start: "1", token: "old", time: Date.now() }));
      assert.equal(await b.append([hb(1)]), 1);
      await b.close();
    });

    test("a lock held by a live process makes writers wait, then fail naming the holder", async () => {
      const path = freshPath();
      const b = new FileJournalBackend(path, { lockTimeoutMs: 200 });
      writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), start: ownStart(), token: "live", time: Date.now() }));
      await assert.rejects(b.append([hb(1)]), (e: unknown) => {
        assert.ok(e instanceof OuroborosError && e.code === "storage");
        assert.ok(e.message.includes(`${path}.lock`) && e.message.includes(`pid ${process.pid}`), e.message);
        return true;
      });
      assert.equal(readFileSync(path, "utf8"), "");
      // Released by its holder: writers go on.
      rmSync(`${path}.lock`);
      assert.equal(await b.append([hb(1)]), 1);
      await b.close();
    });

    test("a lock whose holder cannot be checked is broken only once older than staleLockMs", async () => {
      const path = freshPath();
      const lock = `${path}.lock`;
      writeFileSync(lock, JSON.stringify({ pid: 12345, host: "another-host", start: null, token: "remote", time: Date.now() }));
      const waiting = new FileJournalBackend(path, { lockTimeoutMs: 150, staleLockMs: 60_000 });
      await assert.rejects(waiting.append([hb(1)]), code("storage"));
      const old = (Date.now() - 120_000) / 1000;
      utimesSync(lock, old, old);
      const breaking = new FileJournalBackend(path, { lockTimeoutMs: 2_000, staleLockMs: 60_000 });
      assert.equal(await breaking.append([hb(1)]), 1);
      // An empty lock file (its creator died before writing it) is handled the same way.
      writeFileSync(lock, "");
      utimesSync(lock, old, old);
      assert.equal(await breaking.append([hb(2)]), 2);
      await Promise.all([waiting.close(), breaking.close()]);
    });

    test("rejects bad options", () => {
      assert.throws(() => new FileJournalBackend(freshPath(), { lockTimeoutMs: 0 }), code("invalid-argument"));
      assert.throws(() => new FileJournalBackend(freshPath(), { staleLockMs: Number.NaN }), code("invalid-argument"));
    });
  });
});
