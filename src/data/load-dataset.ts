/**
 * Loads a CSV file as a supervised {@link Dataset}: reads and types the columns (`csv.ts`), takes
 * the target column out, infers the task, and drops columns no learner can use.
 *
 * The task, unless given: a target whose cells are all numbers is regression when it has more than
 * `maxClasses` distinct values, or more than two distinct values of which some are not integers;
 * every other target is a class target (binary with two classes, multiclass with more). Class names
 * are the target's cells as written in the file (`"No"`/`"Yes"`, not 0/1), sorted, so for a binary
 * target `classes[1]` is the later name (`"Yes"`, `"1"`, `"true"`).
 *
 * Dropped with a warning and listed in `dropped`: feature columns with every cell missing, constant
 * columns (one distinct value) and id-like columns (a key predicts nothing on new rows). Rows whose
 * target is missing are removed with a warning giving their count.
 */
import { OuroborosError } from "../core/errors.js";
import { classTarget, makeDataset, regressionTarget, type Dataset, type Target, type Task } from "./dataset.js";
import { parseCsvText, readCsvFileText, typeRawCsv, type CsvReadOptions, type RawCsv } from "./csv.js";
import { parseNumberCell, type ColumnReport } from "./schema-inference.js";
import { selectRows, type Column, type Table } from "./table.js";

/** Options of {@link loadCsvDataset}. */
export interface LoadCsvOptions extends CsvReadOptions {
  /** Name of the target column. */
  readonly target: string;
  /** The task; inferred from the target when absent (see the module comment). */
  readonly task?: Task;
  /** A numeric target with more distinct values than this is regression. Default 20. */
  readonly maxClasses?: number;
  /** Drop id-like columns. Default true. */
  readonly dropIds?: boolean;
  /** Drop constant columns. Default true. */
  readonly dropConstant?: boolean;
}

/** A column the loader removed and why. */
export interface DroppedColumn {
  readonly column: string;
  readonly reason: "all-missing" | "constant" | "id";
}

/** What {@link loadCsvDataset} returns. */
export interface LoadedDataset {
  readonly dataset: Dataset;
  /** Report per column of the file, the target included. */
  readonly schema: readonly ColumnReport[];
  readonly warnings: readonly string[];
  readonly dropped: readonly DroppedColumn[];
  /** 1-based file line of each dataset row. */
  readonly lines: Int32Array;
}

/** Loads a CSV file as a dataset. Errors (`invalid-data`) name the file, row and column. */
export function loadCsvDataset(path: string, options: LoadCsvOptions): LoadedDataset {
  return loadCsvDatasetFromText(readCsvFileText(path), { source: path, ...options });
}

/** Loads CSV text as a dataset (as {@link loadCsvDataset}; `source` names it in messages). */
export function loadCsvDatasetFromText(text: string, options: LoadCsvOptions): LoadedDataset {
  const raw = parseCsvText(text, options);
  const source = raw.source;
  const targetIndex = raw.header.indexOf(options.target);
  if (targetIndex < 0) {
    throw new OuroborosError("invalid-data", `${source}: no target column "${options.target}"; the ${raw.header.length} columns are ${raw.header.join(", ")}`);
  }
  const typed = typeRawCsv(raw, options);
  const warnings = [...typed.warnings];

  const targetCells = raw.columns[targetIndex]!;
  const keep: number[] = [];
  for (let i = 0; i < targetCells.length; i++) if (targetCells[i] !== null) keep.push(i);
  if (keep.length === 0) throw new OuroborosError("invalid-data", `${source}, column "${options.target}": the target is missing in all ${targetCells.length} rows`);
  if (keep.length < targetCells.length) {
    warnings.push(`${source}: removed ${targetCells.length - keep.length} of ${targetCells.length} rows whose target "${options.target}" is missing`);
  }
  const y = buildTarget(raw, targetIndex, keep, options);

  const dropped: DroppedColumn[] = [];
  const features: Column[] = [];
  typed.table.columns.forEach((column, j) => {
    if (j === targetIndex) return;
    const report = typed.schema[j]!;
    const reason = dropReason(report, options);
    if (reason === undefined) {
      features.push(column);
      return;
    }
    dropped.push({ column: column.name, reason });
    const why = reason === "all-missing" ? "every cell is missing" : reason === "constant" ? `it has one value (${JSON.stringify(report.examples[0])})` : "it looks like an id (every value distinct)";
    warnings.push(`${source}: dropped column "${column.name}": ${why}`);
  });
  const all: Table = { nRows: typed.table.nRows, columns: features };
  const x = keep.length === all.nRows ? all : selectRows(all, keep);
  const lines = keep.length === typed.lines.length ? typed.lines : Int32Array.from(keep, (i) => typed.lines[i]!);
  return { dataset: makeDataset(x, y), schema: typed.schema, warnings, dropped, lines };
}

function dropReason(report: ColumnReport, options: LoadCsvOptions): DroppedColumn["reason"] | undefined {
  if (report.distinct === 0) return "all-missing";
  if ((options.dropConstant ?? true) && report.distinct === 1) return "constant";
  if ((options.dropIds ?? true) && report.semantic === "id") return "id";
  return undefined;
}

function buildTarget(raw: RawCsv, targetIndex: number, keep: readonly number[], options: LoadCsvOptions): Target {
  const source = raw.source;
  const name = options.target;
  const cells = keep.map((i) => raw.columns[targetIndex]![i]!);
  const numbers = cells.map(parseNumberCell);
  const allNumbers = numbers.every((v) => !Number.isNaN(v));
  const task = options.task ?? inferTask(numbers, allNumbers, options.maxClasses ?? 20);
  if (task === "regression") {
    const bad = numbers.findIndex((v) => Number.isNaN(v));
    if (bad >= 0) {
      throw new OuroborosError("invalid-data", `${source}, row ${raw.lines[keep[bad]!]!}, column "${name}": a regression target must be a number, got ${JSON.stringify(cells[bad])}`);
    }
    return regressionTarget(numbers);
  }
  // Numeric class labels are normalised ("1.0" and "1" are one class).
  const labels = allNumbers ? numbers.map((v) => String(v)) : cells;
  const y = classTarget(labels);
  if (y.classes.length < 2) {
    throw new OuroborosError("invalid-data", `${source}, column "${name}": the target has one class (${JSON.stringify(y.classes[0])}) in all ${cells.length} rows; classification needs at least 2`);
  }
  if (task === "binary" && y.classes.length !== 2) {
    throw new OuroborosError("invalid-data", `${source}, column "${name}": task "binary" needs 2 classes, but the target has ${y.classes.length}: ${y.classes.slice(0, 10).join(", ")}${y.classes.length > 10 ? ", …" : ""}`);
  }
  const classTask = options.task === undefined ? (y.classes.length === 2 ? "binary" : "multiclass") : task;
  return { task: classTask, classes: y.classes, labels: y.labels };
}

function inferTask(numbers: readonly number[], allNumbers: boolean, maxClasses: number): Task {
  const distinct = new Set(allNumbers ? numbers : []);
  if (allNumbers) {
    const fractional = numbers.some((v) => !Number.isInteger(v));
    if (distinct.size > maxClasses || (fractional && distinct.size > 2)) return "regression";
    return distinct.size === 2 ? "binary" : "multiclass";
  }
  return "multiclass"; // the class count in buildTarget decides binary or multiclass
}
