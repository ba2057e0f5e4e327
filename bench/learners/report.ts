/**
 * Turns fold results of both sides into the comparison rows of the learner benchmark (CV score with
 * its Nadeau–Bengio interval per side, the corrected resampled t-test of ours − theirs, fit-time
 * ratios, the targets) and prints them as Markdown.
 */
import { correctedResampledTTest } from "../../src/evaluate/compare.js";
import { summarizeScores } from "../../src/evaluate/summary.js";
import { ratio, table } from "../lib/format.js";
import { median } from "../lib/stats.js";
import type { BenchData } from "./data.js";
import type { OurKind } from "./ours.js";

/** What a comparison must show to meet the target. */
export type TargetRule =
  /** Score within noise or better, and median fold fit time ≤ `maxRatio` × theirs. */
  | { readonly kind: "score-and-time"; readonly maxRatio: number; readonly text: string }
  /** Score within noise or better; time only reported. */
  | { readonly kind: "score"; readonly text: string };

/** One of our learners against one anchor model. */
export interface PairSpec {
  readonly id: string;
  readonly title: string;
  readonly ours: { readonly kind: OurKind; readonly params: Readonly<Record<string, unknown>>; readonly label: string };
  /** Model name in `anchors.py`, and how the report names it. */
  readonly theirs: { readonly model: string; readonly label: string };
  /** Only these datasets (all when absent). */
  readonly datasets?: readonly string[];
  readonly target: TargetRule;
}

/** Per-fold results of one side. */
export interface SideResult {
  readonly scores?: readonly number[];
  readonly fit_s?: readonly number[];
  readonly fit_all_s?: number;
  readonly predict_s?: readonly number[];
  readonly error?: string;
}

/** The outcome of a paired comparison: the interval of ours − theirs contains 0, or lies on one side. */
export type Verdict = "within noise" | "ours better" | "ours worse";

/** One dataset's comparison row. */
export interface ComparisonRow {
  readonly pair: string;
  readonly dataset: string;
  readonly metric: "accuracy" | "rmse";
  readonly ours?: { readonly mean: number; readonly ci: readonly [number, number] };
  readonly theirs?: { readonly mean: number; readonly ci: readonly [number, number] };
  /** Ours − theirs with its 95% interval and two-sided p-value (corrected resampled t-test). */
  readonly difference?: { readonly mean: number; readonly ci: readonly [number, number]; readonly pValue: number };
  readonly verdict?: Verdict;
  /** Median fold fit time of each side, in ms, and ours ÷ theirs. */
  readonly fitMs?: { readonly ours: number; readonly theirs: number; readonly ratio: number };
  /** Median `predict` time on a test fold, ms, and ours ÷ theirs. */
  readonly predictMs?: { readonly ours: number; readonly theirs: number; readonly ratio: number };
  /** Fit on all rows, ms, and ours ÷ theirs. */
  readonly fullFitMs?: { readonly ours: number; readonly theirs: number; readonly ratio: number };
  readonly targetMet?: boolean;
  /** Why the row has no numbers. */
  readonly error?: string;
}

/** Compares two sides on the folds of `b`. */
export function compareSides(pair: PairSpec, b: BenchData, ours: SideResult, theirs: SideResult): ComparisonRow {
  const base = { pair: pair.id, dataset: b.name, metric: b.metric };
  const problems = [ours.error && `ours: ${ours.error}`, theirs.error && `${pair.theirs.label}: ${theirs.error}`].filter(Boolean);
  const k = b.folds.length;
  if (problems.length > 0 || ours.scores?.length !== k || theirs.scores?.length !== k) {
    return { ...base, error: problems.join("; ") || "missing fold scores" };
  }
  const greaterIsBetter = b.metric === "accuracy";
  const so = summarizeScores(Float64Array.from(ours.scores), b.nTrain, b.nTest);
  const st = summarizeScores(Float64Array.from(theirs.scores), b.nTrain, b.nTest);
  const t = correctedResampledTTest(theirs.scores, ours.scores, { nTrain: b.nTrain, nTest: b.nTest, greaterIsBetter, metric: b.metric });
  const verdict: Verdict = t.ci[0] <= 0 && t.ci[1] >= 0 ? "within noise" : t.improvement > 0 ? "ours better" : "ours worse";
  const fo = median(ours.fit_s ?? []) * 1000;
  const ft = median(theirs.fit_s ?? []) * 1000;
  const fitMs = { ours: fo, theirs: ft, ratio: fo / ft };
  const fullFitMs =
    ours.fit_all_s !== undefined && theirs.fit_all_s !== undefined
      ? { ours: ours.fit_all_s * 1000, theirs: theirs.fit_all_s * 1000, ratio: ours.fit_all_s / theirs.fit_all_s }
      : undefined;
  const po = median(ours.predict_s ?? []) * 1000;
  const pt = median(theirs.predict_s ?? []) * 1000;
  const predictMs = Number.isFinite(po) && Number.isFinite(pt) ? { ours: po, theirs: pt, ratio: po / pt } : undefined;
  const scoreOk = verdict !== "ours worse";
  const targetMet = pair.target.kind === "score" ? scoreOk : scoreOk && fitMs.ratio <= pair.target.maxRatio;
  return {
    ...base,
    ours: { mean: so.mean, ci: so.ci },
    theirs: { mean: st.mean, ci: st.ci },
    difference: { mean: t.difference, ci: t.ci, pValue: t.pValue },
    verdict,
    fitMs,
    ...(predictMs === undefined ? {} : { predictMs }),
    ...(fullFitMs === undefined ? {} : { fullFitMs }),
    targetMet,
  };
}

/**
 * A score or a difference of scores: accuracy to 4 decimals; RMSE to 4 significant digits of
 * `scale` (the size of the scores), so a difference is printed in the units of the scores it compares.
 */
export function formatScore(metric: "accuracy" | "rmse", x: number, scale = x): string {
  if (!Number.isFinite(x)) return "—";
  if (metric === "accuracy") return x.toFixed(4);
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.max(Math.abs(scale), 1e-12))));
  const s = Math.abs(x) < 0.5 * 10 ** -digits ? (0).toFixed(digits) : x.toFixed(digits);
  return digits === 0 ? Number(s).toLocaleString("en-US") : s;
}

/** A difference with its sign; one that rounds to zero is shown as ±0. */
function signed(metric: "accuracy" | "rmse", x: number, scale: number): string {
  const f = formatScore(metric, Math.abs(x), scale);
  if (/^[0.,]+$/.test(f) && Number(f.replace(/,/g, "")) === 0) return `±${f}`;
  return (x >= 0 ? "+" : "−") + f;
}

function meanCi(metric: "accuracy" | "rmse", s: { mean: number; ci: readonly [number, number] } | undefined): string {
  if (!s) return "—";
  return `${formatScore(metric, s.mean)} ± ${formatScore(metric, (s.ci[1] - s.ci[0]) / 2, s.mean)}`;
}

const msCell = (x: number): string => (x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3));

/** The Markdown table of one pair. */
export function pairTable(pair: PairSpec, rows: readonly ComparisonRow[]): string {
  const header = ["dataset", "metric", pair.ours.label, pair.theirs.label, "ours − theirs [95% CI]", "verdict", "fit ms ours", "fit ms theirs", "fit ratio", "full-fit ratio", "predict ratio", "target"];
  const body = rows.map((r) => {
    if (r.error !== undefined) return [r.dataset, r.metric, "—", "—", "—", `error: ${r.error.replace(/\|/g, "/").slice(0, 160)}`, "—", "—", "—", "—", "—", "—"];
    const d = r.difference!;
    const scale = Math.abs(r.theirs!.mean);
    return [
      r.dataset,
      r.metric === "accuracy" ? "accuracy ↑" : "RMSE ↓",
      meanCi(r.metric, r.ours),
      meanCi(r.metric, r.theirs),
      `${signed(r.metric, d.mean, scale)} [${signed(r.metric, d.ci[0], scale)}, ${signed(r.metric, d.ci[1], scale)}]`,
      r.verdict!,
      msCell(r.fitMs!.ours),
      msCell(r.fitMs!.theirs),
      ratio(r.fitMs!.ratio),
      ratio(r.fullFitMs?.ratio),
      ratio(r.predictMs?.ratio),
      r.targetMet ? "met" : "**not met**",
    ];
  });
  return table(header, body);
}

/** One MLP step-time measurement: both sides measured alternately, `rounds` times. */
export interface StepRow {
  readonly sizes: readonly number[];
  readonly batch: number;
  readonly oursMs: readonly number[];
  readonly torchMs: readonly number[];
  readonly error?: string;
}

/** The Markdown table of the MLP step times (medians over rounds), target ≤ `maxRatio` × PyTorch. */
export function stepTable(rows: readonly StepRow[], maxRatio: number): string {
  return table(
    ["network", "batch", "ours ms/step", "PyTorch ms/step", "ratio (ours ÷ PyTorch)", "target", "rounds: ours / PyTorch ms"],
    rows.map((r) => {
      const rounds = `${r.oursMs.map((x) => x.toPrecision(3)).join(", ")} / ${r.torchMs.map((x) => x.toPrecision(3)).join(", ")}`;
      if (r.error !== undefined || r.oursMs.length === 0 || r.torchMs.length === 0) {
        return [r.sizes.join("-"), String(r.batch), "—", "—", "—", `error: ${(r.error ?? "no runs").slice(0, 160)}`, rounds];
      }
      const o = median(r.oursMs);
      const t = median(r.torchMs);
      return [r.sizes.join("-"), String(r.batch), o.toPrecision(3), t.toPrecision(3), ratio(o / t), o / t <= maxRatio ? "met" : "**not met**", rounds];
    }),
  );
}
