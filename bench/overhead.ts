/**
 * Sampler overhead, ours against Optuna 3.1: the time of ask + suggest + tell per trial with a
 * trivial objective (5 params: 2 uniform floats, 1 log float, 1 int, 1 categorical of 3), seed 0,
 * in memory and with SQLite, at 200, 1,000 and 10,000 trials. One run of each configuration;
 * the counts are prefixes of one long run (the same seed gives the same trials, so the first 200
 * of a 10,000-trial run are a 200-trial run).
 *
 * Optuna's TPE takes tens of minutes to reach 10,000 trials, so by default it runs in full up to
 * 1,000 trials and then for at most `--cap-seconds` (180) more; the 10,000 row then compares the
 * same window of trials on both sides (measured) and, separately, Optuna's extrapolated full cost
 * (marked †). `--full` runs Optuna to 10,000.
 *
 *   node --import tsx bench/overhead.ts [--quick] [--full] [--cap-seconds N] [--only LIST]
 *
 * `--only` runs just some configurations, as comma-separated sampler/storage pairs on both sides
 * (e.g. `--only tpe/memory` or `--only tpe/memory,tpe/sqlite`; storages: memory, sqlite,
 * sqlite-wal); its results go to overhead-only.* so a partial run never replaces the full table.
 *
 * Writes bench/results/overhead.json and overhead.md (overhead-quick.* with --quick).
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createStudy, type Sampler } from "../src/index.js";
import { ensureOptuna, parseArgs, provenance, provenanceLine, runPython, writeResults } from "./lib/env.js";
import { int, ms, ratio, table } from "./lib/format.js";
import { loadOurSamplers, type OurSamplerKind } from "./lib/samplers.js";
import { mean } from "./lib/stats.js";
import { evaluate, problem, suggestAll } from "./problems.js";

/** Where trials are stored. "sqlite-wal": Optuna's SQLite switched to WAL + synchronous=NORMAL, the settings ours uses (ours runs plain "sqlite" there). */
type Storage = "memory" | "sqlite" | "sqlite-wal";
type Side = "ours" | "optuna";
type SamplerKind = "tpe" | "random";

interface Run {
  readonly side: Side;
  readonly sampler: SamplerKind;
  readonly storage: Storage;
  /** Per-trial ask+tell time in ms (absent when the run could not happen). */
  readonly timesMs?: readonly number[];
  readonly stoppedBy?: "done" | "cap";
  readonly wallS?: number;
  readonly bestValue?: number;
  readonly error?: string;
}

const args = parseArgs(process.argv.slice(2), { quick: "flag", full: "flag", "cap-seconds": "number", only: "string" });
const quick = args["quick"] === true;
const full = args["full"] === true;
const CHECKPOINTS = quick ? [50, 200, 1000] : [200, 1000, 10000];
const N_MAX = CHECKPOINTS[CHECKPOINTS.length - 1] as number;
const OPTUNA_FULL_UP_TO = full ? N_MAX : (CHECKPOINTS[1] as number);
const CAP_S = typeof args["cap-seconds"] === "number" ? args["cap-seconds"] : quick ? 10 : 180;
/** Optuna configurations and how many seconds each may run past OPTUNA_FULL_UP_TO (Random's cost is flat, so less suffices; the WAL run is a check on where Optuna's SQLite time goes). */
const ALL_OPTUNA_CONFIGS: readonly { sampler: SamplerKind; storage: Storage; capS: number; fullUpTo?: number }[] = [
  { sampler: "tpe", storage: "memory", capS: CAP_S },
  { sampler: "tpe", storage: "sqlite", capS: CAP_S },
  { sampler: "tpe", storage: "sqlite-wal", capS: 0, fullUpTo: CHECKPOINTS[1] as number },
  { sampler: "random", storage: "memory", capS: Math.min(CAP_S, 30) },
  { sampler: "random", storage: "sqlite", capS: Math.min(CAP_S, 30) },
];
const ourStorage = (s: Storage): Storage => (s === "sqlite-wal" ? "sqlite" : s);
/** The `--only` selection: "sampler/storage" keys, or undefined for every configuration. */
const ONLY: ReadonlySet<string> | undefined = (() => {
  const v = args["only"];
  if (typeof v !== "string") return undefined;
  const keys = v.split(",").map((k) => k.trim()).filter((k) => k !== "");
  const known = ALL_OPTUNA_CONFIGS.map((c) => `${c.sampler}/${c.storage}`);
  const bad = keys.filter((k) => !known.includes(k));
  if (bad.length > 0 || keys.length === 0) throw new Error(`--only expects some of ${known.join(", ")} (comma-separated), but got ${JSON.stringify(v)}`);
  return new Set(keys);
})();
const OPTUNA_CONFIGS = ALL_OPTUNA_CONFIGS.filter((c) => ONLY === undefined || ONLY.has(`${c.sampler}/${c.storage}`));
/** Ours runs each (sampler, storage) the selected Optuna configurations need, once (the WAL row reuses ours on SQLite). */
const OUR_CONFIGS: readonly { sampler: SamplerKind; storage: Storage }[] = (
  [
    { sampler: "tpe", storage: "memory" },
    { sampler: "tpe", storage: "sqlite" },
    { sampler: "random", storage: "memory" },
    { sampler: "random", storage: "sqlite" },
  ] as const
).filter((o) => OPTUNA_CONFIGS.some((c) => c.sampler === o.sampler && ourStorage(c.storage) === o.storage));
const STORAGE_LABEL: Readonly<Record<Storage, string>> = { memory: "memory", sqlite: "SQLite", "sqlite-wal": "SQLite, Optuna in WAL mode ‡" };
const SEED = 0;
/** Untimed trials of a throwaway in-memory study before each timed run, on both sides (JIT, imports, first-call costs). */
const WARMUP = 200;
const PROBLEM = "overhead5";
const TARGETS: Readonly<Partial<Record<Storage, number>>> = { memory: 40, sqlite: 20 };
const TARGET_AT = CHECKPOINTS.slice(1);

const dbPath = (tag: string): string => join(tmpdir(), `ouroboros-bench-${process.pid}-${tag}.db`);
const removeDb = (p: string): void => {
  for (const s of ["", "-wal", "-shm", "-journal"]) rmSync(p + s, { force: true });
};

async function runOurs(kind: SamplerKind, storage: Storage, factory: ((seed: number) => Sampler) | undefined, why: string | undefined): Promise<Run> {
  if (!factory) return { side: "ours", sampler: kind, storage, error: why ?? "sampler missing" };
  const spec = problem(PROBLEM);
  const db = dbPath(`ours-${kind}`);
  removeDb(db);
  try {
    const warm = await createStudy({ sampler: factory(SEED + 1), direction: "minimize" });
    for (let i = 0; i < WARMUP; i++) {
      const trial = await warm.ask();
      await warm.tell(trial, evaluate(PROBLEM, suggestAll(trial, spec)));
    }
    const study = await createStudy({
      sampler: factory(SEED),
      direction: "minimize",
      studyName: "overhead",
      ...(storage === "sqlite" ? { storage: `sqlite:${db}` } : {}),
    });
    const times: number[] = [];
    const start = performance.now();
    for (let i = 0; i < N_MAX; i++) {
      const t0 = performance.now();
      const trial = await study.ask();
      const value = evaluate(PROBLEM, suggestAll(trial, spec));
      await study.tell(trial, value);
      times.push(performance.now() - t0);
    }
    const wallS = (performance.now() - start) / 1000;
    return { side: "ours", sampler: kind, storage, timesMs: times, stoppedBy: "done", wallS, bestValue: study.bestValue };
  } catch (e) {
    return { side: "ours", sampler: kind, storage, error: e instanceof Error ? e.message : String(e) };
  } finally {
    removeDb(db);
  }
}

async function runOptuna(kind: SamplerKind, storage: Storage, capS: number, fullUpTo: number): Promise<Run> {
  const db = dbPath(`optuna-${kind}`);
  removeDb(db);
  try {
    const r = await runPython<{ timesMs: number[]; stoppedBy: "done" | "cap"; wallS: number; bestValue: number }>({
      mode: "overhead",
      problem: PROBLEM,
      sampler: kind,
      seed: SEED,
      storage: storage === "memory" ? null : `sqlite:///${db}`,
      wal: storage === "sqlite-wal",
      storageLabel: storage,
      nTrials: N_MAX,
      fullUpTo,
      capSeconds: capS,
      warmup: WARMUP,
    });
    return { side: "optuna", sampler: kind, storage, ...r };
  } catch (e) {
    return { side: "optuna", sampler: kind, storage, error: e instanceof Error ? e.message : String(e) };
  } finally {
    removeDb(db);
  }
}

/** Mean per-trial time over trials [from, to) (0-based), or undefined if not all were run. */
function windowMean(r: Run, from: number, to: number): number | undefined {
  const t = r.timesMs;
  if (!t || t.length < to || from >= to) return undefined;
  return mean(t.slice(from, to));
}

/** Least-squares line through (i, t_i) for i in [from, to): per-trial cost as a function of the trial number. */
function linearFit(t: readonly number[], from: number, to: number): { a: number; b: number } {
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  const n = to - from;
  for (let i = from; i < to; i++) {
    const y = t[i] as number;
    sx += i;
    sy += y;
    sxx += i * i;
    sxy += i * y;
  }
  const b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return { a: (sy - b * sx) / n, b };
}

/** Optuna's cost at N_MAX trials estimated from its capped run: measured prefix plus a linear fit for the rest. */
function extrapolate(r: Run): { mean: number; last100: number; fitFrom: number; fitTo: number } | undefined {
  const t = r.timesMs;
  const fitFrom = Math.floor(OPTUNA_FULL_UP_TO / 2);
  const fitTo = t?.length ?? 0;
  // Too short a stretch gives a meaningless line: then there is no estimate.
  if (!t || fitTo >= N_MAX || fitTo - fitFrom < 300) return undefined;
  const fit = linearFit(t, fitFrom, fitTo);
  // A negative slope is noise (cost never falls as trials accumulate): then use the flat mean.
  const b = Math.max(0, fit.b);
  const a = fit.b >= 0 ? fit.a : mean(t.slice(fitFrom, fitTo));
  let total = 0;
  for (const x of t) total += x;
  // Sum of a + b·i for i in [fitTo, N_MAX).
  const k = N_MAX - fitTo;
  total += k * a + (b * (fitTo + N_MAX - 1) * k) / 2;
  return { mean: total / N_MAX, last100: a + b * (N_MAX - 50.5), fitFrom, fitTo };
}

interface Cost {
  readonly mean: number | undefined;
  readonly last100: number | undefined;
  readonly extrapolated?: boolean;
}

interface Row {
  readonly sampler: SamplerKind;
  readonly storage: Storage;
  readonly label: string;
  readonly window: readonly [number, number];
  readonly ours: Cost;
  readonly optuna: Cost;
  readonly ratioMean: number | undefined;
  readonly ratioLast100: number | undefined;
  readonly target: { readonly need: number; readonly met: boolean } | undefined;
}

function rowsFor(ours: Run, optuna: Run): Row[] {
  const rows: Row[] = [];
  const need = optuna.sampler === "tpe" ? TARGETS[optuna.storage] : undefined;
  const targetFor = (n: number, r: number | undefined): Row["target"] =>
    need !== undefined && TARGET_AT.includes(n) && r !== undefined ? { need, met: r >= need } : undefined;
  const nOptuna = optuna.timesMs?.length ?? 0;
  for (const n of CHECKPOINTS) {
    const o = { mean: windowMean(ours, 0, n), last100: windowMean(ours, n - 100, n) };
    if (nOptuna >= n || !optuna.timesMs) {
      const p = { mean: windowMean(optuna, 0, n), last100: windowMean(optuna, n - 100, n) };
      const rm = p.mean !== undefined && o.mean !== undefined ? p.mean / o.mean : undefined;
      const rl = p.last100 !== undefined && o.last100 !== undefined ? p.last100 / o.last100 : undefined;
      const target = targetFor(n, rm !== undefined && rl !== undefined ? Math.min(rm, rl) : undefined);
      rows.push({ sampler: optuna.sampler, storage: optuna.storage, label: int(n), window: [0, n], ours: o, optuna: p, ratioMean: rm, ratioLast100: rl, target });
      continue;
    }
    // Optuna stopped early: compare the same window, measured on both sides...
    const from = OPTUNA_FULL_UP_TO;
    if (nOptuna > from + 100) {
      const ow = { mean: windowMean(ours, from, nOptuna), last100: windowMean(ours, nOptuna - 100, nOptuna) };
      const pw = { mean: windowMean(optuna, from, nOptuna), last100: windowMean(optuna, nOptuna - 100, nOptuna) };
      const rm = pw.mean !== undefined && ow.mean !== undefined ? pw.mean / ow.mean : undefined;
      const rl = pw.last100 !== undefined && ow.last100 !== undefined ? pw.last100 / ow.last100 : undefined;
      const target = targetFor(n, rm !== undefined && rl !== undefined ? Math.min(rm, rl) : undefined);
      rows.push({
        sampler: optuna.sampler,
        storage: optuna.storage,
        label: `trials ${int(from)}→${int(nOptuna)} (Optuna's capped window; last 100 = before ${int(nOptuna)})`,
        window: [from, nOptuna],
        ours: ow,
        optuna: pw,
        ratioMean: rm,
        ratioLast100: rl,
        target,
      });
    }
    // ...and ours at the full count against Optuna extrapolated (not for the WAL check, which stops at OPTUNA_FULL_UP_TO).
    if (optuna.storage === "sqlite-wal") continue;
    const x = extrapolate(optuna);
    rows.push({
      sampler: optuna.sampler,
      storage: optuna.storage,
      label: `${int(n)} (Optuna extrapolated †)`,
      window: [0, n],
      ours: o,
      optuna: x ? { mean: x.mean, last100: x.last100, extrapolated: true } : { mean: undefined, last100: undefined },
      ratioMean: x && o.mean ? x.mean / o.mean : undefined,
      ratioLast100: x && o.last100 ? x.last100 / o.last100 : undefined,
      target: undefined,
    });
  }
  return rows;
}

async function main(): Promise<void> {
  ensureOptuna();
  const prov = await provenance();
  const { factories, missing } = await loadOurSamplers();
  for (const [k, why] of Object.entries(missing)) process.stderr.write(`warning: our ${k} sampler is missing: ${why}\n`);
  process.stderr.write(
    `overhead: ${CHECKPOINTS.join("/")} trials, seed ${SEED}; Optuna in full to ${int(OPTUNA_FULL_UP_TO)} trials, then at most ${CAP_S} s more\n`,
  );

  const runs: Run[] = [];
  for (const c of OUR_CONFIGS) {
    const kind: OurSamplerKind = c.sampler;
    process.stderr.write(`ours ${c.sampler}/${c.storage}: ${int(N_MAX)} trials...\n`);
    const r = await runOurs(c.sampler, c.storage, factories[kind], missing[kind]);
    process.stderr.write(r.error ? `  failed: ${r.error}\n` : `  ${r.wallS?.toFixed(1)} s\n`);
    runs.push(r);
  }
  for (const c of OPTUNA_CONFIGS) {
    process.stderr.write(`optuna ${c.sampler}/${c.storage}: up to ${int(N_MAX)} trials (past ${int(c.fullUpTo ?? OPTUNA_FULL_UP_TO)} for at most ${c.capS} s)...\n`);
    const r = await runOptuna(c.sampler, c.storage, c.capS, c.fullUpTo ?? OPTUNA_FULL_UP_TO);
    process.stderr.write(r.error ? `  failed: ${r.error}\n` : `  ${int(r.timesMs?.length ?? 0)} trials in ${r.wallS?.toFixed(1)} s${r.stoppedBy === "cap" ? " (capped)" : ""}\n`);
    runs.push(r);
  }

  const find = (side: Side, sampler: SamplerKind, storage: Storage): Run =>
    runs.find((r) => r.side === side && r.sampler === sampler && r.storage === storage) as Run;
  const rows = OPTUNA_CONFIGS.flatMap((c) => rowsFor(find("ours", c.sampler, ourStorage(c.storage)), find("optuna", c.sampler, c.storage)));

  const md: string[] = [];
  const partial = ONLY !== undefined ? ` (--only ${[...ONLY].join(",")})` : "";
  md.push(`### Sampler overhead: ours vs Optuna ${prov.python.optuna}${quick ? " (--quick smoke run)" : ""}${partial}`);
  md.push("");
  md.push(
    `Milliseconds per trial for ask + 5 suggests + tell with a trivial objective (2 uniform floats, 1 log float, 1 int, 1 categorical of 3), ` +
      `default sampler options, seed ${SEED}, one run each after an untimed ${WARMUP}-trial warm-up study on each side; "last 100" is the mean over the 100 trials before the count. ` +
      `Ratio = Optuna ms / ours ms (higher is better for us). SQLite: ours \`sqlite:\` storage (better-sqlite3), Optuna \`sqlite:///\` RDBStorage.`,
  );
  md.push("");
  md.push(
    table(
      ["sampler", "storage", "trials", "ours mean", "ours last 100", "Optuna mean", "Optuna last 100", "ratio mean", "ratio last 100", "target"],
      rows.map((r) => [
        r.sampler === "tpe" ? "TPE" : "Random",
        STORAGE_LABEL[r.storage],
        r.label,
        ms(r.ours.mean),
        ms(r.ours.last100),
        `${r.optuna.extrapolated ? "~" : ""}${ms(r.optuna.mean)}${r.optuna.extrapolated && r.optuna.mean !== undefined ? " †" : ""}`,
        `${r.optuna.extrapolated ? "~" : ""}${ms(r.optuna.last100)}${r.optuna.extrapolated && r.optuna.last100 !== undefined ? " †" : ""}`,
        `${r.optuna.extrapolated && r.ratioMean !== undefined ? "~" : ""}${ratio(r.ratioMean)}`,
        `${r.optuna.extrapolated && r.ratioLast100 !== undefined ? "~" : ""}${ratio(r.ratioLast100)}`,
        r.target ? `≥${r.target.need}× ${r.target.met ? "✓" : "✗"}` : "",
      ]),
    ),
  );
  md.push("");
  const short = runs.filter((r) => r.side === "optuna" && (r.timesMs?.length ?? N_MAX) < N_MAX);
  if (short.length > 0) {
    md.push(
      `Optuna ran in full to ${int(OPTUNA_FULL_UP_TO)} trials and then only for a capped time (${short
        .map((r) => `${r.sampler}/${STORAGE_LABEL[r.storage]}: ${int(r.timesMs?.length ?? 0)} trials${r.storage === "sqlite-wal" ? " (by design)" : ""}`)
        .join("; ")}; TPE cap ${CAP_S} s). The "capped window" rows compare both sides on exactly those trials, measured. ` +
        `† = Optuna's cost at ${int(N_MAX)} trials extrapolated: its measured trials plus a least-squares line through its per-trial times from trial ${int(Math.floor(OPTUNA_FULL_UP_TO / 2))} on ` +
        `(Optuna's TPE cost grows about linearly with the number of trials); run with \`--full\` to measure it (tens of minutes). ` +
        `Targets at ${int(N_MAX)} are judged on the measured window. A target needs both ratios (mean and last 100) at or above it.`,
    );
    md.push("");
  }
  if (OPTUNA_CONFIGS.some((c) => c.storage === "sqlite-wal")) {
    md.push(
      `‡ Ours always runs SQLite in WAL mode with synchronous=NORMAL; Optuna's default is a rollback journal with synchronous=FULL. ` +
        `This row switches Optuna to WAL/NORMAL to show how much of its SQLite cost is fsync rather than its own work; the target is judged against Optuna's defaults.`,
    );
    md.push("");
  }
  const failed = runs.filter((r) => r.error);
  for (const r of failed) md.push(`- ${r.side} ${r.sampler}/${r.storage} did not run: ${r.error?.split("\n")[0]}`);
  if (failed.length > 0) md.push("");
  md.push(provenanceLine(prov));
  const markdown = md.join("\n");

  const blockMeans = (t: readonly number[] | undefined): number[] | undefined => {
    if (!t) return undefined;
    const out: number[] = [];
    for (let i = 0; i < t.length; i += 100) out.push(Number(mean(t.slice(i, i + 100)).toFixed(5)));
    return out;
  };
  const json = {
    benchmark: "overhead",
    provenance: prov,
    settings: { checkpoints: CHECKPOINTS, seed: SEED, warmupTrials: WARMUP, problem: PROBLEM, optunaFullUpTo: OPTUNA_FULL_UP_TO, capSeconds: CAP_S, quick, full, only: ONLY ? [...ONLY] : null, targets: TARGETS },
    rows,
    runs: runs.map((r) => ({
      side: r.side,
      sampler: r.sampler,
      storage: r.storage,
      trials: r.timesMs?.length ?? 0,
      stoppedBy: r.stoppedBy,
      wallS: r.wallS,
      bestValue: r.bestValue,
      error: r.error,
      meanMsPer100Trials: blockMeans(r.timesMs),
      extrapolated: r.side === "optuna" ? extrapolate(r) : undefined,
    })),
  };
  const paths = writeResults(`overhead${quick ? "-quick" : ""}${ONLY ? "-only" : ""}`, json, markdown);
  process.stdout.write(`${markdown}\n\nwrote ${paths.json} and ${paths.md}\n`);
}

await main();
