/**
 * Generated modules pass `tsc --strict --noUncheckedIndexedAccess --exactOptionalPropertyTypes`
 * on their own (no imports, no lib beyond ES2022): one classification module with every model kind
 * as ensemble members (including networks with every activation and both norms) and one
 * regression module with boolean, datetime, categorical and numeric columns.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadCsvDatasetFromText } from "../../data/load-dataset.js";
import { generatePredictModule } from "./generate.js";
import { ensembleOf, fitKind, loadBundledCsv, syntheticCsv } from "./test-support.js";

const TSC = fileURLToPath(new URL("../../../node_modules/typescript/bin/tsc", import.meta.url));

test("generated modules typecheck under strict settings", async () => {
  const data = loadBundledCsv("penguins", "species");
  const specs: readonly [string, Record<string, unknown>][] = [
    ["constant", {}],
    ["linear", {}],
    ["knn", {}],
    ["naive-bayes", {}],
    ["gbdt", { nEstimators: 5 }],
    ["random-forest", { nEstimators: 5, maxDepth: 4 }],
    ["extra-trees", { nEstimators: 5, maxDepth: 4 }],
    ["mlp", { epochs: 1, hiddenLayers: [4, 4], activation: "gelu", norm: "layer", dropout: 0.1, residual: true }],
    ["mlp", { epochs: 1, hiddenLayers: [4], activation: "tanh", norm: "batch" }],
    ["mlp", { epochs: 1, hiddenLayers: [4], activation: "sigmoid" }],
  ];
  const members = [];
  for (const [kind, params] of specs) members.push(await fitKind(kind, params, data));
  const classification = generatePredictModule(ensembleOf(members, members.map(() => 1)), { target: "species", schema: data.loaded.schema });

  const text = syntheticCsv();
  const loaded = loadCsvDatasetFromText(text, { target: "y" });
  const regression = generatePredictModule(await fitKind("gbdt", { nEstimators: 3 }, { text, loaded, rows: [] }), { target: "y" });

  const dir = mkdtempSync(join(tmpdir(), "ouro-codegen-tsc-"));
  try {
    const files = [join(dir, "classification.ts"), join(dir, "regression.ts")];
    writeFileSync(files[0]!, classification);
    writeFileSync(files[1]!, regression);
    const args = [TSC, "--strict", "--noUncheckedIndexedAccess", "--exactOptionalPropertyTypes", "--noUnusedLocals", "--noEmit", "--target", "es2022", "--lib", "es2022", "--module", "esnext", ...files];
    // Run from the temp dir so no project settings or @types packages are picked up.
    const r = spawnSync(process.execPath, args, { encoding: "utf8", cwd: dir });
    assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
