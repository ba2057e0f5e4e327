/**
 * The two kinds of job process of the samplers benchmark: our side (`worker.ts` under Node with
 * tsx) and Optuna's (`optuna_samplers.py` under Debian's /usr/bin/python3). Each reads one JSON job
 * on stdin and prints one JSON result; both run single-threaded (BLAS threads pinned to 1), so two
 * jobs side by side use the machine's two cores.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PYTHON } from "../lib/python.js";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const RUNNER = fileURLToPath(new URL("./optuna_samplers.py", import.meta.url));

/** Which process runs a job. */
export type Side = "ours" | "optuna";

/** Runs one job in a child process and resolves to its JSON output; stderr lines go to `onLine`. */
export function runJob<T>(side: Side, job: Readonly<Record<string, unknown>>, onLine?: (line: string) => void): Promise<T> {
  const [cmd, args] = side === "ours" ? [process.execPath, ["--import", "tsx", WORKER]] : [PYTHON, [RUNNER]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, PYTHONWARNINGS: "ignore", OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    });
    let out = "";
    let err = "";
    let partial = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
      partial += d;
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) onLine?.(l);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`${side === "ours" ? "worker.ts" : "optuna_samplers.py"} ${String(job["mode"])} exited with ${code}:\n${err.slice(-2000)}`));
        return;
      }
      try {
        resolve(JSON.parse(out) as T);
      } catch (e) {
        reject(new Error(`no JSON from the ${side} job (${String(e)}):\n${out.slice(0, 500)}`));
      }
    });
    child.stdin.end(JSON.stringify(job));
  });
}
