#!/usr/bin/env node
// Runs the built CLI (dist/, made by `npm install` through the prepare script); in a checkout
// without a build it falls back to the TypeScript sources through tsx.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
let mod;
if (existsSync(built)) {
  mod = await import(built);
} else {
  const { tsImport } = await import("tsx/esm/api");
  mod = await tsImport(new URL("../src/cli/main.ts", import.meta.url).href, import.meta.url);
}
process.exitCode = await mod.main(process.argv.slice(2));
