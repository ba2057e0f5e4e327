/**
 * The audit record format and the hash chain over it: how a record is hashed, and the incremental
 * verifier that turns stored records (in storage order) into one trusted chain or the first place
 * where the chain is broken. Pure functions and one small state machine; no storage here.
 */
import { OuroborosError } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";
import { canonicalJson, sha256Hex } from "./canonical-json.js";

/**
 * What an audit record says happened. The improvement loop writes the first five; the model
 * registry writes `registration`, `promotion` and `rollback`; lineage writes `generation`; `run`
 * marks the start, resume or end of a run; `note` is free text from a person.
 */
export type AuditAction =
  | "proposal"
  | "training"
  | "evaluation"
  | "promotion"
  | "rollback"
  | "registration"
  | "generation"
  | "run"
  | "note";

/** What a caller supplies for a new record; the log adds `seq`, `time`, `prevHash` and `hash`. */
export interface AuditEntry {
  /** Who did it: a component (`ouro run`, `asha`), a worker id or a person. */
  readonly actor: string;
  readonly action: AuditAction;
  /** What it was done to, e.g. `study:churn/trial:12` or `model:churn/version:3`. */
  readonly subject: string;
  /** Anything else, as JSON (finite numbers only). */
  readonly details: JsonValue;
}

/**
 * One record of the hash-chained audit log.
 *
 * `hash` is the SHA-256 (lower-case hex) of the canonical JSON (sorted keys, no whitespace; see
 * `canonical-json.ts`) of every other field of the record, `prevHash` included, so each record
 * commits to its content and, through `prevHash`, to every record before it. The first record's
 * `prevHash` is {@link GENESIS_HASH}.
 */
export interface AuditRecord extends AuditEntry {
  /** Position in the chain: 1, 2, 3, … without gaps. */
  readonly seq: number;
  /** Milliseconds since the Unix epoch when the record was written. */
  readonly time: number;
  /** `hash` of the record before (seq − 1), or {@link GENESIS_HASH} for seq 1. */
  readonly prevHash: string;
  readonly hash: string;
}

/** The `prevHash` of the first record: 64 zeros. */
export const GENESIS_HASH = "0".repeat(64);

/** The last record of a chain (seq 0 and {@link GENESIS_HASH} for an empty chain). */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** Where and why a chain is broken. */
export interface AuditBreak {
  /** The seq of the first bad record (as it claims, or the chain position it should hold). */
  readonly seq: number;
  /** Its 0-based position among the audit records in storage order. */
  readonly index: number;
  /** One line, e.g. `hash does not match its content`. */
  readonly reason: string;
}

/**
 * The hash of a record: SHA-256 of the canonical JSON of all its fields except `hash` itself.
 * Fields a record should not have are hashed too, so adding one is detected like editing one.
 */
export function hashAuditRecord(record: Omit<AuditRecord, "hash"> | AuditRecord): string {
  const { hash: _ignored, ...rest } = record as AuditRecord;
  return sha256Hex(canonicalJson(rest, "audit record"));
}

/** Seals an entry as the record after `head`: adds seq, time, prevHash and the hash. */
export function sealAuditRecord(entry: AuditEntry, head: AuditHead, time: number): AuditRecord {
  if (typeof entry.actor !== "string" || entry.actor === "") throw new OuroborosError("invalid-argument", `audit entry needs a non-empty actor, but got ${JSON.stringify(entry.actor)}`);
  if (typeof entry.subject !== "string") throw new OuroborosError("invalid-argument", `audit entry needs a string subject, but got ${JSON.stringify(entry.subject)}`);
  const body = { seq: head.seq + 1, time, actor: entry.actor, action: entry.action, subject: entry.subject, details: entry.details, prevHash: head.hash };
  // Round-trip details through JSON so the stored record hashes the same after reading it back.
  const details = JSON.parse(canonicalJson(body.details, "audit entry details")) as JsonValue;
  const sealed = { ...body, details };
  return { ...sealed, hash: hashAuditRecord(sealed) };
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Why a stored value is not a well-formed record, or undefined if it is one. */
function malformed(r: unknown): string | undefined {
  if (typeof r !== "object" || r === null || Array.isArray(r)) return "not an object";
  const o = r as Record<string, unknown>;
  if (!Number.isInteger(o["seq"]) || (o["seq"] as number) < 1) return `seq is ${JSON.stringify(o["seq"])}, expected an integer ≥ 1`;
  if (typeof o["time"] !== "number" || !Number.isFinite(o["time"])) return `time is ${JSON.stringify(o["time"])}, expected a number`;
  for (const k of ["actor", "action", "subject"] as const) {
    if (typeof o[k] !== "string") return `${k} is ${JSON.stringify(o[k])}, expected a string`;
  }
  if (!("details" in o)) return "it has no details";
  for (const k of ["prevHash", "hash"] as const) {
    if (typeof o[k] !== "string" || !HEX64.test(o[k] as string)) return `${k} is ${JSON.stringify(o[k])}, expected 64 hex digits`;
  }
  return undefined;
}

/**
 * Incremental verifier of a hash chain, fed stored records in storage order.
 *
 * Algorithm. Starting from the genesis head, each stored record is checked in turn:
 * 1. it must be well formed and its `hash` must equal {@link hashAuditRecord} of its content
 *    (else: edited);
 * 2. if its `prevHash` is the current head's hash and its seq is head.seq + 1, it extends the chain
 *    and becomes the head;
 * 3. if its `prevHash` is the hash of an earlier chain record (not the head) and its seq is that
 *    record's seq + 1, it is **superseded**: a writer in another process sealed it against a head
 *    that someone else extended first, lost the race, and wrote it again on the new head (see
 *    `audit-log.ts`). It is skipped and counted, never part of the chain;
 * 4. otherwise its predecessor is not before it: a record was deleted or moved.
 *
 * The first failure ends verification (`broken`); later records are not looked at, because once a
 * link is broken nothing after it can be trusted. Time per record is one SHA-256 and two map look-ups.
 */
export class AuditChain {
  private readonly chain: AuditRecord[] = [];
  private readonly seqOfHash = new Map<string, number>([[GENESIS_HASH, 0]]);
  private index = 0;
  private supersededCount = 0;
  private broke: AuditBreak | undefined;

  /** The trusted records, seq 1, 2, 3, … (a prefix, when the chain is broken). */
  get records(): readonly AuditRecord[] {
    return this.chain;
  }

  /** The last trusted record. */
  get head(): AuditHead {
    const last = this.chain[this.chain.length - 1];
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** How many stored records lost a race and were written again (skipped, harmless). */
  get superseded(): number {
    return this.supersededCount;
  }

  /** The first break found, if any. */
  get broken(): AuditBreak | undefined {
    return this.broke;
  }

  /** Whether a record with this hash is on the chain. */
  has(hash: string): boolean {
    return hash !== GENESIS_HASH && this.seqOfHash.has(hash);
  }

  /** The seq of the chain record with this hash (0 for the genesis hash). */
  seqOf(hash: string): number | undefined {
    return this.seqOfHash.get(hash);
  }

  /** Checks and adds the next stored record; does nothing once the chain is broken. */
  push(stored: unknown): void {
    if (this.broke) return;
    const index = this.index++;
    const head = this.head;
    const bad = malformed(stored);
    const claimed = (stored as { seq?: unknown } | null)?.seq;
    const seq = Number.isInteger(claimed) && (claimed as number) >= 1 ? (claimed as number) : head.seq + 1;
    if (bad) {
      this.broke = { seq, index, reason: `it is not a well-formed audit record (${bad})` };
      return;
    }
    const r = stored as AuditRecord;
    let actual: string;
    try {
      actual = hashAuditRecord(r);
    } catch {
      actual = "";
    }
    if (actual !== r.hash) {
      this.broke = { seq, index, reason: "hash does not match its content" };
      return;
    }
    if (r.prevHash === head.hash) {
      if (r.seq !== head.seq + 1) {
        this.broke = { seq, index, reason: `its seq is ${r.seq}, but it follows record ${head.seq}` };
        return;
      }
      this.chain.push(r);
      this.seqOfHash.set(r.hash, r.seq);
      return;
    }
    const prevSeq = this.seqOfHash.get(r.prevHash);
    if (prevSeq !== undefined && r.seq === prevSeq + 1) {
      this.supersededCount++;
      return;
    }
    this.broke = {
      seq,
      index,
      reason: `its previous record (hash ${r.prevHash.slice(0, 12)}…) is not before it: a record was deleted or moved`,
    };
  }

  /**
   * Checks a head recorded elsewhere (a run directory, a lineage record, a printout): the record
   * `expected.seq` must be on the chain with `expected.hash`. Catches a truncated tail, which the
   * chain alone cannot see. Marks the chain broken and returns the break if not.
   */
  expectHead(expected: AuditHead): AuditBreak | undefined {
    if (this.broke) return this.broke;
    if (this.seqOfHash.get(expected.hash) === expected.seq) return undefined;
    const have = this.chain[expected.seq - 1];
    const reason =
      have === undefined
        ? `the log ends at record ${this.head.seq}, but record ${expected.seq} (hash ${expected.hash.slice(0, 12)}…) was recorded as written: the tail was truncated`
        : `record ${expected.seq} has hash ${have.hash.slice(0, 12)}…, but ${expected.hash.slice(0, 12)}… was recorded for it: the log was rewritten`;
    this.broke = { seq: expected.seq, index: this.index, reason };
    return this.broke;
  }
}
