/**
 * The outer train/test split of the `ouro run` benchmark: one seeded 80/20 split of a CSV file's
 * records (stratified by the target's text for classification, plain random for regression), written
 * as `train.csv` and `test.csv` with the source's own header and record text, so every system reads
 * exactly the same bytes.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { holdout } from "../../src/data/splits.js";

/** A CSV file cut into records without re-quoting anything. */
export interface CsvRecords {
  /** The header record's text (no line ending). */
  readonly header: string;
  /** Column names of the header. */
  readonly columns: readonly string[];
  /** Every data record's text (no line ending; a quoted line break inside a field is kept). */
  readonly records: readonly string[];
}

/**
 * Splits CSV text into records at line breaks outside double quotes (RFC 4180 quoting), dropping
 * blank records and a byte-order mark. The text of each record is kept as it is.
 */
export function splitCsvRecords(text: string): CsvRecords {
  const body = text.replace(/^\uFEFF/, "");
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 34) quoted = !quoted; // '"': an escaped "" toggles twice, so it cancels out
    else if (c === 10 && !quoted) {
      out.push(body.slice(start, i > start && body.charCodeAt(i - 1) === 13 ? i - 1 : i));
      start = i + 1;
    }
  }
  if (start < body.length) out.push(body.slice(start).replace(/\r$/, ""));
  const records = out.filter((r) => r.trim() !== "");
  const header = records.shift();
  if (header === undefined) throw new Error("the CSV text has no header record");
  return { header, columns: parseCsvFields(header), records };
}

/** The fields of one CSV record, unquoted. */
export function parseCsvFields(record: string): string[] {
  const fields: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const ch = record[i]!;
    if (quoted) {
      if (ch === '"') {
        if (record[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(cur);
      cur = "";
    } else cur += ch;
  }
  fields.push(cur);
  return fields;
}

/** What {@link makeOuterSplit} wrote. */
export interface OuterSplit {
  readonly trainPath: string;
  readonly testPath: string;
  readonly nTrain: number;
  readonly nTest: number;
  /** Records dropped because their target cell was empty. */
  readonly droppedMissingTarget: number;
  /** The test records' target cells, in file order. */
  readonly testTargets: readonly string[];
}

/**
 * Writes `train.csv` and `test.csv` into `dir`: a seeded holdout of `testFraction` of the records
 * (`holdout` from the data layer; stratified by the target text when `stratify`). Records with an
 * empty target are dropped first (no system could score them). Both files keep the source's
 * record order.
 */
export function makeOuterSplit(sourcePath: string, target: string, dir: string, options: { readonly seed: number; readonly stratify: boolean; readonly testFraction?: number }): OuterSplit {
  const csv = splitCsvRecords(readFileSync(sourcePath, "utf8"));
  const t = csv.columns.indexOf(target);
  if (t < 0) throw new Error(`${sourcePath}: no column "${target}" (columns: ${csv.columns.join(", ")})`);
  const kept: string[] = [];
  const labels: string[] = [];
  for (const r of csv.records) {
    const y = (parseCsvFields(r)[t] ?? "").trim();
    if (y === "") continue;
    kept.push(r);
    labels.push(y);
  }
  const fold = holdout(kept.length, options.testFraction ?? 0.2, options.seed, options.stratify ? labels : undefined);
  mkdirSync(dir, { recursive: true });
  const trainPath = join(dir, "train.csv");
  const testPath = join(dir, "test.csv");
  const write = (path: string, rows: Int32Array): void => writeFileSync(path, [csv.header, ...Array.from(rows, (i) => kept[i]!)].join("\n") + "\n");
  write(trainPath, fold.train);
  write(testPath, fold.test);
  return { trainPath, testPath, nTrain: fold.train.length, nTest: fold.test.length, droppedMissingTarget: csv.records.length - kept.length, testTargets: Array.from(fold.test, (i) => labels[i]!) };
}
