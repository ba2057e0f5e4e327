/**
 * Reads a bundled CSV (`data/*.csv`) as a classification or regression dataset, for the forest
 * tests and benchmark only: kept here so they do not depend on the general CSV reader. A column is
 * numeric when every non-empty cell is a number, else categorical; an empty cell is missing.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { classTarget, makeDataset, regressionTarget, type Dataset } from "../../data/dataset.js";
import { categoricalColumn, makeTable, numericColumn, type Column } from "../../data/table.js";

/** Loads `data/<name>.csv` with `target` as the label (class) or value (regression). */
export function loadBundled(name: string, target: string, task: "class" | "regression"): Dataset {
  const path = fileURLToPath(new URL(`../../../data/${name}.csv`, import.meta.url));
  const records = parse(readFileSync(path, "utf8"), { columns: false, skip_empty_lines: true }) as string[][];
  const header = records[0]!;
  const rows = records.slice(1);
  const t = header.indexOf(target);
  const columns: Column[] = [];
  header.forEach((h, j) => {
    if (j === t) return;
    const cells = rows.map((r) => r[j] ?? "");
    const numeric = cells.every((c) => c === "" || Number.isFinite(Number(c)));
    columns.push(numeric ? numericColumn(h, cells.map((c) => (c === "" ? Number.NaN : Number(c)))) : categoricalColumn(h, cells.map((c) => (c === "" ? null : c))));
  });
  const y = rows.map((r) => r[t]!);
  return makeDataset(makeTable(columns, rows.length), task === "class" ? classTarget(y) : regressionTarget(y.map(Number)));
}
