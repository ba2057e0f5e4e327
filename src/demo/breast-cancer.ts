/**
 * The tuning demo `npm start` runs until the improvement loop lands: tune an L2-regularised
 * logistic regression, trained by mini-batch SGD with momentum, on the bundled Breast Cancer
 * Wisconsin data (UCI, 569 rows × 30 features), with TPE proposing and successive halving stopping
 * weak learning-rate schedules early. The objective is the validation log-loss of a seeded
 * stratified holdout; every epoch is reported so the pruner can act.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { OuroborosError, TrialPruned } from "../core/errors.js";
import { Random } from "../core/rng.js";
import type { Trial } from "../study/trial.js";

/** A numeric design matrix (row-major) with 0/1 labels. */
export interface BinaryDataset {
  readonly x: Float64Array;
  readonly y: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  readonly featureNames: readonly string[];
}

/** Path of the bundled CSV (works from `src/` under tsx and from `dist/`). */
export const BREAST_CANCER_CSV = fileURLToPath(new URL("../../data/breast_cancer.csv", import.meta.url));

/** Loads a numeric CSV whose `target` column has exactly two labels; `positive` becomes 1. */
export function loadBinaryCsv(path: string, target: string, positive: string): BinaryDataset {
  const records = parse(readFileSync(path, "utf8"), { columns: false, skip_empty_lines: true }) as string[][];
  const header = records[0];
  if (!header) throw new OuroborosError("invalid-argument", `${path}: the file is empty`);
  const t = header.indexOf(target);
  if (t < 0) throw new OuroborosError("invalid-argument", `${path}: no column "${target}" (columns: ${header.join(", ")})`);
  const rows = records.length - 1;
  const cols = header.length - 1;
  const x = new Float64Array(rows * cols);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const rec = records[r + 1] as string[];
    let c = 0;
    for (let j = 0; j < header.length; j++) {
      const cell = rec[j] ?? "";
      if (j === t) {
        y[r] = cell === positive ? 1 : 0;
        continue;
      }
      const v = Number(cell);
      if (cell.trim() === "" || !Number.isFinite(v)) {
        throw new OuroborosError("invalid-argument", `${path}: row ${r + 2}, column "${header[j]}": expected a number, but got "${cell}"`);
      }
      x[r * cols + c++] = v;
    }
  }
  return { x, y, rows, cols, featureNames: header.filter((_, j) => j !== t) };
}

/** A seeded stratified split into train and validation row indices. */
export function stratifiedHoldout(y: Uint8Array, validationShare: number, seed: number): { train: number[]; valid: number[] } {
  const rng = new Random(seed);
  const train: number[] = [];
  const valid: number[] = [];
  for (const label of [0, 1]) {
    const idx = rng.shuffle(Array.from(y.keys()).filter((i) => y[i] === label));
    const nValid = Math.round(idx.length * validationShare);
    valid.push(...idx.slice(0, nValid));
    train.push(...idx.slice(nValid));
  }
  return { train, valid };
}

/** The objective: validation log-loss of logistic regression trained with the trial's hyperparameters. */
export function logisticObjective(data: BinaryDataset, split: { train: number[]; valid: number[] }, maxEpochs = 40) {
  const { cols } = data;
  // Standardise with training statistics only.
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (const i of split.train) for (let j = 0; j < cols; j++) mean[j]! += data.x[i * cols + j]! / split.train.length;
  for (const i of split.train) for (let j = 0; j < cols; j++) std[j]! += (data.x[i * cols + j]! - mean[j]!) ** 2 / split.train.length;
  for (let j = 0; j < cols; j++) std[j] = Math.sqrt(std[j]!) || 1;
  const z = (i: number, j: number): number => (data.x[i * cols + j]! - mean[j]!) / std[j]!;

  const logLoss = (w: Float64Array, b: number, rows: readonly number[]): number => {
    let loss = 0;
    for (const i of rows) {
      let s = b;
      for (let j = 0; j < cols; j++) s += w[j]! * z(i, j);
      const p = Math.min(1 - 1e-12, Math.max(1e-12, 1 / (1 + Math.exp(-s))));
      loss -= data.y[i] ? Math.log(p) : Math.log(1 - p);
    }
    return loss / rows.length;
  };

  return async (trial: Trial): Promise<number> => {
    const lr = trial.suggestFloat("learningRate", 1e-4, 1, { log: true });
    const l2 = trial.suggestFloat("l2", 1e-6, 1, { log: true });
    const momentum = trial.suggestFloat("momentum", 0, 0.95);
    const batchSize = trial.suggestCategorical("batchSize", [8, 32, 128]);
    const schedule = trial.suggestCategorical("schedule", ["constant", "cosine"]);
    const rng = new Random(trial.number);
    const w = new Float64Array(cols);
    const vw = new Float64Array(cols);
    const grad = new Float64Array(cols);
    let b = 0;
    let vb = 0;
    const order = [...split.train];
    let loss = Infinity;
    for (let epoch = 0; epoch < maxEpochs; epoch++) {
      const rate = schedule === "cosine" ? lr * 0.5 * (1 + Math.cos((Math.PI * epoch) / maxEpochs)) : lr;
      rng.shuffle(order);
      for (let start = 0; start < order.length; start += batchSize) {
        const batch = order.slice(start, start + batchSize);
        grad.fill(0);
        let gb = 0;
        for (const i of batch) {
          let s = b;
          for (let j = 0; j < cols; j++) s += w[j]! * z(i, j);
          const err = 1 / (1 + Math.exp(-s)) - data.y[i]!;
          for (let j = 0; j < cols; j++) grad[j]! += (err * z(i, j)) / batch.length;
          gb += err / batch.length;
        }
        for (let j = 0; j < cols; j++) {
          vw[j] = momentum * vw[j]! - rate * (grad[j]! + l2 * w[j]!);
          w[j]! += vw[j]!;
        }
        vb = momentum * vb - rate * gb;
        b += vb;
      }
      loss = logLoss(w, b, split.valid);
      if (!Number.isFinite(loss)) return loss; // diverged: the study records a failed trial
      trial.report(loss, epoch);
      if (await trial.shouldPrune()) throw new TrialPruned(`pruned at epoch ${epoch}`);
    }
    return loss;
  };
}
