/** Runs the storage conformance suite (`src/testing/storage-conformance.ts`) on every backend. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runStorageConformance } from "../testing/storage-conformance.js";
import { FileJournalBackend } from "./file-backend.js";
import { MemoryJournalBackend } from "./memory-backend.js";
import { SQLiteJournalBackend } from "./sqlite-backend.js";

const dir = mkdtempSync(join(tmpdir(), "ouro-conformance-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh path per `open()`, and `reopen()` onto the latest one. */
function paths(ext: string): { next(): string; last(): string } {
  let n = 0;
  let last = "";
  return {
    next: () => (last = join(dir, ext, `store-${n++}.${ext}`)),
    last: () => last,
  };
}

runStorageConformance("memory", () => new MemoryJournalBackend());

const file = paths("jsonl");
runStorageConformance("file", () => new FileJournalBackend(file.next()), { reopen: () => new FileJournalBackend(file.last()) });

const sqlite = paths("db");
runStorageConformance("sqlite", () => new SQLiteJournalBackend(sqlite.next()), { reopen: () => new SQLiteJournalBackend(sqlite.last()) });
