/**
 * Reads CSV text into a typed {@link Table}: the file is parsed with `csv-parse`, every column's
 * meaning is inferred (see `schema-inference.ts`), and a schema report says what was decided and why
 * a user may want to override it.
 *
 * Errors are `invalid-data` and name the file, the row (the 1-based line number in the file, so a
 * user can jump to it in an editor) and the column: ragged rows, binary content, broken quoting, an
 * empty file or a header with no data rows, a value that does not fit a column override.
 */
import { readFileSync } from "node:fs";
import { parse, type CsvError } from "csv-parse/sync";
import { OuroborosError } from "../core/errors.js";
import { inferColumn, type ColumnReport, type InferenceOptions } from "./schema-inference.js";
import { makeTable, type Column, type SemanticType, type Table } from "./table.js";

/** Cells read as missing unless the caller says otherwise: empty, `NA` and `?`. */
export const DEFAULT_MISSING_TOKENS: readonly string[] = ["", "NA", "?"];

/** Options of {@link parseCsvText}. */
export interface CsvParseOptions {
  /** Name used in error messages (a file path). Default `"<text>"`. */
  readonly source?: string;
  /** Field delimiter. Default `","`. */
  readonly delimiter?: string;
  /** Cells (after trimming spaces) that mean "missing". Default {@link DEFAULT_MISSING_TOKENS}. */
  readonly missingTokens?: readonly string[];
}

/** Options of {@link readCsvText} and {@link readCsvFile}. */
export interface CsvReadOptions extends CsvParseOptions, InferenceOptions {
  /** Semantic type per column name, replacing inference for that column. */
  readonly overrides?: Readonly<Record<string, SemanticType>>;
}

/** CSV cells before typing: one array per column, `null` for a missing cell. */
export interface RawCsv {
  readonly source: string;
  readonly header: readonly string[];
  readonly columns: readonly (readonly (string | null)[])[];
  /** `lines[i]` is the 1-based line of the file on which data row `i` ends. */
  readonly lines: Int32Array;
  /** Header cells that were blank and got a generated name, and similar notes. */
  readonly warnings: readonly string[];
}

/** A typed table read from CSV, with what was inferred about each column. */
export interface CsvTable {
  readonly table: Table;
  readonly schema: readonly ColumnReport[];
  readonly warnings: readonly string[];
  /** `lines[i]` is the 1-based file line of table row `i`. */
  readonly lines: Int32Array;
  /** The untyped cells, for callers (the dataset loader) that read a column differently. */
  readonly raw: RawCsv;
}

/**
 * Splits CSV text into header and untyped column cells, checking that every row has as many fields
 * as the header. Blank lines are skipped; a byte-order mark is dropped.
 */
export function parseCsvText(text: string, options: CsvParseOptions = {}): RawCsv {
  const source = options.source ?? "<text>";
  const nul = text.indexOf("\u0000");
  if (nul >= 0) throw new OuroborosError("invalid-data", `${source}: not a CSV text file (binary content: a NUL character at offset ${nul})`);
  if (text.replace(/^\uFEFF/, "").trim() === "") throw new OuroborosError("invalid-data", `${source}: the file is empty; expected a header row and at least one data row`);

  const recordLines: number[] = [];
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      delimiter: options.delimiter ?? ",",
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[], context) => {
        recordLines.push(context.lines);
        return record;
      },
    });
  } catch (error) {
    const e = error as CsvError;
    const line = typeof e.lines === "number" ? `, row ${e.lines}` : "";
    throw new OuroborosError("invalid-data", `${source}${line}: cannot parse as CSV (${e.message})`, { cause: error });
  }
  const headerCells = records[0];
  if (headerCells === undefined) throw new OuroborosError("invalid-data", `${source}: the file is empty; expected a header row and at least one data row`);
  if (records.length < 2) throw new OuroborosError("invalid-data", `${source}: has a header row (${headerCells.length} columns) but no data rows`);

  const warnings: string[] = [];
  const header = headerCells.map((h, j) => {
    const name = h.trim();
    if (name !== "") return name;
    warnings.push(`${source}: column ${j + 1} has no name in the header; calling it "column_${j + 1}"`);
    return `column_${j + 1}`;
  });
  const seen = new Map<string, number>();
  header.forEach((name, j) => {
    const first = seen.get(name);
    if (first !== undefined) throw new OuroborosError("invalid-data", `${source}, row ${recordLines[0]!}: column name "${name}" appears twice (columns ${first + 1} and ${j + 1})`);
    seen.set(name, j);
  });

  const missing = new Set(options.missingTokens ?? DEFAULT_MISSING_TOKENS);
  const p = header.length;
  const n = records.length - 1;
  const columns: (string | null)[][] = header.map(() => new Array<string | null>(n));
  const lines = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const record = records[i + 1]!;
    const line = recordLines[i + 1]!;
    if (record.length !== p) {
      throw new OuroborosError("invalid-data", `${source}, row ${line}: expected ${p} fields (as in the header), got ${record.length}`);
    }
    lines[i] = line;
    for (let j = 0; j < p; j++) {
      const cell = record[j]!.trim();
      columns[j]![i] = missing.has(cell) ? null : cell;
    }
  }
  return { source, header, columns, lines, warnings };
}

/** Types the columns of parsed CSV cells (inference or `overrides`) into a table with a schema report. */
export function typeRawCsv(raw: RawCsv, options: CsvReadOptions = {}): CsvTable {
  const overrides = options.overrides ?? {};
  for (const name of Object.keys(overrides)) {
    if (!raw.header.includes(name)) {
      throw new OuroborosError("invalid-argument", `${raw.source}: override for column "${name}", which is not in the file; the columns are ${raw.header.join(", ")}`);
    }
  }
  const warnings = [...raw.warnings];
  const schema: ColumnReport[] = [];
  const columns: Column[] = raw.header.map((name, j) => {
    const override = Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    const inferred = inferColumn(name, raw.columns[j]!, { ...options, source: raw.source, lines: raw.lines, ...(override === undefined ? {} : { override }) });
    schema.push(inferred.report);
    warnings.push(...inferred.warnings);
    return inferred.column;
  });
  return { table: makeTable(columns, raw.lines.length), schema, warnings, lines: raw.lines, raw };
}

/** Reads CSV text into a typed table. See the module comment for the errors. */
export function readCsvText(text: string, options: CsvReadOptions = {}): CsvTable {
  return typeRawCsv(parseCsvText(text, options), options);
}

/**
 * Reads a CSV file into a typed table. The file must be UTF-8 text; binary content (NUL bytes or
 * bytes that are not UTF-8) is an `invalid-data` error naming the file.
 */
export function readCsvFile(path: string, options: CsvReadOptions = {}): CsvTable {
  return readCsvText(readCsvFileText(path), { source: path, ...options });
}

/** The text of a CSV file, checked to be UTF-8 without NUL bytes. */
export function readCsvFileText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new OuroborosError("invalid-data", `${path}: cannot read the file (${(error as Error).message})`, { cause: error });
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new OuroborosError("invalid-data", `${path}: not a CSV text file (binary content: a NUL byte at offset ${nul})`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new OuroborosError("invalid-data", `${path}: not a CSV text file (the bytes are not valid UTF-8)`, { cause: error });
  }
}
