/**
 * What a benchmark needs from its surroundings: the Optuna side (Debian's python3-optuna, run with
 * /usr/bin/python3), the machine description and commit written next to every result, and the
 * results folder.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { ensurePythonModules, runPythonJson } from "./python.js";

const RUNNER = fileURLToPath(new URL("../optuna_runner.py", import.meta.url));
const REPO = fileURLToPath(new URL("../..", import.meta.url));
const RESULTS = fileURLToPath(new URL("../results/", import.meta.url));

/** Makes sure `import optuna` works with /usr/bin/python3, installing python3-optuna with apt-get only if it does not. */
export function ensureOptuna(): void {
  ensurePythonModules(["optuna"], ["python3-optuna"]);
}

/** Runs one job of `optuna_runner.py` and resolves to its JSON result (stderr progress is passed through). */
export function runPython<T>(job: Record<string, unknown>, options: { readonly quiet?: boolean } = {}): Promise<T> {
  return runPythonJson<T>(RUNNER, [], JSON.stringify(job), options);
}

/** Versions on the Optuna side. */
export interface PythonVersions {
  readonly python: string;
  readonly optuna: string;
  readonly numpy: string;
  readonly sqlalchemy: string;
}

/** The machine and code a result was measured on. */
export interface Provenance {
  readonly date: string;
  readonly commit: string;
  /** True when src/ differs from the commit (uncommitted or untracked files), e.g. a sampler not yet committed. */
  readonly dirty: boolean;
  readonly machine: {
    readonly cpuModel: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly platform: string;
    readonly loadAverage1m: number;
  };
  readonly node: string;
  readonly python: PythonVersions;
  readonly command: string;
}

function git(args: readonly string[]): { ok: boolean; out: string } {
  // Read-only git commands only (this never changes the repository).
  try {
    return { ok: true, out: execFileSync("git", args, { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() };
  } catch {
    return { ok: false, out: "" };
  }
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m?.[1]) return m[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? "unknown";
}

/** Describes the commit, machine and versions. */
export async function provenance(): Promise<Provenance> {
  const python = await runPython<PythonVersions>({ mode: "versions" }, { quiet: true });
  const head = git(["rev-parse", "HEAD"]);
  const changed = git(["diff", "--quiet", "HEAD", "--", "src"]);
  const untracked = git(["ls-files", "--others", "--exclude-standard", "--", "src"]);
  return {
    date: new Date().toISOString(),
    commit: head.ok ? head.out : "unknown",
    dirty: !changed.ok || untracked.out.length > 0,
    machine: {
      cpuModel: cpuModel(),
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      loadAverage1m: Number((os.loadavg()[0] ?? 0).toFixed(2)),
    },
    node: process.version,
    python,
    command: ["node --import tsx", ...process.argv.slice(1).map((a, i) => (i === 0 ? a.slice(REPO.length) : a))].join(" "),
  };
}

/** One line for the Markdown report saying where it was measured. */
export function provenanceLine(p: Provenance): string {
  return (
    `Measured ${p.date.slice(0, 16).replace("T", " ")} UTC on ${p.machine.cpuModel} (${p.machine.cores} cores, ${p.machine.memoryGiB} GiB), ` +
    `Node ${p.node}, Python ${p.python.python}, Optuna ${p.python.optuna} (numpy ${p.python.numpy}), ` +
    `commit ${p.commit.slice(0, 10)}${p.dirty ? " + uncommitted changes in src/" : ""}; load average at start ${p.machine.loadAverage1m}.`
  );
}

/** Writes `bench/results/<name>.json` and `.md`; returns their paths. */
export function writeResults(name: string, json: unknown, markdown: string): { json: string; md: string } {
  mkdirSync(RESULTS, { recursive: true });
  const j = `${RESULTS}${name}.json`;
  const m = `${RESULTS}${name}.md`;
  writeFileSync(j, `${JSON.stringify(json, null, 1)}\n`);
  writeFileSync(m, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  return { json: j, md: m };
}

/** Parses `--flag`, `--key N` and `--key text` arguments against the allowed names. */
export function parseArgs(
  argv: readonly string[],
  allowed: Readonly<Record<string, "flag" | "number" | "string">>,
): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  const usage = Object.entries(allowed)
    .map(([k, v]) => (v === "flag" ? `--${k}` : v === "number" ? `--${k} N` : `--${k} TEXT`))
    .join(", ");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    const key = a.replace(/^--/, "");
    const kind = a.startsWith("--") ? allowed[key] : undefined;
    if (!kind) throw new Error(`unknown argument "${a}"; expected ${usage}`);
    if (kind === "flag") out[key] = true;
    else if (kind === "string") {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`--${key} needs a value`);
      out[key] = v;
    } else {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`--${key} needs a positive number, but got ${JSON.stringify(argv[i])}`);
      out[key] = v;
    }
  }
  return out;
}
