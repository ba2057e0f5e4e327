/**
 * Loads a user's objective module for `ouro study optimize`: a `.js`/`.mjs` file is imported as is,
 * a `.ts`/`.mts` file through tsx. The module exports `objective` (or a default function).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { OuroborosError } from "../core/errors.js";
import type { Objective } from "../study/optimize.js";

/** The objective a module exports. */
export async function loadObjective(path: string): Promise<Objective> {
  const file = resolve(path);
  if (!existsSync(file)) throw new OuroborosError("cli", `objective module not found: ${file}`);
  let mod: Record<string, unknown>;
  try {
    if (/\.(c|m)?ts$/.test(file)) {
      const { tsImport } = await import("tsx/esm/api");
      mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
    } else {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    }
  } catch (e) {
    throw new OuroborosError("cli", `could not load objective module ${file}: ${(e as Error).message}`, { cause: e });
  }
  const fn = mod["objective"] ?? mod["default"];
  if (typeof fn !== "function") {
    const names = Object.keys(mod).join(", ") || "nothing";
    throw new OuroborosError("cli", `${file} must export a function named "objective" (or a default export), but it exports ${names}`);
  }
  return fn as Objective;
}
