import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createStudy, loadStudy, retryFailedTrial, retriedTrialNumber } from "../index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
// Children run from temp folders, so tsx is named by absolute URL rather than resolved from cwd.
const tsxLoader = import.meta.resolve("tsx");
const dir = mkdtempSync(join(tmpdir(), "ouro-crash-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("timed out waiting");
}

for (const kind of ["sqlite", "file"] as const) {
  describe(`crash recovery (${kind})`, () => {
    it("a worker killed mid-trial leaves a readable store; its trial goes stale, fails, is retried with the same params, and the study resumes", async () => {
      const storage = kind === "sqlite" ? `sqlite:${join(dir, "crash.db")}` : `file:${join(dir, "crash.jsonl")}`;
      const study = await createStudy({ storage, studyName: "crash" });
      await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 2 });
      const child = spawn(
        process.execPath,
        ["--import", tsxLoader, join(root, "src/cli/run.ts"), "study", "optimize", "--storage", storage, "--study", "crash",
          "--objective", join(root, "test/fixtures/slow-objective.mjs"), "--n-trials", "5", "--heartbeat-interval", "0.2", "--sampler", "random", "--seed", "1"],
        { env: { ...process.env, OURO_TEST_SLEEP_MS: "60000" }, stdio: "ignore" },
      );
      // Wait until the child's trial is running with its parameter and a heartbeat recorded.
      await waitFor(async () => {
        await study.refresh();
        const t = study.trials[2];
        return t?.state === "running" && "x" in t.params && t.lastHeartbeat !== undefined;
      });
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      const killed = study.trials[2];
      assert.ok(killed);

      // Another worker with heartbeats enabled finds the stale trial, fails it and enqueues a retry.
      const resumed = await loadStudy({ storage, studyName: "crash", heartbeat: { heartbeatInterval: 0.2, gracePeriod: 0.5, failedTrialCallback: retryFailedTrial({ maxRetry: 2 }) } });
      await new Promise((r) => setTimeout(r, 700));
      await resumed.refresh();
      const failed = await resumed.failStaleTrials();
      assert.deepEqual(failed, [2]);
      const afterFail = resumed.trials[2];
      assert.equal(afterFail?.state, "fail");
      assert.match(afterFail?.failReason ?? "", /stale/);
      const retry = resumed.trials[3];
      assert.equal(retry?.state, "waiting");
      await resumed.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 2 });
      const rerun = resumed.trials[3];
      assert.equal(rerun?.state, "complete");
      assert.equal(rerun?.params["x"], killed.params["x"]);
      assert.equal(rerun && retriedTrialNumber(rerun), 2);
      assert.equal(resumed.trials.length, 5);
      assert.deepEqual(resumed.trials.map((t) => t.state), ["complete", "complete", "fail", "complete", "complete"]);
      await resumed.storage.close();
      await study.storage.close();
    });
  });
}
