/**
 * A journal backend plus its replayed state: the storage object studies use. Reads are
 * synchronous over the state as of the last `sync()`; every write goes through `append`, which
 * stores the ops and then catches up with everything other workers appended meanwhile.
 */
import type { StudyDirection } from "../core/frozen-trial.js";
import { OuroborosError } from "../core/errors.js";
import type { JournalBackend } from "./journal-backend.js";
import type { JournalOp } from "./journal-ops.js";
import { JournalState, type StudyRecord } from "./journal-state.js";

let workerCounter = 0;

/** A unique id for this storage client (process id, time and a counter). */
function newWorkerId(): string {
  const pid = typeof process !== "undefined" ? process.pid : 0;
  return `${pid.toString(36)}-${Date.now().toString(36)}-${(workerCounter++).toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

/** Study storage over any {@link JournalBackend}. */
export class JournalStorage {
  /** Identifies this client's ops in the journal (used to learn which created trial is ours). */
  readonly worker = newWorkerId();
  readonly state = new JournalState();
  private nonce = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly backend: JournalBackend, readonly url = "memory:") {}

  /** A fresh nonce for an op whose outcome the writer needs to look up after replay. */
  nextNonce(): string {
    return (this.nonce++).toString(36);
  }

  /** Reads and replays everything appended since the last sync. */
  async sync(): Promise<void> {
    await this.serial(async () => this.catchUp());
  }

  /** Appends ops (atomically, in order), then replays up to and including them. */
  async append(ops: readonly JournalOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.serial(async () => {
      try {
        await this.backend.append(ops);
      } catch (e) {
        if (e instanceof OuroborosError) throw e;
        throw new OuroborosError("storage", `could not write to ${this.url}: ${(e as Error).message}`, { cause: e });
      }
      await this.catchUp();
    });
  }

  /** Creates a study; throws `duplicated-study` if the name is taken. */
  async createStudy(name: string, directions: readonly StudyDirection[]): Promise<StudyRecord> {
    await this.sync();
    if (this.state.findStudy(name)) {
      throw new OuroborosError("duplicated-study", `a study named "${name}" already exists in ${this.url} (pass loadIfExists: true to use it)`);
    }
    const nonce = this.nextNonce();
    await this.append([{ op: "createStudy", name, directions, worker: this.worker, nonce, time: Date.now() }]);
    const out = this.state.outcome(this.worker, nonce);
    const study = out ? this.state.getStudy(out.study) : undefined;
    if (!study) {
      throw new OuroborosError("duplicated-study", `a study named "${name}" was created concurrently by another worker in ${this.url}`);
    }
    return study;
  }

  /** The live study with this name, or a `study-not-found` error listing what exists. */
  getStudy(name: string): StudyRecord {
    const s = this.state.findStudy(name);
    if (!s) {
      const names = this.state.liveStudies().map((x) => x.name);
      throw new OuroborosError(
        "study-not-found",
        `no study named "${name}" in ${this.url}${names.length ? ` (studies: ${names.join(", ")})` : " (it has no studies)"}`,
      );
    }
    return s;
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.backend.close();
  }

  private async catchUp(): Promise<void> {
    let ops: readonly JournalOp[];
    try {
      ops = await this.backend.read(this.state.seq);
    } catch (e) {
      if (e instanceof OuroborosError) throw e;
      throw new OuroborosError("storage", `could not read ${this.url}: ${(e as Error).message}`, { cause: e });
    }
    this.state.applyAll(ops);
  }

  /** Runs storage calls one at a time so replay never interleaves with itself. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
