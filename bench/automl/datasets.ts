/**
 * The datasets of the `ouro run` benchmark: bundled ones from `data/`, the others read from
 * `/work/shared/datasets/` at run time (a clear message when that folder is missing).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** One benchmark dataset. */
export interface BenchDataset {
  readonly name: string;
  readonly target: string;
  readonly task: "binary" | "multiclass" | "regression";
  /** Where it is looked for, in order. */
  readonly paths: readonly string[];
}

const DATA = fileURLToPath(new URL("../../data/", import.meta.url));
const SHARED = "/work/shared/datasets/";

const bundled = (name: string, target: string, task: BenchDataset["task"]): BenchDataset => ({ name, target, task, paths: [`${DATA}${name}.csv`, `${SHARED}${name}.csv`] });
const shared = (name: string, target: string, task: BenchDataset["task"]): BenchDataset => ({ name, target, task, paths: [`${SHARED}${name}.csv`] });

/** Every dataset the benchmark knows. */
export const DATASETS: readonly BenchDataset[] = [
  bundled("breast_cancer", "target", "binary"),
  bundled("wine", "target", "multiclass"),
  bundled("digits", "target", "multiclass"),
  bundled("penguins", "species", "multiclass"),
  bundled("wa_churn", "churn", "binary"),
  shared("credit_data", "Status", "binary"),
  shared("hpc_data", "class", "multiclass"),
  bundled("ames", "Sale_Price", "regression"),
  bundled("concrete", "compressive_strength", "regression"),
  bundled("diabetes", "target", "regression"),
  bundled("iris", "target", "multiclass"),
  shared("attrition", "Attrition", "binary"),
];

/** The default run: 7 classification and 3 regression datasets (iris and attrition on request). */
export const DEFAULT_DATASETS = ["breast_cancer", "wine", "digits", "penguins", "wa_churn", "credit_data", "hpc_data", "ames", "concrete", "diabetes"];

/** `--quick`: one small classification and one small regression dataset. */
export const QUICK_DATASETS = ["breast_cancer", "diabetes"];

/** The dataset called `name`, or an error listing the known names. */
export function findDataset(name: string): BenchDataset {
  const d = DATASETS.find((x) => x.name === name);
  if (d === undefined) throw new Error(`unknown dataset "${name}"; known: ${DATASETS.map((x) => x.name).join(", ")}`);
  return d;
}

/** The first existing file of a dataset, or undefined with the places looked at. */
export function locate(d: BenchDataset): { path?: string; tried: readonly string[] } {
  const path = d.paths.find((p) => existsSync(p));
  return path === undefined ? { tried: d.paths } : { path, tried: d.paths };
}
