/**
 * Predictions for a CSV file from a saved champion (`ouro predict`): the file is read with the
 * training columns' types (from `schema.json` beside the model), the model is loaded and verified
 * from its artifact, and one row of predictions is produced per input row.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OuroborosError } from "../core/errors.js";
import { parseCsvText, readCsvFileText, typeRawCsv } from "../data/csv.js";
import type { SemanticType } from "../data/table.js";
import "../learners/index.js";
import { readArtifact } from "../learners/artifact.js";
import type { Predictions } from "../learners/learner.js";
import { loadModel } from "../learners/registry.js";

/** The training schema saved with a champion. */
export interface ChampionSchema {
  readonly target: string;
  readonly task: string;
  readonly columns: readonly { readonly name: string; readonly semantic: SemanticType }[];
}

/** Predictions for a file, with the file's line of each row. */
export interface FilePredictions {
  readonly predictions: Predictions;
  readonly lines: Int32Array;
  readonly schema: ChampionSchema;
}

/** Reads `dataPath` as the model in `modelDir` was trained and predicts every row. */
export function predictFile(modelDir: string, dataPath: string): FilePredictions {
  const schemaPath = join(modelDir, "schema.json");
  if (!existsSync(join(modelDir, "model.json"))) throw new OuroborosError("invalid-argument", `${modelDir} is not a model directory (no model.json); pass runs/<id>/champion`);
  const schema: ChampionSchema = existsSync(schemaPath) ? (JSON.parse(readFileSync(schemaPath, "utf8")) as ChampionSchema) : { target: "", task: "", columns: [] };
  const model = loadModel(readArtifact(modelDir));
  const overrides: Record<string, SemanticType> = {};
  // Id-like and text columns were dropped or kept as categories in training; read them as categories.
  for (const c of schema.columns) overrides[c.name] = c.semantic === "id" || c.semantic === "text" ? "categorical" : c.semantic;
  const raw = parseCsvText(readCsvFileText(dataPath), { source: dataPath });
  const present = new Set(raw.header);
  const csv = typeRawCsv(raw, { overrides: Object.fromEntries(Object.entries(overrides).filter(([k]) => present.has(k))) });
  return { predictions: model.predict(csv.table), lines: csv.lines, schema };
}

/** Predictions as CSV text: `line`, then `prediction` and one `p_<class>` column per class (or `prediction` for regression). */
export function formatPredictionsCsv(fp: FilePredictions): string {
  const p = fp.predictions;
  const rows: string[] = [];
  if (p.task === "regression") {
    rows.push("line,prediction");
    p.values.forEach((v, i) => rows.push(`${fp.lines[i]},${v}`));
  } else {
    const k = p.classes.length;
    const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    rows.push(["line", "prediction", ...p.classes.map((c) => q(`p_${c}`))].join(","));
    for (let i = 0; i < p.proba.length / k; i++) {
      let arg = 0;
      for (let j = 1; j < k; j++) if (p.proba[i * k + j]! > p.proba[i * k + arg]!) arg = j;
      rows.push([String(fp.lines[i]), q(p.classes[arg]!), ...Array.from(p.proba.subarray(i * k, i * k + k), (v) => String(v))].join(","));
    }
  }
  return rows.join("\n") + "\n";
}
