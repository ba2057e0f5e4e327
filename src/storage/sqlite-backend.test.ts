/** SQLite-journal specifics beyond the conformance suite: schema, refusals, corruption, busy waits. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import Database from "better-sqlite3";
import { OuroborosError } from "../core/errors.js";
import type { JournalOp } from "./journal-ops.js";
import { SQLiteJournalBackend } from "./sqlite-backend.js";

const dir = mkdtempSync(join(tmpdir(), "ouro-sqlite-backend-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => join(dir, `s${counter++}.db`);

const hb = (trial: number): JournalOp => ({ op: "heartbeat", study: 0, trial, time: trial });
const storageError = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof OuroborosError, String(e));
  assert.equal(e.code, "storage");
  assert.match(e.message, re);
  return true;
};

describe("SQLiteJournalBackend", () => {
  test("creates a WAL database with the journal and meta tables, in missing directories", async () => {
    const path = join(dir, "nested", "dir", "ouro.db");
    const b = new SQLiteJournalBackend(path);
    await b.append([hb(1)]);
    const raw = new Database(path, { readonly: true });
    assert.equal(raw.pragma("journal_mode", { simple: true }), "wal");
    assert.deepEqual(raw.prepare("SELECT key, value FROM meta ORDER BY key").raw().all(), [
      ["application", "ouroboros"],
      ["schema_version", "1"],
    ]);
    assert.deepEqual(raw.prepare("SELECT seq, op FROM journal").raw().all(), [[1, JSON.stringify(hb(1))]]);
    raw.close();
    await b.close();
  });

  test("a file that is not a SQLite database is refused, naming the file", () => {
    const path = freshPath();
    writeFileSync(path, "name,value\nthis is a CSV file, not a database\n".repeat(20));
    assert.throws(() => new SQLiteJournalBackend(path), storageError(new RegExp(`${escape(path)} is not a SQLite database`)));
  });

  test("a SQLite database of another application is refused", () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
    raw.close();
    assert.throws(() => new SQLiteJournalBackend(path), storageError(new RegExp(`${escape(path)} is not an Ouroboros study database \\(no journal table`)));
  });

  test("a database of a newer schema version is refused", () => {
    const path = freshPath();
    new SQLiteJournalBackend(path).close();
    const raw = new Database(path);
    raw.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    raw.close();
    assert.throws(() => new SQLiteJournalBackend(path), storageError(/newer version of Ouroboros \(schema version 99; this version reads up to 1\)/));
  });

  test("an Ouroboros database without a journal table yet gets one", async () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('application', 'ouroboros'), ('schema_version', '1'); CREATE TABLE registry (id TEXT)");
    raw.close();
    const b = new SQLiteJournalBackend(path);
    assert.equal(await b.append([hb(1)]), 1);
    await b.close();
  });

  test("an append that fails mid-transaction stores nothing and leaves no gap in sequence numbers", async () => {
    const path = freshPath();
    const b = new SQLiteJournalBackend(path);
    await b.append([hb(1)]);
    const raw = new Database(path);
    raw.exec(`CREATE TRIGGER boom BEFORE INSERT ON journal WHEN NEW.op LIKE '%"trial":666%' BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    await assert.rejects(b.append([hb(2), hb(666), hb(3)]), storageError(/boom/));
    raw.exec("DROP TRIGGER boom");
    raw.close();
    assert.equal(await b.append([hb(4)]), 2);
    assert.deepEqual(await b.read(0), [hb(1), hb(4)]);
    await b.close();
  });

  test("deleted rows (a gap) and rows that are not JSON ops are corruption", async () => {
    const path = freshPath();
    const b = new SQLiteJournalBackend(path);
    await b.append([hb(1), hb(2), hb(3)]);
    const raw = new Database(path);
    raw.prepare("DELETE FROM journal WHERE seq = 2").run();
    await assert.rejects(b.read(0), (e: unknown) => e instanceof OuroborosError && e.code === "storage-corrupt" && /expected seq 2, found 3/.test(e.message));
    raw.prepare("INSERT INTO journal (seq, op) VALUES (2, 'not json')").run();
    await assert.rejects(b.read(1), (e: unknown) => e instanceof OuroborosError && e.code === "storage-corrupt" && /journal row seq 2 of SQLite database .* is not valid JSON/.test(e.message));
    raw.close();
    await b.close();
  });

  test("waits for another connection's write lock, and fails clearly if it is never released", async () => {
    const path = freshPath();
    const b = new SQLiteJournalBackend(path, { busyTimeoutMs: 20 });
    await b.append([hb(1)]);
    const raw = new Database(path);
    raw.exec("BEGIN IMMEDIATE");
    setTimeout(() => raw.exec("COMMIT"), 60);
    assert.equal(await b.append([hb(2)]), 2);
    raw.exec("BEGIN IMMEDIATE");
    await assert.rejects(b.append([hb(3)]), storageError(/another process held its lock through 6 waits of 20 ms \(SQLITE_BUSY\)/));
    raw.exec("ROLLBACK");
    raw.close();
    assert.deepEqual(await b.read(0), [hb(1), hb(2)]);
    await b.close();
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
