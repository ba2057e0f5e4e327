/**
 * Light-core rule: importing the mlp learner must not load onnxruntime-node's native library; the
 * first fit does. Checked in a child process by watching `process.dlopen`.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

test("importing the mlp module loads no native onnxruntime code; training does", () => {
  const script = `
    const loaded = [];
    const dlopen = process.dlopen;
    process.dlopen = (m, file, ...rest) => { loaded.push(file); return dlopen.call(process, m, file, ...rest); };
    const mlp = await import(${JSON.stringify(new URL("./index.ts", import.meta.url).href)});
    const before = loaded.filter((f) => f.includes("onnxruntime")).length;
    const { conformanceData } = await import(${JSON.stringify(new URL("../../testing/learner-conformance.ts", import.meta.url).href)});
    await new mlp.MLPLearner({ hiddenLayers: [4], epochs: 1 }).fit(conformanceData("binary", 20, 1), { seed: 1 });
    const after = loaded.filter((f) => f.includes("onnxruntime")).length;
    console.log(JSON.stringify({ before, after }));
  `;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
  const { before, after } = JSON.parse(out.trim().split("\n").pop()!) as { before: number; after: number };
  assert.equal(before, 0, "onnxruntime-node was loaded at import time");
  assert.ok(after >= 1, "training should load onnxruntime-node");
});
