/**
 * Child process for the multi-process audit test: opens the audit log of a storage URL, prints
 * `ready`, waits for a line on stdin (so all writers start at once), then appends `count` entries as
 * `actor`, printing each appended record's seq and hash as one JSON line.
 * Usage: node --import tsx audit-writer.ts URL ACTOR COUNT
 */
import { once } from "node:events";
import { AuditLog } from "../audit-log.js";

const [url, actor, count] = process.argv.slice(2);
if (!url || !actor || !count) throw new Error("usage: audit-writer.ts URL ACTOR COUNT");
const log = await AuditLog.open(url);
process.stdout.write("ready\n");
await once(process.stdin, "data");
for (let i = 0; i < Number(count); i++) {
  const r = await log.append({ actor, action: "training", subject: `trial:${actor}/${i}`, details: { i, actor } });
  process.stdout.write(`${JSON.stringify({ seq: r.seq, hash: r.hash, i })}\n`);
}
await log.close();
process.stdin.destroy();
