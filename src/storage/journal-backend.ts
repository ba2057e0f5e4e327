/**
 * The whole contract of a storage backend: append operations, read them back in order.
 *
 * Implementations must be safe for concurrent appends from several processes (and, for network
 * databases, several machines): every op gets a unique sequence number, sequence numbers are
 * 1, 2, 3, … without gaps in the order `read` returns, and an append is either fully stored or not
 * at all (a crash mid-append never leaves a partial op visible). Everything else — studies, trials,
 * conflicts between workers — is decided by replaying the journal (`journal-state.ts`).
 */
import type { JournalOp } from "./journal-ops.js";

/** An append-only, totally ordered log of journal operations. */
export interface JournalBackend {
  /** Appends ops atomically, in order; resolves to the sequence number of the last one. */
  append(ops: readonly JournalOp[]): Promise<number>;
  /** Ops with sequence number > `afterSeq`, in order. */
  read(afterSeq: number): Promise<readonly JournalOp[]>;
  /** Releases files and connections. Further calls fail. */
  close(): Promise<void>;
}
