/**
 * The append-only, hash-chained audit log of a run: every proposal, training, evaluation, promotion
 * and rollback, stored with the study (see `audit-store.ts`) and checked by `ouro audit verify`.
 *
 * What verification detects (see {@link AuditChain} for the algorithm):
 * - an **edited** record (any field, or an added one): its hash no longer matches its content;
 * - a **deleted** record that is not the last: the next record's `prevHash` names a record that is
 *   not there;
 * - a **reordered** record: a record whose predecessor comes after it;
 * - a **truncated tail**, only against a head recorded elsewhere ({@link VerifyOptions.expectedHead});
 *   `ouro audit verify` prints the head so it can be kept.
 *
 * What it cannot detect: someone with write access who rewrites a record *and every record after
 * it*, recomputing the hashes (a hash chain has no secret; keep the head somewhere they cannot
 * write to catch this too), and the removal of the last records when no head was kept. Records
 * that lost a write race ("superseded", see below) are not part of the log, so deleting one is not
 * an error.
 *
 * Concurrency: any number of processes may append to one storage. Appends are optimistic, like a
 * compare-and-swap on the head: a writer reads the chain, seals its record on the head it saw, and
 * appends it. Storage order decides: if another record extended that head first, the verifier treats
 * the late record as superseded and the writer, seeing it did not make the chain, seals the entry
 * again on the new head. So all processes agree on one chain without a lock beyond the storage's own
 * atomic append.
 */
import { OuroborosError } from "../core/errors.js";
import type { StorageLike } from "../storage/open-storage.js";
import { AuditChain, sealAuditRecord, type AuditBreak, type AuditEntry, type AuditHead, type AuditRecord } from "./audit-chain.js";
import { JournalAuditStore, isAuditStore, type AuditStore } from "./audit-store.js";

/** Options of {@link verifyAuditLog}. */
export interface VerifyOptions {
  /** A head recorded elsewhere; the log must still hold that record with that hash. Default none. */
  readonly expectedHead?: AuditHead;
}

/** The outcome of a verification. */
export type AuditVerification =
  | { readonly ok: true; readonly records: number; readonly head: AuditHead; readonly superseded: number }
  | ({ readonly ok: false; readonly records: number; readonly head: AuditHead } & AuditBreak);

/**
 * Verifies stored audit records given in storage order (superseded ones included). `records` and
 * `head` describe the trusted prefix; on failure the break says the first bad seq and why.
 */
export function verifyAuditLog(stored: Iterable<unknown>, options: VerifyOptions = {}): AuditVerification {
  const chain = new AuditChain();
  for (const r of stored) {
    chain.push(r);
    if (chain.broken) break;
  }
  return outcome(chain, options);
}

function outcome(chain: AuditChain, options: VerifyOptions): AuditVerification {
  if (options.expectedHead) chain.expectHead(options.expectedHead);
  const b = chain.broken;
  if (b) return { ok: false, records: chain.records.length, head: chain.head, ...b };
  return { ok: true, records: chain.records.length, head: chain.head, superseded: chain.superseded };
}

/** Options of {@link AuditLog.open}. */
export interface AuditLogOptions {
  /** Clock for record times, in ms since the epoch. Default `Date.now`. */
  readonly clock?: () => number;
  /** How many times an append is sealed again after losing a race. Default 200. */
  readonly maxAttempts?: number;
}

/**
 * An audit log over a store: append entries, read the verified chain.
 *
 * Calls on one object run one at a time (an internal queue); several objects and processes may
 * share a storage (see the module comment). Reads are of the chain as of the last `sync`/append.
 *
 * @example
 * ```ts
 * const log = await AuditLog.open("sqlite:./ouro.db");
 * await log.append({ actor: "ouro run", action: "promotion", subject: "model:churn", details: { version: 3 } });
 * const v = await log.verify(); // { ok: true, records: 1, head: { seq: 1, hash: "…" }, superseded: 0 }
 * await log.close();
 * ```
 */
export class AuditLog {
  private readonly chain = new AuditChain();
  private cursor = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly clock: () => number;
  private readonly maxAttempts: number;

  private constructor(
    /** The store the log reads and appends. */
    readonly store: AuditStore,
    options: AuditLogOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.maxAttempts = options.maxAttempts ?? 200;
  }

  /**
   * Opens the log of a storage URL (`sqlite:PATH`, `file:PATH`, `memory:NAME`), storage object or
   * {@link AuditStore}, and reads it. A URL's storage is closed by {@link close}. Opening does not
   * fail on a broken log (so it can be verified); appending to one does.
   */
  static async open(storage: StorageLike | AuditStore, options: AuditLogOptions = {}): Promise<AuditLog> {
    const store = isAuditStore(storage) ? storage : await JournalAuditStore.open(storage);
    const log = new AuditLog(store, options);
    await log.sync();
    return log;
  }

  /** The verified records, seq 1, 2, 3, … (the trusted prefix if the log is broken). */
  get records(): readonly AuditRecord[] {
    return this.chain.records;
  }

  /** The last verified record's seq and hash. */
  get head(): AuditHead {
    return this.chain.head;
  }

  /** Reads what other writers appended since the last read. */
  async sync(): Promise<void> {
    await this.serial(() => this.catchUp());
  }

  /** Verifies everything read so far (after a `sync`), optionally against a head kept elsewhere. */
  async verify(options: VerifyOptions = {}): Promise<AuditVerification> {
    return this.serial(async () => {
      await this.catchUp();
      if (!options.expectedHead) return outcome(this.chain, {});
      // expectHead marks a chain broken when it fails, so check a fresh chain and leave this one as is.
      const { records } = await this.store.read(0);
      return verifyAuditLog(records, options);
    });
  }

  /**
   * Appends one entry; resolves to the record as it stands on the chain.
   * @throws OuroborosError `storage-corrupt` if the log is broken (nothing is appended to a broken
   *   log), `invalid-value` if the details hold what JSON cannot, `storage` if the append keeps
   *   losing races after `maxAttempts` tries.
   */
  append(entry: AuditEntry): Promise<AuditRecord> {
    return this.transact(() => entry);
  }

  /**
   * Appends the entry `build` makes from the current chain, atomically with respect to every other
   * writer: if another record lands first, `build` runs again on the longer chain. This is how the
   * model registry numbers versions and checks aliases without a lock. `build` may throw to abort.
   */
  transact(build: (records: readonly AuditRecord[]) => AuditEntry): Promise<AuditRecord> {
    return this.serial(async () => {
      for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
        await this.catchUp();
        this.throwIfBroken();
        const record = sealAuditRecord(build(this.chain.records), this.chain.head, this.clock());
        await this.store.append(record);
        await this.catchUp();
        if (this.chain.has(record.hash)) return record;
        this.throwIfBroken();
        // Lost the race for this head: back off a little (jittered) and seal again on the new head.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 + attempt * 2)));
      }
      throw new OuroborosError("storage", `could not append to the audit log in ${this.store.url}: lost the race to other writers ${this.maxAttempts} times`);
    });
  }

  /** Closes the storage if this log opened it from a URL. */
  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.store.close();
  }

  private throwIfBroken(): void {
    const b = this.chain.broken;
    if (b) throw new OuroborosError("storage-corrupt", `audit log in ${this.store.url} is broken at record ${b.seq}: ${b.reason}; refusing to append`);
  }

  private async catchUp(): Promise<void> {
    const { records, cursor } = await this.store.read(this.cursor);
    this.cursor = cursor;
    for (const r of records) this.chain.push(r);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
