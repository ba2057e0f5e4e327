import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { OuroborosError } from "../core/errors.js";
import { loadCsvDataset, loadCsvDatasetFromText } from "./load-dataset.js";

const DATA = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "data");

function invalidData(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OuroborosError, `expected OuroborosError, got ${String(e)}`);
    assert.equal(e.code, "invalid-data");
    for (const p of parts) assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    return true;
  });
}

test("wa_churn: binary churn target with Yes positive, total_charges missing cells reported", () => {
  const r = loadCsvDataset(join(DATA, "wa_churn.csv"), { target: "churn" });
  const y = r.dataset.y;
  assert.equal(y.task, "binary");
  assert.deepEqual(y.classes, ["No", "Yes"]);
  assert.equal(y.labels.length, 7043);
  const positives = y.labels.reduce((s, v) => s + v, 0);
  assert.ok(positives > 1800 && positives < 1900, `about 26% churn, got ${positives}`);
  const total = r.schema.find((c) => c.name === "total_charges")!;
  assert.equal(total.semantic, "numeric");
  assert.equal(total.missing, 11);
  assert.equal(r.dataset.x.columns.length, 19);
  assert.ok(!r.dataset.x.columns.some((c) => c.name === "churn"), "target is not a feature");
  assert.deepEqual(r.dropped, []);
});

test("ames: regression on Sale_Price; digits: 10 classes with constant pixels dropped", () => {
  const ames = loadCsvDataset(join(DATA, "ames.csv"), { target: "Sale_Price" });
  assert.equal(ames.dataset.y.task, "regression");
  assert.equal(ames.dataset.x.nRows, 2930);
  assert.equal(ames.dataset.x.columns.length, 73);
  const digits = loadCsvDataset(join(DATA, "digits.csv"), { target: "target" });
  const y = digits.dataset.y;
  assert.equal(y.task, "multiclass");
  assert.deepEqual(y.classes, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.ok(digits.dropped.length >= 1 && digits.dropped.every((d) => d.reason === "constant"), JSON.stringify(digits.dropped));
  assert.equal(digits.dataset.x.columns.length, 64 - digits.dropped.length);
});

test("penguins: multiclass species; missing feature cells are kept and reported", () => {
  const r = loadCsvDataset(join(DATA, "penguins.csv"), { target: "species" });
  assert.equal(r.dataset.y.task, "multiclass");
  assert.equal(r.dataset.x.nRows, 344);
  const sex = r.schema.find((c) => c.name === "sex")!;
  assert.equal(sex.missing, 11);
});

test("task inference and the explicit task option", () => {
  const rows = ["x,y_int,y_real,y_bin,y_text"];
  for (let i = 0; i < 40; i++) rows.push(`${i % 7},${i % 5},${(i * 0.37).toFixed(2)},${i % 2 === 0 ? "true" : "false"},${["a", "b", "c"][i % 3]!}`);
  const text = rows.join("\n");
  const task = (target: string, extra: object = {}): string => loadCsvDatasetFromText(text, { target, ...extra }).dataset.y.task;
  assert.equal(task("y_int"), "multiclass");
  assert.equal(task("y_real"), "regression");
  assert.equal(task("y_bin"), "binary");
  assert.equal(task("y_text"), "multiclass");
  assert.equal(task("y_int", { task: "regression" }), "regression");
  assert.equal(task("y_int", { maxClasses: 3 }), "regression");
  const bin = loadCsvDatasetFromText(text, { target: "y_bin" }).dataset.y;
  assert.ok(bin.task === "binary" && bin.classes[1] === "true", "classes keep the file's spelling, sorted");
  invalidData(() => loadCsvDatasetFromText(text, { target: "y_text", task: "regression", source: "t.csv" }), "t.csv, row 2", 'column "y_text"', "must be a number", '"a"');
  invalidData(() => loadCsvDatasetFromText(text, { target: "y_text", task: "binary", source: "t.csv" }), 'task "binary" needs 2 classes', "has 3: a, b, c");
});

test("rows with a missing target are removed with a count; drops are listed with reasons", () => {
  const text = ["row_id,const,empty,x,cat,y", "1,k,,0.5,a,1", "2,k,,1.5,b,", "3,k,NA,2.5,a,0", "4,k,,3.5,b,NA", "5,k,,4.5,a,1"].join("\n");
  const r = loadCsvDatasetFromText(text, { target: "y", source: "d.csv" });
  assert.equal(r.dataset.x.nRows, 3);
  assert.deepEqual([...r.lines], [2, 4, 6]);
  assert.ok(r.warnings.some((w) => w.includes("removed 2 of 5 rows")), r.warnings.join("\n"));
  assert.deepEqual(r.dropped, [
    { column: "row_id", reason: "id" },
    { column: "const", reason: "constant" },
    { column: "empty", reason: "all-missing" },
  ]);
  assert.deepEqual(r.dataset.x.columns.map((c) => c.name), ["x", "cat"]);
  for (const name of ["row_id", "const", "empty"]) assert.ok(r.warnings.some((w) => w.includes(`dropped column "${name}"`)));
  const x = r.dataset.x.columns[0]!;
  assert.ok(x.kind === "numeric" && x.values[1] === 2.5, "feature rows follow the kept target rows");
  const kept = loadCsvDatasetFromText(text, { target: "y", dropIds: false, dropConstant: false });
  assert.deepEqual(kept.dropped.map((d) => d.column), ["empty"]);
});

test("bad targets: unknown column lists the columns, one class, all missing", () => {
  const text = "a,b,y\n1,2,k\n3,4,k\n";
  invalidData(() => loadCsvDatasetFromText(text, { target: "label", source: "data.csv" }), 'data.csv: no target column "label"', "a, b, y");
  invalidData(() => loadCsvDatasetFromText(text, { target: "y", source: "data.csv" }), 'column "y"', 'one class ("k")', "2 rows");
  invalidData(() => loadCsvDatasetFromText("a,y\n1,\n2,NA\n", { target: "y", source: "data.csv" }), 'column "y"', "missing in all 2 rows");
});

test("load errors from the reader carry the file name", () => {
  invalidData(() => loadCsvDatasetFromText("a,y\n1,2\n3\n", { target: "y", source: "r.csv" }), "r.csv, row 3: expected 2 fields", "got 1");
  invalidData(() => loadCsvDatasetFromText("a,y\n", { target: "y", source: "h.csv" }), "no data rows");
  invalidData(() => loadCsvDatasetFromText("a,y\nq,1\n2,0\n", { target: "y", source: "o.csv", overrides: { a: "numeric" } }), "o.csv, row 2", 'column "a"', '"q"');
});

test("every bundled dataset loads with the expected task", () => {
  const expected: [string, string, string, number][] = [
    ["breast_cancer", "target", "binary", 569],
    ["iris", "target", "multiclass", 150],
    ["wine", "target", "multiclass", 178],
    ["diabetes", "target", "regression", 442],
    ["penguins", "species", "multiclass", 344],
    ["concrete", "compressive_strength", "regression", 1030],
  ];
  for (const [file, target, task, rows] of expected) {
    const r = loadCsvDataset(join(DATA, `${file}.csv`), { target });
    assert.equal(r.dataset.y.task, task, file);
    assert.equal(r.dataset.x.nRows, rows, file);
  }
});
