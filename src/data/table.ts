/**
 * A typed, columnar table: the one shape in which data moves between the CSV reader, the
 * preprocessing transforms, the learners and the evaluator.
 *
 * Storage has two kinds only, so every consumer handles two cases:
 * - `numeric`: a `Float64Array`; a missing cell is `NaN`. Booleans (0/1) and datetimes (epoch
 *   milliseconds) are stored this way, and `semantic` says which they were.
 * - `categorical`: `Int32Array` codes into `categories`; a missing cell is code `-1`. Text columns
 *   and id-like columns are stored this way.
 *
 * Tables are treated as immutable: functions return new tables and never write into a column they
 * were given (the learner conformance suite checks this).
 */
import { OuroborosError } from "../core/errors.js";

/** What a column means, as inferred from a CSV or set by an override. */
export type SemanticType = "numeric" | "categorical" | "boolean" | "datetime" | "text" | "id";

/** A column of numbers; `NaN` marks a missing cell. */
export interface NumericColumn {
  readonly kind: "numeric";
  readonly name: string;
  readonly semantic: "numeric" | "boolean" | "datetime";
  readonly values: Float64Array;
}

/** A column of category codes into `categories`; `-1` marks a missing cell. */
export interface CategoricalColumn {
  readonly kind: "categorical";
  readonly name: string;
  readonly semantic: "categorical" | "text" | "id";
  /** Distinct labels in first-seen order (stable for a given file). */
  readonly categories: readonly string[];
  readonly codes: Int32Array;
}

/** One column of a {@link Table}. */
export type Column = NumericColumn | CategoricalColumn;

/** Columns of equal length. */
export interface Table {
  readonly nRows: number;
  readonly columns: readonly Column[];
}

/** Code of a missing categorical cell. */
export const MISSING_CODE = -1;

/** Builds a table, checking that every column has `nRows` cells and names are unique. */
export function makeTable(columns: readonly Column[], nRows?: number): Table {
  const n = nRows ?? (columns[0] === undefined ? 0 : columnLength(columns[0]));
  const seen = new Set<string>();
  for (const c of columns) {
    if (columnLength(c) !== n) {
      throw new OuroborosError("invalid-data", `column "${c.name}" has ${columnLength(c)} cells, but the table has ${n} rows`);
    }
    if (seen.has(c.name)) throw new OuroborosError("invalid-data", `column name "${c.name}" appears twice`);
    seen.add(c.name);
  }
  return { nRows: n, columns };
}

/** A numeric column from plain numbers (`NaN` = missing). */
export function numericColumn(name: string, values: ArrayLike<number>, semantic: NumericColumn["semantic"] = "numeric"): NumericColumn {
  return { kind: "numeric", name, semantic, values: Float64Array.from(values) };
}

/** A categorical column from labels (`null`/`undefined` = missing); categories in first-seen order. */
export function categoricalColumn(name: string, labels: ArrayLike<string | null | undefined>, semantic: CategoricalColumn["semantic"] = "categorical"): CategoricalColumn {
  const index = new Map<string, number>();
  const categories: string[] = [];
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === null || v === undefined) {
      codes[i] = MISSING_CODE;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = categories.length;
      index.set(v, code);
      categories.push(v);
    }
    codes[i] = code;
  }
  return { kind: "categorical", name, semantic, categories, codes };
}

/** Number of cells of a column. */
export function columnLength(c: Column): number {
  return c.kind === "numeric" ? c.values.length : c.codes.length;
}

/** The column called `name`, or a clear error listing the names there are. */
export function getColumn(table: Table, name: string): Column {
  const c = table.columns.find((col) => col.name === name);
  if (c === undefined) {
    const names = table.columns.map((col) => col.name);
    throw new OuroborosError("invalid-data", `no column "${name}"; the table has ${names.length} columns: ${names.slice(0, 30).join(", ")}${names.length > 30 ? ", …" : ""}`);
  }
  return c;
}

/** The rows at `indices` (in that order; repeats allowed, as in a bootstrap sample). */
export function selectRows(table: Table, indices: ArrayLike<number>): Table {
  const n = indices.length;
  const columns = table.columns.map((c): Column => {
    if (c.kind === "numeric") {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = c.values[indices[i]!]!;
      return { ...c, values: v };
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = c.codes[indices[i]!]!;
    return { ...c, codes };
  });
  return { nRows: n, columns };
}

/** The table without the named columns. */
export function dropColumns(table: Table, names: readonly string[]): Table {
  const drop = new Set(names);
  return { nRows: table.nRows, columns: table.columns.filter((c) => !drop.has(c.name)) };
}

/** Whether a cell is missing. */
export function isMissing(c: Column, row: number): boolean {
  return c.kind === "numeric" ? Number.isNaN(c.values[row]!) : c.codes[row]! < 0;
}

/** The shape a fitted model remembers of its training table, to read new tables the same way. */
export interface ColumnSchema {
  readonly name: string;
  readonly kind: "numeric" | "categorical";
  readonly semantic: SemanticType;
  /** Training categories (categorical columns only). */
  readonly categories?: readonly string[];
}

/** The schema of a table's columns. */
export function tableSchema(table: Table): ColumnSchema[] {
  return table.columns.map((c) =>
    c.kind === "numeric" ? { name: c.name, kind: "numeric", semantic: c.semantic } : { name: c.name, kind: "categorical", semantic: c.semantic, categories: [...c.categories] },
  );
}

/**
 * Re-expresses `table` in a training `schema`: columns are picked by name in the schema's order, and
 * category codes are remapped to the training categories. A category never seen in training becomes
 * missing (code -1), which is how every learner treats unseen categories unless it says otherwise.
 * A missing column, or a column whose storage kind differs, is an error naming the column.
 */
export function alignToSchema(table: Table, schema: readonly ColumnSchema[]): Table {
  const columns = schema.map((s): Column => {
    const c = table.columns.find((col) => col.name === s.name);
    if (c === undefined) throw new OuroborosError("invalid-data", `column "${s.name}" was used in training but is not in the data to predict`);
    if (c.kind !== s.kind) {
      if (s.kind === "categorical" && c.kind === "numeric") {
        // A categorical training column may arrive as numbers (e.g. "1", "2" labels): map by text.
        const labels = Array.from(c.values, (v) => (Number.isNaN(v) ? null : String(v)));
        return remapCategorical(categoricalColumn(c.name, labels, "categorical"), s);
      }
      throw new OuroborosError("invalid-data", `column "${s.name}" was ${s.kind} in training but is ${c.kind} in the data to predict`);
    }
    if (c.kind === "numeric") return c;
    return remapCategorical(c, s);
  });
  return { nRows: table.nRows, columns };
}

function remapCategorical(c: CategoricalColumn, s: ColumnSchema): CategoricalColumn {
  const train = s.categories ?? [];
  if (train.length === c.categories.length && train.every((v, i) => v === c.categories[i])) return c;
  const index = new Map(train.map((v, i) => [v, i] as const));
  const map = c.categories.map((v) => index.get(v) ?? MISSING_CODE);
  const codes = new Int32Array(c.codes.length);
  for (let i = 0; i < codes.length; i++) {
    const k = c.codes[i]!;
    codes[i] = k < 0 ? MISSING_CODE : map[k]!;
  }
  return { kind: "categorical", name: c.name, semantic: c.semantic, categories: train, codes };
}
