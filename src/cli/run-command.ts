/**
 * `ouro run`, `ouro predict` and `ouro report`: the improvement loop on a CSV, predictions from a
 * saved champion, and regenerating a run's report. Thin surfaces over `src/automl/`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { OuroborosError } from "../core/errors.js";
import { runImprovement, type RunEvent } from "../automl/improvement-run.js";
import { formatPredictionsCsv, predictFile } from "../automl/predict-file.js";
import { renderReportHtml } from "../automl/report/report-html.js";
import type { RunRecord } from "../automl/run-record.js";

/** Parses a budget like `90s`, `5m`, `1h`, `1h30m` or plain seconds. */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)\s*(h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
    consumed += m[0].length;
  }
  if (consumed !== t.replace(/\s+/g, "").length || total <= 0) throw new OuroborosError("cli", `--budget must be a duration like 90s, 5m or 1h30m, but got "${text}"`);
  return total;
}

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new OuroborosError("cli", `${name} must be an integer ≥ 1, but got "${v}"`);
    return n;
  };
}

const fmt = (x: number | undefined): string => (x === undefined ? "—" : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));

/** Prints progress: one line per event; on a terminal a status line is kept at the bottom. */
function progressPrinter(json: boolean, budgetSeconds: number | undefined): (e: RunEvent) => void {
  const out = process.stdout;
  const tty = out.isTTY === true && !json;
  let champion = "none yet";
  let generation = -1;
  let metric = "";
  let counts = { complete: 0, pruned: 0, failed: 0, cancelled: 0 };
  let elapsed = 0;
  const status = (): string => `[${elapsed.toFixed(0)}s${budgetSeconds !== undefined ? `/${budgetSeconds}s` : ""}] ${counts.complete} done, ${counts.pruned} pruned, ${counts.failed} failed${counts.cancelled > 0 ? `, ${counts.cancelled} cancelled` : ""} · champion ${champion} (generation ${generation})`;
  const line = (s: string): void => {
    if (tty) out.write(`\r\x1b[2K${s}\n${status()}`);
    else out.write(`${s}\n`);
  };
  return (e) => {
    if (json) {
      out.write(`${JSON.stringify(e.type === "finish" ? { type: "finish", runDir: e.runDir, champion: e.record.champion } : e)}\n`);
      return;
    }
    switch (e.type) {
      case "start":
        metric = e.metric;
        line(
          `${e.resumed ? "Resuming" : "Run"} ${e.runId}: ${e.profile.nRows} rows × ${e.profile.nFeatures} features, ${e.profile.task}${e.profile.classBalance !== undefined ? ` (class balance ${e.profile.classBalance.toFixed(2)})` : ""}, ${e.profile.columnsWithMissing.length > 0 ? `missing values in ${e.profile.columnsWithMissing.length} column(s), ` : ""}metric ${e.metric}\n` +
            `  families: ${e.families.join(", ")}\n  writing to ${e.runDir}`,
        );
        break;
      case "candidate": {
        counts = { ...e.counts };
        elapsed = e.elapsed;
        const c = e.candidate;
        const what = c.state === "complete" ? `${metric} ${fmt(c.score)} [${fmt(c.ci?.[0])}, ${fmt(c.ci?.[1])}]` : c.state === "pruned" ? `pruned at ${c.fidelity?.reached ?? "?"}/${c.fidelity?.max ?? "?"} ${c.fidelity?.resource ?? ""}` : c.state === "cancelled" ? `cancelled: ${c.error ?? ""}` : `failed: ${c.error ?? ""}`;
        line(`  ${c.id.padEnd(5)} ${c.family.padEnd(13)} ${what} (${c.seconds.toFixed(1)}s)`);
        break;
      }
      case "promotion": {
        const g = e.generation;
        champion = `${g.candidate} ${g.family} ${fmt(g.score)}`;
        generation = g.generation;
        line(`★ generation ${g.generation}: ${g.candidate} (${g.family}) ${metric} ${fmt(g.score)}${g.improvement ? `, better by ${fmt(g.improvement.mean)} [${fmt(g.improvement.ci[0])}, ${fmt(g.improvement.ci[1])}]` : " (first champion)"}`);
        break;
      }
      case "finish": {
        const r = e.record;
        if (tty) out.write("\r\x1b[2K");
        out.write(
          `\nDone in ${r.budget.usedSeconds.toFixed(1)} s: ${r.candidates.length} candidates, ${r.generations.length} generation(s).\n` +
            `Champion: ${r.champion!.candidate} (${r.champion!.family}), ${metric} ${fmt(r.champion!.score)}, generation ${r.champion!.generation}\n` +
            `  model:       ${join(e.runDir, "champion")}\n  report:      ${join(e.runDir, "report.html")}\n  leaderboard: ${join(e.runDir, "leaderboard.csv")}\n`,
        );
        break;
      }
    }
  };
}

/** Builds `ouro run`. */
export function runCommand(): Command {
  return new Command("run")
    .description("build a better and better model from a CSV, generation after generation, within a budget")
    .requiredOption("--data <csv>", "training data (CSV with a header row)")
    .requiredOption("--target <column>", "the column to predict")
    .option("--budget <duration>", "wall-time budget of the search, e.g. 90s, 5m, 1h", "5m")
    .option("--trials <n>", "stop after this many proposed candidates", positiveInt("--trials"))
    .option("--metric <name>", "metric to optimise (roc_auc, log_loss, accuracy, f1_macro, rmse, mae, r2, …)")
    .option("--seed <n>", "seed of every random choice", (v) => Number(v), 0)
    .option("--out <dir>", "parent folder of run directories", "runs")
    .option("--storage <url>", "storage URL (default: sqlite:<run dir>/ouro.db)")
    .option("--resume <run-id>", "continue a stopped run")
    .option("--jobs <n>", "candidates evaluated in parallel (worker threads)", positiveInt("--jobs"), 1)
    .option("--folds <n>", "cross-validation folds", positiveInt("--folds"), 5)
    .option("--families <list>", "learner families to search, comma-separated (default: all that apply)")
    .option("--trial-timeout <duration>", "wall-time limit of one candidate (default: max(20s, budget/3))")
    .option("--trial-memory <mb>", "heap limit of one candidate's worker in MB", positiveInt("--trial-memory"), 2048)
    .option("--min-improvement <x>", "improvement a challenger needs over the champion, in metric units", (v) => Number(v), 0)
    .addOption(new Option("--gate <test>", "paired test that gates promotions").choices(["bootstrap", "corrected-t"]).default("bootstrap"))
    .addOption(new Option("--family-selection <how>", "how the next candidate's learner family is chosen: a bandit over families, or TPE").choices(["bandit", "tpe"]).default("bandit"))
    .addOption(new Option("--final-fit <how>", "what a promotion saves: the bag of the cross-validation fold models the gate judged, one model refitted on all rows (smaller, k times faster to predict), or auto: bag for classification, refit for regression").choices(["auto", "bag", "refit"]).default("auto"))
    .addOption(new Option("--isolation <mode>", "run candidates in worker threads or in-process").choices(["worker", "none"]).default("worker"))
    .option("--json", "print progress as JSON lines")
    .action(async (o: { data: string; target: string; budget: string; trials?: number; metric?: string; seed: number; out: string; storage?: string; resume?: string; jobs: number; folds: number; families?: string; trialTimeout?: string; trialMemory: number; minImprovement: number; gate: "bootstrap" | "corrected-t"; familySelection: "bandit" | "tpe"; finalFit: "auto" | "bag" | "refit"; isolation: "worker" | "none"; json?: boolean }) => {
      if (!Number.isInteger(o.seed)) throw new OuroborosError("cli", `--seed must be an integer, but got ${o.seed}`);
      const budgetSeconds = parseDuration(o.budget);
      const controller = new AbortController();
      const onSigint = (): void => {
        process.stderr.write("\nouro: stopping (Ctrl-C again to force) — completed candidates are kept\n");
        process.off("SIGINT", onSigint);
        controller.abort("stopped by the user");
      };
      process.on("SIGINT", onSigint);
      try {
        await runImprovement({
          dataPath: o.data,
          target: o.target,
          budgetSeconds,
          ...(o.trials !== undefined ? { budgetTrials: o.trials } : {}),
          ...(o.metric !== undefined ? { metric: o.metric } : {}),
          seed: o.seed,
          outDir: o.out,
          ...(o.storage !== undefined ? { storage: o.storage } : {}),
          ...(o.resume !== undefined ? { resume: o.resume } : {}),
          jobs: o.jobs,
          folds: o.folds,
          ...(o.families !== undefined ? { families: o.families.split(",").map((s) => s.trim()) } : {}),
          ...(o.trialTimeout !== undefined ? { trialTimeoutSeconds: parseDuration(o.trialTimeout) } : {}),
          trialMemoryMb: o.trialMemory,
          minImprovement: o.minImprovement,
          gate: o.gate,
          familySelection: o.familySelection,
          finalFit: o.finalFit,
          isolation: o.isolation,
          signal: controller.signal,
          onEvent: progressPrinter(o.json === true, budgetSeconds),
        });
      } finally {
        process.off("SIGINT", onSigint);
      }
    });
}

/** Builds `ouro predict`. */
export function predictCommand(): Command {
  return new Command("predict")
    .description("predict a CSV with a saved model (runs/<id>/champion)")
    .requiredOption("--model <dir>", "model directory (model.json + weights.bin)")
    .requiredOption("--data <csv>", "rows to predict (the target column may be absent)")
    .option("--out <csv>", "write predictions here instead of standard output")
    .action((o: { model: string; data: string; out?: string }) => {
      const fp = predictFile(o.model, o.data);
      const csv = formatPredictionsCsv(fp);
      if (o.out !== undefined) {
        writeFileSync(o.out, csv);
        process.stdout.write(`wrote ${fp.lines.length} predictions to ${o.out}\n`);
      } else {
        process.stdout.write(csv);
      }
    });
}

/** Builds `ouro report`. */
export function reportCommand(): Command {
  return new Command("report")
    .description("regenerate a run's report.html from its run.json")
    .argument("<run-dir>", "the run directory (runs/<id>)")
    .action(async (dir: string) => {
      let record: RunRecord;
      try {
        record = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as RunRecord;
      } catch (e) {
        throw new OuroborosError("invalid-argument", `${dir} has no readable run.json (${(e as Error).message}); pass a finished run's directory`);
      }
      const path = join(dir, "report.html");
      writeFileSync(path, await renderReportHtml(record));
      process.stdout.write(`wrote ${path}\n`);
    });
}
