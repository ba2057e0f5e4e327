/**
 * Decides what a CSV column means from its cells, and stores it in the table's two storage kinds.
 *
 * The rules, tried in order on the non-missing cells:
 * 1. no cell at all → numeric, all missing (with a warning);
 * 2. every cell a number → `boolean` if the numbers are only 0 and 1, `id` if they are distinct
 *    integers that look like a key (the name says id, or, in at least 20 rows, they are row numbers
 *    from 0 or 1 filling most of their range), else `numeric`;
 * 3. every cell `true`/`false` or every cell `yes`/`no` (any case) → `boolean`, stored as 0/1;
 * 4. every cell an ISO-8601 date or date-time → `datetime`, stored as epoch milliseconds (UTC when
 *    no zone is given);
 * 5. strings: `id` if all distinct and either the name says id or they are single tokens (no
 *    spaces) in at least 20 rows; `text` if there are many distinct values; else `categorical`.
 * A column name "says id" when it is `id`, or ends with `_id`/` id`/`Id`/`ID` (`customer_id`,
 * `customerID`).
 */
import { OuroborosError } from "../core/errors.js";
import { categoricalColumn, type Column, type SemanticType } from "./table.js";

/** Options of the inference that a caller may set. */
export interface InferenceOptions {
  /**
   * A string column with more distinct values than this is `text` rather than `categorical`
   * (it must also have more distinct values than half its non-missing cells, or more than 1000).
   * Default 50.
   */
  readonly maxCategories?: number;
  /** Fewest rows for an all-distinct column without an id-like name to be taken as an id. Default 20. */
  readonly minIdRows?: number;
}

/** What the reader decided about one column. */
export interface ColumnReport {
  readonly name: string;
  readonly semantic: SemanticType;
  readonly kind: "numeric" | "categorical";
  readonly missing: number;
  readonly distinct: number;
  /** Up to three distinct values as they appear in the file. */
  readonly examples: readonly string[];
  /** True when the type came from an override rather than inference. */
  readonly overridden: boolean;
}

/** Context for {@link inferColumn}: where the cells came from (for error messages) and an override. */
export interface InferenceContext extends InferenceOptions {
  readonly source: string;
  /** 1-based file line of each cell's row. */
  readonly lines: Int32Array;
  readonly override?: SemanticType;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:\d{2})?)?$/;
const ID_NAME = /^id$|[_ .-]id$|[a-z0-9](?:Id|ID)$/i;
const TRUE_WORDS = new Set(["true", "yes"]);
const BOOLEAN_PAIRS: readonly (readonly [string, string])[] = [
  ["true", "false"],
  ["yes", "no"],
];

/** Parses a number cell, or returns NaN when the cell is not a plain decimal number. */
export function parseNumberCell(cell: string): number {
  return NUMBER.test(cell) ? Number(cell) : Number.NaN;
}

/** Parses an ISO-8601 date or date-time to epoch milliseconds (UTC when no zone), or NaN. */
export function parseDateCell(cell: string): number {
  const m = ISO_DATE.exec(cell);
  if (m === null) return Number.NaN;
  if (m[1] === undefined) return Date.parse(`${cell}T00:00:00Z`);
  const normal = cell.replace(" ", "T");
  return Date.parse(m[2] === undefined ? `${normal}Z` : normal);
}

/** Parses a boolean cell (`true/false`, `yes/no`, `1/0`, any case) to 1/0, or NaN. */
export function parseBooleanCell(cell: string): number {
  const v = cell.toLowerCase();
  if (TRUE_WORDS.has(v)) return 1;
  if (v === "false" || v === "no") return 0;
  const x = parseNumberCell(cell);
  return x === 0 || x === 1 ? x : Number.NaN;
}

/** Whether a column name suggests a key (`id`, `customer_id`, `customerID`). */
export function isIdName(name: string): boolean {
  return ID_NAME.test(name);
}

/** Infers (or applies an override to) one column's type and builds the stored column. */
export function inferColumn(name: string, cells: readonly (string | null)[], context: InferenceContext): { column: Column; report: ColumnReport; warnings: string[] } {
  const warnings: string[] = [];
  const n = cells.length;
  const distinctCells = new Set<string>();
  let missing = 0;
  for (const c of cells) {
    if (c === null) missing++;
    else distinctCells.add(c);
  }
  const present = n - missing;
  const examples = [...take(distinctCells, 3)];
  const semantic = context.override ?? guessSemantic(name, distinctCells, present, context);
  const column = buildColumn(name, cells, semantic, context);
  if (present === 0) warnings.push(`${context.source}: column "${name}" has no values (all ${n} cells missing)`);
  const report: ColumnReport = {
    name,
    semantic,
    kind: column.kind,
    missing,
    distinct: distinctCells.size,
    examples,
    overridden: context.override !== undefined,
  };
  return { column, report, warnings };
}

function guessSemantic(name: string, distinct: Set<string>, present: number, options: InferenceOptions): SemanticType {
  if (present === 0) return "numeric";
  const allDistinct = distinct.size === present && present >= 2;
  const idName = isIdName(name);
  const minIdRows = options.minIdRows ?? 20;

  let allNumbers = true;
  let allIntegers = true;
  let min = Infinity;
  let max = -Infinity;
  for (const c of distinct) {
    const x = parseNumberCell(c);
    if (Number.isNaN(x)) {
      allNumbers = false;
      break;
    }
    if (!Number.isInteger(x)) allIntegers = false;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (allNumbers) {
    if (min >= 0 && max <= 1 && [...distinct].every((c) => Number(c) === 0 || Number(c) === 1)) return "boolean";
    // Distinct integers counting up from 0 or 1 (a row number, in any order) are a key; other
    // distinct integers (years, amounts) may be a measure, so without an id-like name they stay numeric.
    if (allIntegers && allDistinct && (idName || (present >= minIdRows && (min === 0 || min === 1) && max - min + 1 <= 1.5 * present))) return "id";
    return "numeric";
  }

  const lower = new Set([...distinct].map((c) => c.toLowerCase()));
  if (BOOLEAN_PAIRS.some(([t, f]) => [...lower].every((v) => v === t || v === f))) return "boolean";
  if ([...distinct].every((c) => !Number.isNaN(parseDateCell(c)))) return "datetime";

  if (allDistinct && (idName || (present >= minIdRows && [...distinct].every((c) => !/\s/.test(c))))) return "id";
  const maxCategories = options.maxCategories ?? 50;
  if (distinct.size > maxCategories && (distinct.size > present / 2 || distinct.size > 1000)) return "text";
  return "categorical";
}

function buildColumn(name: string, cells: readonly (string | null)[], semantic: SemanticType, context: InferenceContext): Column {
  if (semantic === "categorical" || semantic === "text" || semantic === "id") {
    return categoricalColumn(name, cells, semantic);
  }
  const parse = semantic === "numeric" ? parseNumberCell : semantic === "boolean" ? parseBooleanCell : parseDateCell;
  const expected = semantic === "numeric" ? "a number" : semantic === "boolean" ? "a boolean (true/false, yes/no or 1/0)" : "an ISO-8601 date or date-time";
  const values = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (c === null) {
      values[i] = Number.NaN;
      continue;
    }
    const x = parse(c);
    if (Number.isNaN(x)) {
      const how = context.override === undefined ? "" : ` (the column is set to "${context.override}")`;
      throw new OuroborosError("invalid-data", `${context.source}, row ${context.lines[i]!}, column "${name}": expected ${expected}${how}, got ${JSON.stringify(c)}`);
    }
    values[i] = x;
  }
  return { kind: "numeric", name, semantic, values };
}

function* take<T>(items: Iterable<T>, k: number): Generator<T> {
  if (k <= 0) return;
  let i = 0;
  for (const v of items) {
    yield v;
    if (++i >= k) return;
  }
}
