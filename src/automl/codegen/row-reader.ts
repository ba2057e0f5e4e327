/**
 * The part of a generated predictor that reads a raw row the way the library reads a CSV: cells
 * are trimmed, the missing tokens (`""`, `NA`, `?` unless the training read said otherwise) are
 * missing, and each column is typed by its training semantic: numbers by the same plain-decimal
 * rule as `parseNumberCell`, booleans as `parseBooleanCell` maps them (true/yes/1 → 1,
 * false/no/0 → 0, any case), ISO-8601 dates and date-times to epoch milliseconds as
 * `parseDateCell` does (UTC when no zone), and categorical/text/id columns as trimmed labels.
 *
 * Rows may also carry JS numbers (used as they are; NaN = missing) and booleans (1/0, or the label
 * "true"/"false" for a categorical column); a number in a categorical column becomes its `String`
 * (as `alignToSchema` maps a numeric column onto a categorical one). A key absent from the row is a
 * missing cell. A cell that does not fit its column's type throws, as the CSV reader refuses it.
 *
 * The regular expressions are kept equal to those of `src/data/schema-inference.ts`; the tests
 * check the emitted readers against the library's parse functions on a battery of cells.
 */
import type { SemanticType } from "../../data/table.js";
import { str, wrap } from "./emit.js";

/** A column of the typed row: where it goes and how its cells are read. */
export interface ReaderColumn {
  readonly name: string;
  readonly kind: "numeric" | "categorical";
  readonly semantic: SemanticType;
}

const NUMBER_SOURCE = String.raw`/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/`;
const ISO_DATE_SOURCE = String.raw`/^\d{4}-\d{2}-\d{2}(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:\d{2})?)?$/`;

const COMMON = `/** Cells read as missing (after trimming spaces), as the CSV reader was told. */
const MISSING_TOKENS: ReadonlySet<string> = new Set<string>(%TOKENS%);

/** The row's own value for \`column\` (a missing key reads as a missing cell). */
function cellOf(row: Row, column: string): Cell {
  return Object.prototype.hasOwnProperty.call(row, column) ? row[column] : undefined;
}

/** The trimmed text of a string cell, or null when it is a missing token. */
function text(cell: string): string | null {
  const t = cell.trim();
  return MISSING_TOKENS.has(t) ? null : t;
}

function invalid(column: string, expected: string, cell: Cell): never {
  throw new Error(\`column "\${column}": expected \${expected}, got \${JSON.stringify(cell)}\`);
}`;

const NUMBER_PARSER = `const NUMBER = ${NUMBER_SOURCE};

/** A plain decimal number (as the CSV reader accepts it), or NaN. */
function parseNumber(t: string): number {
  return NUMBER.test(t) ? Number(t) : Number.NaN;
}`;

const READERS: Record<"number" | "boolean" | "date" | "label", string> = {
  number: `/** A numeric cell: NaN when missing. */
function readNumber(row: Row, column: string): number {
  const cell = cellOf(row, column);
  if (cell === null || cell === undefined) return Number.NaN;
  if (typeof cell === "number") return cell;
  if (typeof cell === "boolean") return cell ? 1 : 0;
  const t = text(cell);
  if (t === null) return Number.NaN;
  const v = parseNumber(t);
  return Number.isNaN(v) ? invalid(column, "a number", cell) : v;
}`,
  boolean: `/** A boolean cell as 1/0 (true/yes/1, false/no/0, any case): NaN when missing. */
function readBoolean(row: Row, column: string): number {
  const cell = cellOf(row, column);
  if (cell === null || cell === undefined) return Number.NaN;
  if (typeof cell === "number") return cell;
  if (typeof cell === "boolean") return cell ? 1 : 0;
  const t = text(cell);
  if (t === null) return Number.NaN;
  const lower = t.toLowerCase();
  if (lower === "true" || lower === "yes") return 1;
  if (lower === "false" || lower === "no") return 0;
  const v = parseNumber(t);
  return v === 0 || v === 1 ? v : invalid(column, "a boolean (true/false, yes/no or 1/0)", cell);
}`,
  date: `const ISO_DATE = ${ISO_DATE_SOURCE};

/** An ISO-8601 date or date-time cell as epoch milliseconds (UTC when no zone): NaN when missing. */
function readDate(row: Row, column: string): number {
  const cell = cellOf(row, column);
  if (cell === null || cell === undefined) return Number.NaN;
  if (typeof cell === "number") return cell;
  if (typeof cell === "boolean") return invalid(column, "an ISO-8601 date or date-time", cell);
  const t = text(cell);
  if (t === null) return Number.NaN;
  const m = ISO_DATE.exec(t);
  if (m === null) return invalid(column, "an ISO-8601 date or date-time", cell);
  const normal = t.replace(" ", "T");
  const v = m[1] === undefined ? Date.parse(\`\${t}T00:00:00Z\`) : Date.parse(m[2] === undefined ? \`\${normal}Z\` : normal);
  return Number.isNaN(v) ? invalid(column, "an ISO-8601 date or date-time", cell) : v;
}`,
  label: `/** A categorical cell's label: null when missing. */
function readLabel(row: Row, column: string): string | null {
  const cell = cellOf(row, column);
  if (cell === null || cell === undefined) return null;
  if (typeof cell === "number") return Number.isNaN(cell) ? null : String(cell);
  if (typeof cell === "boolean") return String(cell);
  return text(cell);
}`,
};

function readerOf(c: ReaderColumn): keyof typeof READERS {
  if (c.kind === "categorical") return "label";
  return c.semantic === "boolean" ? "boolean" : c.semantic === "datetime" ? "date" : "number";
}

/**
 * Source of the row readers and of `readRow(row): Cells`, which types a raw row into the numeric
 * and categorical slots handed out by the context (in `numeric` and `categorical` order).
 */
export function rowReaderSource(numeric: readonly ReaderColumn[], categorical: readonly ReaderColumn[], missingTokens: readonly string[]): string {
  const used = new Set([...numeric, ...categorical].map(readerOf));
  const parts = [COMMON.replace("%TOKENS%", missingTokens.length === 0 ? "[]" : `[${missingTokens.map(str).join(", ")}]`)];
  if (used.has("number") || used.has("boolean")) parts.push(NUMBER_PARSER);
  for (const r of ["number", "boolean", "date", "label"] as const) if (used.has(r)) parts.push(READERS[r]);
  const fn = { number: "readNumber", boolean: "readBoolean", date: "readDate", label: "readLabel" };
  const numLines = numeric.map((c, i) => `  num[${i}] = ${fn[readerOf(c)]}(row, ${str(c.name)});`);
  const catItems = categorical.map((c) => `${fn[readerOf(c)]}(row, ${str(c.name)})`);
  parts.push(`/** Types a raw row as the training data was typed. */
function readRow(row: Row): Cells {
  const num = new Float64Array(${numeric.length});
${numLines.join("\n")}${numLines.length > 0 ? "\n" : ""}  const cat: (string | null)[] = [${catItems.length === 0 ? "" : `\n${wrap(catItems, "    ")}\n  `}];
  return { num, cat };
}`);
  return parts.join("\n\n");
}
