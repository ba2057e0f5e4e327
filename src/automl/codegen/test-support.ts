/**
 * Test support for the code generators (not part of the public API): loads a bundled CSV both as
 * the library loads it and as raw `csv-parse` records, writes a generated module to a temp dir,
 * imports it with tsx, and measures the largest difference from the library's predictions.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { tsImport } from "tsx/esm/api";
import { parseCsvText, typeRawCsv } from "../../data/csv.js";
import { loadCsvDatasetFromText, type LoadedDataset } from "../../data/load-dataset.js";
import type { ColumnReport } from "../../data/schema-inference.js";
import { constantLearnerFactory } from "../../learners/baseline/constant.js";
import { WeightedEnsembleModel } from "../../learners/ensemble/weighted-ensemble.js";
import { extraTreesLearnerFactory, randomForestLearnerFactory } from "../../learners/forest/forest.js";
import { gbdtLearnerFactory } from "../../learners/gbdt/gbdt.js";
import { knnLearnerFactory } from "../../learners/knn/knn.js";
import type { Model, Predictions } from "../../learners/learner.js";
import { linearLearnerFactory } from "../../learners/linear/linear.js";
import { mlpLearnerFactory } from "../../learners/mlp/mlp.js";
import { naiveBayesLearnerFactory } from "../../learners/naive-bayes/naive-bayes.js";
import type { LearnerFactory } from "../../learners/registry.js";

/** A raw CSV record as `csv-parse` gives it (column name → string cell). */
export type RawRow = Record<string, string>;

/** A bundled dataset: the library's load and the raw records of the same rows. */
export interface BundledData {
  readonly text: string;
  readonly loaded: LoadedDataset;
  readonly rows: RawRow[];
}

/** Loads `data/<name>.csv` (its first `maxRows` data rows when given) with `target` as the target. */
export function loadBundledCsv(name: string, target: string, maxRows?: number): BundledData {
  const path = fileURLToPath(new URL(`../../../data/${name}.csv`, import.meta.url));
  let text = readFileSync(path, "utf8");
  if (maxRows !== undefined) text = text.split("\n").slice(0, maxRows + 1).join("\n") + "\n";
  const loaded = loadCsvDatasetFromText(text, { target, source: path });
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as RawRow[];
  if (rows.length !== loaded.dataset.x.nRows) throw new Error(`${name}: ${rows.length} raw rows but ${loaded.dataset.x.nRows} dataset rows (rows with a missing target?)`);
  return { text, loaded, rows };
}

/** What a generated module exports (typed loosely for tests). */
export interface GeneratedModule {
  readonly task: string;
  readonly classes: readonly string[];
  readonly features: readonly { readonly name: string; readonly type: string }[];
  predict(row: Readonly<Record<string, unknown>>): { label: string; probabilities: Record<string, number> } | { value: number };
  predictBatch(rows: readonly Readonly<Record<string, unknown>>[]): ({ label: string; probabilities: Record<string, number> } | { value: number })[];
}

/** Writes `source` as `predict.ts` in a fresh temp dir and imports it; returns the module and the dir. */
export async function importGenerated(source: string): Promise<{ module: GeneratedModule; dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "ouro-codegen-"));
  const file = join(dir, "predict.ts");
  writeFileSync(file, source);
  const module = (await tsImport(file, import.meta.url)) as GeneratedModule;
  return { module, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The largest |generated − library| over every row and output, and how many predicted labels
 * differ from the library's argmax. NaN anywhere counts as an infinite difference.
 */
export function compare(lib: Predictions, gen: ReturnType<GeneratedModule["predictBatch"]>): { maxDiff: number; labelMismatches: number } {
  let maxDiff = 0;
  let labelMismatches = 0;
  const bump = (a: number, b: number): void => {
    const d = Math.abs(a - b);
    maxDiff = Number.isNaN(d) ? Infinity : Math.max(maxDiff, d);
  };
  if (lib.task === "regression") {
    if (gen.length !== lib.values.length) return { maxDiff: Infinity, labelMismatches: gen.length };
    gen.forEach((g, i) => bump(lib.values[i]!, "value" in g ? g.value : NaN));
    return { maxDiff, labelMismatches };
  }
  const K = lib.classes.length;
  if (gen.length * K !== lib.proba.length) return { maxDiff: Infinity, labelMismatches: gen.length };
  gen.forEach((g, i) => {
    if (!("label" in g)) {
      maxDiff = Infinity;
      return;
    }
    let best = 0;
    for (let k = 0; k < K; k++) {
      bump(lib.proba[i * K + k]!, g.probabilities[lib.classes[k]!] ?? NaN);
      if (lib.proba[i * K + k]! > lib.proba[i * K + best]!) best = k;
    }
    if (g.label !== lib.classes[best]) labelMismatches++;
  });
  return { maxDiff, labelMismatches };
}

/** Generates, imports and compares on every training row: the check every per-kind test runs. */
export async function checkOnTrainingRows(model: Model, data: BundledData, source: string): Promise<{ maxDiff: number; labelMismatches: number; module: GeneratedModule }> {
  const { module, cleanup } = await importGenerated(source);
  try {
    const result = compare(model.predict(data.loaded.dataset.x), module.predictBatch(data.rows));
    return { ...result, module };
  } finally {
    cleanup();
  }
}

const FACTORIES: readonly LearnerFactory[] = [
  constantLearnerFactory,
  linearLearnerFactory,
  knnLearnerFactory,
  naiveBayesLearnerFactory,
  mlpLearnerFactory,
  gbdtLearnerFactory,
  randomForestLearnerFactory,
  extraTreesLearnerFactory,
];

/** Fits a learner kind (without going through the global registry) on a bundled dataset, seed 1. */
export async function fitKind(kind: string, params: Readonly<Record<string, unknown>>, data: BundledData): Promise<Model> {
  const f = FACTORIES.find((x) => x.kind === kind);
  if (f === undefined) throw new Error(`no factory for ${kind}`);
  return f.create(params).fit(data.loaded.dataset, { seed: 1 });
}

/** A weighted ensemble of already fitted members (as greedy ensemble selection would build it). */
export function ensembleOf(members: readonly Model[], weights: readonly number[]): WeightedEnsembleModel {
  const specs = members.map((m, i) => ({ spec: m.save().spec, weight: weights[i]! }));
  return new WeightedEnsembleModel(members[0]!.task, members, weights, { members: specs });
}

/** A raw cell as a CSV field (quoted; missing as an empty field). */
function csvField(v: unknown): string {
  const s = v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)) ? "" : String(v);
  return `"${s.replace(/"/g, '""')}"`;
}

/**
 * The library's predictions for raw rows: the rows are written as CSV and read by the library's CSV
 * reader with every column's type fixed to its training type (so a single odd row is typed as in
 * training, not re-inferred), then predicted by the model. Throws where the reader refuses a cell.
 */
export function libraryPredictRows(model: Model, schema: readonly ColumnReport[], rows: readonly Readonly<Record<string, unknown>>[]): Predictions {
  const names = schema.map((s) => s.name);
  const text = [names.map(csvField).join(","), ...rows.map((r) => names.map((h) => csvField(r[h])).join(","))].join("\n");
  const overrides = Object.fromEntries(schema.map((s) => [s.name, s.semantic] as const));
  return model.predict(typeRawCsv(parseCsvText(text), { overrides }).table);
}

/** A small file with a boolean (yes/no), an ISO datetime, a categorical and a numeric column with gaps. */
export function syntheticCsv(): string {
  const lines = ["amount,flag,when,color,y"];
  const colors = ["red", "blue", "green"];
  for (let i = 0; i < 40; i++) {
    const amount = i % 9 === 4 ? "" : (1.5 + ((i * 37) % 23) / 7).toFixed(3);
    const flag = i % 3 === 0 ? "yes" : i % 7 === 0 ? "NA" : "No";
    const day = String(1 + (i % 28)).padStart(2, "0");
    const when = i % 2 === 0 ? `2021-0${1 + (i % 9)}-${day}` : `2021-0${1 + (i % 9)}-${day}T${String(i % 24).padStart(2, "0")}:30:00Z`;
    const color = i % 11 === 5 ? "?" : colors[(i * 5) % 3]!;
    lines.push(`${amount},${flag},${when},${color},${(i * 1.37 + (i % 5) * 0.25).toFixed(2)}`);
  }
  return lines.join("\n") + "\n";
}
