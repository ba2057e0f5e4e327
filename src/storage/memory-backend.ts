/** In-process journal backend: an array. For tests and single-process studies that need no file. */
import { OuroborosError } from "../core/errors.js";
import type { JournalBackend } from "./journal-backend.js";
import type { JournalOp } from "./journal-ops.js";

/** A journal held in memory; several `JournalStorage` objects in one process may share one. */
export class MemoryJournalBackend implements JournalBackend {
  private readonly ops: JournalOp[] = [];
  private closed = false;

  /** Whether `close` was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  async append(ops: readonly JournalOp[]): Promise<number> {
    this.check();
    // Ops are readonly by type and built fresh by the storage layer, so they are kept as given.
    for (const op of ops) this.ops.push(op);
    return this.ops.length;
  }

  async read(afterSeq: number): Promise<readonly JournalOp[]> {
    this.check();
    return this.ops.slice(afterSeq);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private check(): void {
    if (this.closed) throw new OuroborosError("storage", "the in-memory journal is closed");
  }
}
