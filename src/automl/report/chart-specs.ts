/**
 * Chart data and Vega-Lite specs for the run report, as pure functions of the {@link RunRecord}
 * (optuna-dashboard's rule: compute what a chart shows apart from drawing it, so the same data
 * feeds the static report and the dashboard).
 */
import type { RunRecord } from "../run-record.js";

/** A Vega-Lite specification (kept loose: it is data handed to the compiler). */
export type VegaLiteSpec = Record<string, unknown>;

const WIDTH = 640;

/** Score of every evaluated candidate over time, the best-so-far line, and a rule per promotion. */
export function scoreOverTimeSpec(run: RunRecord): VegaLiteSpec | undefined {
  const done = run.candidates.filter((c) => c.score !== undefined).sort((a, b) => a.finishedAt - b.finishedAt);
  if (done.length === 0) return undefined;
  const better = (a: number, b: number): boolean => (run.metric.greaterIsBetter ? a > b : a < b);
  let best: number | undefined;
  const points = done.map((c) => {
    if (best === undefined || better(c.score!, best)) best = c.score!;
    return { seconds: round(c.finishedAt), score: c.score!, best, family: c.family, candidate: c.id };
  });
  const generations = run.generations.map((g) => ({ seconds: round(g.at), generation: `gen ${g.generation}`, score: g.score }));
  return {
    width: WIDTH,
    height: 260,
    title: `${run.metric.name} over time (cross-validated)`,
    layer: [
      { data: { values: points }, mark: { type: "point", filled: true, opacity: 0.7, size: 45 }, encoding: { x: { field: "seconds", type: "quantitative", title: "seconds" }, y: { field: "score", type: "quantitative", title: run.metric.name, scale: { zero: false } }, color: { field: "family", type: "nominal" } } },
      { data: { values: points }, mark: { type: "line", interpolate: "step-after", color: "black" }, encoding: { x: { field: "seconds", type: "quantitative" }, y: { field: "best", type: "quantitative" } } },
      { data: { values: generations }, mark: { type: "rule", strokeDash: [4, 3], color: "#888" }, encoding: { x: { field: "seconds", type: "quantitative" } } },
      { data: { values: generations }, mark: { type: "text", align: "left", dx: 3, dy: -6, fontSize: 10 }, encoding: { x: { field: "seconds", type: "quantitative" }, y: { field: "score", type: "quantitative" }, text: { field: "generation" } } },
    ],
  };
}

/** Distribution of scores per learner family. */
export function familiesSpec(run: RunRecord): VegaLiteSpec | undefined {
  const values = run.candidates.filter((c) => c.score !== undefined).map((c) => ({ family: c.family, score: c.score! }));
  if (values.length === 0) return undefined;
  return {
    width: WIDTH,
    height: 40 * new Set(values.map((v) => v.family)).size + 20,
    title: "learner families compared",
    data: { values },
    mark: { type: "boxplot", extent: "min-max" },
    encoding: { y: { field: "family", type: "nominal", title: null }, x: { field: "score", type: "quantitative", title: run.metric.name, scale: { zero: false } } },
  };
}

/** Horizontal bars of importances with optional error bars. */
export function importanceSpec(title: string, items: readonly { name: string; value: number; sd?: number }[], max = 20): VegaLiteSpec | undefined {
  if (items.length === 0) return undefined;
  const values = [...items]
    .sort((a, b) => b.value - a.value)
    .slice(0, max)
    .map((i) => ({ name: i.name, value: i.value, lo: i.value - (i.sd ?? 0), hi: i.value + (i.sd ?? 0) }));
  return {
    width: WIDTH,
    height: 18 * values.length + 20,
    title,
    data: { values },
    encoding: { y: { field: "name", type: "nominal", sort: values.map((v) => v.name), title: null } },
    layer: [
      { mark: "bar", encoding: { x: { field: "value", type: "quantitative", title: "importance" } } },
      { mark: { type: "rule" }, encoding: { x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } },
    ],
  };
}

/** Confusion matrix heat map (rows: true class, columns: predicted). */
export function confusionSpec(classes: readonly string[], matrix: readonly (readonly number[])[]): VegaLiteSpec {
  const values = matrix.flatMap((row, i) => row.map((count, j) => ({ actual: classes[i], predicted: classes[j], count })));
  return {
    width: Math.min(WIDTH, 40 * classes.length + 60),
    height: Math.min(WIDTH, 40 * classes.length + 20),
    title: "confusion matrix (out-of-fold)",
    data: { values },
    layer: [
      { mark: "rect", encoding: { y: { field: "actual", type: "nominal", sort: classes }, x: { field: "predicted", type: "nominal", sort: classes }, color: { field: "count", type: "quantitative", scale: { scheme: "blues" } } } },
      { mark: { type: "text", fontSize: 10 }, encoding: { y: { field: "actual", type: "nominal", sort: classes }, x: { field: "predicted", type: "nominal", sort: classes }, text: { field: "count", type: "quantitative" } } },
    ],
  };
}

/** Predicted against actual values (regression, out-of-fold) with the identity line. */
export function residualSpec(points: readonly { predicted: number; actual: number }[]): VegaLiteSpec {
  const lo = Math.min(...points.map((p) => Math.min(p.predicted, p.actual)));
  const hi = Math.max(...points.map((p) => Math.max(p.predicted, p.actual)));
  return {
    width: 420,
    height: 420,
    title: "predicted vs actual (out-of-fold)",
    layer: [
      { data: { values: points }, mark: { type: "point", opacity: 0.4, size: 10 }, encoding: { x: { field: "actual", type: "quantitative", scale: { zero: false } }, y: { field: "predicted", type: "quantitative", scale: { zero: false } } } },
      { data: { values: [{ a: lo, b: lo }, { a: hi, b: hi }] }, mark: { type: "line", color: "#888", strokeDash: [4, 3] }, encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } } },
    ],
  };
}

/** Reliability diagram: mean predicted probability against the observed positive fraction. */
export function calibrationSpec(bins: readonly { meanPredicted: number; fractionPositive: number; count: number }[]): VegaLiteSpec {
  return {
    width: 420,
    height: 420,
    title: "calibration (out-of-fold)",
    layer: [
      { data: { values: [{ a: 0, b: 0 }, { a: 1, b: 1 }] }, mark: { type: "line", color: "#888", strokeDash: [4, 3] }, encoding: { x: { field: "a", type: "quantitative", title: "mean predicted probability", scale: { domain: [0, 1] } }, y: { field: "b", type: "quantitative", title: "fraction positive", scale: { domain: [0, 1] } } } },
      { data: { values: bins }, mark: { type: "line", point: true }, encoding: { x: { field: "meanPredicted", type: "quantitative" }, y: { field: "fractionPositive", type: "quantitative" } } },
    ],
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
