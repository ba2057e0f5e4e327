/**
 * The run report: one self-contained HTML page (no scripts, no network) with the charts rendered
 * to inline SVG by Vega-Lite and Vega in Node. It can be opened from disk, mailed, or archived with
 * the run, and shows only what the {@link RunRecord} holds.
 */
import type { RunRecord } from "../run-record.js";
import { calibrationSpec, confusionSpec, familiesSpec, importanceSpec, residualSpec, scoreOverTimeSpec, type VegaLiteSpec } from "./chart-specs.js";

/** Renders a Vega-Lite spec to an SVG string (Vega is loaded lazily: only report writers pay for it). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vl, vega] = await Promise.all([import("vega-lite"), import("vega")]);
  const compiled = vl.compile({ $schema: "https://vega.github.io/schema/vega-lite/v6.json", ...spec } as Parameters<typeof vl.compile>[0]);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const fmt = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? "—" : Math.abs(x) >= 1000 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4));

async function figure(id: string, spec: VegaLiteSpec | undefined, caption: string): Promise<string> {
  if (spec === undefined) return "";
  const svg = await renderSvg(spec);
  return `<figure id="${id}" class="chart">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/** Builds the report page. */
export async function renderReportHtml(run: RunRecord): Promise<string> {
  const ranked = run.candidates
    .filter((c) => c.score !== undefined)
    .sort((a, b) => (run.metric.greaterIsBetter ? b.score! - a.score! : a.score! - b.score!));
  const others = run.candidates.filter((c) => c.score === undefined);
  const rows = [...ranked, ...others]
    .map((c, i) => {
      const champion = run.champion?.candidate === c.id ? ' class="champion"' : "";
      const ci = c.ci ? `[${fmt(c.ci[0])}, ${fmt(c.ci[1])}]` : "—";
      const fid = c.fidelity ? `${c.fidelity.reached}/${c.fidelity.max} ${escapeHtml(c.fidelity.resource)}` : "—";
      return `<tr${champion}><td>${c.score === undefined ? "" : i + 1}</td><td>${escapeHtml(c.id)}</td><td>${escapeHtml(c.family)}</td><td>${fmt(c.score)}</td><td>${ci}</td><td>${c.state}</td><td>${fid}</td><td>${c.seconds.toFixed(2)}</td><td class="params">${escapeHtml(JSON.stringify(c.spec.params))}</td><td>${escapeHtml(c.error ?? c.reason)}</td></tr>`;
    })
    .join("\n");
  const gens = run.generations
    .map((g) => {
      const imp = g.improvement ? `${fmt(g.improvement.mean)} [${fmt(g.improvement.ci[0])}, ${fmt(g.improvement.ci[1])}], p=${fmt(g.improvement.pValue)} (${escapeHtml(g.improvement.test)})` : "first champion";
      return `<tr><td>${g.generation}</td><td>${escapeHtml(g.candidate)}</td><td>${escapeHtml(g.family)}</td><td>${fmt(g.score)} [${fmt(g.ci[0])}, ${fmt(g.ci[1])}]</td><td>${g.parent === undefined ? "—" : escapeHtml(g.parent)}</td><td>${imp}</td><td>${g.at.toFixed(1)} s</td></tr>`;
    })
    .join("\n");
  const d = run.diagnostics;
  const charts = [
    await figure("score-over-time", scoreOverTimeSpec(run), "Each point is a candidate's cross-validated score when it finished; the line is the best so far; dashed rules mark promotions (generations)."),
    await figure("families", familiesSpec(run), "Cross-validated scores of the candidates of each learner family."),
    await figure("param-importance", run.paramImportance ? importanceSpec("hyperparameter importance", run.paramImportance) : undefined, "How much of the variation in score each search-space dimension explains."),
    await figure("feature-importance", d?.featureImportance ? importanceSpec("permutation feature importance of the champion", d.featureImportance) : undefined, "Drop in score when a feature is shuffled (mean ± sd over repeats)."),
    await figure("confusion", d?.confusion ? confusionSpec(d.confusion.classes, d.confusion.matrix) : undefined, "Out-of-fold predictions of the champion against the true classes."),
    await figure("residuals", d?.residuals && d.residuals.length > 0 ? residualSpec(d.residuals) : undefined, "Out-of-fold predictions of the champion against the true values."),
    await figure("calibration", d?.calibration && d.calibration.length > 0 ? calibrationSpec(d.calibration) : undefined, "A calibrated model lies on the diagonal."),
  ].join("\n");
  const p = run.data.profile;
  const champ = run.champion;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ouroboros run ${escapeHtml(run.id)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:12px;width:100%}th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top}
tr.champion{background:#fff6d6;font-weight:600}td.params{font-family:monospace;font-size:11px;max-width:380px;word-break:break-all}
figure{margin:1.5rem 0}figcaption{color:#666;font-size:12px}.kv td:first-child{color:#666;width:220px}
</style></head><body>
<h1>Ouroboros run <code>${escapeHtml(run.id)}</code></h1>
<table class="kv" id="summary">
<tr><td>data</td><td>${escapeHtml(run.data.path)} (${p.nRows} rows, ${p.nFeatures} features; SHA-256 ${run.data.digest.slice(0, 16)}…)</td></tr>
<tr><td>target / task</td><td>${escapeHtml(run.data.target)} / ${run.task}</td></tr>
<tr><td>metric</td><td>${escapeHtml(run.metric.name)} (${run.metric.greaterIsBetter ? "higher" : "lower"} is better), ${run.folds}-fold cross-validation</td></tr>
<tr><td>budget</td><td>${run.budget.seconds !== undefined ? `${run.budget.seconds} s` : ""}${run.budget.trials !== undefined ? ` ${run.budget.trials} trials` : ""}; used ${run.budget.usedSeconds.toFixed(1)} s, seed ${run.seed}</td></tr>
<tr><td>candidates</td><td>${run.candidates.length} (${ranked.length} evaluated, ${run.candidates.filter((c) => c.state === "pruned").length} pruned, ${run.candidates.filter((c) => c.state === "fail").length} failed, ${run.candidates.filter((c) => c.state === "cancelled").length} cancelled)</td></tr>
<tr><td>champion</td><td>${champ ? `${escapeHtml(champ.candidate)}, ${escapeHtml(champ.family)}, ${escapeHtml(run.metric.name)} ${fmt(champ.score)}, generation ${champ.generation}` : "none"}</td></tr>
<tr><td>saved model</td><td>${run.finalFit === "bag" ? `the ${run.folds} cross-validation fold models of each member, averaged (the models the score was measured on)` : "each member refitted on all rows (boosting and networks for the folds' mean stopping point)"}</td></tr>
</table>
${run.notes.length > 0 ? `<h2>Notes</h2><ul>${run.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : ""}
<h2>Charts</h2>
${charts}
<h2>Generations (lineage)</h2>
<table id="generations"><thead><tr><th>gen</th><th>candidate</th><th>family</th><th>score [95% CI]</th><th>parent</th><th>improvement over parent</th><th>at</th></tr></thead><tbody>
${gens}
</tbody></table>
<h2>Leaderboard</h2>
<table id="leaderboard"><thead><tr><th>rank</th><th>candidate</th><th>family</th><th>${escapeHtml(run.metric.name)}</th><th>95% CI</th><th>state</th><th>fidelity</th><th>seconds</th><th>params</th><th>reason</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Data profile</h2>
<pre>${escapeHtml(JSON.stringify(p, null, 2))}</pre>
</body></html>
`;
}
