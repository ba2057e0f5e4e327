import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Loads a module in a fresh process, optionally opens a storage, and lists loaded native/CJS modules. */
function loadedModules(storageUrl: string | null): string[] {
  const script = `
    const tuner = await import(${JSON.stringify(new URL("./tuner.ts", import.meta.url).href)});
    if (${JSON.stringify(storageUrl)}) { const s = await tuner.openStorage(${JSON.stringify(storageUrl)}); await s.sync(); await s.close(); }
    const { default: Module } = await import("node:module");
    console.log(JSON.stringify(Object.keys(Module._cache)));`;
  const out = execFileSync(process.execPath, ["--import", import.meta.resolve("tsx"), "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop() as string) as string[];
}

describe("light core", () => {
  it("importing the tuner loads no native module; opening a sqlite: URL loads better-sqlite3 on demand", () => {
    assert.ok(!loadedModules(null).some((m) => m.includes("better-sqlite3")));
    const dir = mkdtempSync(join(tmpdir(), "ouro-light-"));
    const withSqlite = loadedModules(`sqlite:${join(dir, "light.db")}`);
    rmSync(dir, { recursive: true, force: true });
    assert.ok(withSqlite.some((m) => m.includes("better-sqlite3")));
  });
});
