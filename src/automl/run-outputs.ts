/**
 * What a finished run writes into `runs/<id>/`: the champion (artifact, `.onnx` for networks,
 * generated `predict.ts`), the leaderboard as CSV and JSON, the champion's diagnostics, the run
 * record (`run.json`) and the self-contained `report.html`.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deriveSeed } from "../core/rng.js";
import { selectDatasetRows, type Dataset } from "../data/dataset.js";
import type { ColumnReport } from "../data/schema-inference.js";
import type { Fold } from "../data/splits.js";
import { calibrationCurve } from "../evaluate/calibration.js";
import type { Metric } from "../evaluate/metrics/registry.js";
import { permutationImportance } from "../evaluate/permutation-importance.js";
import { readArtifact } from "../learners/artifact.js";
import { CrossFitBagModel } from "../learners/bag/cross-fit-bag.js";
import { WeightedEnsembleModel } from "../learners/ensemble/weighted-ensemble.js";
import type { Model, Predictions } from "../learners/learner.js";
import { createLearner, loadModel } from "../learners/registry.js";
import { generatePredictModule } from "./codegen/index.js";
import { renderReportHtml } from "./report/report-html.js";
import type { CandidateRecord, ChampionDiagnostics, RunRecord } from "./run-record.js";

/** Inputs of {@link writeRunOutputs}. */
export interface RunOutputsInput {
  readonly runDir: string;
  readonly record: RunRecord;
  readonly data: Dataset;
  readonly folds: readonly Fold[];
  /** The champion's record, out-of-fold predictions and (once loaded) saved model. */
  readonly champion: { readonly record: CandidateRecord; readonly oof: Predictions; readonly model?: Model };
  readonly loadedSchema: readonly ColumnReport[];
  readonly seed: number;
  readonly metric: Metric;
}

/** Writes every output file; returns the run record completed with diagnostics. */
export async function writeRunOutputs(input: RunOutputsInput): Promise<RunRecord> {
  const { runDir } = input;
  const champDir = join(runDir, "champion");
  mkdirSync(champDir, { recursive: true });
  const gen = input.record.champion!.generation;
  const genDir = join(runDir, "generations", String(gen));
  copyFileSync(join(genDir, "model.json"), join(champDir, "model.json"));
  copyFileSync(join(genDir, "weights.bin"), join(champDir, "weights.bin"));
  const notes: string[] = [];
  // The training columns' types, so `ouro predict` reads new files the same way (a column that
  // happens to look boolean in a small file is still read as the category it was in training).
  const schema = { target: input.record.data.target, task: input.record.task, columns: input.loadedSchema.filter((c) => c.name !== input.record.data.target).map((c) => ({ name: c.name, semantic: c.semantic })) };
  writeFileSync(join(champDir, "schema.json"), JSON.stringify(schema, null, 2));
  const model = loadModel(readArtifact(champDir));
  writeFileSync(
    join(champDir, "predict.ts"),
    generatePredictModule(model, { target: input.record.data.target, schema: input.loadedSchema, dataDigest: input.record.data.digest, onWarning: (w) => notes.push(`predict.ts: ${w}`) }),
  );
  const onnx = (model as { toOnnx?: () => Uint8Array | undefined }).toOnnx;
  const onnxBytes = typeof onnx === "function" ? onnx.call(model) : undefined;
  if (onnxBytes !== undefined) writeFileSync(join(champDir, "model.onnx"), onnxBytes);

  const diagnostics = await championDiagnostics({ ...input, champion: { ...input.champion, model } }, notes);
  const record: RunRecord = { ...input.record, diagnostics, notes: [...input.record.notes, ...notes] };
  writeLeaderboard(runDir, record);
  writeFileSync(join(runDir, "run.json"), JSON.stringify(record, null, 2));
  writeFileSync(join(runDir, "report.html"), await renderReportHtml(record));
  return record;
}

async function championDiagnostics(input: RunOutputsInput, notes: string[]): Promise<ChampionDiagnostics> {
  const { data, champion } = input;
  const out: { -readonly [K in keyof ChampionDiagnostics]: ChampionDiagnostics[K] } = {};
  const oof = champion.oof;
  if (data.y.task === "regression" && oof.task === "regression") {
    const step = Math.max(1, Math.floor(data.y.values.length / 1500));
    const pts: { predicted: number; actual: number }[] = [];
    for (let i = 0; i < data.y.values.length; i += step) if (Number.isFinite(oof.values[i]!)) pts.push({ predicted: oof.values[i]!, actual: data.y.values[i]! });
    out.residuals = pts;
  } else if (data.y.task !== "regression" && oof.task !== "regression") {
    const k = data.y.classes.length;
    const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < data.y.labels.length; i++) {
      let arg = 0;
      for (let j = 1; j < k; j++) if (oof.proba[i * k + j]! > oof.proba[i * k + arg]!) arg = j;
      matrix[data.y.labels[i]!]![arg]!++;
    }
    out.confusion = { classes: data.y.classes, matrix };
    if (data.y.task === "binary") {
      out.calibration = calibrationCurve(data.y, oof, { nBins: 10, strategy: "quantile" })
        .filter((b) => b.count > 0)
        .map((b) => ({ meanPredicted: b.meanPredicted, fractionPositive: b.fractionPositive, count: b.count }));
    }
  }
  // Permutation importance on held-out rows: the champion's fold-0 model scored on fold 0's test
  // rows. A cross-fitted bag holds that model already (its folds are the run's); a champion
  // refitted on all rows has seen every row, so its spec is fitted again on fold 0's training rows.
  // It runs after the budget, so it gets an allowance of its own (a tenth of the budget, 3–30 s):
  // one prediction is timed and the rows and repeats shrink to fit (an ensemble holding kNN and an
  // MLP on wide data otherwise takes minutes); when even 200 rows and one repeat do not fit, the
  // report says so instead of overrunning the user's budget.
  try {
    const allowanceMs = Math.min(30_000, Math.max(3_000, 100 * (input.record.budget.seconds ?? 60)));
    const started = performance.now();
    const fold = input.folds[0]!;
    const held = input.champion.model ? foldModelOf(input.champion.model, 0) : undefined;
    const model = held ?? await createLearner(champion.record.spec).fit(selectDatasetRows(data, fold.train), { seed: deriveSeed(input.seed, "importance"), signal: AbortSignal.timeout(allowanceMs) });
    let rows = fold.test.length > 1500 ? fold.test.subarray(0, 1500) : fold.test;
    const nFeatures = data.x.columns.length;
    const t0 = performance.now();
    model.predict(selectDatasetRows(data, rows).x);
    const perRowMs = (performance.now() - t0) / Math.max(1, rows.length);
    const leftMs = allowanceMs - (performance.now() - started);
    let nRepeats = 3;
    const costMs = (n: number, r: number): number => perRowMs * n * (1 + nFeatures * r);
    if (costMs(rows.length, nRepeats) > leftMs) nRepeats = 1;
    if (costMs(rows.length, nRepeats) > leftMs) rows = rows.subarray(0, Math.max(200, Math.floor(leftMs / (perRowMs * (1 + nFeatures)))));
    if (costMs(rows.length, nRepeats) > leftMs) {
      notes.push(`permutation importance not computed: it would take about ${(costMs(rows.length, 1) / 1000).toFixed(0)} s on 200 rows, over its ${(allowanceMs / 1000).toFixed(0)} s allowance`);
    } else {
      const imp = permutationImportance(model, selectDatasetRows(data, rows), { metric: input.metric, nRepeats, seed: deriveSeed(input.seed, "permutation") });
      out.featureImportance = imp.features.map((f) => ({ name: f.name, value: f.mean, sd: f.sd }));
      if (rows.length < Math.min(1500, fold.test.length) || nRepeats < 3) notes.push(`permutation importance on ${rows.length} held-out rows with ${nRepeats} repeat${nRepeats > 1 ? "s" : ""} (time allowance ${(allowanceMs / 1000).toFixed(0)} s)`);
    }
  } catch (e) {
    notes.push(`permutation importance not computed: ${(e as Error).message}`);
  }
  return out;
}

/**
 * Fold `j`'s model inside a saved champion: a cross-fitted bag's `j`-th model, or an ensemble of
 * its bags' `j`-th models; undefined for a model refitted on all rows.
 */
export function foldModelOf(model: Model, j: number): Model | undefined {
  if (model instanceof CrossFitBagModel) return model.members[j];
  if (model instanceof WeightedEnsembleModel) {
    const members = model.members.map((m) => foldModelOf(m, j));
    if (members.some((m) => m === undefined)) return undefined;
    // Used to predict only (never saved), so the member specs name just the kinds.
    return new WeightedEnsembleModel(model.task, members as Model[], model.weights, { members: members.map((m, i) => ({ spec: { kind: m!.kind, params: {} }, weight: model.weights[i]! })) });
  }
  return undefined;
}

const csvCell = (v: unknown): string => {
  const s = v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** `leaderboard.csv` and `leaderboard.json`: every candidate, best first, then pruned and failed. */
export function writeLeaderboard(runDir: string, record: RunRecord): void {
  const sign = record.metric.greaterIsBetter ? -1 : 1;
  const rows = [...record.candidates].sort((a, b) => {
    if (a.score === undefined || b.score === undefined) return (a.score === undefined ? 1 : 0) - (b.score === undefined ? 1 : 0);
    return sign * (a.score - b.score);
  });
  const json = rows.map((c, i) => ({
    rank: c.score === undefined ? null : i + 1,
    id: c.id,
    family: c.family,
    state: c.state,
    [record.metric.name]: c.score ?? null,
    ciLow: c.ci?.[0] ?? null,
    ciHigh: c.ci?.[1] ?? null,
    seconds: c.seconds,
    fidelity: c.fidelity ? `${c.fidelity.reached}/${c.fidelity.max} ${c.fidelity.resource}` : null,
    champion: record.champion?.candidate === c.id,
    params: c.spec.params,
    reason: c.reason,
    error: c.error ?? null,
  }));
  writeFileSync(join(runDir, "leaderboard.json"), JSON.stringify(json, null, 2));
  const header = ["rank", "id", "family", "state", record.metric.name, "ci_low", "ci_high", "seconds", "fidelity", "champion", "params", "reason", "error"];
  const lines = json.map((r) => [r.rank, r.id, r.family, r.state, r[record.metric.name], r.ciLow, r.ciHigh, r.seconds.toFixed(3), r.fidelity, r.champion, r.params, r.reason, r.error].map(csvCell).join(","));
  writeFileSync(join(runDir, "leaderboard.csv"), [header.join(","), ...lines].join("\n") + "\n");
}
