/** In-process journal backend: an array. For tests and single-process studies that need no file. */
import type { JournalBackend } from "./journal-backend.js";
import type { JournalOp } from "./journal-ops.js";

/** A journal held in memory; several `JournalStorage` objects in one process may share one. */
export class MemoryJournalBackend implements JournalBackend {
  private readonly ops: JournalOp[] = [];

  async append(ops: readonly JournalOp[]): Promise<number> {
    // Ops are readonly by type and built fresh by the storage layer, so they are kept as given.
    for (const op of ops) this.ops.push(op);
    return this.ops.length;
  }

  async read(afterSeq: number): Promise<readonly JournalOp[]> {
    return this.ops.slice(afterSeq);
  }

  async close(): Promise<void> {}
}
