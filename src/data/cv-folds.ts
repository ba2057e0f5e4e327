/**
 * Cross-validation folds from a seed: `ouro run` fixes them once from the run's seed and shares
 * them with every candidate, so paired tests compare candidates on identical train/test rows (a
 * resumed run rebuilds the same folds), and a cross-fitted bag rebuilds them to refit exactly the
 * models cross-validation measured. Classification folds are stratified; a class too small for k
 * folds lowers k to what the data allows, with at least 2 folds.
 */
import { OuroborosError } from "../core/errors.js";
import type { Dataset } from "./dataset.js";
import { kFold, stratifiedKFold, type Fold } from "./splits.js";

/** k folds of `data` from `seed` (stratified for classes; k lowered to the smallest class, at least 2). */
export function crossValidationFolds(data: Dataset, k: number, seed: number): readonly Fold[] {
  const n = data.x.nRows;
  if (n < 4) throw new OuroborosError("invalid-data", `the data has ${n} rows; at least 4 are needed to cross-validate a model`);
  if (data.y.task === "regression") return kFold(n, Math.min(k, n), seed);
  const y = data.y;
  const counts = new Array<number>(y.classes.length).fill(0);
  for (const l of y.labels) counts[l]!++;
  const smallest = Math.min(...counts.filter((c) => c > 0));
  if (smallest < 2) {
    const cls = y.classes[counts.findIndex((c) => c === smallest)]!;
    throw new OuroborosError("invalid-data", `class "${cls}" of the target has only ${smallest} row; every class needs at least 2 rows to be cross-validated`);
  }
  const names = Array.from(y.labels, (l) => y.classes[l]!);
  return stratifiedKFold(names, Math.min(k, smallest), seed);
}
