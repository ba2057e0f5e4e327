/**
 * The public storage API: a study database is an append-only journal of operations
 * ({@link JournalOp}) that every client replays into the same state ({@link JournalStorage}).
 *
 * Backends: memory (in this process), file (`file:PATH`, JSON lines with a lock file) and SQLite
 * (`sqlite:PATH`, WAL mode). The file and SQLite backends are exported as types only and reached
 * through {@link openStorage}, which imports them (and better-sqlite3) on first use, so importing
 * this module loads no native code and no file-system code.
 *
 * Concurrency: every backend gives each op a unique sequence number, gapless in read order, and
 * stores a multi-op append whole or not at all. Conflicts between workers (two creates of one study
 * name, two claims of one trial, two finishes) are settled by journal order at replay, so all
 * clients agree without any lock beyond the one each backend takes to append.
 */

/** Study storage over any backend: replayed state plus appends (see `journal-storage.ts`). */
export { JournalStorage } from "./journal-storage.js";
/** The replayed state of a journal, and one study within it. */
export type { JournalState, StudyRecord } from "./journal-state.js";
/** The two-method contract of a backend (`append`, `read`) plus `close`. */
export type { JournalBackend } from "./journal-backend.js";
/** The operations of the journal. */
export type {
  JournalOp,
  CreateStudyOp,
  DeleteStudyOp,
  SetStudyAttrOp,
  CreateTrialOp,
  ClaimTrialOp,
  SetParamOp,
  ReportOp,
  SetTrialAttrOp,
  HeartbeatOp,
  FinishTrialOp,
} from "./journal-ops.js";
/** The in-process backend. */
export { MemoryJournalBackend } from "./memory-backend.js";
/** Opens the storage a URL names (`memory:`, `file:PATH`, `sqlite:PATH`), loading backends lazily. */
export { openStorage, type StorageLike } from "./open-storage.js";
/** The JSON-lines file backend (type only: it loads through `openStorage("file:PATH")`). */
export type { FileJournalBackend, FileJournalBackendOptions } from "./file-backend.js";
/** The SQLite backend (type only: it loads through `openStorage("sqlite:PATH")`). */
export type { SQLiteJournalBackend, SQLiteJournalBackendOptions } from "./sqlite-backend.js";
