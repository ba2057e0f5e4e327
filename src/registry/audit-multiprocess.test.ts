/**
 * Several processes (`test-fixtures/audit-writer.ts`) append to the audit log of one SQLite
 * database and one JSON-lines file at once; the result must be one valid chain holding every entry
 * exactly once, and every record a writer was told it appended must be on that chain.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { AuditLog } from "./audit-log.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixture = fileURLToPath(new URL("./test-fixtures/audit-writer.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ouro-audit-mp-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const WRITERS = 3;
const EACH = 30;

/** Starts a writer; resolves `ready` once it has opened the log, `done` with what it appended. */
function writer(url: string, actor: string): { ready: Promise<void>; go: () => void; done: Promise<{ seq: number; hash: string; i: number }[]> } {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, url, actor, String(EACH)], { cwd: root });
  let out = "";
  let err = "";
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.startsWith("ready\n")) markReady();
  });
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ seq: number; hash: string; i: number }[]>((resolve, reject) => {
    child.on("close", (code) => {
      markReady();
      if (code !== 0) reject(new Error(`writer ${actor} exited ${code}: ${err}`));
      else resolve(out.trim().split("\n").slice(1).map((l) => JSON.parse(l) as { seq: number; hash: string; i: number }));
    });
  });
  return { ready, go: () => child.stdin.write("go\n"), done };
}

for (const kind of ["sqlite", "file"] as const) {
  describe(`audit log from ${WRITERS} processes at once (${kind})`, () => {
    it("forms one valid chain with every entry exactly once", async (t) => {
      const url = kind === "sqlite" ? `sqlite:${join(dir, "a.db")}` : `file:${join(dir, "a.jsonl")}`;
      const writers = Array.from({ length: WRITERS }, (_, k) => writer(url, `w${k}`));
      await Promise.all(writers.map((w) => w.ready));
      for (const w of writers) w.go();
      const results = await Promise.all(writers.map((w) => w.done));
      const log = await AuditLog.open(url);
      const v = await log.verify();
      assert.ok(v.ok, JSON.stringify(v));
      assert.equal(v.records, WRITERS * EACH);
      t.diagnostic(`${v.superseded} appends lost a race and were sealed again`);
      const entries = log.records.map((r) => `${r.actor}/${(r.details as { i: number }).i}`);
      assert.equal(new Set(entries).size, WRITERS * EACH, "no entry twice on the chain");
      const onChain = new Map(log.records.map((r) => [r.hash, r.seq]));
      for (const printed of results.flat()) assert.equal(onChain.get(printed.hash), printed.seq, "what a writer got back is on the chain");
      for (let k = 0; k < WRITERS; k++) {
        const own = log.records.filter((r) => r.actor === `w${k}`).map((r) => (r.details as { i: number }).i);
        assert.deepEqual(own, Array.from({ length: EACH }, (_, i) => i), "each writer's entries in its own order");
      }
      await log.close();
    });
  });
}
