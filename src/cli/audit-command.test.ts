/**
 * `ouro audit verify`: the command's function directly, and the command in a child process wired
 * the way `main.ts` wires subcommands (until `main.ts` registers it, after which `cli.test.ts` can
 * spawn `ouro audit verify` itself).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { OuroborosError } from "../core/errors.js";
import { AuditLog } from "../registry/audit-log.js";
import { auditList, auditVerify } from "./audit-command.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ouro-audit-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function makeLog(path: string, n: number): Promise<string> {
  const log = await AuditLog.open(`sqlite:${path}`);
  for (let i = 1; i <= n; i++) await log.append({ actor: "test", action: "evaluation", subject: `trial:${i}`, details: { score: i } });
  const head = log.head.hash;
  await log.close();
  return head;
}

/** Edits the details of audit record `seq` in a SQLite journal, as someone with the file could. */
function tamper(path: string, seq: number): void {
  const db = new Database(path);
  const rows = db.prepare("SELECT seq, op FROM journal").all() as { seq: number; op: string }[];
  const row = rows.find((r) => (JSON.parse(r.op) as { record?: { seq: number } }).record?.seq === seq)!;
  const op = JSON.parse(row.op) as { record: { details: { score: number } } };
  op.record.details.score = 1000;
  db.prepare("UPDATE journal SET op = ? WHERE seq = ?").run(JSON.stringify(op), row.seq);
  db.close();
}

const auditUrl = new URL("./audit-command.ts", import.meta.url).href;
const errorsUrl = new URL("./errors.ts", import.meta.url).href;
// The same wiring as main.ts: commander with exitOverride, errors through reportError.
const entry = `
const { Command } = await import("commander");
const { auditCommand } = await import(${JSON.stringify(auditUrl)});
const { reportError } = await import(${JSON.stringify(errorsUrl)});
const p = new Command("ouro").exitOverride();
p.addCommand(auditCommand());
for (const c of [p, ...p.commands, ...p.commands.flatMap((c) => c.commands)]) c.exitOverride();
try { await p.parseAsync(process.argv.slice(1), { from: "user" }); } catch (e) { process.exitCode = reportError(e); }
`;

function ouroAudit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", entry, ...args], { cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("ouro audit verify", () => {
  it("prints OK with the count and head, then the first bad record after an edit", async () => {
    const path = join(dir, "direct.db");
    const head = await makeLog(path, 20);
    const lines: string[] = [];
    const v = await auditVerify({ storage: `sqlite:${path}` }, (l) => lines.push(l));
    assert.ok(v.ok);
    assert.deepEqual(lines, [`audit log OK: 20 records, head ${head}`]);
    const listed: string[] = [];
    await auditList({ storage: `sqlite:${path}`, subject: "trial:1" }, (l) => listed.push(l));
    assert.deepEqual(listed.map((l) => l.split("\t")[0]), ["1", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19"]);

    tamper(path, 17);
    await assert.rejects(auditVerify({ storage: `sqlite:${path}` }, () => undefined), (e: unknown) => {
      assert.ok(e instanceof OuroborosError);
      assert.equal(e.code, "storage-corrupt");
      assert.equal(e.message, "audit log broken at record 17: hash does not match its content");
      return true;
    });
    await assert.rejects(auditVerify({ storage: `sqlite:${join(dir, "absent.db")}` }), /no storage at .*absent\.db/);
    await assert.rejects(auditVerify({ storage: `sqlite:${path}`, head: "17:zz" }), /--head must be SEQ:HASH/);
  });

  it("as a command: exit 0 and one line; exit 1 and one error line without a stack", async () => {
    const path = join(dir, "spawned.db");
    const head = await makeLog(path, 18);
    const ok = await ouroAudit(["audit", "verify", "--storage", `sqlite:${path}`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `audit log OK: 18 records, head ${head}\n`);
    const anchored = await ouroAudit(["audit", "verify", "--storage", `sqlite:${path}`, "--head", `18:${head}`, "--json"]);
    assert.equal(anchored.code, 0, anchored.stderr);
    assert.deepEqual(JSON.parse(anchored.stdout), { ok: true, records: 18, head: { seq: 18, hash: head }, superseded: 0 });

    tamper(path, 17);
    const bad = await ouroAudit(["audit", "verify", "--storage", `sqlite:${path}`]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, "");
    assert.equal(bad.stderr, "ouro: error: audit log broken at record 17: hash does not match its content\n");
  });
});
