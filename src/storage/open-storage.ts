/**
 * Storage URLs. `memory:` keeps the journal in this process; `file:PATH` (or a path ending in
 * `.jsonl`) is a JSON-lines journal shared by processes through a lock; `sqlite:PATH` (or a path
 * ending in `.db`/`.sqlite`) is SQLite in WAL mode, the CLI's default. Native modules load only when
 * their URL is opened, so tuning in memory pulls in no native code.
 */
import { OuroborosError } from "../core/errors.js";
import type { JournalBackend } from "./journal-backend.js";
import { JournalStorage } from "./journal-storage.js";
import { MemoryJournalBackend } from "./memory-backend.js";

/** What `createStudy({ storage })` accepts: a URL, a backend, or an open storage. */
export type StorageLike = string | JournalBackend | JournalStorage;

const memoryStores = new Map<string, JournalStorage>();

/** Opens (or reuses) the storage a URL names. */
export async function openStorage(storage: StorageLike | undefined): Promise<JournalStorage> {
  if (storage === undefined) return new JournalStorage(new MemoryJournalBackend(), "memory:");
  if (storage instanceof JournalStorage) return storage;
  if (typeof storage !== "string") return new JournalStorage(storage, "custom backend");
  const url = storage.trim();
  if (url === "memory:" || url === ":memory:") return new JournalStorage(new MemoryJournalBackend(), "memory:");
  if (url.startsWith("memory:")) {
    // memory:NAME is shared within the process, so a CLI-free test can load a study by name.
    let s = memoryStores.get(url);
    if (!s || (s.backend instanceof MemoryJournalBackend && s.backend.isClosed)) {
      s = new JournalStorage(new MemoryJournalBackend(), url);
      memoryStores.set(url, s);
    }
    return s;
  }
  const path = (prefix: string): string => {
    const p = url.slice(prefix.length).replace(/^\/\/(?=\.|\/)/, "");
    if (!p) throw new OuroborosError("invalid-argument", `storage URL "${url}" has no path (expected ${prefix}./ouro.db)`);
    return p;
  };
  if (url.startsWith("sqlite:") || /\.(db|sqlite|sqlite3)$/.test(url)) {
    const file = url.startsWith("sqlite:") ? path("sqlite:") : url;
    const { SQLiteJournalBackend } = await import("./sqlite-backend.js");
    return new JournalStorage(new SQLiteJournalBackend(file), `sqlite:${file}`);
  }
  if (url.startsWith("file:") || url.endsWith(".jsonl")) {
    const file = url.startsWith("file:") ? path("file:") : url;
    const { FileJournalBackend } = await import("./file-backend.js");
    return new JournalStorage(new FileJournalBackend(file), `file:${file}`);
  }
  if (url.startsWith("postgres:") || url.startsWith("postgresql:")) {
    throw new OuroborosError("unsupported", `PostgreSQL storage ("${url}") is not available in this version; use sqlite:PATH or file:PATH`);
  }
  throw new OuroborosError(
    "invalid-argument",
    `unknown storage URL "${url}": expected memory:, sqlite:PATH (e.g. sqlite:./ouro.db) or file:PATH (e.g. file:./study.jsonl)`,
  );
}
