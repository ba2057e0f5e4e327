/**
 * A journal in a SQLite database through better-sqlite3 (`sqlite:PATH` storage URLs, the CLI's
 * default `./ouro.db`). This module is imported lazily by `open-storage.ts`, so the native module
 * loads only when a SQLite URL is opened.
 *
 * Schema: `journal(seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL)` holds one op per row
 * as JSON text; `meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)` holds `application = ouroboros`
 * and `schema_version`. A database with other tables but no Ouroboros `meta`, or with a newer
 * schema version, is refused rather than written to.
 *
 * Concurrency: the database runs in WAL mode with `synchronous=NORMAL` and a busy timeout. An append
 * is one `BEGIN IMMEDIATE` transaction, which takes SQLite's write lock before it reads the next
 * sequence number, so appends from any number of processes are serialised and a batch commits whole
 * or not at all. AUTOINCREMENT numbers are assigned inside that transaction and roll back with it,
 * so the committed sequence numbers are 1, 2, 3, … without gaps. Every `SELECT` reads one WAL
 * snapshot, which always holds a prefix of the committed transactions: a reader never sees seq n + 1
 * without n. `read` checks this and reports a gap (rows deleted by hand) as corruption. WAL needs
 * shared memory between the processes, so the database must be on a local disk, not a network
 * share.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { OuroborosError } from "../core/errors.js";
import type { JournalBackend } from "./journal-backend.js";
import { decodeOp, encodeOp } from "./journal-codec.js";
import { errorCode, reason, sleep } from "./io-helpers.js";
import type { JournalOp } from "./journal-ops.js";

/** The schema this version writes and the newest it reads. */
const SCHEMA_VERSION = 1;
/** Retries after SQLite's own busy handler gave up (it already waited `busyTimeoutMs`). */
const BUSY_RETRIES = 5;

/** Options of {@link SQLiteJournalBackend}. */
export interface SQLiteJournalBackendOptions {
  /**
   * How long SQLite waits for another process's write lock before a statement fails with
   * SQLITE_BUSY (`PRAGMA busy_timeout`); the backend then retries up to 5 more times with backoff.
   * SQLite waits synchronously, so this also bounds how long one call can block the event loop.
   * Default 10,000 ms.
   */
  readonly busyTimeoutMs?: number;
}

/**
 * A {@link JournalBackend} over a SQLite database file.
 *
 * Concurrency: any number of processes on one machine (and backends within one process) may append
 * and read at once; SQLite's locks serialise appends (one `BEGIN IMMEDIATE` transaction each), so
 * sequence numbers are gapless in read order and a multi-op append is atomic, also when a process
 * is killed mid-append (the transaction rolls back). SQLITE_BUSY is retried. Methods may be called
 * concurrently; `close` makes every later call reject.
 *
 * @example
 * ```ts
 * const storage = await openStorage("sqlite:./ouro.db"); // loads this module lazily
 * ```
 */
export class SQLiteJournalBackend implements JournalBackend {
  private db: Database.Database | undefined;
  private readonly busyTimeoutMs: number;
  private readonly insert: Database.Statement<[string]>;
  private readonly selectAfter: Database.Statement<[number]>;
  private readonly selectLast: Database.Statement<[]>;
  private readonly appendTx: Database.Transaction<(lines: readonly string[]) => number>;

  /**
   * Opens (creating it and its parent directories if needed) the database at `path`, switches it to
   * WAL mode and creates the schema if the database is new.
   * @throws OuroborosError `storage` naming the file if it is not a SQLite database, not an Ouroboros
   *   database, of a newer schema, or cannot be opened.
   */
  constructor(
    readonly path: string,
    options: SQLiteJournalBackendOptions = {},
  ) {
    const busy = options.busyTimeoutMs ?? 10_000;
    if (!(busy >= 0) || !Number.isFinite(busy)) {
      throw new OuroborosError("invalid-argument", `busyTimeoutMs must be a number of milliseconds >= 0, but got ${busy}`);
    }
    this.busyTimeoutMs = busy;
    const inMemory = path === ":memory:" || path === "";
    if (!inMemory) {
      const dir = dirname(path);
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw new OuroborosError("storage", `cannot create directory ${dir} for SQLite database ${path}: ${reason(e)}`, { cause: e });
      }
    }
    let db: Database.Database;
    try {
      db = new Database(path, { timeout: busy });
    } catch (e) {
      throw this.error(e, "open");
    }
    try {
      retryBusySync(() => {
        if (!inMemory) db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
        prepareSchema(db, path);
      });
      this.insert = db.prepare<[string]>("INSERT INTO journal (op) VALUES (?)");
      this.selectAfter = db.prepare<[number]>("SELECT seq, op FROM journal WHERE seq > ? ORDER BY seq").raw(true);
      this.selectLast = db.prepare<[]>("SELECT seq FROM journal ORDER BY seq DESC LIMIT 1").pluck(true);
      const insert = this.insert;
      this.appendTx = db.transaction((lines: readonly string[]) => {
        let last = 0;
        for (const line of lines) last = Number(insert.run(line).lastInsertRowid);
        return last;
      });
    } catch (e) {
      db.close();
      throw this.error(e, "open");
    }
    this.db = db;
  }

  /**
   * Appends `ops` in one `BEGIN IMMEDIATE` transaction; resolves to the sequence number of the last
   * one. An empty append writes nothing and resolves to the last sequence number in the database.
   * @throws OuroborosError `invalid-value` for an op JSON cannot hold; `storage` if the database
   *   stays locked or the write fails (nothing of the batch is then stored).
   */
  async append(ops: readonly JournalOp[]): Promise<number> {
    this.handle();
    if (ops.length === 0) return this.retry("read", () => this.lastSeq());
    const lines = ops.map((op, i) => encodeOp(op, i));
    return this.retry("append to", () => this.appendTx.immediate(lines));
  }

  /**
   * Ops with sequence number > `afterSeq`, in order (`WHERE seq > ?` over the primary key).
   * @throws OuroborosError `storage-corrupt` if a row is not a JSON op or sequence numbers have a gap.
   */
  async read(afterSeq: number): Promise<readonly JournalOp[]> {
    this.handle();
    if (!Number.isInteger(afterSeq) || afterSeq < 0) {
      throw new OuroborosError("invalid-argument", `read(afterSeq) needs an integer >= 0, but got ${afterSeq}`);
    }
    const rows = await this.retry("read", () => this.selectAfter.all(afterSeq) as unknown as [number, string][]);
    const ops: JournalOp[] = new Array<JournalOp>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [seq, text] = rows[i]!;
      const expected = afterSeq + 1 + i;
      if (seq !== expected) {
        throw new OuroborosError(
          "storage-corrupt",
          `SQLite database ${this.path} is missing journal rows: expected seq ${expected}, found ${seq} (rows were deleted by something other than Ouroboros)`,
        );
      }
      ops[i] = decodeOp(text, `journal row seq ${seq} of SQLite database ${this.path}`);
    }
    return ops;
  }

  /** Closes the connection (checkpointing the WAL if it is the last one). Later calls reject. */
  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    db?.close();
  }

  private lastSeq(): number {
    const seq = this.selectLast.get() as number | undefined;
    return seq ?? 0;
  }

  private handle(): Database.Database {
    if (!this.db) throw new OuroborosError("storage", `SQLite database ${this.path} is closed`);
    return this.db;
  }

  /** Runs `fn`, retrying SQLITE_BUSY / SQLITE_LOCKED with jittered exponential backoff. */
  private async retry<T>(doing: string, fn: () => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      this.handle();
      try {
        return fn();
      } catch (e) {
        if (!isBusy(e) || attempt >= BUSY_RETRIES) throw this.error(e, doing, attempt + 1);
        await sleep(25 * 2 ** attempt * (0.5 + Math.random()));
      }
    }
  }

  private error(e: unknown, doing: string, attempts = 1): OuroborosError {
    if (e instanceof OuroborosError) return e;
    const code = errorCode(e);
    const msg = reason(e);
    if (code === "SQLITE_NOTADB") {
      return new OuroborosError("storage", `${this.path} is not a SQLite database (SQLite says: ${msg})`, { cause: e });
    }
    if (code?.startsWith("SQLITE_CORRUPT")) {
      return new OuroborosError("storage-corrupt", `SQLite database ${this.path} is corrupt (SQLite says: ${msg})`, { cause: e });
    }
    if (isBusy(e)) {
      return new OuroborosError(
        "storage",
        `cannot ${doing} SQLite database ${this.path}: another process held its lock through ${attempts} waits of ${this.busyTimeoutMs} ms (${code})`,
        { cause: e },
      );
    }
    return new OuroborosError("storage", `cannot ${doing} SQLite database ${this.path}: ${msg}${code ? ` (${code})` : ""}`, { cause: e });
  }
}

/** Checks that the database is an Ouroboros one of a schema this version reads; creates the schema in a new one. */
function prepareSchema(db: Database.Database, path: string): void {
  const inspect = (): { tables: string[]; app: string | undefined; version: number | undefined } => {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").pluck().all() as string[];
    if (!tables.includes("meta")) return { tables, app: undefined, version: undefined };
    const get = db.prepare<[string]>("SELECT value FROM meta WHERE key = ?").pluck();
    const app = get.get("application") as string | undefined;
    const version = get.get("schema_version") as string | undefined;
    return { tables, app, version: version === undefined ? undefined : Number(version) };
  };
  const check = (s: ReturnType<typeof inspect>): boolean => {
    if (s.tables.length === 0) return false; // new database
    if (s.app !== "ouroboros") {
      const what = s.tables.includes("journal") ? "its journal table is not Ouroboros's" : "no journal table";
      throw new OuroborosError("storage", `${path} is not an Ouroboros study database (${what}; tables: ${s.tables.join(", ")})`);
    }
    if (s.version === undefined || !Number.isInteger(s.version) || s.version > SCHEMA_VERSION) {
      throw new OuroborosError(
        "storage",
        `${path} was written by a newer version of Ouroboros (schema version ${s.version ?? "unknown"}; this version reads up to ${SCHEMA_VERSION}); upgrade Ouroboros to open it`,
      );
    }
    return s.tables.includes("journal");
  };
  if (check(inspect())) return;
  // Create what is missing, re-checking under the write lock in case another process just did.
  db.transaction(() => {
    if (check(inspect())) return;
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT OR IGNORE INTO meta (key, value) VALUES ('application', 'ouroboros'), ('schema_version', '${SCHEMA_VERSION}');
      CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL);
    `);
  }).immediate();
}

function isBusy(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

/** `fn` retried on SQLITE_BUSY, sleeping synchronously (the constructor cannot await). */
function retryBusySync(fn: () => void): void {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (e) {
      if (!isBusy(e) || attempt >= BUSY_RETRIES) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25 * 2 ** attempt * (0.5 + Math.random()));
    }
  }
}
