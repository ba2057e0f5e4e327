import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { OuroborosError } from "../core/errors.js";
import { classTarget, makeDataset } from "../data/dataset.js";
import { readCsvFile } from "../data/csv.js";
import { categoricalColumn, makeTable, numericColumn, type Table } from "../data/table.js";
import { AuditLog } from "./audit-log.js";
import { bytesDigest, datasetDigest, fileDigest, tableDigest } from "./data-digest.js";
import { generationsOf, recordGeneration, type GenerationRecord } from "./lineage.js";

const iris = fileURLToPath(new URL("../../data/iris.csv", import.meta.url));

function table(values: number[], labels: (string | null)[]): Table {
  return makeTable([numericColumn("x", values), categoricalColumn("c", labels)]);
}

describe("data digests", () => {
  it("digests CSV bytes as sha256sum does", () => {
    // Golden value from `sha256sum data/iris.csv`.
    assert.equal(fileDigest(iris), "3bf86618e03b32c11dc61f8c043b20197c4c39ae0bc52b399374f0746c1f840d");
    assert.equal(bytesDigest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // FIPS 180-2 test vector
  });

  it("digests a table deterministically, by content", () => {
    const a = tableDigest(table([1, Number.NaN, 3], ["u", null, "v"]));
    assert.equal(a, tableDigest(table([1, Number.NaN, 3], ["u", null, "v"])));
    // Golden value computed at development time with Python's hashlib from the documented layout
    // (canonical JSON header + "\n", then <d little-endian float64 cells with NaN = f87f…, then
    // <i int32 codes), not from this implementation. It pins format "ouroboros-table-digest/1".
    assert.equal(a, "37e0986164e2d50bd24f240393963e052b556130a397a8f1beb55582828ca858");
    assert.notEqual(a, tableDigest(table([1, Number.NaN, 3.0000000001], ["u", null, "v"])), "one cell");
    assert.notEqual(a, tableDigest(table([1, Number.NaN, 3], ["u", "v", "v"])), "a missing category");
    assert.notEqual(a, tableDigest(makeTable([categoricalColumn("c", ["u", null, "v"]), numericColumn("x", [1, Number.NaN, 3])])), "column order");
    assert.notEqual(a, tableDigest(makeTable([numericColumn("y", [1, Number.NaN, 3]), categoricalColumn("c", ["u", null, "v"])])), "column name");
  });

  it("hashes every NaN the same, whatever its bit pattern", () => {
    const values = new Float64Array([1, 0, 3]);
    new DataView(values.buffer).setUint32(8, 0x7ff80000 | 0x1234, true); // a NaN with a payload
    new DataView(values.buffer).setUint32(12, 0x7ff80000, true);
    assert.ok(Number.isNaN(values[1]!));
    const payload = makeTable([{ kind: "numeric", name: "x", semantic: "numeric", values }, categoricalColumn("c", ["u", null, "v"])]);
    assert.equal(tableDigest(payload), tableDigest(table([1, Number.NaN, 3], ["u", null, "v"])));
    assert.equal(new DataView(values.buffer).getUint32(8, true), 0x7ff80000 | 0x1234, "the caller's column is not changed");
  });

  it("digests a dataset with its target and weights", () => {
    const csv = readCsvFile(iris);
    const x = csv.table;
    const y = classTarget(Array.from({ length: x.nRows }, (_, i) => String(i % 3)));
    const d = datasetDigest(makeDataset(x, y));
    assert.equal(d, datasetDigest(makeDataset(x, y)));
    assert.notEqual(d, datasetDigest(makeDataset(x, classTarget(Array.from({ length: x.nRows }, (_, i) => String((i + 1) % 3))))));
    assert.notEqual(d, datasetDigest(makeDataset(x, y, new Float64Array(x.nRows).fill(1))));
  });
});

const digest = (c: string): string => c.repeat(64).slice(0, 64);

function generation(n: number, parents: number[] = n === 0 ? [] : [n - 1]): GenerationRecord {
  return {
    generation: n,
    parents,
    proposal: { trial: 10 + n, sampler: n === 0 ? "defaults" : "tpe", reason: n === 0 ? "strong defaults" : `beat generation ${n - 1}` },
    dataDigest: digest("d"),
    params: { learner: "gbdt", learningRate: 0.1 / (n + 1), maxDepth: 6 },
    seeds: { sampler: 1, learner: 17 + n, folds: 7 },
    scores: [{ metric: "roc_auc", mean: 0.8 + n / 100, low: 0.79 + n / 100, high: 0.81 + n / 100, level: 0.95 }],
    artifactDigest: digest(String(n)),
    time: 1_700_000_000_000 + n,
  };
}

describe("lineage", () => {
  it("records generations in order in the audit log, and reads them back verified", async () => {
    const log = await AuditLog.open("memory:lineage");
    await log.append({ actor: "ouro run", action: "proposal", subject: "run:r1", details: { trial: 10 } });
    for (let n = 0; n < 3; n++) await recordGeneration(log, "r1", generation(n));
    await recordGeneration(log, "r2", generation(0));
    const back = generationsOf(log.records, "r1");
    assert.deepEqual(back, [0, 1, 2].map((n) => generation(n)));
    assert.equal(generationsOf(log.records, "r2").length, 1);
    assert.ok((await log.verify()).ok);

    await assert.rejects(recordGeneration(log, "r1", generation(5)), /generation 5 cannot be recorded; the next generation is 3/);
    await assert.rejects(recordGeneration(log, "r1", generation(3, [4])), (e: unknown) => e instanceof OuroborosError && /parents must be earlier generation numbers/.test(e.message));
    await assert.rejects(recordGeneration(log, "r1", { ...generation(3), dataDigest: "abc" }), /dataDigest must be a SHA-256/);
    assert.equal(log.head.seq, 5, "rejected records were not appended");
  });
});
