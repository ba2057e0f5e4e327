/**
 * The storage conformance suite: the contract of a {@link JournalBackend}, as `node:test` tests that
 * every backend shipped with Ouroboros passes, and that a third-party backend should pass too.
 *
 * It checks the backend alone (sequence numbers, exact reads, JSON round trips, atomic batches,
 * close) and through {@link JournalStorage} clients, where conflicts between workers are settled by
 * journal order: concurrent `createTrial`s get distinct numbers, one `claimTrial` wins, the first
 * `finishTrial` wins, a second `createStudy` of a live name is ignored. Ops are compared after a
 * JSON round trip (`undefined` properties dropped, `-0` as `0`), which is all a backend promises.
 *
 * @example
 * ```ts
 * // my-backend.test.ts
 * import { runStorageConformance } from "ouroboros/testing";
 * runStorageConformance("my backend", () => new MyBackend(freshUrl()), { reopen: () => new MyBackend(lastUrl) });
 * ```
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";
import type { JournalBackend } from "../storage/journal-backend.js";
import type { CreateTrialOp, JournalOp } from "../storage/journal-ops.js";
import { JournalStorage } from "../storage/journal-storage.js";

/** Options of {@link runStorageConformance}. */
export interface StorageConformanceOptions {
  /**
   * Opens another backend on the store that the latest `open()` call created (same file, same
   * database), as a second process would. When given, the two-client tests use two backends
   * instead of two clients sharing one, and persistence across close/reopen is tested. Omit it for
   * a backend that cannot be opened twice (memory).
   */
  readonly reopen?: () => JournalBackend | Promise<JournalBackend>;
}

/**
 * Registers the conformance tests of a storage backend with `node:test`, in a `describe` named
 * after the backend. `open` must return a backend on a new, empty store each time it is called;
 * each test closes the backends it opened. No test can be skipped: a backend either keeps the
 * {@link JournalBackend} contract or does not. The persistence test is registered only with
 * `reopen` (a capability the backend declares).
 */
export function runStorageConformance(
  name: string,
  open: () => Promise<JournalBackend> | JournalBackend,
  options: StorageConformanceOptions = {},
): void {
  const { reopen } = options;

  /** Runs `fn` with an opener that records backends, then closes them all. */
  const withBackends = async (fn: (get: { open(): Promise<JournalBackend>; second(b: JournalBackend): Promise<JournalBackend> }) => Promise<void>) => {
    const opened: JournalBackend[] = [];
    const track = (b: JournalBackend): JournalBackend => {
      opened.push(b);
      return b;
    };
    try {
      await fn({
        open: async () => track(await open()),
        // A second view of the store: another backend on it when possible, else the same object.
        second: async (b) => (reopen ? track(await reopen()) : b),
      });
    } finally {
      for (const b of opened) await b.close().catch(() => undefined);
    }
  };

  describe(`storage conformance: ${name}`, () => {
    test("a new store is empty and appends return the sequence number of their last op: 1, 3, 4", async () => {
      await withBackends(async ({ open }) => {
        const b = await open();
        assert.deepEqual(await b.read(0), []);
        assert.equal(await b.append([heartbeat(1)]), 1);
        assert.equal(await b.append([heartbeat(2), heartbeat(3)]), 3);
        assert.equal(await b.append([heartbeat(4)]), 4);
        assert.equal((await b.read(0)).length, 4);
      });
    });

    test("read(after) returns exactly the ops after `after`, in order", async () => {
      await withBackends(async ({ open }) => {
        const b = await open();
        const all = [heartbeat(1), heartbeat(2), heartbeat(3), heartbeat(4), heartbeat(5), heartbeat(6)];
        await b.append(all.slice(0, 1));
        await b.append(all.slice(1, 4));
        await b.append(all.slice(4));
        for (let k = 0; k <= all.length; k++) assert.deepEqual(json(await b.read(k)), json(all.slice(k)), `read(${k})`);
        assert.deepEqual(await b.read(all.length + 5), []);
        // Reading again, and reading old ranges after new ones, gives the same answers.
        assert.deepEqual(json(await b.read(2)), json(all.slice(2)));
        assert.deepEqual(json(await b.read(0)), json(all));
      });
    });

    test("ops round-trip as JSON: unicode, nested attributes, extreme numbers", async () => {
      await withBackends(async ({ open, second }) => {
        const b = await open();
        const ops = tortureOps();
        assert.equal(await b.append(ops.slice(0, 1)), 1);
        assert.equal(await b.append(ops.slice(1)), ops.length);
        assert.deepEqual(json(await b.read(0)), json(ops));
        const other = await second(b);
        assert.deepEqual(json(await other.read(0)), json(ops));
        assert.deepEqual(json(await other.read(ops.length - 1)), json(ops.slice(-1)));
      });
    });

    test("a multi-op append is stored whole, in order, and can be read from its middle", async () => {
      await withBackends(async ({ open }) => {
        const b = await open();
        await b.append([heartbeat(0)]);
        const batch = Array.from({ length: 50 }, (_, i) => heartbeat(i + 1));
        assert.equal(await b.append(batch), 51);
        assert.deepEqual(json(await b.read(1)), json(batch));
        assert.deepEqual(json(await b.read(26)), json(batch.slice(25)));
      });
    });

    test("an empty append stores nothing and returns the sequence number reached", async () => {
      await withBackends(async ({ open }) => {
        const b = await open();
        assert.equal(await b.append([]), 0);
        await b.append([heartbeat(1), heartbeat(2)]);
        assert.equal(await b.append([]), 2);
        assert.equal((await b.read(0)).length, 2);
        assert.equal(await b.append([heartbeat(3)]), 3);
      });
    });

    test("a number JSON cannot hold (NaN, Infinity) is refused or kept, never silently changed", async () => {
      await withBackends(async ({ open }) => {
        const b = await open();
        await b.append([heartbeat(1)]);
        const bad: JournalOp = { op: "report", study: 0, trial: 0, step: 1, value: [Number.NaN, Number.POSITIVE_INFINITY] };
        let stored: boolean;
        try {
          await b.append([heartbeat(2), bad]);
          stored = true;
        } catch (e) {
          assert.ok(e instanceof OuroborosError && e.code === "invalid-value", `expected an invalid-value error, got ${String(e)}`);
          stored = false;
        }
        const read = await b.read(0);
        if (stored) {
          assert.equal(read.length, 3);
          const back = read[2];
          assert.ok(back?.op === "report" && Array.isArray(back.value));
          assert.ok(Number.isNaN(back.value[0]) && back.value[1] === Number.POSITIVE_INFINITY, "NaN/Infinity came back changed");
        } else {
          assert.equal(read.length, 1, "a refused append must store none of its ops");
        }
      });
    });

    test("concurrent appends from two backends get distinct, gapless sequence numbers matching read order", async () => {
      await withBackends(async ({ open, second }) => {
        const a = await open();
        const b = await second(a);
        const n = 30;
        const tagged = (who: string, i: number): JournalOp => ({ op: "setStudyAttr", study: 0, scope: "system", key: `${who}${i}`, value: i });
        const results = await Promise.all([
          ...Array.from({ length: n }, (_, i) => a.append([tagged("a", i)]).then((seq) => ({ seq, key: `a${i}` }))),
          ...Array.from({ length: n }, (_, i) => b.append([tagged("b", i)]).then((seq) => ({ seq, key: `b${i}` }))),
        ]);
        const seqs = results.map((r) => r.seq).sort((x, y) => x - y);
        assert.deepEqual(seqs, Array.from({ length: 2 * n }, (_, i) => i + 1));
        const read = await a.read(0);
        assert.equal(read.length, 2 * n);
        for (const r of results) {
          const op = read[r.seq - 1];
          assert.ok(op?.op === "setStudyAttr" && op.key === r.key, `seq ${r.seq} was returned for ${r.key} but reads back as ${JSON.stringify(op)}`);
        }
        assert.deepEqual(json(await b.read(0)), json(read));
      });
    });

    test("two clients replay the same journal to identical state", async () => {
      await withBackends(async ({ open, second }) => {
        const b1 = await open();
        const s1 = new JournalStorage(b1, `${name} #1`);
        const s2 = new JournalStorage(await second(b1), `${name} #2`);
        const study = await s1.createStudy("shared", ["minimize", "maximize"]);
        await s2.sync();
        const t0 = await createTrial(s2, study.id);
        await s1.sync();
        await s1.append([
          { op: "setParam", study: study.id, trial: t0, name: "x", value: 0.25, distribution: { kind: "float", low: 0, high: 1 } },
          { op: "report", study: study.id, trial: t0, step: 1, value: [0.5, 2] },
          { op: "setTrialAttr", study: study.id, trial: t0, scope: "user", key: "note", value: { deep: ["ü", 1, null] } },
        ]);
        await s2.append([{ op: "finishTrial", study: study.id, trial: t0, state: "complete", values: [0.1, 3], time: 5 }]);
        await s1.append([{ op: "setStudyAttr", study: study.id, scope: "system", key: "sampler", value: { seed: 7 } }]);
        await createTrial(s1, study.id, "waiting");
        await Promise.all([s1.sync(), s2.sync()]);
        assert.deepEqual(snapshot(s2), snapshot(s1));
        // A third client that starts from scratch replays to the same state.
        const s3 = new JournalStorage(await second(b1), `${name} #3`);
        await s3.sync();
        assert.deepEqual(snapshot(s3), snapshot(s1));
        assert.equal(s1.state.frozenTrials(s1.getStudy("shared")).length, 2);
      });
    });

    test("concurrent createTrial from two clients: distinct numbers, each client finds its own", async () => {
      await withBackends(async ({ open, second }) => {
        const b1 = await open();
        const s1 = new JournalStorage(b1, `${name} #1`);
        const s2 = new JournalStorage(await second(b1), `${name} #2`);
        const study = await s1.createStudy("race", ["minimize"]);
        await s2.sync();
        const n = 20;
        const [mine1, mine2] = await Promise.all([
          Promise.all(Array.from({ length: n }, () => createTrial(s1, study.id))),
          Promise.all(Array.from({ length: n }, () => createTrial(s2, study.id))),
        ]);
        const all = [...mine1, ...mine2].sort((x, y) => x - y);
        assert.deepEqual(all, Array.from({ length: 2 * n }, (_, i) => i));
        await Promise.all([s1.sync(), s2.sync()]);
        assert.deepEqual(snapshot(s2), snapshot(s1));
      });
    });

    test("concurrent claimTrial of one waiting trial: exactly one client wins", async () => {
      await withBackends(async ({ open, second }) => {
        const b1 = await open();
        const s1 = new JournalStorage(b1, `${name} #1`);
        const s2 = new JournalStorage(await second(b1), `${name} #2`);
        const study = await s1.createStudy("claims", ["minimize"]);
        for (let round = 0; round < 5; round++) {
          const trial = await createTrial(s1, study.id, "waiting");
          await s2.sync();
          const claim = (s: JournalStorage): { s: JournalStorage; nonce: string; done: Promise<void> } => {
            const nonce = s.nextNonce();
            return { s, nonce, done: s.append([{ op: "claimTrial", study: study.id, trial, worker: s.worker, nonce, time: 1 }]) };
          };
          const claims = [claim(s1), claim(s2)];
          await Promise.all(claims.map((c) => c.done));
          await Promise.all([s1.sync(), s2.sync()]);
          const winners = claims.filter((c) => c.s.state.outcome(c.s.worker, c.nonce) !== undefined);
          assert.equal(winners.length, 1, `round ${round}: ${winners.length} claims won`);
          for (const s of [s1, s2]) {
            assert.equal(s.state.claimedBy(study.id, trial), winners[0]!.s.worker);
            assert.equal(s.state.frozenTrial(study, trial)?.state, "running");
          }
        }
        assert.deepEqual(snapshot(s2), snapshot(s1));
      });
    });

    test("finishTrial twice: the first in the journal wins", async () => {
      await withBackends(async ({ open, second }) => {
        const b1 = await open();
        const s1 = new JournalStorage(b1, `${name} #1`);
        const s2 = new JournalStorage(await second(b1), `${name} #2`);
        const study = await s1.createStudy("finish", ["minimize"]);
        const t = await createTrial(s1, study.id);
        await s2.sync();
        await s1.append([{ op: "finishTrial", study: study.id, trial: t, state: "complete", values: [1], time: 2 }]);
        // s2 has not seen the first finish when it writes its own.
        await s2.append([{ op: "finishTrial", study: study.id, trial: t, state: "fail", failReason: "stale heartbeat", time: 3 }]);
        await s1.sync();
        for (const s of [s1, s2]) {
          const frozen = s.state.frozenTrial(s.getStudy("finish"), t);
          assert.equal(frozen?.state, "complete");
          assert.deepEqual(frozen?.values, [1]);
          assert.equal(frozen?.failReason, undefined);
        }
        // Racing finishes: whichever the journal holds first, both clients agree on it.
        const u = await createTrial(s2, study.id);
        await s1.sync();
        await Promise.all([
          s1.append([{ op: "finishTrial", study: study.id, trial: u, state: "complete", values: [10], time: 4 }]),
          s2.append([{ op: "finishTrial", study: study.id, trial: u, state: "pruned", time: 4 }]),
        ]);
        await Promise.all([s1.sync(), s2.sync()]);
        assert.deepEqual(snapshot(s2), snapshot(s1));
        assert.ok(["complete", "pruned"].includes(s1.state.frozenTrial(s1.getStudy("finish"), u)?.state ?? ""));
      });
    });

    test("createStudy of a live name is ignored on replay; racing createStudy: one wins", async () => {
      await withBackends(async ({ open, second }) => {
        const b1 = await open();
        const s1 = new JournalStorage(b1, `${name} #1`);
        const s2 = new JournalStorage(await second(b1), `${name} #2`);
        await s1.createStudy("dup", ["minimize"]);
        // s2 has not synced: it appends its own createStudy of the same name.
        const nonce = s2.nextNonce();
        await s2.append([{ op: "createStudy", name: "dup", directions: ["maximize"], worker: s2.worker, nonce, time: 1 }]);
        assert.equal(s2.state.outcome(s2.worker, nonce), undefined);
        assert.deepEqual(s2.state.liveStudies().map((s) => [s.name, s.directions]), [["dup", ["minimize"]]]);
        await assert.rejects(s2.createStudy("dup", ["minimize"]), (e: unknown) => e instanceof OuroborosError && e.code === "duplicated-study");
        const settled = await Promise.allSettled([s1.createStudy("race", ["minimize"]), s2.createStudy("race", ["minimize"])]);
        assert.equal(settled.filter((r) => r.status === "fulfilled").length, 1);
        const lost = settled.find((r) => r.status === "rejected");
        assert.ok(lost && lost.reason instanceof OuroborosError && lost.reason.code === "duplicated-study");
        await Promise.all([s1.sync(), s2.sync()]);
        assert.deepEqual(snapshot(s2), snapshot(s1));
        assert.deepEqual(s1.state.liveStudies().map((s) => s.name), ["dup", "race"]);
      });
    });

    if (reopen) {
      test("everything appended persists across close and reopen", async () => {
        await withBackends(async ({ open, second }) => {
          const b1 = await open();
          const s1 = new JournalStorage(b1, `${name} #1`);
          const study = await s1.createStudy("durable", ["minimize"]);
          await createTrial(s1, study.id);
          await s1.append(tortureOps());
          const before = snapshot(s1);
          const ops = json(await b1.read(0));
          await s1.close();
          const b2 = await second(b1);
          assert.deepEqual(json(await b2.read(0)), ops);
          const s2 = new JournalStorage(b2, `${name} #2`);
          await s2.sync();
          assert.deepEqual(snapshot(s2), before);
          assert.equal(await b2.append([heartbeat(1)]), (ops as unknown[]).length + 1);
        });
      });
    }

    test("after close, every call rejects", async () => {
      await withBackends(async ({ open }) => {
        const b = await open();
        await b.append([heartbeat(1)]);
        await b.close();
        await assert.rejects(b.append([heartbeat(2)]));
        await assert.rejects(b.append([]));
        await assert.rejects(b.read(0));
      });
    });
  });
}

function heartbeat(trial: number): JournalOp {
  return { op: "heartbeat", study: 0, trial, time: 1_700_000_000_000 + trial };
}

/** Appends a createTrial through a client and returns the trial number the journal gave it. */
async function createTrial(s: JournalStorage, study: number, state: CreateTrialOp["state"] = "running"): Promise<number> {
  const nonce = s.nextNonce();
  await s.append([{ op: "createTrial", study, worker: s.worker, nonce, state, time: Date.now() }]);
  const trial = s.state.outcome(s.worker, nonce)?.trial;
  assert.ok(trial !== undefined, `client ${s.worker} could not find the trial created with nonce ${nonce}`);
  return trial;
}

/** The value as a JSON round trip gives it back: what a durable backend returns. */
function json(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x)) as unknown;
}

/** Everything a client knows about the journal's studies, comparable with `deepEqual`. */
function snapshot(s: JournalStorage): unknown {
  return json({
    seq: s.state.seq,
    studies: s.state.liveStudies().map((st) => ({
      id: st.id,
      name: st.name,
      directions: st.directions,
      userAttrs: st.userAttrs,
      systemAttrs: st.systemAttrs,
      datetimeStart: st.datetimeStart,
      trials: s.state.frozenTrials(st).map((t) => ({ ...t, claimedBy: s.state.claimedBy(st.id, t.number) ?? null })),
    })),
  });
}

/** Ops whose JSON text is hard to get right: escapes, unicode, nesting, extreme numbers, a large op. */
function tortureOps(): JournalOp[] {
  const strings = [
    "plain",
    "ünïcödé — 中文 — 🧪🦄",
    'quote " backslash \\ slash /',
    "new\nline and\r\nCRLF and\ttab",
    "ends in a space then newline \n",
    "trailing space ",
    "\u2028\u2029 line separators",
    "NUL \u0000 and \u001f control",
    "lone surrogate \ud800 here",
    "",
  ];
  const numbers = [0, -0, 1, -1, 0.1 + 0.2, 1 / 3, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60, 1.5e-7, 123456789.125];
  const nested: JsonValue = { a: [1, [2, [3, { b: null, c: true, d: false }]]], "key with spaces": { "🔑": strings }, empty: {}, list: [] };
  return [
    {
      op: "createStudy",
      name: "ünïcödé study 🧪",
      directions: ["minimize", "maximize"],
      worker: "w\n1",
      nonce: "n\"0",
      time: 1_700_000_000_123,
    },
    {
      op: "createTrial",
      study: 0,
      worker: "w",
      nonce: "1",
      state: "complete",
      time: 1_700_000_000_456,
      params: { x: 0.5, "é": -0, big: 1e308 },
      distributions: {
        x: { kind: "float", low: 0, high: 1 },
        "é": { kind: "int", low: -5, high: 5, step: 1 },
        big: { kind: "float", low: 1, high: 1e308, log: true },
      },
      fixedParams: { choice: "café", flag: true, none: null },
      values: numbers,
      intermediateValues: { "0": 1.5, "10": -0, "100": 5e-324 },
      userAttrs: { nested, strings, numbers },
      systemAttrs: { "sampler:tpe": { weights: numbers, state: nested } },
      datetimeStart: 1_700_000_000_000,
      datetimeComplete: 1_700_000_000_999,
    },
    ...strings.map((value, i): JournalOp => ({ op: "setTrialAttr", study: 0, trial: 0, scope: "user", key: value || "empty", value: i % 2 ? value : [value, { value }] })),
    { op: "report", study: 0, trial: 0, step: 3, value: [0.25, -0, 1e-300] },
    // Larger than the file backend's 1 MiB read chunk.
    { op: "setStudyAttr", study: 0, scope: "user", key: "large", value: "x🧪".repeat(300_000) },
    { op: "finishTrial", study: 0, trial: 0, state: "fail", failReason: "Error: boom\n    at objective (file.ts:1:1)", time: 1 },
  ];
}
