/**
 * Length: just over 500 lines because the lock protocol and torn-tail recovery must be read together
 * to check the crash guarantees.
 *
 * A journal in a JSON-lines file, one op per line, shared by processes on one machine.
 *
 * **Format.** Line `n` (1-based) is op `n` as `JSON.stringify` writes it. An append of several ops
 * is one batch: every line of a batch but the last ends in a space before its newline (`… \n`), a
 * marker JSON ignores, so a reader knows where a batch ends. A batch counts only once its last line
 * is complete, which makes a multi-op append atomic for readers even when a writer dies mid-write.
 *
 * **Writers** take an exclusive lock (below), then, still holding it and without awaiting anything:
 * check the file's tail, cut off a torn tail (an unfinished batch a killed writer left behind),
 * write the whole batch with one `write` call (looping only if the OS writes it short), optionally
 * `fdatasync`, and release the lock. Because only the lock holder writes or truncates, the bytes up
 * to the end of the last complete batch never change once written.
 *
 * **Readers** take no lock. They remember the byte offset and the number of ops already read and
 * read only the bytes after it; an unfinished batch at the end is left unread until it completes (or
 * until the next writer removes it). A line in the finished part that is not a JSON op is
 * corruption: `storage-corrupt` naming the file and line.
 *
 * **Lock.** `PATH.lock`, created with `open(…, "wx")` (`O_CREAT|O_EXCL`, atomic on local file
 * systems) and holding `{pid, host, start, token, time}`. A waiter polls with jittered backoff. It
 * breaks the lock when the holder is provably dead: same host and `kill(pid, 0)` fails with ESRCH,
 * or the pid is a zombie, or (Linux) the pid now belongs to a process started at another time than
 * the holder (pid reuse). When the holder cannot be checked (another host, a lock file still empty,
 * no `/proc`), the lock is broken once it is older than `staleLockMs`. A live holder on this host is
 * never broken: the waiter fails after `lockTimeoutMs` with a message naming the holder. Breakers
 * serialise through `PATH.lock.break` and re-check that the lock is the same file with the same
 * content before unlinking it, so two waiters cannot both break one lock and remove a fresh one.
 * The lock is held only for a few synchronous system calls, never across an `await`, so a holder is
 * stale only if its process died or was stopped.
 *
 * Not for network file systems (`O_EXCL` and append semantics vary there); use SQLite locally or
 * PostgreSQL across machines.
 */
import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { OuroborosError } from "../core/errors.js";
import type { JournalBackend } from "./journal-backend.js";
import { decodeOp, encodeOp } from "./journal-codec.js";
import { errorCode, reason, sleep } from "./io-helpers.js";
import type { JournalOp } from "./journal-ops.js";

/** Options of {@link FileJournalBackend}. */
export interface FileJournalBackendOptions {
  /**
   * `fdatasync` the file after every append, so an append that resolved survives a power loss.
   * Without it (the default, like SQLite's `synchronous=NORMAL`) an append survives the process
   * being killed but the last appends may be lost, never half-kept, if the machine loses power.
   * Default `false`.
   */
  readonly fsync?: boolean;
  /** How long an append waits for the lock before failing with `storage`. Default 60,000 ms. */
  readonly lockTimeoutMs?: number;
  /**
   * Age after which a lock whose holder cannot be checked (another host, an unreadable lock file,
   * no `/proc` to rule out pid reuse) is considered abandoned and broken. Default 30,000 ms.
   */
  readonly staleLockMs?: number;
}

/** What a lock file holds. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** Start time of the holder process (Linux `/proc/PID/stat` field 22), to detect pid reuse. */
  readonly start: string | null;
  readonly token: string;
  readonly time: number;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;
/** Bytes read per system call when scanning or re-reading the file. */
const CHUNK = 1 << 20;
const HOST = hostname();
const OWN_START = processStart(process.pid) ?? null;
let tokenCounter = 0;

/** The file changed under a lock-free reader (a writer cut a torn tail); reading again fixes it. */
class FileChanged extends Error {}

/**
 * A {@link JournalBackend} over a JSON-lines file (`file:PATH` storage URLs).
 *
 * Concurrency: any number of processes (and backends within one process) on one machine may append
 * and read at once. Appends are serialised by a lock file, so sequence numbers are line numbers,
 * gapless in read order; a multi-op append becomes visible all at once; a writer killed at any
 * point leaves no partial op visible and does not block later writers (its lock is broken as soon
 * as its process is gone). Reads take no lock. Methods may be called concurrently; `close` makes
 * every later call reject.
 *
 * @example
 * ```ts
 * const backend = new FileJournalBackend("./studies/tune.jsonl", { fsync: true });
 * const storage = new JournalStorage(backend, "file:./studies/tune.jsonl");
 * ```
 */
export class FileJournalBackend implements JournalBackend {
  /** Path of the lock file, `PATH.lock`. */
  readonly lockPath: string;
  private fd: number | undefined;
  private readonly fsync: boolean;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;
  /** Byte offset of each op line read so far: `starts[i]` is where op `i + 1` begins. */
  private readonly starts: number[] = [];
  /** Byte offset just past the last complete batch read so far. */
  private end = 0;

  /**
   * Opens (creating it and its parent directories if needed) the journal file at `path`.
   * @throws OuroborosError `storage` if the directory or file cannot be created or opened for
   *   appending, naming the path and the reason.
   */
  constructor(
    readonly path: string,
    options: FileJournalBackendOptions = {},
  ) {
    this.lockPath = `${path}.lock`;
    this.fsync = options.fsync ?? false;
    this.lockTimeoutMs = positive(options.lockTimeoutMs, 60_000, "lockTimeoutMs");
    this.staleLockMs = positive(options.staleLockMs, 30_000, "staleLockMs");
    const dir = dirname(path);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new OuroborosError("storage", `cannot create directory ${dir} for journal file ${path}: ${reason(e)}`, { cause: e });
    }
    let fd: number;
    try {
      fd = openSync(path, "a+");
    } catch (e) {
      throw new OuroborosError("storage", `cannot open journal file ${path} for reading and appending: ${reason(e)}`, { cause: e });
    }
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw new OuroborosError("storage", `journal file ${path} is not a regular file`);
    }
    this.fd = fd;
  }

  /**
   * Appends `ops` as one batch under the file lock; resolves to the sequence number (line number)
   * of the last one. An empty append writes nothing and resolves to the number of ops in the file.
   * @throws OuroborosError `invalid-value` for an op JSON cannot hold; `storage` if the lock cannot
   *   be had within `lockTimeoutMs` or the write fails (nothing of the batch is then visible).
   */
  async append(ops: readonly JournalOp[]): Promise<number> {
    this.handle();
    if (ops.length === 0) {
      await this.catchUp(Infinity);
      return this.starts.length;
    }
    const lines = ops.map((op, i) => encodeOp(op, i) + (i < ops.length - 1 ? " \n" : "\n"));
    const data = Buffer.from(lines.join(""), "utf8");
    const token = await this.lock();
    try {
      const fd = this.handle();
      // The lock holder is the only one who writes, so the scan cannot race with a truncation.
      const size = this.scanSafely();
      if (size > this.end) this.cutTornTail(fd, size);
      this.write(fd, data);
      if (this.fsync) fdatasyncSync(fd);
      let pos = this.end;
      for (const line of lines) {
        this.starts.push(pos);
        pos += Buffer.byteLength(line, "utf8");
      }
      this.end = pos;
      return this.starts.length;
    } finally {
      this.unlock(token);
    }
  }

  /**
   * Ops with sequence number > `afterSeq`, in order. Reads only the bytes appended since the last
   * call when `afterSeq` is the number of ops already read; an unfinished batch at the end is not
   * returned.
   * @throws OuroborosError `storage-corrupt` naming the file and line if a finished line is not a
   *   JSON op, or if the file shrank below what was already read.
   */
  async read(afterSeq: number): Promise<readonly JournalOp[]> {
    this.handle();
    if (!Number.isInteger(afterSeq) || afterSeq < 0) {
      throw new OuroborosError("invalid-argument", `read(afterSeq) needs an integer >= 0, but got ${afterSeq}`);
    }
    return this.catchUp(afterSeq);
  }

  /** Closes the file. Later calls reject; closing again does nothing. */
  async close(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }

  /** Old lines after `afterSeq`, then new lines; retried when a writer changed the tail meanwhile. */
  private async catchUp(afterSeq: number): Promise<JournalOp[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        const known = this.starts.length;
        const old = afterSeq < known ? this.readLines(afterSeq, known) : [];
        const fresh: JournalOp[] = [];
        this.scan(afterSeq, fresh);
        return old.length > 0 ? old.concat(fresh) : fresh;
      } catch (e) {
        const retriable = e instanceof FileChanged || (e instanceof OuroborosError && e.code === "storage-corrupt");
        if (!retriable || attempt >= 3) {
          if (e instanceof FileChanged) {
            throw new OuroborosError("storage", `journal file ${this.path} kept changing under the reader: ${e.message}`);
          }
          throw e;
        }
        await sleep(5 * (attempt + 1));
        this.handle();
      }
    }
  }

  /**
   * Reads the bytes after `end`, indexes every complete batch and, for ops with sequence number >
   * `parseAfter`, parses them into `out`. Returns the file size seen (bytes beyond `end` are an
   * unfinished batch). The index advances batch by batch, only past batches that parsed.
   */
  private scan(parseAfter: number, out: JournalOp[]): number {
    const fd = this.handle();
    const size = fstatSync(fd).size;
    if (size < this.end) {
      throw new OuroborosError(
        "storage-corrupt",
        `journal file ${this.path} shrank from ${this.end} to ${size} bytes while open: it was truncated or replaced by something other than Ouroboros`,
      );
    }
    let chunk = CHUNK;
    while (this.end < size) {
      const base = this.end;
      const len = Math.min(chunk, size - base);
      const buf = this.readAt(fd, base, len);
      let lineStart = 0;
      let batch: number[] = []; // relative starts of the lines of the unfinished batch
      let committed = 0;
      for (;;) {
        const nl = buf.indexOf(NEWLINE, lineStart);
        if (nl < 0) break;
        batch.push(lineStart);
        const continued = nl > lineStart && buf[nl - 1] === SPACE;
        lineStart = nl + 1;
        if (continued) continue;
        // A complete batch: parse what the caller wants, then index it.
        const first = this.starts.length + 1;
        const parsed: JournalOp[] = [];
        for (let k = 0; k < batch.length; k++) {
          const seq = first + k;
          if (seq <= parseAfter) continue;
          const s = batch[k]!;
          const e = (k + 1 < batch.length ? batch[k + 1]! : lineStart) - 1;
          parsed.push(decodeOp(buf.toString("utf8", s, e), `line ${seq} of journal file ${this.path}`));
        }
        // Index and end advance together, so a corrupt batch later in the chunk leaves them consistent.
        for (const s of batch) this.starts.push(base + s);
        for (const op of parsed) out.push(op);
        committed = lineStart;
        this.end = base + committed;
        batch = [];
      }
      if (committed === 0) {
        if (base + len >= size) break; // only an unfinished batch is left
        chunk *= 2; // a batch longer than the chunk: read it whole
      }
    }
    return size;
  }

  /** `scan` without parsing, under the lock, where no one else can change the file. */
  private scanSafely(): number {
    try {
      return this.scan(Infinity, []);
    } catch (e) {
      if (e instanceof FileChanged) {
        throw new OuroborosError("storage", `journal file ${this.path} changed while this process held its lock: ${e.message}`);
      }
      throw e;
    }
  }

  /** Parses already-indexed lines `from + 1 … to` again, reading in chunks of about `CHUNK`. */
  private readLines(from: number, to: number): JournalOp[] {
    const fd = this.handle();
    const out: JournalOp[] = [];
    const lineEnd = (i: number): number => (i + 1 < this.starts.length ? this.starts[i + 1]! : this.end);
    let i = from;
    while (i < to) {
      const s0 = this.starts[i]!;
      let j = i + 1;
      while (j < to && lineEnd(j) - s0 <= CHUNK) j++;
      const e0 = lineEnd(j - 1);
      const buf = this.readAt(fd, s0, e0 - s0);
      for (let k = i; k < j; k++) {
        out.push(decodeOp(buf.toString("utf8", this.starts[k]! - s0, lineEnd(k) - s0 - 1), `line ${k + 1} of journal file ${this.path}`));
      }
      i = j;
    }
    return out;
  }

  private readAt(fd: number, position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let off = 0;
    while (off < length) {
      const n = readSync(fd, buf, off, length - off, position + off);
      if (n === 0) throw new FileChanged(`expected ${length} bytes at offset ${position}, the file ended after ${off}`);
      off += n;
    }
    return buf;
  }

  /** Removes an unfinished batch left by a writer that died; called by the lock holder only. */
  private cutTornTail(fd: number, size: number): void {
    // A writer whose lock was broken while it was stopped could still be writing: never cut a tail
    // that is still growing.
    const now = fstatSync(fd).size;
    if (now !== size) {
      throw new OuroborosError(
        "storage",
        `journal file ${this.path} grew from ${size} to ${now} bytes while this process held its lock; another process is writing without the lock`,
      );
    }
    try {
      ftruncateSync(fd, this.end);
    } catch (e) {
      throw new OuroborosError("storage", `cannot remove the unfinished last line of journal file ${this.path}: ${reason(e)}`, { cause: e });
    }
  }

  private write(fd: number, data: Buffer): void {
    let off = 0;
    try {
      // The file is opened with O_APPEND; a regular file takes the whole buffer in one call unless
      // the disk is full, so the loop runs once.
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    } catch (e) {
      // Whatever was written lacks the batch's final newline, so no reader takes it; remove it.
      try {
        ftruncateSync(fd, this.end);
      } catch {
        // The next writer cuts it off.
      }
      throw new OuroborosError("storage", `cannot append to journal file ${this.path}: ${reason(e)}`, { cause: e });
    }
  }

  private handle(): number {
    if (this.fd === undefined) throw new OuroborosError("storage", `journal file ${this.path} is closed`);
    return this.fd;
  }

  /** Takes the lock file, waiting with jittered backoff and breaking stale locks. */
  private async lock(): Promise<string> {
    const deadline = Date.now() + this.lockTimeoutMs;
    let delay = 1;
    for (;;) {
      this.handle();
      const token = this.tryLock();
      if (token !== undefined) return token;
      if (this.breakIfStale()) continue;
      if (Date.now() >= deadline) {
        throw new OuroborosError(
          "storage",
          `timed out after ${this.lockTimeoutMs} ms waiting for the lock ${this.lockPath} of journal file ${this.path} (${describeHolder(this.lockPath)}); if no process is writing this journal, delete the lock file`,
        );
      }
      await sleep(delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, 20);
    }
  }

  private tryLock(): string | undefined {
    let fd: number;
    try {
      fd = openSync(this.lockPath, "wx");
    } catch (e) {
      if (errorCode(e) === "EEXIST") return undefined;
      throw new OuroborosError("storage", `cannot create the lock file ${this.lockPath} for journal file ${this.path}: ${reason(e)}`, { cause: e });
    }
    const token = `${process.pid}-${Date.now().toString(36)}-${(tokenCounter++).toString(36)}-${Math.random().toString(36).slice(2)}`;
    const holder: LockHolder = { pid: process.pid, host: HOST, start: OWN_START, token, time: Date.now() };
    try {
      writeSync(fd, JSON.stringify(holder));
    } catch (e) {
      closeSync(fd);
      unlinkQuietly(this.lockPath);
      throw new OuroborosError("storage", `cannot write the lock file ${this.lockPath}: ${reason(e)}`, { cause: e });
    }
    closeSync(fd);
    return token;
  }

  private unlock(token: string): void {
    try {
      // Remove the lock only if it is still ours (it is not if it was broken as stale).
      if (parseHolder(readFileSync(this.lockPath, "utf8"))?.token === token) unlinkSync(this.lockPath);
    } catch (e) {
      if (errorCode(e) !== "ENOENT") throw new OuroborosError("storage", `cannot remove the lock file ${this.lockPath}: ${reason(e)}`, { cause: e });
    }
  }

  /** Breaks the lock if its holder is dead or it is abandoned; true if the lock is gone now. */
  private breakIfStale(): boolean {
    const seen = readLock(this.lockPath);
    if (!seen) return true;
    const holder = parseHolder(seen.text);
    const status = holder ? holderStatus(holder) : "unknown";
    const age = Date.now() - seen.stat.mtimeMs;
    if (!(status === "dead" || (status === "unknown" && age > this.staleLockMs))) return false;
    const guard = `${this.lockPath}.break`;
    try {
      closeSync(openSync(guard, "wx"));
    } catch (e) {
      if (errorCode(e) !== "EEXIST") return false;
      // Breaking takes microseconds: a guard this old belongs to a breaker that died.
      try {
        if (Date.now() - statSync(guard).mtimeMs > 5_000) unlinkSync(guard);
      } catch {
        // Someone else removed it.
      }
      return false;
    }
    try {
      const again = readLock(this.lockPath);
      if (again && again.stat.ino === seen.stat.ino && again.stat.mtimeMs === seen.stat.mtimeMs && again.text === seen.text) {
        unlinkSync(this.lockPath);
      }
    } catch (e) {
      if (errorCode(e) !== "ENOENT") throw new OuroborosError("storage", `cannot remove the stale lock file ${this.lockPath}: ${reason(e)}`, { cause: e });
    } finally {
      unlinkQuietly(guard);
    }
    return true;
  }
}

function readLock(path: string): { stat: Stats; text: string } | undefined {
  try {
    const stat = statSync(path);
    return { stat, text: readFileSync(path, "utf8") };
  } catch (e) {
    if (errorCode(e) === "ENOENT") return undefined;
    throw new OuroborosError("storage", `cannot read the lock file ${path}: ${reason(e)}`, { cause: e });
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as Partial<LockHolder> | null;
    if (h && typeof h.pid === "number" && typeof h.host === "string" && typeof h.token === "string") return h as LockHolder;
  } catch {
    // Empty (being written) or foreign content.
  }
  return undefined;
}

/** Whether the holder process provably runs (`alive`), provably does not (`dead`), or cannot be checked. */
function holderStatus(h: LockHolder): "alive" | "dead" | "unknown" {
  if (h.host !== HOST || !Number.isSafeInteger(h.pid) || h.pid <= 0) return "unknown";
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if (errorCode(e) === "ESRCH") return "dead";
    if (errorCode(e) !== "EPERM") return "unknown"; // EPERM: exists, owned by another user
  }
  const stat = procStat(h.pid);
  if (stat === undefined) return "unknown"; // no /proc: pid reuse cannot be ruled out
  if (stat.state === "Z" || stat.state === "X") return "dead";
  if (h.start === null) return "unknown";
  return h.start === stat.start ? "alive" : "dead"; // another start time: the pid was reused
}

/** State and start time of a process from `/proc/PID/stat` (Linux), or undefined. */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const state = fields[0];
    const start = fields[19]; // field 22 of the whole line
    return state !== undefined && start !== undefined ? { state, start } : undefined;
  } catch {
    return undefined;
  }
}

function processStart(pid: number): string | undefined {
  return procStat(pid)?.start;
}

function describeHolder(lockPath: string): string {
  try {
    const seen = readLock(lockPath);
    if (!seen) return "it was just released";
    const h = parseHolder(seen.text);
    const since = new Date(seen.stat.mtimeMs).toISOString();
    return h ? `held by pid ${h.pid} on host ${h.host} since ${since}` : `lock file created ${since}, holder unknown`;
  } catch {
    return "holder unknown";
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new OuroborosError("invalid-argument", `${name} must be a positive number of milliseconds, but got ${value}`);
  }
  return value;
}
