import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OuroborosError } from "../core/errors.js";
import { AuditLog } from "./audit-log.js";
import { ModelRegistry } from "./model-registry.js";

const digest = (n: number): string => n.toString(16).padStart(64, "0");

describe("ModelRegistry", () => {
  it("registers immutable versions and moves aliases with promote and rollback, each audited", async () => {
    const log = await AuditLog.open("memory:registry");
    const reg = new ModelRegistry(log, "churn");
    const v1 = await reg.register({ artifactDigest: digest(1), generation: 0, uri: "runs/r1/gen-0", metadata: { auc: 0.8 } });
    const v2 = await reg.register({ artifactDigest: digest(2), generation: 1 });
    const v3 = await reg.register({ artifactDigest: digest(3), generation: 2 });
    assert.deepEqual([v1.version, v2.version, v3.version], [1, 2, 3]);
    assert.deepEqual(v1.metadata, { auc: 0.8 });
    assert.equal(v1.uri, "runs/r1/gen-0");
    assert.equal(reg.resolve("champion"), undefined);

    await reg.promote(1, { reason: "generation 0" });
    await reg.promote(2, { reason: "beat v1" });
    await reg.promote(3, { alias: "challenger" });
    assert.equal(reg.resolve("champion")?.version, 2);
    assert.equal(reg.resolve("challenger")?.version, 3);

    const back = await reg.rollback({ reason: "v2 failed in production" });
    assert.equal(back.version, 1);
    assert.equal(reg.resolve("champion")?.version, 1);
    assert.deepEqual(
      reg.history("champion").map((c) => [c.action, c.from, c.version, c.reason]),
      [
        ["promotion", undefined, 1, "generation 0"],
        ["promotion", 1, 2, "beat v1"],
        ["rollback", 2, 1, "v2 failed in production"],
      ],
    );
    assert.deepEqual(
      log.records.map((r) => r.action),
      ["registration", "registration", "registration", "promotion", "promotion", "promotion", "rollback"],
    );
    assert.deepEqual(log.records[6]!.details, { alias: "champion", version: 1, from: 2, reason: "v2 failed in production" });

    await assert.rejects(reg.promote(9), (e: unknown) => e instanceof OuroborosError && e.message === "model churn has no version 9 to promote (versions: 1..3)");
    await assert.rejects(reg.promote(1), /champion is already version 1/);
    await assert.rejects(reg.rollback(), /no earlier version to roll back to \(only version 1 was promoted\)/);
    await assert.rejects(reg.rollback({ alias: "staging" }), /it was never promoted/);
    await assert.rejects(reg.register({ artifactDigest: "xyz" }), /artifactDigest must be a SHA-256/);
    assert.equal(log.head.seq, 7, "refused changes wrote nothing");
    assert.ok((await log.verify()).ok);
  });

  it("gives distinct version numbers to writers registering at once", async () => {
    const url = "memory:registry-race";
    const logs = await Promise.all([AuditLog.open(url), AuditLog.open(url)]);
    const regs = logs.map((l) => new ModelRegistry(l, "m"));
    const made = await Promise.all(regs.flatMap((r, k) => Array.from({ length: 5 }, (_, i) => r.register({ artifactDigest: digest(100 * k + i) }))));
    assert.deepEqual(made.map((v) => v.version).sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i + 1));
    await regs[0]!.refresh();
    assert.equal(regs[0]!.versions().length, 10);
    assert.equal(new Set(regs[0]!.versions().map((v) => v.artifactDigest)).size, 10);
  });
});
