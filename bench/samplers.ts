/**
 * The samplers benchmark of issue 5, ours against Optuna 3.1 (Debian's python3-optuna, CMA-ES on
 * Debian's python3-cmaes), ≥ 20 seeds:
 *
 * - GP-BO against the better of Optuna's TPE and CMA-ES on the low-dimensional continuous
 *   functions (Branin, Hartmann-6, Rosenbrock-5D, Ackley-5D) at 50 and 100 trials, and GP-BO's
 *   sampler time per trial at 50/100/300 trials;
 * - our CMA-ES against Optuna's `CmaEsSampler` on the 5–10-D functions at 300 trials, with the
 *   ratio of sampler time per trial (target ≤ 1/10);
 * - our NSGA-II against Optuna's `NSGAIISampler` on ZDT1, ZDT2 and DTLZ2 (3 objectives):
 *   hypervolume at equal trials, both sides scored by our exact `hypervolume`;
 * - the portfolio against each single sampler (never worse than the worst, within noise of the best);
 * - multi-fidelity: BOHB + Hyperband against TPE + Hyperband, Random + Hyperband and plain TPE
 *   and Random, at equal total resource (steps);
 * - an overview of every sampler's regret at 50, 100 and 300 trials.
 *
 * Before any run, both languages evaluate every problem used at fixed points and must agree to
 * 1e-9. Jobs (one sampler on one problem, all seeds) run as child processes, two at a time, longest
 * first: ours in `samplers/worker.ts`, Optuna's in `samplers/optuna_samplers.py`.
 *
 *   npm run bench:samplers -- [--quick] [--seeds N] [--cmaes-only] [--reuse-optuna] [--rerun-optuna-tpe] [--verbose]
 *
 * `--cmaes-only` runs just the CMA-ES comparison (both sides' CMA-ES and RandomSampler on the
 * 5–10-D functions) and writes only its section, to `results/samplers-cmaes[-seedsN].{json,md}`.
 * Optuna's TPE runs on these problems are deterministic given the seed, and `bench:efficiency`
 * already measured them with the same seeds: they are read from `results/efficiency.json` unless
 * `--rerun-optuna-tpe`. `--reuse-optuna` takes all Optuna runs from the last `samplers.json`.
 * Writes `results/samplers.{json,md}` (`samplers-quick.*` with `--quick`, `samplers-seedsN.*` with
 * other seeds).
 */
import { readFileSync, existsSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { ensureOptuna, parseArgs, provenance, provenanceLine, writeResults } from "./lib/env.js";
import { ensurePythonModules } from "./lib/python.js";
import { int } from "./lib/format.js";
import { checkPoints, evaluate, evaluateFidelity, evaluateMulti, mfProblem, moProblem, problem, spreadPoints, type Params } from "./problems.js";
import { labelOf, ourSampler } from "./samplers/catalog.js";
import { FIDELITY_CONFIGS, jobsOf, makePlan, type Job } from "./samplers/plan.js";
import { cmaesSection, fidelityLeaders, fidelitySection, gpSection, gpTimeTable, nsgaSection, overviewTable, portfolioSection, type JobResult } from "./samplers/report.js";
import { hypervolumeAt, summariseTimes, type FidelityRun, type MultiRun, type SingleRun } from "./samplers/runs.js";
import { runJob, type Side } from "./samplers/subprocess.js";

const args = parseArgs(process.argv.slice(2), { seeds: "number", quick: "flag", "cmaes-only": "flag", "reuse-optuna": "flag", "rerun-optuna-tpe": "flag", verbose: "flag" });
const quick = args["quick"] === true;
const verbose = args["verbose"] === true;
const cmaesOnly = args["cmaes-only"] === true;
const plan = makePlan(quick, typeof args["seeds"] === "number" ? Math.floor(args["seeds"]) : undefined);
const DEFAULT_SEEDS = quick ? 3 : 20;
const RESULT_BASE = cmaesOnly ? "samplers-cmaes" : "samplers";
const RESULT_NAME = quick ? `${RESULT_BASE}-quick` : plan.seeds.length === DEFAULT_SEEDS ? RESULT_BASE : `${RESULT_BASE}-seeds${plan.seeds.length}`;
/** The jobs of the CMA-ES comparison: both sides' CMA-ES and Random (the study's own cost) on the 5–10-D functions. */
const isCmaesJob = (j: Job): boolean => j.mode === "single" && plan.midDim.includes(j.problem) && (j.key === "cmaes" || j.key === "random");
const TIME_TARGET = 0.1;
const TOLERANCE = 1e-9;
const RESULTS = (name: string): string => fileURLToPath(new URL(`./results/${name}.json`, import.meta.url));

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Python's `cmaes` module (Optuna's CmaEsSampler backend): installs Debian's python3-cmaes when missing and root. */
function ensureCmaes(): void {
  ensurePythonModules(["cmaes"], ["python3-cmaes"], { update: false });
}

/** Both languages evaluate every problem of the plan at fixed points; returns how many and the largest difference. */
async function crossCheck(): Promise<{ points: number; maxAbsDiff: number }> {
  type Point = { kind: "single" | "multi" | "fidelity"; problem: string; params: Params; step?: number };
  const points: Point[] = [];
  for (const name of new Set([...plan.lowDim, ...plan.midDim])) for (const params of checkPoints(name)) points.push({ kind: "single", problem: name, params });
  for (const name of plan.moProblems) {
    const spec = moProblem(name);
    for (const params of [spec.frontPoint, ...spreadPoints(name, spec.params, 6)]) points.push({ kind: "multi", problem: name, params });
  }
  for (const name of plan.mfProblems) {
    const spec = mfProblem(name);
    const pts = [spec.argmin, ...spreadPoints(name, spec.params, 6)];
    for (const params of pts) for (const step of [1, 2, 9, spec.maxResource]) points.push({ kind: "fidelity", problem: name, params, step });
  }
  const ts = (p: Point): number[] => (p.kind === "single" ? [evaluate(p.problem, p.params)] : p.kind === "multi" ? evaluateMulti(p.problem, p.params) : [evaluateFidelity(p.problem, p.params, p.step ?? 1)]);
  const py = await runJob<{ values: number[][] }>("optuna", { mode: "check", points });
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  const errors: string[] = [];
  let maxAbsDiff = 0;
  points.forEach((p, i) => {
    const a = ts(p);
    const b = py.values[i] ?? [];
    a.forEach((v, k) => {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - (b[k] ?? NaN)));
      if (!close(v, b[k] ?? NaN)) errors.push(`${p.problem} at ${JSON.stringify(p.params)}${p.step ? ` step ${p.step}` : ""}: TypeScript ${a.join(", ")}, Python ${b.join(", ")}`);
    });
  });
  for (const name of plan.moProblems) {
    const spec = moProblem(name);
    const v = evaluateMulti(name, spec.frontPoint);
    if (!v.every((x, k) => close(x, spec.frontValues[k] ?? NaN))) errors.push(`${name}: f(frontPoint) = ${v.join(", ")}, but problems.json says ${spec.frontValues.join(", ")}`);
  }
  for (const name of plan.mfProblems) {
    const spec = mfProblem(name);
    const v = evaluateFidelity(name, spec.argmin, spec.maxResource);
    if (!close(v, spec.optimum)) errors.push(`${name}: f(argmin, ${spec.maxResource}) = ${v}, but the stated optimum is ${spec.optimum}`);
  }
  if (errors.length > 0) throw new Error(`problems.ts and problems.py disagree:\n  ${errors.join("\n  ")}`);
  return { points: points.length, maxAbsDiff };
}

/** Optuna's sampler classes by job key. */
const OPTUNA_CLASS: Readonly<Record<string, string>> = { tpe: "TPESampler", cmaes: "CmaEsSampler", random: "RandomSampler", nsga2: "NSGAIISampler" };

const keyOf = (side: Side, sampler: string, problem: string): string => `${side}|${sampler}|${problem}`;

/** Turns Optuna's per-trial lists into the same summaries as ours (times; hypervolume with our function); fidelity runs come summarised. */
function summariseOptuna(job: Job, raw: { runs: unknown[] }): NonNullable<JobResult["runs"]> {
  if (job.mode === "fidelity") return raw.runs as FidelityRun[];
  type Raw = { seed: number; bestAt?: Record<string, number>; values?: number[][]; cpuMs: number[]; wallMs: number[] };
  return (raw.runs as Raw[]).map((r) => {
    const times = summariseTimes(r.cpuMs, r.wallMs, job.checkpoints);
    if (job.mode === "multi") return { seed: r.seed, hvAt: hypervolumeAt(r.values ?? [], moProblem(job.problem).reference, job.checkpoints), ...times };
    return { seed: r.seed, bestAt: r.bestAt ?? {}, ...times };
  });
}

/** Optuna's runs from an earlier result file, if it has this job with the same seeds and checkpoints. */
function reused(job: Job, file: string, version: string): { runs: (SingleRun | MultiRun)[]; from: string } | string {
  if (!existsSync(file)) return `${file} does not exist`;
  const old = JSON.parse(readFileSync(file, "utf8")) as {
    provenance: { date: string; python: { optuna: string } };
    settings?: { optunaReusedFrom?: string };
    runs: { side: string; sampler: string; problem: string; source?: string; runs?: SingleRun[] }[];
  };
  if (old.provenance.python.optuna !== version) return `${file} was measured with Optuna ${old.provenance.python.optuna}, this machine has ${version}`;
  const sampler = file.endsWith("efficiency.json") ? "tpe" : job.key;
  const r = old.runs.find((j) => j.side === "optuna" && j.sampler === sampler && j.problem === job.problem);
  if (!r?.runs) return `${file} has no Optuna ${sampler} runs on ${job.problem}`;
  const runs = job.seeds.map((s) => r.runs?.find((x) => x.seed === s));
  if (runs.some((x) => !x || job.checkpoints.some((k) => (x as SingleRun & { hvAt?: Record<string, number> }).bestAt?.[String(k)] === undefined && (x as unknown as MultiRun).hvAt?.[String(k)] === undefined))) {
    return `${file} lacks some seeds or checkpoints for Optuna ${sampler} on ${job.problem}`;
  }
  // A chained reuse keeps pointing at the run that measured Optuna.
  const from = r.source ?? old.settings?.optunaReusedFrom ?? `${file.slice(file.lastIndexOf("bench/"))} of ${old.provenance.date.slice(0, 16).replace("T", " ")} UTC`;
  // efficiency.json keeps only the wall time of a whole run: its per-trial times are not comparable and are left out.
  const clean = runs.map((x) => (file.endsWith("efficiency.json") ? { seed: x!.seed, bestAt: x!.bestAt, cpuMsMean: NaN, wallMsMean: NaN, cpuMsAt: {} } : x!));
  return { runs: clean, from };
}

/** Runs the jobs two at a time, longest first. */
async function runAll(jobs: readonly Job[], results: Map<string, JobResult>): Promise<void> {
  const queue = [...jobs].sort((a, b) => b.estimateS - a.estimateS);
  const lane = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const res = results.get(keyOf(job.side, job.key, job.problem)) as JobResult;
      const t0 = performance.now();
      const { key: _k, estimateS: _e, side: _s, ...payload } = job;
      try {
        const raw = await runJob<{ runs: unknown[] }>(job.side, payload, verbose ? log : undefined);
        res.runs = job.side === "ours" ? (raw.runs as NonNullable<JobResult["runs"]>) : summariseOptuna(job, raw);
      } catch (e) {
        res.error = e instanceof Error ? e.message : String(e);
      }
      res.wallS = (performance.now() - t0) / 1000;
      log(`${job.side} ${job.key} ${job.problem}: ${res.error ? `FAILED ${res.error.split("\n")[0]}` : `${job.seeds.length} seeds in ${res.wallS.toFixed(1)} s`} (${queue.length} jobs left)`);
    }
  };
  await Promise.all([lane(), lane()]);
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadStart = os.loadavg();
  ensureOptuna();
  ensureCmaes();
  const prov = await provenance();
  const pyVersions = await runJob<{ cmaes: string | null }>("optuna", { mode: "versions" });
  const check = await crossCheck();
  log(`cross-check: ${check.points} points agree between TypeScript and Python (max |diff| ${check.maxAbsDiff.toExponential(1)})`);

  const all = jobsOf(plan).filter((j) => !cmaesOnly || isCmaesJob(j));
  const results = new Map<string, JobResult>();
  for (const j of all) results.set(keyOf(j.side, j.key, j.problem), { side: j.side, mode: j.mode, sampler: j.key, problem: j.problem });
  // Our samplers that cannot be built (not written yet) are reported once, not run.
  const missing = new Map<string, string>();
  for (const kind of new Set(all.filter((j) => j.side === "ours").map((j) => j.sampler))) {
    const f = await ourSampler(kind);
    if (typeof f === "string") missing.set(kind, f);
  }
  const toRun: Job[] = [];
  const reuseNotes = new Set<string>();
  for (const j of all) {
    const res = results.get(keyOf(j.side, j.key, j.problem)) as JobResult;
    if (j.side === "ours" && missing.has(j.sampler)) {
      res.error = `our ${labelOf(j.sampler)} sampler ${missing.get(j.sampler)}`;
      continue;
    }
    if (j.side === "optuna") {
      const sources = [...(args["reuse-optuna"] === true ? [RESULTS(RESULT_NAME)] : []), ...(j.key === "tpe" && args["rerun-optuna-tpe"] !== true ? [RESULTS("efficiency")] : [])];
      let done = false;
      for (const file of sources) {
        const r = reused(j, file, prov.python.optuna);
        if (typeof r === "string") {
          log(`not reusing: ${r}`);
          continue;
        }
        res.runs = r.runs;
        res.source = r.from;
        reuseNotes.add(`Optuna ${OPTUNA_CLASS[j.key] ?? j.key} runs reused from ${r.from} (seeded Optuna runs are deterministic${file.endsWith("efficiency.json") ? "; that file has no per-trial times, so none are shown" : "; their sampler times are from that run"})`);
        done = true;
        break;
      }
      if (done) continue;
    }
    toRun.push(j);
  }
  log(`samplers: ${toRun.length} jobs to run (${all.length - toRun.length} reused or unavailable), ${plan.seeds.length} seeds`);
  await runAll(toRun, results);
  const loadEnd = os.loadavg();

  const get = (side: Side, sampler: string, name: string): JobResult | undefined => results.get(keyOf(side, sampler, name));
  const so = (name: string): { name: string; title: string; optimum: number } => ({ name, title: problem(name).title, optimum: problem(name).optimum });
  const fmtLoad = (l: number[]): string => l.map((x) => x.toFixed(2)).join(", ");
  if (cmaesOnly) {
    writeCmaesOnly(get, prov, pyVersions.cmaes, check, { start: loadStart, end: loadEnd }, (performance.now() - started) / 60000, [...reuseNotes]);
    return;
  }
  const gp = gpSection(get, plan.lowDim.map(so), plan.gpCheckpoints);
  const cma = cmaesSection(get, plan.midDim.map(so), plan.checkpoints, TIME_TARGET);
  const nsga = nsgaSection(get, plan.moProblems.map((n) => ({ name: n, ...moProblem(n) })), plan.moCheckpoints);
  const allSingle = [...new Set([...plan.lowDim, ...plan.midDim])].map(so);
  const port = portfolioSection(get, allSingle, plan.gpCheckpoints, ["gp", "tpe-mv", "cmaes"]);
  const timing = get("ours", "gp-timing", plan.gpTiming.problem);

  const md: string[] = [];
  md.push(`### Samplers: GP-BO, CMA-ES, NSGA-II, portfolio and BOHB vs Optuna ${prov.python.optuna}${quick ? " (--quick smoke run)" : ""}`);
  md.push("");
  md.push(
    `Command: \`npm run bench:samplers${quick ? " -- --quick" : ""}\`. ${plan.seeds.length} seeds (0–${plan.seeds.length - 1}) per cell. Regret = best value found − known optimum (lower is better), ` +
      `shown as median [95% confidence interval of the median, from order statistics]. p = one-sided Mann–Whitney U test (normal approximation, tie-corrected, ` +
      `not corrected for multiple comparisons). ✓ = target met on the medians; ✗ = missed and significant (p < 0.05); ✗ (n.s.) = missed, not significant. ` +
      `Sampler time = CPU ms per trial of ask + suggest + tell with the objective excluded (process CPU time on both sides), median over seeds. ` +
      `Load average (1, 5, 15 min) at start ${fmtLoad(loadStart)}, at end ${fmtLoad(loadEnd)} on ${os.cpus().length} cores shared with other work.`,
  );
  md.push("");
  const lastCheckpoint = plan.checkpoints[plan.checkpoints.length - 1] ?? 0;
  const nsgaLast = nsgaSection(get, plan.moProblems.map((n) => ({ name: n, ...moProblem(n) })), [plan.moCheckpoints[plan.moCheckpoints.length - 1] ?? 0]);
  md.push("Targets of issue 5, in short:");
  md.push("");
  md.push(`- GP-BO median regret ≤ the best of Optuna's TPE and CMA-ES: ${gp.met} of ${gp.rows} rows (${plan.lowDim.length} functions × ${plan.gpCheckpoints.map(int).join(" and ")} trials).`);
  md.push(`- CMA-ES median regret ≤ Optuna's at ${int(lastCheckpoint)} trials: ${cma.met} of ${cma.rows} functions; time per trial ≤ 1/10 of Optuna's: ${cma.timeMet} of ${cma.timeRows}.`);
  md.push(`- NSGA-II hypervolume ≥ Optuna's: ${nsga.met} of ${nsga.rows} rows, ${nsgaLast.met} of ${nsgaLast.rows} at ${int(plan.moCheckpoints[plan.moCheckpoints.length - 1] ?? 0)} trials.`);
  md.push(`- Portfolio never worse than the worst single and within noise of the best: ${port.met} of ${port.rows} rows.`);
  for (const name of plan.mfProblems) {
    const leaders = fidelityLeaders(get, { name, optimum: mfProblem(name).optimum }, plan.mfBudgets, FIDELITY_CONFIGS);
    md.push(`- Multi-fidelity (${mfProblem(name).title}): lowest median regret at ${plan.mfBudgets.map((b, i) => `${int(b)} full evaluations: ${leaders[i]}`).join("; ")}.`);
  }
  md.push("");
  md.push(`#### GP-BO vs the better of Optuna's TPE and CMA-ES (low-dimensional functions; target: GP's median ≤ the best)`);
  md.push("");
  md.push(gp.markdown);
  md.push("");
  md.push(`GP-BO's sampler time, CPU ms per trial (median over seeds) of the 10 trials ending at each checkpoint${plan.gpTrials < plan.nTrials ? `; the comparison runs stop at ${plan.gpTrials} trials, so the time at ${int(plan.gpTiming.nTrials)} comes from one longer run` : ""}:`);
  md.push("");
  md.push(gpTimeTable(get, allSingle.filter((p) => get("ours", "gp", p.name)?.runs), plan.checkpoints.filter((k) => k <= plan.gpTiming.nTrials), { job: timing, title: problem(plan.gpTiming.problem).title }));
  md.push("");
  md.push(`#### CMA-ES vs Optuna \`CmaEsSampler\` (5–10-D functions; targets: median regret ≤ Optuna's at ${int(plan.nTrials)} trials, sampler time ≤ 1/10 of Optuna's)`);
  md.push("");
  md.push(cma.markdown);
  md.push("");
  md.push(`Both sides use their defaults (one run without restarts, σ0 = 1/6 of each range, 1 random startup trial); Optuna's backend is python3-cmaes ${pyVersions.cmaes ?? "?"}.`);
  md.push("");
  md.push(`#### NSGA-II vs Optuna \`NSGAIISampler\` (target: hypervolume ≥ Optuna's at equal trials)`);
  md.push("");
  md.push(nsga.markdown);
  md.push("");
  md.push(`Hypervolume of all trials so far (median [95% CI]), both sides scored by our exact \`hypervolume\` (\`src/samplers/tpe/multi-objective.ts\`) against the reference point shown; defaults on both sides (population 50).`);
  md.push("");
  md.push(`#### Portfolio vs each single sampler (targets: never worse than the worst, within noise of the best)`);
  md.push("");
  md.push(port.markdown);
  md.push("");
  md.push(
    `The portfolio with its defaults (members multivariate grouped TPE, GP-BO with 256 preliminary candidates, CMA-ES; discounted Thompson sampling), run to ${int(plan.gpTrials)} trials, where GP-BO's runs stop; ` +
      `the singles are GP-BO (defaults), TPE (multivariate, grouped) and CMA-ES (defaults), from the tables above. The portfolio's median [95% CI] and each single's median.`,
  );
  md.push("");
  for (const name of plan.mfProblems) {
    const spec = mfProblem(name);
    md.push(`#### Multi-fidelity at equal total resource: ${spec.title}`);
    md.push("");
    md.push(fidelitySection(get, { name, title: spec.title, optimum: spec.optimum, maxResource: spec.maxResource }, plan.mfBudgets, FIDELITY_CONFIGS));
    md.push("");
    md.push(
      `Full-fidelity regret (best f(x, ${spec.maxResource}) among trials finished within the resource) after the given resource; one step of one trial costs 1. ` +
        `Hyperband: our \`HyperbandPruner\` (min resource 1, max ${spec.maxResource}, η = 3), the pruner asked after every step; Optuna's row runs the same loop with \`TPESampler(seed)\` and \`HyperbandPruner(min_resource=1, max_resource=${spec.maxResource}, reduction_factor=3)\`, ` +
          `Optuna's usual stand-in for BOHB. p = one-sided Mann–Whitney test that BOHB's regret is lower. Problem: ${spec.domain}`,
    );
    md.push("");
  }
  md.push(`#### All single-objective runs: median regret at ${plan.checkpoints.map(int).join(", ")} trials`);
  md.push("");
  md.push(
    overviewTable(get, allSingle, plan.checkpoints, [
      { side: "ours", kind: "gp", label: "GP-BO" },
      { side: "ours", kind: "cmaes", label: "CMA-ES" },
      { side: "ours", kind: "tpe", label: "TPE" },
      { side: "ours", kind: "tpe-mv", label: "TPE (multivariate)" },
      { side: "ours", kind: "portfolio", label: "Portfolio" },
      { side: "ours", kind: "random", label: "Random" },
      { side: "optuna", kind: "tpe", label: "Optuna TPE" },
      { side: "optuna", kind: "cmaes", label: "Optuna CMA-ES" },
    ]),
  );
  md.push("");
  const notes = [...reuseNotes];
  for (const [kind, why] of missing) notes.push(`our ${labelOf(kind)} sampler: ${why} (its rows show —)`);
  for (const r of results.values()) if (r.error && !(r.side === "ours" && missing.has(r.sampler.replace(/\+hb$/, "")))) notes.push(`${r.side} ${r.sampler} on ${r.problem} failed: ${r.error.split("\n")[0]}`);
  if (notes.length > 0) md.push(...notes.map((n) => `- ${n}`), "");
  md.push(`Both languages' problem definitions agreed on ${check.points} fixed points to ${TOLERANCE} before the runs. Total bench time ${((performance.now() - started) / 60000).toFixed(1)} min.`);
  md.push("");
  md.push(provenanceLine(prov));
  const markdown = md.join("\n");

  const json = {
    benchmark: "samplers",
    provenance: { ...prov, python: { ...prov.python, cmaes: pyVersions.cmaes } },
    load: { start: loadStart, end: loadEnd },
    settings: { ...plan, quick, crossCheck: check, timeTarget: TIME_TARGET },
    summary: { gp: { met: gp.met, rows: gp.rows }, cmaes: { met: cma.met, rows: cma.rows, timeMet: cma.timeMet, timeRows: cma.timeRows }, nsga2: { met: nsga.met, rows: nsga.rows }, portfolio: { met: port.met, rows: port.rows } },
    runs: [...results.values()],
  };
  const paths = writeResults(RESULT_NAME, json, markdown);
  process.stdout.write(`${markdown}\n\nwrote ${paths.json} and ${paths.md}\n`);
}

/** `--cmaes-only`: the CMA-ES section alone, with the same header facts as the full report. */
function writeCmaesOnly(
  get: (side: Side, sampler: string, name: string) => JobResult | undefined,
  prov: Awaited<ReturnType<typeof provenance>>,
  cmaesVersion: string | null,
  check: { points: number; maxAbsDiff: number },
  load: { start: number[]; end: number[] },
  minutes: number,
  notes: readonly string[],
): void {
  const so = (name: string): { name: string; title: string; optimum: number } => ({ name, title: problem(name).title, optimum: problem(name).optimum });
  const cma = cmaesSection(get, plan.midDim.map(so), plan.checkpoints, TIME_TARGET);
  const fmtLoad = (l: number[]): string => l.map((x) => x.toFixed(2)).join(", ");
  const md = [
    `#### CMA-ES vs Optuna \`CmaEsSampler\` (5–10-D functions; targets: median regret ≤ Optuna's at ${int(plan.nTrials)} trials, sampler time ≤ 1/10 of Optuna's)`,
    "",
    `Command: \`npm run bench:samplers -- --cmaes-only${quick ? " --quick" : ""}${plan.seeds.length !== DEFAULT_SEEDS ? ` --seeds ${plan.seeds.length}` : ""}\`. ${plan.seeds.length} seeds (0–${plan.seeds.length - 1}) per cell; ` +
      `columns as in the full report. Load average (1, 5, 15 min) at start ${fmtLoad(load.start)}, at end ${fmtLoad(load.end)} on ${os.cpus().length} cores shared with other work.`,
    "",
    cma.markdown,
    "",
    `Both sides use their defaults (one run without restarts, σ0 = 1/6 of each range, 1 random startup trial); Optuna's backend is python3-cmaes ${cmaesVersion ?? "?"}.`,
    "",
    ...notes.map((n) => `- ${n}`),
    ...(notes.length > 0 ? [""] : []),
    `Both languages' problem definitions agreed on ${check.points} fixed points to ${TOLERANCE} before the runs. Total bench time ${minutes.toFixed(1)} min.`,
    "",
    provenanceLine(prov),
  ].join("\n");
  const json = {
    benchmark: "samplers (CMA-ES only)",
    provenance: { ...prov, python: { ...prov.python, cmaes: cmaesVersion } },
    load,
    settings: { ...plan, quick, cmaesOnly, crossCheck: check, timeTarget: TIME_TARGET },
    summary: { cmaes: { met: cma.met, rows: cma.rows, timeMet: cma.timeMet, timeRows: cma.timeRows } },
    runs: plan.midDim.flatMap((p) => (["ours", "optuna"] as const).flatMap((side) => ["cmaes", "random"].map((k) => get(side, k, p)).filter((r) => r !== undefined))),
  };
  const paths = writeResults(RESULT_NAME, json, md);
  process.stdout.write(`${md}\n\nwrote ${paths.json} and ${paths.md}\n`);
}

await main();
