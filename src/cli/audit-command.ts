/**
 * `ouro audit verify|list` over a storage URL: check the hash-chained audit log kept with the
 * studies, or print it. Exit code 0 when the log verifies, 1 (with one line saying the first bad
 * record and why) when it does not.
 */
import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import { OuroborosError } from "../core/errors.js";
import type { AuditHead } from "../registry/audit-chain.js";
import { AuditLog, type AuditVerification } from "../registry/audit-log.js";

const DEFAULT_STORAGE = "sqlite:./ouro.db";

/** Options of {@link auditVerify}. */
export interface AuditVerifyOptions {
  /** Storage URL (`sqlite:PATH`, `file:PATH`, `memory:NAME`). */
  readonly storage: string;
  /** Print the verification as JSON instead of a line. Default false. */
  readonly json?: boolean;
  /** A head kept elsewhere, as `SEQ:HASH`; the log must still hold it (catches a cut tail). */
  readonly head?: string;
}

/** Refuses to verify a database file that is not there (opening it would create an empty one). */
function checkExists(url: string): void {
  const m = /^(sqlite|file):(.*)$/.exec(url.trim());
  const path = m ? m[2]!.replace(/^\/\/(?=\.|\/)/, "") : /\.(db|sqlite|sqlite3|jsonl)$/.test(url) ? url : undefined;
  if (path !== undefined && path !== "" && path !== ":memory:" && !existsSync(path)) {
    throw new OuroborosError("invalid-argument", `no storage at ${path} (from --storage ${url}); nothing to verify`);
  }
}

/** Parses `--head SEQ:HASH`. */
function parseHead(text: string): AuditHead {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  if (!m) throw new OuroborosError("cli", `--head must be SEQ:HASH (e.g. 17:<64 hex digits>), but got "${text}"`);
  return { seq: Number(m[1]), hash: m[2]! };
}

/**
 * Verifies the audit log of a storage and writes the outcome to `out`: `audit log OK: N records,
 * head HASH` (or the JSON of {@link AuditVerification}). Resolves to the verification when it is OK.
 * @throws OuroborosError `storage-corrupt` with `audit log broken at record N: REASON` when it is
 *   not (after writing the JSON, with `json`); `invalid-argument` if the storage file does not exist.
 */
export async function auditVerify(options: AuditVerifyOptions, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<AuditVerification> {
  checkExists(options.storage);
  const log = await AuditLog.open(options.storage);
  let v: AuditVerification;
  try {
    v = await log.verify(options.head ? { expectedHead: parseHead(options.head) } : {});
  } finally {
    await log.close();
  }
  if (options.json) out(JSON.stringify(v));
  if (!v.ok) throw new OuroborosError("storage-corrupt", `audit log broken at record ${v.seq}: ${v.reason}`);
  if (!options.json) out(`audit log OK: ${v.records} record${v.records === 1 ? "" : "s"}, head ${v.head.hash}${v.superseded ? ` (${v.superseded} superseded write${v.superseded === 1 ? "" : "s"} skipped)` : ""}`);
  return v;
}

/** Prints the verified records, one line each (or JSON lines), optionally only those whose subject starts with a prefix. */
export async function auditList(options: { storage: string; json?: boolean; subject?: string }, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  checkExists(options.storage);
  const log = await AuditLog.open(options.storage);
  try {
    for (const r of log.records) {
      if (options.subject !== undefined && !r.subject.startsWith(options.subject)) continue;
      out(options.json ? JSON.stringify(r) : `${r.seq}\t${new Date(r.time).toISOString()}\t${r.actor}\t${r.action}\t${r.subject}\t${JSON.stringify(r.details)}`);
    }
  } finally {
    await log.close();
  }
}

/** The `ouro audit` command with its `verify` and `list` subcommands. */
export function auditCommand(): Command {
  const storage = (): Option => new Option("--storage <url>", "storage URL (sqlite:PATH, file:PATH.jsonl)").default(DEFAULT_STORAGE);
  const audit = new Command("audit").description("check or print the hash-chained audit log kept with the studies");
  audit
    .command("verify")
    .description("verify the audit log: exit 0 if every record is intact and in order, 1 at the first bad record")
    .addOption(storage())
    .option("--head <seq:hash>", "a head printed earlier; fails if that record is gone (detects a cut tail)")
    .option("--json", "print JSON")
    .action(async (o: { storage: string; json?: boolean; head?: string }) => {
      await auditVerify({ storage: o.storage, ...(o.json ? { json: true } : {}), ...(o.head !== undefined ? { head: o.head } : {}) });
    });
  audit
    .command("list")
    .description("print the verified audit records (seq, time, actor, action, subject, details)")
    .addOption(storage())
    .option("--subject <prefix>", "only records whose subject starts with this")
    .option("--json", "print JSON lines")
    .action(async (o: { storage: string; json?: boolean; subject?: string }) => {
      await auditList({ storage: o.storage, ...(o.json ? { json: true } : {}), ...(o.subject !== undefined ? { subject: o.subject } : {}) });
    });
  return audit;
}
