/** `ouro demo`: the tuning demo on the bundled Breast Cancer data (what `npm start` runs). */
import { Command } from "commander";
import { BREAST_CANCER_CSV, loadBinaryCsv, logisticObjective, stratifiedHoldout } from "../demo/breast-cancer.js";
import { createStudy } from "../study/create-study.js";
import { prunerFromFlag, samplerFromFlag } from "./components.js";
import { trialLine } from "./format.js";

/** Builds the `demo` command. */
export function demoCommand(): Command {
  return new Command("demo")
    .description("tune logistic regression on the bundled Breast Cancer data with TPE + successive halving")
    .option("--n-trials <n>", "trials", (v) => Number(v), 60)
    .option("--seed <n>", "seed", (v) => Number(v), 1)
    .option("--storage <url>", "storage URL", "memory:")
    .action(async (o: { nTrials: number; seed: number; storage: string }) => {
      const data = loadBinaryCsv(BREAST_CANCER_CSV, "target", "malignant");
      const split = stratifiedHoldout(data.y, 0.25, o.seed);
      process.stdout.write(
        `Breast Cancer Wisconsin: ${data.rows} rows × ${data.cols} features; ${split.train.length} train / ${split.valid.length} validation rows (stratified, seed ${o.seed})\n` +
          `Tuning logistic regression (learning rate, L2, momentum, batch size, schedule) with TPE and successive halving over epochs, ${o.nTrials} trials\n\n`,
      );
      const study = await createStudy({
        storage: o.storage,
        studyName: `demo-breast-cancer-${o.seed}`,
        loadIfExists: true,
        sampler: samplerFromFlag("tpe", o.seed),
        pruner: prunerFromFlag('{"kind":"successive-halving","params":{"minResource":2,"reductionFactor":3}}'),
      });
      const started = Date.now();
      let best = Infinity;
      await study.optimize(logisticObjective(data, split), {
        nTrials: o.nTrials,
        callbacks: [
          (_s, t) => {
            const improved = t.state === "complete" && (t.value as number) < best;
            if (improved) best = t.value as number;
            process.stdout.write(`${improved ? "★" : " "} ${trialLine(t)}\n`);
          },
        ],
      });
      const counts = { complete: 0, pruned: 0, fail: 0 } as Record<string, number>;
      for (const t of study.trials) counts[t.state] = (counts[t.state] ?? 0) + 1;
      const b = study.bestTrial;
      process.stdout.write(
        `\n${study.trials.length} trials in ${((Date.now() - started) / 1000).toFixed(1)} s: ${counts["complete"]} complete, ${counts["pruned"]} pruned early, ${counts["fail"]} failed\n` +
          `best validation log-loss ${b.value?.toFixed(4)} (trial ${b.number}) with ${JSON.stringify(b.params)}\n`,
      );
      await study.storage.close();
    });
}
