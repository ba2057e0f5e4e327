/**
 * Sample efficiency, ours against Optuna 3.1: final regret (best value found − known optimum)
 * after 100 and 300 trials, over ≥ 20 seeds, on the problems of `problems.json` (Branin, Hartmann-6,
 * Rosenbrock-5D, Ackley-5D, Levy-10D, Styblinski-Tang-8D, a mixed int/categorical problem and a
 * conditional space). Our TPE (default options, and multivariate) against Optuna's TPESampler
 * (default, and multivariate=True), with our RandomSampler as a reference.
 *
 * Before any run, both languages evaluate every problem at fixed points and must agree to 1e-9.
 * The Optuna side runs one subprocess per (sampler, problem) with all seeds in it; ours runs in
 * this process at the same time, so the two sides use both cores.
 *
 *   node --import tsx bench/efficiency.ts [--seeds 20] [--quick] [--problems branin,levy10] [--verbose]
 *                                         [--tpe-options JSON] [--reuse-optuna]
 *
 * Writes bench/results/efficiency.json and efficiency.md (efficiency-quick.* with --quick). For
 * work on our TPE: `--tpe-options '{"widthWeightedKernels":true}'` adds options to both of our TPE
 * rows (results go to efficiency-variant.*), and `--reuse-optuna` takes Optuna's runs from the last
 * efficiency.json instead of rerunning them (seeded, they are deterministic; ours alone takes about
 * a minute). A run with `--problems` (other than all eight) or a non-default `--seeds` is partial
 * and writes `*-partial.*` (e.g. efficiency-partial.json), leaving the full result alone.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createStudy, type Sampler } from "../src/index.js";
import { ensureOptuna, parseArgs, provenance, provenanceLine, runPython, writeResults } from "./lib/env.js";
import { int, pValue, ratio, regret, table } from "./lib/format.js";
import { loadOurSamplers, SAMPLER_LABELS, type OurSamplerKind } from "./lib/samplers.js";
import { mannWhitneyLess, median, quantile } from "./lib/stats.js";
import { checkPoints, evaluate, PROBLEMS, problem, suggestAll, type Params } from "./problems.js";

const args = parseArgs(process.argv.slice(2), {
  seeds: "number",
  quick: "flag",
  problems: "string",
  verbose: "flag",
  "tpe-options": "string",
  "reuse-optuna": "flag",
});
const quick = args["quick"] === true;
const verbose = args["verbose"] === true;
const N_SEEDS = typeof args["seeds"] === "number" ? Math.floor(args["seeds"]) : quick ? 3 : 20;
const BUDGETS = quick ? [50, 100] : [100, 300];
const N_TRIALS = BUDGETS[BUDGETS.length - 1] as number;
const CHECKPOINTS = quick ? [10, 25, 50, 75, 100] : [10, 25, 50, 100, 150, 200, 250, 300];
const ALL_PROBLEMS = ["branin", "hartmann6", "rosenbrock5", "ackley5", "levy10", "styblinski8", "mixed", "conditional"];
const PROBLEM_NAMES = typeof args["problems"] === "string" ? args["problems"].split(",").map((s) => s.trim()) : ALL_PROBLEMS;
for (const p of PROBLEM_NAMES) problem(p); // fails early on a typo
const SEEDS = Array.from({ length: N_SEEDS }, (_, i) => i);
const CHECK_TOLERANCE = 1e-9;
/** Extra options for both of our TPE variants (an A/B run), e.g. '{"widthWeightedKernels":true}'. */
const TPE_OPTIONS: Record<string, unknown> = typeof args["tpe-options"] === "string" ? parseOptions(args["tpe-options"]) : {};
const REUSE_OPTUNA = args["reuse-optuna"] === true;
/**
 * A run on some of the problems or with other seeds than the default is partial: it writes
 * `*-partial.*`, so it never replaces the full result that `--reuse-optuna` reads.
 */
const PARTIAL = PROBLEM_NAMES.length !== ALL_PROBLEMS.length || ALL_PROBLEMS.some((p) => !PROBLEM_NAMES.includes(p)) || N_SEEDS !== (quick ? 3 : 20);
const BASE_NAME = quick ? "efficiency-quick" : "efficiency";
// Optuna's seeded runs are deterministic, so a run reusing them is still a full result; extra TPE options make a variant.
const RESULT_NAME = `${Object.keys(TPE_OPTIONS).length > 0 ? `${BASE_NAME}-variant` : BASE_NAME}${PARTIAL ? "-partial" : ""}`;

function parseOptions(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`--tpe-options must be a JSON object, e.g. '{"widthWeightedKernels":true}', but got ${text} (${String(e)})`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`--tpe-options must be a JSON object, but got ${text}`);
  return v as Record<string, unknown>;
}

/**
 * Optuna's runs from the last full result (`--reuse-optuna`), so a change to our TPE can be
 * checked in minutes. The seeds, budgets, checkpoints and Optuna version must match.
 */
function reusedOptunaJobs(optunaVersion: string): { jobs: Job[]; from: string } {
  const file = new URL(`./results/${BASE_NAME}.json`, import.meta.url);
  let old: {
    provenance: { date: string; python: { optuna: string } };
    settings: { seeds: number[]; nTrials: number; checkpoints: number[]; optunaReusedFrom?: string };
    runs: { side: Side; sampler: Kind; problem: string; wallS?: number; runs?: SeedRun[] }[];
  };
  try {
    old = JSON.parse(readFileSync(file, "utf8")) as typeof old;
  } catch (e) {
    throw new Error(`--reuse-optuna needs ${fileURLToPath(file)} from an earlier run without it (${String(e)})`);
  }
  const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(old.settings.seeds, SEEDS) || old.settings.nTrials !== N_TRIALS || !same(old.settings.checkpoints, CHECKPOINTS)) {
    throw new Error(`--reuse-optuna: ${fileURLToPath(file)} used other seeds, trials or checkpoints; run without --reuse-optuna`);
  }
  if (old.provenance.python.optuna !== optunaVersion) {
    throw new Error(`--reuse-optuna: ${fileURLToPath(file)} was measured with Optuna ${old.provenance.python.optuna}, this machine has ${optunaVersion}`);
  }
  const jobs: Job[] = [];
  for (const sampler of ["tpe", "tpe-mv"] as const) {
    for (const name of PROBLEM_NAMES) {
      const r = old.runs.find((j) => j.side === "optuna" && j.sampler === sampler && j.problem === name);
      if (!r?.runs) throw new Error(`--reuse-optuna: ${fileURLToPath(file)} has no Optuna ${sampler} runs on ${name}`);
      jobs.push({ side: "optuna", sampler, problem: name, runs: r.runs, ...(r.wallS !== undefined ? { wallS: r.wallS } : {}) });
    }
  }
  // Chained reuse keeps pointing at the run that measured Optuna.
  return { jobs, from: old.settings.optunaReusedFrom ?? `the run of ${old.provenance.date.slice(0, 16).replace("T", " ")} UTC (bench/results/${BASE_NAME}.json)` };
}

type Side = "ours" | "optuna";
type Kind = OurSamplerKind;

interface SeedRun {
  readonly seed: number;
  /** Best value after k trials, for each checkpoint k (as a string key, as JSON has it). */
  readonly bestAt: Readonly<Record<string, number>>;
  readonly wallS: number;
}

interface Job {
  readonly side: Side;
  readonly sampler: Kind;
  readonly problem: string;
  runs?: SeedRun[];
  wallS?: number;
  error?: string;
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= CHECK_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));

/** Both languages evaluate every problem at fixed points (the minimiser included) and must agree; the minimiser must give the optimum. */
async function crossCheck(): Promise<{ points: number; maxAbsDiff: number }> {
  const points: { problem: string; params: Params }[] = [];
  for (const name of Object.keys(PROBLEMS)) for (const params of checkPoints(name)) points.push({ problem: name, params });
  const py = await runPython<{ values: number[] }>({ mode: "check", points }, { quiet: true });
  let maxAbsDiff = 0;
  const errors: string[] = [];
  points.forEach((p, i) => {
    const ts = evaluate(p.problem, p.params);
    const pv = py.values[i] as number;
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ts - pv));
    if (!close(ts, pv)) errors.push(`${p.problem} at ${JSON.stringify(p.params)}: TypeScript ${ts}, Python ${pv}`);
  });
  for (const name of Object.keys(PROBLEMS)) {
    const spec = problem(name);
    const atMin = evaluate(name, spec.argmin);
    if (!close(atMin, spec.optimum)) errors.push(`${name}: f(argmin) = ${atMin}, but the stated optimum is ${spec.optimum}`);
  }
  if (errors.length > 0) throw new Error(`problems.ts and problems.py disagree:\n  ${errors.join("\n  ")}`);
  return { points: points.length, maxAbsDiff };
}

async function runOursJob(job: Job, factory: (seed: number) => Sampler): Promise<void> {
  const spec = problem(job.problem);
  const runs: SeedRun[] = [];
  const t0 = performance.now();
  for (const seed of SEEDS) {
    const start = performance.now();
    const study = await createStudy({ sampler: factory(seed), direction: "minimize" });
    let best = Infinity;
    const bestAt: Record<string, number> = {};
    for (let i = 1; i <= N_TRIALS; i++) {
      const trial = await study.ask();
      const value = evaluate(job.problem, suggestAll(trial, spec));
      await study.tell(trial, value);
      if (value < best) best = value;
      if (CHECKPOINTS.includes(i)) bestAt[String(i)] = best;
    }
    runs.push({ seed, bestAt, wallS: (performance.now() - start) / 1000 });
    if (verbose) process.stderr.write(`  ours ${job.sampler} ${job.problem} seed ${seed}: best ${best.toPrecision(6)}\n`);
    // Let the event loop start the next Optuna subprocess while we run.
    await new Promise<void>((r) => setImmediate(r));
  }
  job.runs = runs;
  job.wallS = (performance.now() - t0) / 1000;
}

async function runOptunaJob(job: Job): Promise<void> {
  const t0 = performance.now();
  const r = await runPython<{ runs: SeedRun[] }>(
    { mode: "efficiency", sampler: job.sampler, problem: job.problem, seeds: SEEDS, nTrials: N_TRIALS, checkpoints: CHECKPOINTS },
    { quiet: !verbose },
  );
  job.runs = r.runs;
  job.wallS = (performance.now() - t0) / 1000;
}

const report = (job: Job): void => {
  const per = job.runs && job.runs.length > 0 ? median(job.runs.map((r) => r.wallS)) : NaN;
  process.stderr.write(
    job.error
      ? `${job.side} ${job.sampler} ${job.problem}: FAILED ${job.error.split("\n")[0]}\n`
      : `${job.side} ${job.sampler} ${job.problem}: ${N_SEEDS} seeds in ${job.wallS?.toFixed(1)} s (median ${per.toFixed(2)} s per run)\n`,
  );
};

/** Runs our jobs in this process and Optuna's as subprocesses at the same time: one Optuna process while ours run, two after. */
async function runAll(ours: Job[], optuna: Job[], factories: Partial<Record<Kind, (seed: number) => Sampler>>): Promise<void> {
  let oursDone = false;
  const queue = [...optuna];
  let active = 0;
  let wake: (() => void) | undefined;
  const optunaLane = (async () => {
    const running = new Set<Promise<void>>();
    while (queue.length > 0 || running.size > 0) {
      const limit = oursDone ? 2 : 1;
      while (queue.length > 0 && active < limit) {
        const job = queue.shift() as Job;
        active++;
        const p: Promise<void> = runOptunaJob(job)
          .catch((e: unknown) => {
            job.error = e instanceof Error ? e.message : String(e);
          })
          .finally(() => {
            active--;
            running.delete(p);
            report(job);
          });
        running.add(p);
      }
      // Wait for a job to finish or for our lane to free a core.
      await Promise.race([...running, new Promise<void>((r) => (wake = r))]);
    }
  })();
  for (const job of ours) {
    const factory = factories[job.sampler];
    if (!factory) continue;
    try {
      await runOursJob(job, factory);
    } catch (e) {
      job.error = e instanceof Error ? e.message : String(e);
    }
    report(job);
  }
  oursDone = true;
  wake?.();
  await optunaLane;
}

interface Cell {
  readonly regrets: readonly number[];
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
}

function cell(jobs: readonly Job[], side: Side, sampler: Kind, name: string, budget: number): Cell | undefined {
  const job = jobs.find((j) => j.side === side && j.sampler === sampler && j.problem === name);
  if (!job?.runs || job.runs.length === 0) return undefined;
  const opt = problem(name).optimum;
  const regrets = job.runs.map((r) => (r.bestAt[String(budget)] as number) - opt);
  return { regrets, median: median(regrets), q1: quantile(regrets, 0.25), q3: quantile(regrets, 0.75) };
}

const fmtCell = (c: Cell | undefined): string => (c ? `${regret(c.median)} [${regret(c.q1)}, ${regret(c.q3)}]` : "—");

interface Comparison {
  readonly problem: string;
  readonly budget: number;
  readonly pair: "default" | "multivariate";
  readonly ours: Cell | undefined;
  readonly optuna: Cell | undefined;
  readonly random: Cell | undefined;
  readonly ratio: number | undefined;
  /** One-sided Mann–Whitney p-value of "ours has lower regret". */
  readonly pOursBetter: number | undefined;
  /** One-sided Mann–Whitney p-value of "Optuna has lower regret". */
  readonly pOptunaBetter: number | undefined;
  readonly oursMedianAtMostOptuna: boolean | undefined;
}

function compare(jobs: readonly Job[], name: string, budget: number, pair: "default" | "multivariate"): Comparison {
  const kind: Kind = pair === "default" ? "tpe" : "tpe-mv";
  const ours = cell(jobs, "ours", kind, name, budget);
  const optuna = cell(jobs, "optuna", kind, name, budget);
  const random = cell(jobs, "ours", "random", name, budget);
  const both = ours && optuna;
  // Regrets within 1e-12 of each other count as ties (both at the optimum up to rounding).
  const r = both ? (optuna.median === 0 ? (ours.median === 0 ? 1 : Infinity) : ours.median / optuna.median) : undefined;
  return {
    problem: name,
    budget,
    pair,
    ours,
    optuna,
    random,
    ratio: r,
    pOursBetter: both ? mannWhitneyLess(ours.regrets, optuna.regrets) : undefined,
    pOptunaBetter: both ? mannWhitneyLess(optuna.regrets, ours.regrets) : undefined,
    oursMedianAtMostOptuna: both ? ours.median <= optuna.median + 1e-12 : undefined,
  };
}

function verdict(c: Comparison): string {
  if (c.oursMedianAtMostOptuna === undefined) return "";
  if (c.oursMedianAtMostOptuna) return "✓";
  return (c.pOptunaBetter ?? 1) < 0.05 ? "✗" : "✗ (n.s.)";
}

async function main(): Promise<void> {
  const started = performance.now();
  ensureOptuna();
  const prov = await provenance();
  const check = await crossCheck();
  process.stderr.write(
    `cross-check: ${check.points} points on ${Object.keys(PROBLEMS).length} problems agree between TypeScript and Python (max |diff| ${check.maxAbsDiff.toExponential(1)})\n`,
  );
  const { factories, missing } = await loadOurSamplers(TPE_OPTIONS);
  for (const [k, why] of Object.entries(missing)) process.stderr.write(`warning: our ${k} sampler is missing: ${why}\n`);
  process.stderr.write(`efficiency: ${PROBLEM_NAMES.length} problems × ${N_SEEDS} seeds × ${N_TRIALS} trials\n`);

  const dims = (name: string): number => problem(name).params.length;
  const ours: Job[] = [];
  for (const name of PROBLEM_NAMES) for (const sampler of ["tpe", "tpe-mv", "random"] as const) ours.push({ side: "ours", sampler, problem: name });
  const reused = REUSE_OPTUNA ? reusedOptunaJobs(prov.python.optuna) : undefined;
  const optuna: Job[] = reused ? reused.jobs : [];
  if (!reused) {
    for (const sampler of ["tpe", "tpe-mv"] as const) for (const name of PROBLEM_NAMES) optuna.push({ side: "optuna", sampler, problem: name });
    optuna.sort((a, b) => dims(b.problem) - dims(a.problem)); // longest first, so the two lanes end together
  }
  for (const [k, why] of Object.entries(missing)) {
    for (const j of ours) if (j.sampler === k) j.error = why;
  }
  await runAll(ours, reused ? [] : optuna, factories);
  const jobs = [...ours, ...optuna];

  const comparisons: Comparison[] = [];
  for (const pair of ["default", "multivariate"] as const) {
    for (const name of PROBLEM_NAMES) for (const budget of BUDGETS) comparisons.push(compare(jobs, name, budget, pair));
  }

  const md: string[] = [];
  md.push(`### Sample efficiency: ours vs Optuna ${prov.python.optuna} TPE${quick ? " (--quick smoke run)" : ""}`);
  md.push("");
  md.push(
    `Regret = best value found − known optimum (lower is better): median [first quartile, third quartile] over ${N_SEEDS} seeds (0–${N_SEEDS - 1}), ` +
      `after ${BUDGETS.map(int).join(" and ")} trials. Ratio = our median / Optuna's (below 1 is better for us). ` +
      `p = one-sided Mann–Whitney U test (normal approximation, tie-corrected) that ours is lower / that Optuna's is lower. ` +
      `✓ = our median ≤ Optuna's; ✗ = higher and significant (p < 0.05); ✗ (n.s.) = higher, not significant. Random = our RandomSampler, for reference.`,
  );
  if (Object.keys(TPE_OPTIONS).length > 0) {
    md.push("");
    md.push(`**Variant run:** both of our TPE rows use the extra options \`${JSON.stringify(TPE_OPTIONS)}\`.`);
  }
  if (reused) {
    md.push("");
    md.push(`**Optuna's runs were reused** from ${reused.from} (seeded Optuna runs are deterministic), not rerun.`);
  }
  for (const pair of ["default", "multivariate"] as const) {
    md.push("");
    md.push(
      pair === "default"
        ? "**TPE with default options** (ours `new TPESampler({ seed })`, Optuna `TPESampler(seed=seed)`)"
        : "**Multivariate TPE** (ours `new TPESampler({ seed, multivariate: true })`, Optuna `TPESampler(seed=seed, multivariate=True)`)",
    );
    md.push("");
    md.push(
      table(
        ["problem", "trials", "ours", "Optuna", "ours/Optuna", "p (ours lower)", "p (Optuna lower)", "", "Random"],
        comparisons
          .filter((c) => c.pair === pair)
          .map((c) => [
            problem(c.problem).title,
            int(c.budget),
            fmtCell(c.ours),
            fmtCell(c.optuna),
            ratio(c.ratio),
            pValue(c.pOursBetter),
            pValue(c.pOptunaBetter),
            verdict(c),
            fmtCell(c.random),
          ]),
      ),
    );
    const rows = comparisons.filter((c) => c.pair === pair && c.oursMedianAtMostOptuna !== undefined);
    const wins = rows.filter((c) => c.oursMedianAtMostOptuna).length;
    const sigWorse = rows.filter((c) => (c.pOptunaBetter ?? 1) < 0.05).length;
    const sigBetter = rows.filter((c) => (c.pOursBetter ?? 1) < 0.05).length;
    md.push("");
    md.push(`Ours ≤ Optuna (median) in ${wins} of ${rows.length} rows; significantly better in ${sigBetter}, significantly worse in ${sigWorse} (p < 0.05, not corrected for multiple comparisons).`);
  }
  md.push("");
  md.push("Domains: " + PROBLEM_NAMES.map((n) => `${problem(n).title}: ${problem(n).domain ?? ""}`).join("; ") + ".");
  md.push("");
  const wall = (side: Side): string => {
    const js = jobs.filter((j) => j.side === side && j.runs && (j.sampler === "tpe" || j.sampler === "tpe-mv"));
    const per = js.flatMap((j) => j.runs?.map((r) => r.wallS) ?? []);
    return per.length > 0 ? `${median(per).toFixed(2)} s` : "—";
  };
  md.push(
    `Wall time per ${int(N_TRIALS)}-trial TPE run (median over all problems and both TPE variants; ${reused ? "Optuna's from the reused run, where the two sides ran side by side" : "the two sides ran side by side on the 2 cores"}): ours ${wall("ours")}, Optuna ${wall("optuna")}. ` +
      `Both languages' problem definitions agreed on ${check.points} fixed points to ${CHECK_TOLERANCE} before the runs. Total bench time ${((performance.now() - started) / 60000).toFixed(1)} min.`,
  );
  const failed = jobs.filter((j) => j.error);
  if (failed.length > 0) {
    md.push("");
    for (const j of failed) md.push(`- ${j.side} ${SAMPLER_LABELS[j.sampler]} on ${j.problem} did not run: ${j.error?.split("\n")[0]}`);
  }
  md.push("");
  md.push(provenanceLine(prov));
  const markdown = md.join("\n");

  const json = {
    benchmark: "efficiency",
    provenance: prov,
    settings: {
      seeds: SEEDS,
      budgets: BUDGETS,
      nTrials: N_TRIALS,
      checkpoints: CHECKPOINTS,
      problems: PROBLEM_NAMES,
      quick,
      crossCheck: check,
      tpeOptions: TPE_OPTIONS,
      optunaReusedFrom: reused?.from,
    },
    comparisons: comparisons.map((c) => ({
      problem: c.problem,
      budget: c.budget,
      pair: c.pair,
      ours: c.ours && { median: c.ours.median, q1: c.ours.q1, q3: c.ours.q3 },
      optuna: c.optuna && { median: c.optuna.median, q1: c.optuna.q1, q3: c.optuna.q3 },
      random: c.random && { median: c.random.median, q1: c.random.q1, q3: c.random.q3 },
      ratio: c.ratio,
      pOursBetter: c.pOursBetter,
      pOptunaBetter: c.pOptunaBetter,
      oursMedianAtMostOptuna: c.oursMedianAtMostOptuna,
    })),
    runs: jobs.map((j) => ({ side: j.side, sampler: j.sampler, problem: j.problem, optimum: problem(j.problem).optimum, wallS: j.wallS, error: j.error, runs: j.runs })),
  };
  const paths = writeResults(RESULT_NAME, json, markdown);
  process.stdout.write(`${markdown}\n\nwrote ${paths.json} and ${paths.md}\n`);
}

await main();
