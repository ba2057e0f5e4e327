/**
 * Child process of `resume.test.ts`: runs the toy PBT run (`toy-pbt.ts`) recorded in a study and
 * hangs in the middle of an interval, to be killed with SIGKILL.
 *
 * Usage: `node --import tsx pbt-worker.ts URL STUDY HANG_AFTER`
 * - creates the study (maximize) and runs `runPBT` over it;
 * - on its HANG_AFTER + 1st step call prints `hung` and never returns (the interval stays running).
 */
import { createStudy } from "../../study/create-study.js";
import { runPBT } from "../run.js";
import { TOY, toyStep } from "./toy-pbt.js";
import type { PBTStep } from "../types.js";

const [url, studyName, hangArg] = process.argv.slice(2);
if (!url || !studyName || !hangArg) throw new Error("usage: pbt-worker.ts URL STUDY HANG_AFTER");
const hangAfter = Number(hangArg);
let calls = 0;
const step: PBTStep<{ m: number }> = (member, ctx) => {
  if (calls++ === hangAfter) {
    process.stdout.write("hung\n");
    // Keeps the process alive without ever finishing the step.
    setInterval(() => undefined, 1000);
    return new Promise(() => undefined);
  }
  return toyStep(member, ctx);
};
const study = await createStudy({ storage: url, studyName, direction: "maximize" });
await runPBT({ ...TOY, step, study });
process.stdout.write("finished\n");
