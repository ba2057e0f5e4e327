import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import { readCsvFile, readCsvText } from "./csv.js";
import { getColumn, type CategoricalColumn, type NumericColumn } from "./table.js";

function numeric(t: ReturnType<typeof readCsvText>, name: string): NumericColumn {
  const c = getColumn(t.table, name);
  assert.equal(c.kind, "numeric", `column ${name} should be numeric`);
  return c as NumericColumn;
}

function categorical(t: ReturnType<typeof readCsvText>, name: string): CategoricalColumn {
  const c = getColumn(t.table, name);
  assert.equal(c.kind, "categorical", `column ${name} should be categorical`);
  return c as CategoricalColumn;
}

function invalidData(fn: () => unknown, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OuroborosError, `expected OuroborosError, got ${String(e)}`);
    assert.equal(e.code, "invalid-data");
    for (const p of parts) {
      if (typeof p === "string") assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

const MIXED = [
  "id,age,smoker,flag,joined,city,note,score",
  "1,34,yes,1,2020-01-05,Paris,likes long walks,3.5",
  "2,NA,no,0,2020-02-10T10:30:00,Lyon,?,4",
  "3,51,Yes,1,2021-03-01,Paris,short note here,",
  "4,29,No,0,2019-12-31 23:59,Nice,another text,2.25",
].join("\n");

test("infers numeric, boolean, datetime, categorical and id columns", () => {
  const t = readCsvText(MIXED, { source: "mixed.csv" });
  const kinds = Object.fromEntries(t.schema.map((c) => [c.name, c.semantic]));
  assert.deepEqual(kinds, { id: "id", age: "numeric", smoker: "boolean", flag: "boolean", joined: "datetime", city: "categorical", note: "categorical", score: "numeric" });
  assert.deepEqual(Array.from(numeric(t, "smoker").values), [1, 0, 1, 0]);
  const joined = numeric(t, "joined").values;
  assert.equal(joined[0], Date.UTC(2020, 0, 5));
  assert.equal(joined[1], Date.UTC(2020, 1, 10, 10, 30));
  assert.equal(joined[3], Date.UTC(2019, 11, 31, 23, 59));
  assert.ok(Number.isNaN(numeric(t, "age").values[1]!), "NA is missing");
  assert.ok(Number.isNaN(numeric(t, "score").values[2]!), "empty cell is missing");
  assert.equal(categorical(t, "note").codes[1], -1, "? is missing");
  const city = categorical(t, "city");
  assert.deepEqual(city.categories, ["Paris", "Lyon", "Nice"]);
  const age = t.schema.find((c) => c.name === "age")!;
  assert.equal(age.missing, 1);
  assert.equal(age.distinct, 3);
  assert.equal(age.kind, "numeric");
  assert.deepEqual(age.examples, ["34", "51", "29"]);
  assert.deepEqual([...t.lines], [2, 3, 4, 5]);
});

test("many distinct strings are text, all-distinct single tokens are ids, shuffled row numbers are an id", () => {
  const rows = ["code,words,key,year,measure,grp"];
  for (let i = 0; i < 60; i++) rows.push(`K${i * 7},word ${i} and ${i % 50},${1 + ((i * 37) % 60)},${1960 + i},${i * i * 13 + 0.5},g${i % 3}`);
  const t = readCsvText(rows.join("\n"));
  const kinds = Object.fromEntries(t.schema.map((c) => [c.name, c.semantic]));
  assert.deepEqual(kinds, { code: "id", words: "text", key: "id", year: "numeric", measure: "numeric", grp: "categorical" });
  assert.equal(getColumn(t.table, "key").kind, "categorical", "ids are stored as categories");
});

test("overrides replace inference, and a bad value names file, row, column and value", () => {
  const text = "zip,level,amount\n75001,1,10\n69002,2,20\n13001,3,x3\n";
  const t = readCsvText(text, { overrides: { zip: "categorical", level: "categorical", amount: "categorical" } });
  assert.equal(t.schema[0]!.semantic, "categorical");
  assert.equal(t.schema[0]!.overridden, true);
  assert.deepEqual(categorical(t, "zip").categories, ["75001", "69002", "13001"]);
  invalidData(() => readCsvText(text, { source: "money.csv", overrides: { amount: "numeric" } }), "money.csv", "row 4", 'column "amount"', '"x3"', "numeric");
  assert.throws(() => readCsvText(text, { overrides: { nope: "numeric" } }), /override for column "nope".*zip, level, amount/);
});

test("a configurable missing-token list", () => {
  const t = readCsvText("a,b\n1,-\n-999,x\n3,y\n", { missingTokens: ["-", "-999"] });
  assert.ok(Number.isNaN(numeric(t, "a").values[1]!));
  assert.equal(categorical(t, "b").codes[0], -1);
  const t2 = readCsvText("a,b\n1,NA\n2,x\n");
  assert.equal(categorical(t2, "b").codes[0], -1);
  const t3 = readCsvText("a,b\n1,NA\n2,x\n", { missingTokens: [""] });
  assert.deepEqual(categorical(t3, "b").categories, ["NA", "x"]);
});

test("an all-missing column is numeric NaN with a warning", () => {
  const t = readCsvText("a,b\n1,\n2,NA\n");
  assert.ok(Array.from(numeric(t, "b").values).every(Number.isNaN));
  assert.ok(t.warnings.some((w) => w.includes('"b"') && w.includes("all 2 cells missing")));
});

test("a ragged row names the file, the line and the field counts", () => {
  const lines = ["a,b,c"];
  for (let i = 0; i < 15; i++) lines.push(`${i},${i},${i}`);
  lines.push("9,9"); // line 17
  invalidData(() => readCsvText(lines.join("\n"), { source: "data.csv" }), "data.csv, row 17: expected 3 fields", "got 2");
  // Blank lines and quoted newlines still count in the line numbers.
  invalidData(() => readCsvText('a,b\n1,"x\ny"\n\n2,3,4\n', { source: "q.csv" }), "q.csv, row 5", "got 3");
});

test("unparseable quoting, binary content, an empty file and a header-only file are clear errors", () => {
  invalidData(() => readCsvText('a,b\n1,"x"y\n', { source: "bad.csv" }), "bad.csv, row 2", "cannot parse as CSV");
  invalidData(() => readCsvText('a,b\n1,"never closed\n2,3\n', { source: "open.csv" }), "open.csv", "cannot parse as CSV", /Quote Not Closed/i);
  invalidData(() => readCsvText("", { source: "e.csv" }), "e.csv: the file is empty");
  invalidData(() => readCsvText("\n\n  \n", { source: "e.csv" }), "e.csv: the file is empty");
  invalidData(() => readCsvText("a,b,c\n", { source: "h.csv" }), "h.csv: has a header row (3 columns) but no data rows");
  invalidData(() => readCsvText("a,b,a\n1,2,3\n", { source: "d.csv" }), 'column name "a" appears twice');

  const dir = mkdtempSync(join(tmpdir(), "ouro-csv-"));
  const png = join(dir, "image.csv");
  writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
  invalidData(() => readCsvFile(png), png, "not a CSV text file", "binary");
  const latin = join(dir, "latin.csv");
  writeFileSync(latin, Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x31, 0x2c, 0xe9, 0xff, 0x0a]));
  invalidData(() => readCsvFile(latin), "not valid UTF-8");
  invalidData(() => readCsvFile(join(dir, "missing.csv")), "missing.csv: cannot read the file");
});

test("a byte-order mark and CRLF line ends are accepted", () => {
  const t = readCsvText("\uFEFFx,y\r\n1,a\r\n2,b\r\n");
  assert.deepEqual(t.table.columns.map((c) => c.name), ["x", "y"]);
  assert.deepEqual(Array.from(numeric(t, "x").values), [1, 2]);
});
