import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { OuroborosError } from "../core/errors.js";
import { openStorage } from "../storage/open-storage.js";
import { GENESIS_HASH, hashAuditRecord, sealAuditRecord, type AuditRecord } from "./audit-chain.js";
import { AuditLog, verifyAuditLog } from "./audit-log.js";
import { canonicalJson } from "./canonical-json.js";

const dir = mkdtempSync(join(tmpdir(), "ouro-audit-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let clockNow = 1_700_000_000_000;
const clock = (): number => clockNow++;

async function fill(url: string, n: number): Promise<AuditRecord[]> {
  const log = await AuditLog.open(url, { clock });
  const out: AuditRecord[] = [];
  for (let i = 1; i <= n; i++) {
    out.push(await log.append({ actor: "test", action: i % 2 ? "proposal" : "evaluation", subject: `trial:${i}`, details: { i, score: i / 10, tags: ["a", "b"] } }));
  }
  await log.close();
  return out;
}

/** The journal file's lines, with the line index of the audit record of each seq. */
function journalLines(path: string): { lines: string[]; lineOf: (seq: number) => number } {
  const lines = readFileSync(path, "utf8").split("\n");
  const lineOf = (seq: number): number => {
    const i = lines.findIndex((l) => l.includes('"op":"audit"') && (JSON.parse(l) as { record: { seq: number } }).record.seq === seq);
    assert.ok(i >= 0, `record ${seq} not found`);
    return i;
  };
  return { lines, lineOf };
}

async function verifyFile(path: string, expectedHead?: { seq: number; hash: string }) {
  const log = await AuditLog.open(`file:${path}`);
  try {
    return await log.verify(expectedHead ? { expectedHead } : {});
  } finally {
    await log.close();
  }
}

describe("canonicalJson", () => {
  it("sorts keys at every depth, drops undefined, writes no whitespace", () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: true, c: null }, "x"], e: undefined, "é": -0 }), '{"a":[{"c":null,"d":true},"x"],"b":1,"é":0}');
  });
  it("refuses values JSON cannot hold, naming where", () => {
    assert.throws(() => canonicalJson({ details: { s: [1, Number.NaN] } }), (e: unknown) => e instanceof OuroborosError && e.code === "invalid-value" && e.message.includes("value.details.s[1] is NaN"));
  });
});

describe("audit record hash", () => {
  it("is SHA-256 of the record without hash as sorted, compact JSON (known answer)", () => {
    const r = sealAuditRecord({ actor: "ouro", action: "note", subject: "s", details: { z: 1, a: "x" } }, { seq: 0, hash: GENESIS_HASH }, 5);
    const text = `{"action":"note","actor":"ouro","details":{"a":"x","z":1},"prevHash":"${GENESIS_HASH}","seq":1,"subject":"s","time":5}`;
    assert.equal(r.hash, createHash("sha256").update(text).digest("hex"));
    assert.equal(hashAuditRecord(JSON.parse(JSON.stringify(r)) as AuditRecord), r.hash, "stable through a JSON round trip with reordered keys");
  });
});

describe("AuditLog", () => {
  it("appends a linked chain that verifies, and replay of studies in the same storage ignores it", async () => {
    const url = `sqlite:${join(dir, "mixed.db")}`;
    const storage = await openStorage(url);
    await storage.createStudy("s1", ["minimize"]);
    const log = await AuditLog.open(storage, { clock });
    const a = await log.append({ actor: "t", action: "proposal", subject: "study:s1", details: { x: 1 } });
    await storage.createStudy("s2", ["maximize"]);
    const b = await log.append({ actor: "t", action: "training", subject: "study:s1", details: null });
    assert.deepEqual([a.seq, b.seq], [1, 2]);
    assert.equal(a.prevHash, GENESIS_HASH);
    assert.equal(b.prevHash, a.hash);
    const v = await log.verify();
    assert.deepEqual(v, { ok: true, records: 2, head: { seq: 2, hash: b.hash }, superseded: 0 });
    await storage.close();

    const again = await openStorage(url);
    await again.sync();
    assert.deepEqual(again.state.liveStudies().map((s) => s.name), ["s1", "s2"]);
    const reopened = await AuditLog.open(again);
    assert.deepEqual(reopened.records, [a, b]);
    await again.close();
  });

  it("skips records that lost a write race, and their writer seals them again", async () => {
    const r1 = sealAuditRecord({ actor: "p1", action: "note", subject: "", details: 1 }, { seq: 0, hash: GENESIS_HASH }, 1);
    const lost = sealAuditRecord({ actor: "p2", action: "note", subject: "", details: 2 }, { seq: 0, hash: GENESIS_HASH }, 1);
    const retried = sealAuditRecord({ actor: "p2", action: "note", subject: "", details: 2 }, r1, 2);
    const v = verifyAuditLog([r1, lost, retried]);
    assert.deepEqual(v, { ok: true, records: 2, head: { seq: 2, hash: retried.hash }, superseded: 1 });

    // Two logs over one storage appending at once agree on one chain holding each entry once.
    const url = "memory:race";
    const logs = await Promise.all([AuditLog.open(url), AuditLog.open(url), AuditLog.open(url)]);
    await Promise.all(logs.map((log, k) => Promise.all(Array.from({ length: 10 }, (_, i) => log.append({ actor: `w${k}`, action: "note", subject: "", details: i })))));
    const check = await AuditLog.open(url);
    const res = await check.verify();
    assert.ok(res.ok);
    assert.equal(res.records, 30);
    assert.deepEqual(new Set(check.records.map((r) => `${r.actor}/${String(r.details)}`)).size, 30);
  });

  it("transact re-runs its builder on the longer chain when another writer got there first", async () => {
    const url = "memory:transact";
    const [x, y] = [await AuditLog.open(url), await AuditLog.open(url)];
    await y.append({ actor: "y", action: "note", subject: "", details: "first" }); // x has not read it yet
    const seen: number[] = [];
    const r = await x.transact((records) => {
      seen.push(records.length);
      return { actor: "x", action: "note", subject: "", details: records.length };
    });
    assert.deepEqual(seen, [1]); // x catches up before building, so it builds once on the real head
    assert.equal(r.seq, 2);
    assert.equal(r.details, 1);
    await assert.rejects(x.transact(() => { throw new OuroborosError("invalid-argument", "nope"); }), /nope/);
    assert.equal((await x.verify()).records, 2);
  });

  it("detects an edited record: broken at its seq, and refuses to append after it", async () => {
    const path = join(dir, "edit.jsonl");
    await fill(`file:${path}`, 20);
    const { lines, lineOf } = journalLines(path);
    const i = lineOf(17);
    lines[i] = lines[i]!.replace('"score":1.7', '"score":9.9');
    writeFileSync(path, lines.join("\n"));
    const v = await verifyFile(path);
    assert.equal(v.ok, false);
    assert.ok(!v.ok);
    assert.equal(v.seq, 17);
    assert.equal(v.reason, "hash does not match its content");
    assert.equal(v.records, 16);
    const log = await AuditLog.open(`file:${path}`);
    await assert.rejects(log.append({ actor: "t", action: "note", subject: "", details: null }), (e: unknown) => e instanceof OuroborosError && e.code === "storage-corrupt" && /broken at record 17/.test(e.message));
    await log.close();
  });

  it("detects an edit whose hash was recomputed, at the next record", async () => {
    const path = join(dir, "rehash.jsonl");
    await fill(`file:${path}`, 8);
    const { lines, lineOf } = journalLines(path);
    const i = lineOf(4);
    const op = JSON.parse(lines[i]!) as { op: string; record: AuditRecord };
    const forged = { ...op.record, details: { forged: true } };
    lines[i] = JSON.stringify({ op: "audit", record: { ...forged, hash: hashAuditRecord(forged) } });
    writeFileSync(path, lines.join("\n"));
    const v = await verifyFile(path);
    assert.ok(!v.ok);
    assert.equal(v.seq, 5);
    assert.match(v.reason, /deleted or moved/);
  });

  it("detects a deleted record and a reordered record", async () => {
    const del = join(dir, "delete.jsonl");
    await fill(`file:${del}`, 10);
    const d = journalLines(del);
    d.lines.splice(d.lineOf(6), 1);
    writeFileSync(del, d.lines.join("\n"));
    const v1 = await verifyFile(del);
    assert.ok(!v1.ok);
    assert.equal(v1.seq, 7);
    assert.match(v1.reason, /previous record .* is not before it: a record was deleted or moved/);

    const swap = join(dir, "swap.jsonl");
    await fill(`file:${swap}`, 10);
    const s = journalLines(swap);
    const [i3, i4] = [s.lineOf(3), s.lineOf(4)];
    [s.lines[i3], s.lines[i4]] = [s.lines[i4]!, s.lines[i3]!];
    writeFileSync(swap, s.lines.join("\n"));
    const v2 = await verifyFile(swap);
    assert.ok(!v2.ok);
    assert.equal(v2.seq, 4);
    assert.equal(v2.records, 2);
  });

  it("detects a truncated tail only against a head kept elsewhere", async () => {
    const path = join(dir, "truncate.jsonl");
    const written = await fill(`file:${path}`, 6);
    const head = { seq: 6, hash: written[5]!.hash };
    const t = journalLines(path);
    writeFileSync(path, `${t.lines.slice(0, t.lineOf(5)).join("\n")}\n`);
    const plain = await verifyFile(path);
    assert.deepEqual(plain, { ok: true, records: 4, head: { seq: 4, hash: written[3]!.hash }, superseded: 0 });
    const anchored = await verifyFile(path, head);
    assert.ok(!anchored.ok);
    assert.equal(anchored.seq, 6);
    assert.match(anchored.reason, /ends at record 4, but record 6 .* was recorded as written: the tail was truncated/);
    assert.ok((await verifyFile(path, { seq: 3, hash: written[2]!.hash })).ok, "an older head is still on the chain");
    assert.ok(!(await verifyFile(path, { seq: 3, hash: written[1]!.hash })).ok, "a head with the wrong hash is rejected");
  });

  it("reports a record that is not a record", () => {
    const r1 = sealAuditRecord({ actor: "a", action: "note", subject: "", details: 1 }, { seq: 0, hash: GENESIS_HASH }, 1);
    const v = verifyAuditLog([r1, { seq: 2, hello: "world" }]);
    assert.ok(!v.ok);
    assert.equal(v.seq, 2);
    assert.match(v.reason, /not a well-formed audit record \(time is undefined/);
  });
});
