/**
 * Child process of `multiprocess.test.ts`: appends createTrial batches to a shared journal.
 *
 * Usage: `node --import tsx journal-writer.ts URL STUDY COUNT BATCH`
 * - prints `ready WORKER`, then waits for a line on stdin so all children start writing together;
 * - appends COUNT batches (COUNT `forever`: until killed), each a createTrial followed by BATCH - 1
 *   setStudyAttr ops tagged with this worker, through `JournalStorage`;
 * - prints each trial number it got as `trial N`, then `done {"worker":…,"trials":[…]}`.
 */
import { createInterface } from "node:readline";
import { openStorage } from "../open-storage.js";

const [url, studyName, countArg, batchArg] = process.argv.slice(2);
if (!url || !studyName || !countArg || !batchArg) throw new Error("usage: journal-writer.ts URL STUDY COUNT BATCH");
const count = countArg === "forever" ? Infinity : Number(countArg);
const batch = Number(batchArg);

const storage = await openStorage(url);
await storage.sync();
const study = storage.getStudy(studyName).id;
process.stdout.write(`ready ${storage.worker}\n`);
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once("line", () => resolve()));
lines.close();

const trials: number[] = [];
for (let i = 0; i < count; i++) {
  const nonce = storage.nextNonce();
  await storage.append([
    { op: "createTrial", study, worker: storage.worker, nonce, state: "running", time: Date.now() },
    ...Array.from({ length: batch - 1 }, (_, k) => ({
      op: "setStudyAttr" as const,
      study,
      scope: "system" as const,
      key: `${storage.worker}/${nonce}/${k}`,
      value: k,
    })),
  ]);
  const trial = storage.state.outcome(storage.worker, nonce)?.trial;
  if (trial === undefined) throw new Error(`worker ${storage.worker} lost its trial (nonce ${nonce})`);
  trials.push(trial);
  if (count === Infinity) process.stdout.write(`trial ${trial}\n`);
}
process.stdout.write(`done ${JSON.stringify({ worker: storage.worker, trials })}\n`);
await storage.close();
