/**
 * The Python anchors' plumbing shared by every benchmark: Debian's packages run by
 * `/usr/bin/python3` (never the `python3` first on PATH), installed with apt-get only when missing
 * (root only), and scripts that read a JSON job on stdin and print one JSON result, one thread each.
 */
import { spawn, spawnSync } from "node:child_process";

export const PYTHON = "/usr/bin/python3";

/** One thread everywhere: every comparison is single-core on both sides. */
const ENV = { ...process.env, PYTHONWARNINGS: "ignore", OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

/**
 * Makes sure `import <modules>` works with /usr/bin/python3; if not, installs the Debian `packages`
 * with apt-get (root only; `update` first unless `update: false`) and checks again.
 */
export function ensurePythonModules(modules: readonly string[], packages: readonly string[], options: { readonly update?: boolean } = {}): void {
  const statement = `import ${modules.join(", ")}`;
  const probe = (): boolean => spawnSync(PYTHON, ["-c", statement], { stdio: "ignore" }).status === 0;
  if (probe()) return;
  const install = `apt-get install -y ${packages.join(" ")}`;
  process.stderr.write(`${modules.join("/")} missing for ${PYTHON}: running ${install}\n`);
  if (process.getuid?.() !== 0) throw new Error(`${packages.join(", ")} not installed and this is not root; run: sudo apt-get update && sudo ${install}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [...(options.update === false ? [] : [["update"]]), ["install", "-y", ...packages]]) {
    const r = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed with status ${r.status}`);
  }
  if (!probe()) throw new Error(`${packages.join(", ")} were installed but \`${PYTHON} -c '${statement}'\` still fails`);
}

/** Runs `script args…` with `stdin` as input (stderr passed through unless `quiet`) and parses the JSON it prints. */
export function runPythonJson<T>(script: string, args: readonly string[], stdin: string, options: { readonly quiet?: boolean } = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script, ...args], { stdio: ["pipe", "pipe", "pipe"], env: ENV });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
      if (!options.quiet) process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code}:\n${err.slice(-2000)}`));
        return;
      }
      try {
        resolve(JSON.parse(out) as T);
      } catch (e) {
        reject(new Error(`${script} printed no JSON (${String(e)}):\n${out.slice(0, 500)}`));
      }
    });
    child.stdin.end(stdin);
  });
}
