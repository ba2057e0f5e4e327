/**
 * Scoring and the Markdown report of the `ouro run` benchmark: every system's test predictions are
 * scored here, ranked per dataset by the primary metric (log-loss for classification, RMSE for
 * regression: the metrics `ouro run` and the Optuna search both optimise), and summarised as mean
 * ranks and Ouroboros' win rate against Optuna-tuned XGBoost.
 */
import { table } from "../lib/format.js";
import { classScores, ranks, regressionScores, type ClassScores, type RegressionScores } from "./metrics.js";
import { SYSTEM_LABELS, SYSTEMS, type SystemId, type SystemOutput } from "./systems.js";

/** One system's outcome on one dataset. */
export interface SystemResult {
  readonly scores?: ClassScores | RegressionScores;
  readonly wallSeconds: number;
  readonly error?: string;
  readonly info: Record<string, unknown>;
}

/** One dataset's outcome. */
export interface DatasetResult {
  readonly name: string;
  readonly task: "binary" | "multiclass" | "regression";
  readonly source: string;
  readonly target: string;
  readonly nTrain: number;
  readonly nTest: number;
  readonly systems: Record<SystemId, SystemResult>;
  /** Ranks by the primary metric (log-loss / RMSE), 1 = best. */
  readonly rank: Record<SystemId, number>;
  /** Ranks by accuracy (classification only). */
  readonly rankAccuracy?: Record<SystemId, number>;
}

/** Scores every system's predictions against the test targets and ranks them. */
export function scoreDataset(meta: Omit<DatasetResult, "systems" | "rank" | "rankAccuracy">, testTargets: readonly string[], outputs: Record<SystemId, SystemOutput>): DatasetResult {
  const systems = {} as Record<SystemId, SystemResult>;
  const labelSet = [...new Set(testTargets)];
  for (const id of SYSTEMS) {
    const o = outputs[id];
    let scores: ClassScores | RegressionScores | undefined;
    let error = o.error;
    if (error === undefined) {
      try {
        if (meta.task === "regression") {
          if (o.values === undefined) throw new Error("no regression predictions");
          scores = regressionScores(Float64Array.from(testTargets, Number), o.values);
        } else {
          if (o.classes === undefined || o.proba === undefined) throw new Error(`no class probabilities${o.values ? " (the system treated the target as regression)" : ""}`);
          scores = classScores(testTargets, { classes: o.classes, proba: o.proba }, labelSet.length === 2 ? [...labelSet].sort() : labelSet);
        }
      } catch (e) {
        error = `scoring failed: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    systems[id] = { ...(scores ? { scores } : {}), wallSeconds: o.wallSeconds, ...(error !== undefined ? { error } : {}), info: o.info };
  }
  const primary = SYSTEMS.map((id) => primaryScore(meta.task, systems[id]));
  const r = ranks(primary, false);
  const rank = Object.fromEntries(SYSTEMS.map((id, i) => [id, r[i]!])) as Record<SystemId, number>;
  let rankAccuracy: Record<SystemId, number> | undefined;
  if (meta.task !== "regression") {
    const acc = ranks(SYSTEMS.map((id) => (systems[id].scores as ClassScores | undefined)?.accuracy), true);
    rankAccuracy = Object.fromEntries(SYSTEMS.map((id, i) => [id, acc[i]!])) as Record<SystemId, number>;
  }
  return { ...meta, systems, rank, ...(rankAccuracy ? { rankAccuracy } : {}) };
}

/** Log-loss (classification) or RMSE (regression); lower is better; undefined when the system failed. */
export function primaryScore(task: DatasetResult["task"], s: SystemResult): number | undefined {
  if (s.scores === undefined) return undefined;
  return task === "regression" ? (s.scores as RegressionScores).rmse : (s.scores as ClassScores).logLoss;
}

/** The overall figures: mean ranks and the head-to-head against Optuna-tuned XGBoost. */
export interface Summary {
  readonly meanRank: Record<SystemId, number>;
  /** Mean accuracy rank over the classification datasets. */
  readonly meanRankAccuracy: Record<SystemId, number>;
  /** Datasets where Ouroboros' primary score is strictly better than Optuna's. */
  readonly winsVsOptuna: number;
  readonly datasets: number;
  readonly bestMeanRank: boolean;
  readonly winRateTarget: boolean;
}

export function summarize(results: readonly DatasetResult[]): Summary {
  const mean = (xs: number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const meanRank = Object.fromEntries(SYSTEMS.map((id) => [id, mean(results.map((r) => r.rank[id]))])) as Record<SystemId, number>;
  const cls = results.filter((r) => r.rankAccuracy !== undefined);
  const meanRankAccuracy = Object.fromEntries(SYSTEMS.map((id) => [id, mean(cls.map((r) => r.rankAccuracy![id]))])) as Record<SystemId, number>;
  const winsVsOptuna = results.filter((r) => beats(r, "ouro", "optuna_xgboost")).length;
  const others = SYSTEMS.filter((id) => id !== "ouro");
  return {
    meanRank,
    meanRankAccuracy,
    winsVsOptuna,
    datasets: results.length,
    bestMeanRank: results.length > 0 && others.every((id) => meanRank.ouro < meanRank[id]),
    winRateTarget: results.length > 0 && winsVsOptuna / results.length >= 0.75,
  };
}

function beats(r: DatasetResult, a: SystemId, b: SystemId): boolean {
  const x = primaryScore(r.task, r.systems[a]);
  const y = primaryScore(r.task, r.systems[b]);
  return x !== undefined && (y === undefined || x < y);
}

/** A score with 4 significant digits (fixed notation when reasonable). */
export function num(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return "—";
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a !== 0 && a < 1e-3) return x.toExponential(2);
  return x.toPrecision(4);
}

const secs = (s: number): string => (Number.isFinite(s) ? s.toFixed(0) : "—");
const rankText = (r: number): string => (Number.isInteger(r) ? String(r) : r.toFixed(1));

function ouroNote(s: SystemResult): string {
  if (s.error !== undefined) return `failed: ${s.error.slice(0, 120)}`;
  const i = s.info as { champion?: { family?: string; generation?: number }; candidates?: number; pruned?: number; failed?: number; cancelled?: number };
  const cut = i.cancelled === undefined ? "" : ` (+${i.cancelled} cut at the deadline)`;
  return `${i.champion?.family ?? "?"} (gen ${i.champion?.generation ?? "?"}; ${i.candidates ?? "?"} cand., ${i.pruned ?? 0} pruned, ${i.failed ?? 0} failed${cut})`;
}

function optunaNote(s: SystemResult): string {
  if (s.error !== undefined) return `failed: ${s.error.slice(0, 120)}`;
  const i = s.info as { complete?: number; pruned?: number; best_trial?: number };
  return `${i.complete ?? "?"} trials (+${i.pruned ?? 0} cut at the deadline), best #${i.best_trial ?? "?"}`;
}

/** The Markdown report: overview, per-task detail tables, summary and notes. */
export function markdownReport(results: readonly DatasetResult[], meta: { provenance: string; budgetSeconds: number; seed: number; loadStart: readonly number[]; loadEnd: readonly number[]; quick: boolean; anchorVersions: Record<string, string>; families?: readonly string[] }): string {
  const s = summarize(results);
  const lines: string[] = [];
  const best = (r: DatasetResult, id: SystemId): boolean => r.rank[id] === Math.min(...SYSTEMS.map((x) => r.rank[x]));
  lines.push(`# \`ouro run\` (${meta.budgetSeconds} s) vs scikit-learn, XGBoost and Optuna-tuned XGBoost${meta.quick ? " — QUICK smoke run (not a result)" : ""}`, "");
  lines.push(meta.provenance);
  lines.push(`scikit-learn ${meta.anchorVersions["sklearn"] ?? "?"}, XGBoost ${meta.anchorVersions["xgboost"] ?? "?"}, Optuna ${meta.anchorVersions["optuna"] ?? "?"}. Seed ${meta.seed}. Load average (1/5/15 min) at start ${meta.loadStart.map((x) => x.toFixed(2)).join("/")}, at end ${meta.loadEnd.map((x) => x.toFixed(2)).join("/")}.`, "");
  lines.push("Primary metric (ranks): test **log-loss** for classification, test **RMSE** for regression — lower is better; both are what `ouro run` and the Optuna search optimise. Accuracy ranks are shown too. Cells: score (rank); bold = best on the dataset.", "");
  const head = ["dataset", "task", "train/test rows", "metric", ...SYSTEMS.map((id) => SYSTEM_LABELS[id]), "ours < Optuna?"];
  const rows = results.map((r) => [
    r.name,
    r.task,
    `${r.nTrain}/${r.nTest}`,
    r.task === "regression" ? "RMSE" : "log-loss",
    ...SYSTEMS.map((id) => {
      const v = primaryScore(r.task, r.systems[id]);
      const cell = v === undefined ? "failed" : `${num(v)} (${rankText(r.rank[id])})`;
      return best(r, id) ? `**${cell}**` : cell;
    }),
    beats(r, "ouro", "optuna_xgboost") ? "✓" : "✗",
  ]);
  const bestMean = Math.min(...SYSTEMS.map((id) => s.meanRank[id]));
  rows.push(["**mean rank**", "", "", "", ...SYSTEMS.map((id) => (s.meanRank[id] === bestMean ? `**${s.meanRank[id].toFixed(2)}**` : s.meanRank[id].toFixed(2))), `${s.winsVsOptuna}/${s.datasets}`]);
  lines.push(table(head, rows), "");
  lines.push(
    `- Mean rank (primary metric, ${s.datasets} datasets): ${SYSTEMS.map((id) => `${SYSTEM_LABELS[id]} ${s.meanRank[id].toFixed(2)}`).join(", ")}. Target "best mean rank": ${s.bestMeanRank ? "✓ met" : "✗ not met"}.`,
    `- Ouroboros better than Optuna-tuned XGBoost on ${s.winsVsOptuna} of ${s.datasets} datasets (${((100 * s.winsVsOptuna) / Math.max(1, s.datasets)).toFixed(0)}%). Target ≥ 75%: ${s.winRateTarget ? "✓ met" : "✗ not met"}.`,
    ...(results.some((r) => r.task !== "regression") ? [`- Mean accuracy rank (classification datasets only): ${SYSTEMS.map((id) => `${SYSTEM_LABELS[id]} ${s.meanRankAccuracy[id].toFixed(2)}`).join(", ")}.`] : []),
    "",
  );
  const cls = results.filter((r) => r.task !== "regression");
  if (cls.length > 0) {
    lines.push("## Classification: all test scores", "");
    const crow: string[][] = [];
    for (const r of cls)
      for (const id of SYSTEMS) {
        const sc = r.systems[id].scores as ClassScores | undefined;
        crow.push([r.name, SYSTEM_LABELS[id], num(sc?.logLoss), num(sc?.accuracy), r.task === "binary" ? num(sc?.rocAuc) : "", rankText(r.rank[id]), rankText(r.rankAccuracy![id]), secs(r.systems[id].wallSeconds), id === "ouro" ? ouroNote(r.systems[id]) : id === "optuna_xgboost" ? optunaNote(r.systems[id]) : (r.systems[id].error ?? "")]);
      }
    lines.push(table(["dataset", "system", "log-loss", "accuracy", "ROC AUC", "rank (log-loss)", "rank (accuracy)", "wall s", "notes"], crow), "");
  }
  const reg = results.filter((r) => r.task === "regression");
  if (reg.length > 0) {
    lines.push("## Regression: all test scores", "");
    const rrow: string[][] = [];
    for (const r of reg)
      for (const id of SYSTEMS) {
        const sc = r.systems[id].scores as RegressionScores | undefined;
        rrow.push([r.name, SYSTEM_LABELS[id], num(sc?.rmse), num(sc?.r2), rankText(r.rank[id]), secs(r.systems[id].wallSeconds), id === "ouro" ? ouroNote(r.systems[id]) : id === "optuna_xgboost" ? optunaNote(r.systems[id]) : (r.systems[id].error ?? "")]);
      }
    lines.push(table(["dataset", "system", "RMSE", "R²", "rank (RMSE)", "wall s", "notes"], rrow), "");
  }
  lines.push(
    "## How it was run",
    "",
    `- One seeded outer split per dataset (80/20; stratified by the target for classification), written as \`train.csv\`/\`test.csv\` with the source's record text; no system sees the test file before predicting it.`,
    `- Ouroboros: \`runImprovement({ dataPath: train.csv, target, budgetSeconds: ${meta.budgetSeconds}, seed: ${meta.seed}, jobs: 1${meta.families ? `, families: [${meta.families.join(", ")}]` : ""} })\` with its default metric${meta.families ? "" : " and all learner families"}, then \`predictFile(runs/<id>/champion, test.csv)\`, in a fresh Node process per dataset (\`automl/ouro-child.ts\`, run from a copy of \`src/\` taken at the start unless \`--live\`; a crash is recorded as that dataset's failure). Wall time = the whole run (search, final refit, run outputs) + the test prediction, measured inside that process (Node start-up and Python imports are not counted on either side).`,
    `- HGB and XGBoost (\`hist\`): library defaults, \`random_state=${meta.seed}\`, one thread. XGBoost gets one-hot categoricals (missing as a category) and its own handling of missing numbers; HGB gets native categorical features.`,
    `- Optuna ${meta.anchorVersions["optuna"] ?? ""} \`TPESampler(seed=${meta.seed})\` over n_estimators [50, 1000] (log), max_depth [2, 12], learning_rate [0.005, 0.5] (log), subsample [0.5, 1], colsample_bytree [0.3, 1], min_child_weight [0.1, 30] (log), reg_lambda and reg_alpha [1e-3, 30] (log); XGBoost's defaults enqueued as trial 0; 5-fold CV log-loss / RMSE on the training rows for ${meta.budgetSeconds} s of wall time (a trial running at the deadline stops at its next fold); best parameters refitted on all training rows. Wall time = search + refit + prediction.`,
    "- Systems run one after another, never in parallel (the machine is shared; each side gets the same contention).",
    "",
  );
  return lines.join("\n");
}
