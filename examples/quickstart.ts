/**
 * Quick start: tune a 2-D function with TPE, in memory. Run: `node --import tsx examples/quickstart.ts`.
 * Also run by the test suite (examples must keep working).
 */
import { createStudy, TPESampler } from "../src/index.js";

export async function quickstart(seed = 1, nTrials = 60): Promise<{ bestValue: number; bestParams: Record<string, unknown> }> {
  const study = await createStudy({ direction: "minimize", sampler: new TPESampler({ seed }) });
  await study.optimize(
    (trial) => {
      const x = trial.suggestFloat("x", -5, 10);
      const y = trial.suggestFloat("y", 0, 15);
      // Branin: three global minima of 0.397887.
      const b = 5.1 / (4 * Math.PI ** 2);
      const c = 5 / Math.PI;
      return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
    },
    { nTrials },
  );
  return { bestValue: study.bestValue, bestParams: { ...study.bestParams } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { bestValue, bestParams } = await quickstart();
  console.log(`best value ${bestValue.toFixed(4)} (optimum 0.3979) at ${JSON.stringify(bestParams)}`);
}
