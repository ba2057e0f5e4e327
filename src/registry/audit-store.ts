/**
 * Where audit records live: a two-method store interface and its one implementation, over the study
 * journal, so the same `sqlite:`/`file:`/`memory:` storage URL holds studies and the audit log.
 *
 * Journal encoding. Each record is one journal op `{"op": "audit", "record": {…}}`, appended with
 * the backend's own atomic append. Study replay (`journal-state.ts`) has no case for `"audit"` and
 * skips it, and the file and SQLite codecs store any object with a string `op`, so the storage layer
 * needs no change. Until `JournalOp` lists this op, it crosses that type through one cast here.
 */
import type { JournalBackend } from "../storage/journal-backend.js";
import type { JournalOp } from "../storage/journal-ops.js";
import { JournalStorage } from "../storage/journal-storage.js";
import { openStorage, type StorageLike } from "../storage/open-storage.js";
import type { AuditRecord } from "./audit-chain.js";

/**
 * Append and read of audit records. Implementations only store: chain checks are the log's job.
 *
 * Contract: `append` stores one record atomically and totally ordered with every other append, from
 * any process; `read(cursor)` returns what was stored after `cursor` in that order, with the cursor
 * to pass next (start with 0). Records come back as stored, typed `unknown` because stored data may
 * have been edited by hand.
 */
export interface AuditStore {
  /** The storage URL, for messages. */
  readonly url: string;
  /** Stores one record atomically, after everything stored before. */
  append(record: AuditRecord): Promise<void>;
  /** Records stored after `cursor` (0 = from the start) in storage order, and the next cursor. */
  read(cursor: number): Promise<{ readonly records: readonly unknown[]; readonly cursor: number }>;
  /** Releases the storage if this store opened it. */
  close(): Promise<void>;
}

/** The journal op that carries an audit record. */
export interface AuditOp {
  readonly op: "audit";
  readonly record: AuditRecord;
}

/** An {@link AuditStore} over a study journal (any backend). */
export class JournalAuditStore implements AuditStore {
  private constructor(
    private readonly storage: JournalStorage,
    private readonly owned: boolean,
  ) {}

  /**
   * Opens the audit store of a storage URL, backend or open storage. A URL is opened here and closed
   * by `close`; a storage object passed in stays open (its owner closes it).
   */
  static async open(storage: StorageLike): Promise<JournalAuditStore> {
    const owned = typeof storage === "string";
    return new JournalAuditStore(await openStorage(storage), owned);
  }

  /** The storage URL. */
  get url(): string {
    return this.storage.url;
  }

  private get backend(): JournalBackend {
    return this.storage.backend;
  }

  /** Appends the record as one `audit` journal op (the backend's append is atomic and ordered). */
  async append(record: AuditRecord): Promise<void> {
    const op: AuditOp = { op: "audit", record };
    await this.backend.append([op as unknown as JournalOp]);
  }

  /** The `audit` ops' records among the journal ops after `cursor` (a journal sequence number). */
  async read(cursor: number): Promise<{ records: unknown[]; cursor: number }> {
    const ops = await this.backend.read(cursor);
    const records: unknown[] = [];
    for (const op of ops) {
      if ((op as { op: string }).op === "audit") records.push((op as unknown as { record?: unknown }).record);
    }
    return { records, cursor: cursor + ops.length };
  }

  /** Closes the storage if it was opened from a URL here. */
  async close(): Promise<void> {
    if (this.owned) await this.storage.close();
  }
}

/** Whether a value is an {@link AuditStore} rather than a storage URL or object. */
export function isAuditStore(x: unknown): x is AuditStore {
  return typeof x === "object" && x !== null && !(x instanceof JournalStorage) && typeof (x as AuditStore).read === "function" && typeof (x as AuditStore).append === "function" && "url" in x;
}
