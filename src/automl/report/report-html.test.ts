/**
 * The report is checked the way a user sees it: written to disk and opened in real headless
 * Chromium (Debian's, driven by playwright-core), which must make no network request.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
import type { RunRecord } from "../run-record.js";
import { renderReportHtml } from "./report-html.js";

/** A small but complete run record (binary task, two generations, one pruned, one failed and one cancelled trial). */
export function sampleRunRecord(): RunRecord {
  const candidates = [
    { id: "t0", trial: 0, family: "gbdt", spec: { kind: "gbdt", params: { nEstimators: 100 } }, state: "complete", reason: "default for gbdt", parents: [], score: 0.91, ci: [0.89, 0.93], foldScores: [0.9, 0.92, 0.91], seconds: 1.2, finishedAt: 1.3 },
    { id: "t1", trial: 1, family: "linear", spec: { kind: "linear", params: { C: 1 } }, state: "complete", reason: "default for linear", parents: [], score: 0.88, ci: [0.86, 0.9], seconds: 0.2, finishedAt: 1.6 },
    { id: "t2", trial: 2, family: "gbdt", spec: { kind: "gbdt", params: { nEstimators: 300, learningRate: 0.05 } }, state: "complete", reason: "tpe", parents: [], score: 0.935, ci: [0.92, 0.95], seconds: 2.5, finishedAt: 4.2 },
    { id: "t3", trial: 3, family: "gbdt", spec: { kind: "gbdt", params: { nEstimators: 300, learningRate: 0.9 } }, state: "pruned", reason: "tpe", parents: [], seconds: 0.4, finishedAt: 4.7, fidelity: { resource: "nEstimators", reached: 30, max: 300 } },
    { id: "t4", trial: 4, family: "mlp", spec: { kind: "mlp", params: {} }, state: "fail", reason: "tpe", parents: [], seconds: 5, finishedAt: 9.8, error: "time limit of 5 s exceeded" },
    { id: "t5", trial: 5, family: "knn", spec: { kind: "knn", params: {} }, state: "cancelled", reason: "tpe", parents: [], seconds: 0.3, finishedAt: 10.5, error: "not finished: budget spent" },
    { id: "e1", family: "ensemble", spec: { kind: "ensemble", params: { members: [0, 2] } }, state: "complete", reason: "ensemble selection over 0, 2", parents: ["t0", "t2"], score: 0.94, ci: [0.925, 0.955], seconds: 0.1, finishedAt: 10.2 },
  ] as const;
  return {
    id: "20261125-sample",
    createdAt: "2026-11-25T00:00:00.000Z",
    data: { path: "data/sample.csv", target: "churn", digest: "ab".repeat(32), profile: { task: "binary", nRows: 300, nFeatures: 4, nNumeric: 3, nCategorical: 1, missingFraction: 0.01, columnsWithMissing: ["a"], classCounts: { no: 200, yes: 100 }, classBalance: 0.5, metaFeatures: { logRows: 5.7 } } },
    task: "binary",
    metric: { name: "roc_auc", greaterIsBetter: true },
    budget: { seconds: 60, usedSeconds: 10.5 },
    seed: 1,
    folds: 5,
    candidates: candidates as unknown as RunRecord["candidates"],
    generations: [
      { generation: 0, candidate: "t0", family: "gbdt", score: 0.91, ci: [0.89, 0.93], at: 1.3, dataDigest: "ab".repeat(32), seed: 1 },
      { generation: 1, candidate: "t2", family: "gbdt", score: 0.935, ci: [0.92, 0.95], parent: "t0", improvement: { mean: 0.025, ci: [0.01, 0.04], pValue: 0.01, test: "corrected resampled t-test" }, at: 4.2, dataDigest: "ab".repeat(32), seed: 1 },
    ],
    champion: { candidate: "t2", family: "gbdt", score: 0.935, generation: 1 },
    paramImportance: [{ name: "learningRate", value: 0.6 }, { name: "nEstimators", value: 0.3 }],
    diagnostics: {
      featureImportance: [{ name: "tenure", value: 0.08, sd: 0.01 }, { name: "contract", value: 0.05, sd: 0.005 }],
      confusion: { classes: ["no", "yes"], matrix: [[180, 20], [25, 75]] },
      calibration: [{ meanPredicted: 0.1, fractionPositive: 0.12, count: 120 }, { meanPredicted: 0.5, fractionPositive: 0.45, count: 80 }, { meanPredicted: 0.85, fractionPositive: 0.8, count: 100 }],
    },
    notes: ["dropped id-like column customer_id"],
  };
}

test("the report is self-contained HTML with inline SVG charts and the leaderboard", async () => {
  const html = await renderReportHtml(sampleRunRecord());
  assert.ok(!/<script/i.test(html), "no scripts");
  assert.ok(!/(src|href)=["']https?:/i.test(html), "no external resources");
  for (const id of ["score-over-time", "families", "param-importance", "feature-importance", "confusion", "calibration"]) {
    assert.match(html, new RegExp(`<figure id="${id}" class="chart"><svg`), `chart ${id}`);
  }
  assert.doesNotMatch(html, /id="residuals"/, "no residual plot for a classification run");
  assert.match(html, /time limit of 5 s exceeded/);
  assert.match(html, /7 \(4 evaluated, 1 pruned, 1 failed, 1 cancelled\)/);
  assert.match(html, /not finished: budget spent/);
  assert.match(html, /each member refitted on all rows/, "a record without finalFit was refitted");
  assert.match(await renderReportHtml({ ...sampleRunRecord(), finalFit: "bag" }), /the 5 cross-validation fold models of each member, averaged/);
  assert.match(html, /<tr class="champion"><td>2<\/td><td>t2<\/td><td>gbdt/);
});

const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

// CI (`.ci/run`) installs Debian's chromium and sets OURO_REQUIRE_BROWSER=1, so there the browser
// check always runs; on a developer machine without chromium it is reported as skipped.
const skipBrowser = chromium === undefined && process.env.OURO_REQUIRE_BROWSER !== "1" ? "Debian chromium is not installed (apt-get install chromium)" : false;

test("the report renders in headless Chromium without any network request", { skip: skipBrowser }, async () => {
  assert.ok(chromium !== undefined, "OURO_REQUIRE_BROWSER=1 but no /usr/bin/chromium");
  const { chromium: pw } = await import("playwright-core");
  const dir = mkdtempSync(join(tmpdir(), "ouro-report-"));
  const file = join(dir, "report.html");
  writeFileSync(file, await renderReportHtml(sampleRunRecord()));
  const browser = await pw.launch({ executablePath: chromium!, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    assert.deepEqual(requests, [pathToFileURL(file).href]);
    assert.deepEqual(errors, []);
    const charts = await page.locator("figure.chart svg").count();
    assert.equal(charts, 6);
    // Charts have real size and drawn marks.
    const box = await page.locator("#score-over-time svg").boundingBox();
    assert.ok(box !== null && box.width > 300 && box.height > 150, `chart box ${JSON.stringify(box)}`);
    assert.ok((await page.locator("#score-over-time svg path").count()) > 3);
    assert.equal(await page.locator("#leaderboard tbody tr").count(), 7);
  } finally {
    await browser.close();
  }
});
