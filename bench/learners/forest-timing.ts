/**
 * Timing and accuracy of the forests on bundled data (100 trees by default): fit time after one
 * warm-up fit (median wall and minimum CPU of 5 fits, so a busy machine disturbs it less), stratified
 * 5-fold CV accuracy for classification, out-of-bag R² for regression. Run:
 * `node --import tsx bench/learners/forest-timing.ts ['{"nEstimators":100}']`. Not part of `npm test`.
 */
import { selectDatasetRows, type Dataset } from "../../src/data/dataset.js";
import { Random } from "../../src/core/rng.js";
import { loadBundled } from "../../src/learners/forest/bundled-data.js";
import { ForestLearner } from "../../src/learners/forest/forest.js";
import type { ForestKind } from "../../src/learners/forest/forest-params.js";

function folds(d: Dataset, k: number, seed: number): number[][] {
  if (d.y.task === "regression") throw new Error("classification only");
  const labels = d.y.labels;
  const out: number[][] = Array.from({ length: k }, () => []);
  const rng = new Random(seed);
  for (let c = 0; c < d.y.classes.length; c++) {
    const idx = rng.shuffle(Array.from(labels.keys()).filter((i) => labels[i] === c));
    idx.forEach((i, j) => out[j % k]!.push(i));
  }
  return out;
}

async function accuracyCV(kind: ForestKind, d: Dataset, params: Record<string, unknown>): Promise<number> {
  const f = folds(d, 5, 0);
  let hits = 0;
  for (let i = 0; i < f.length; i++) {
    const test = f[i]!;
    const train = f.flatMap((x, j) => (j === i ? [] : x));
    const m = await new ForestLearner(kind, params).fit(selectDatasetRows(d, train), { seed: i });
    const te = selectDatasetRows(d, test);
    const p = m.predict(te.x);
    if (p.task === "regression" || te.y.task === "regression") throw new Error("classification only");
    const k = p.classes.length;
    for (let r = 0; r < test.length; r++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (p.proba[r * k + j]! > p.proba[r * k + best]!) best = j;
      if (best === te.y.labels[r]) hits++;
    }
  }
  return hits / d.x.nRows;
}

async function timeFits(kind: ForestKind, d: Dataset, params: Record<string, unknown>): Promise<string> {
  await new ForestLearner(kind, params).fit(d, { seed: 99 });
  const wall: number[] = [];
  let cpu = Number.POSITIVE_INFINITY;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await new ForestLearner(kind, params).fit(d, { seed: rep });
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  return `fit ${wall[2]!.toFixed(0)} ms wall (median), ${cpu.toFixed(0)} ms CPU (min)`;
}

const params = (process.argv[2] ? JSON.parse(process.argv[2]) : {}) as Record<string, unknown>;
for (const name of ["breast_cancer", "digits"]) {
  const d = loadBundled(name, "target", "class");
  for (const kind of ["random-forest", "extra-trees"] as const) {
    const time = await timeFits(kind, d, params);
    const oob = (await new ForestLearner(kind, { ...params, bootstrap: true }).fit(d, { seed: 0 })).oobScore;
    console.log(`${name} ${kind}: ${time}; 5-fold CV accuracy ${(await accuracyCV(kind, d, params)).toFixed(4)}; OOB accuracy (bootstrap) ${oob?.toFixed(4)}`);
  }
}
for (const [name, target] of [["diabetes", "target"], ["concrete", "compressive_strength"]] as const) {
  const d = loadBundled(name, target, "regression");
  for (const kind of ["random-forest", "extra-trees"] as const) {
    const time = await timeFits(kind, d, params);
    const oob = (await new ForestLearner(kind, { ...params, bootstrap: true }).fit(d, { seed: 0 })).oobScore;
    console.log(`${name} ${kind}: ${time}; OOB R² (bootstrap) ${oob?.toFixed(4)}`);
  }
}
