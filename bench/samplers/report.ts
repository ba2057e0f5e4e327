/**
 * The comparisons of the samplers benchmark (issue 5's targets) and their Markdown tables, from the
 * seeded runs of both sides. Pure functions of the results, so they are unit-tested.
 */
import { int, pValue, ratio, regret, table } from "../lib/format.js";
import { median } from "../lib/stats.js";
import { labelOf } from "./catalog.js";
import type { FidelityRun, MultiRun, SingleRun } from "./runs.js";
import { cellOf, pLower, type Cell } from "./stats.js";
import type { Side } from "./subprocess.js";

/** The seeded runs of one (side, sampler, problem), or why there are none. */
export interface JobResult {
  readonly side: Side;
  readonly mode: "single" | "multi" | "fidelity";
  /** Sampler kind; fidelity jobs under Hyperband end in `+hb`. */
  readonly sampler: string;
  readonly problem: string;
  runs?: (SingleRun | MultiRun | FidelityRun)[];
  error?: string;
  wallS?: number;
  /** Where the runs came from when they were not measured in this run (a reused result file). */
  source?: string;
}

/** Looks up a job's result. */
export type Lookup = (side: Side, sampler: string, problem: string) => JobResult | undefined;

const TIE = 1e-12;

/** Regrets (best − optimum) at `budget` trials; undefined without runs. */
export function regretCell(job: JobResult | undefined, optimum: number, budget: number): Cell | undefined {
  const runs = job?.runs as SingleRun[] | undefined;
  if (!runs) return undefined;
  const xs = runs.map((r) => r.bestAt[String(budget)]).filter((v): v is number => v !== undefined);
  return xs.length === runs.length ? cellOf(xs.map((v) => v - optimum)) : undefined;
}

/** Hypervolumes at `budget` trials. */
export function hvCell(job: JobResult | undefined, budget: number): Cell | undefined {
  const runs = job?.runs as MultiRun[] | undefined;
  if (!runs) return undefined;
  const xs = runs.map((r) => r.hvAt[String(budget)]).filter((v): v is number => v !== undefined);
  return xs.length === runs.length ? cellOf(xs) : undefined;
}

/** Full-fidelity regrets at `budget` full evaluations of resource. */
export function fidelityCell(job: JobResult | undefined, optimum: number, budget: number): Cell | undefined {
  const runs = job?.runs as FidelityRun[] | undefined;
  if (!runs) return undefined;
  return cellOf(runs.map((r) => (r.bestAt[String(budget)] ?? Infinity) - optimum));
}

/** Median over runs of the mean sampler CPU ms per trial (the whole run, or the 10 trials ending at `at`). */
export function msPerTrial(job: JobResult | undefined, at?: number): number | undefined {
  const runs = job?.runs as SingleRun[] | MultiRun[] | undefined;
  if (!runs || runs.length === 0) return undefined;
  const xs = runs.map((r) => (at === undefined ? r.cpuMsMean : r.cpuMsAt?.[String(at)])).filter((v): v is number => v !== undefined && Number.isFinite(v));
  return xs.length > 0 ? median(xs) : undefined;
}

/**
 * "Lower is better" verdict of a against b: ✓ when a's median ≤ b's (ties within 1e-12 count);
 * ✗ when higher and b is significantly lower (one-sided Mann–Whitney p < 0.05); "✗ (n.s.)" otherwise.
 */
export function lowerVerdict(a: Cell | undefined, b: Cell | undefined): string {
  if (!a || !b) return "";
  if (a.median <= b.median + TIE) return "✓";
  return (pLower(a, b).bLower ?? 1) < 0.05 ? "✗" : "✗ (n.s.)";
}

/** "Higher is better" verdict (hypervolume): ✓ when a's median ≥ b's; ✗ when lower and b significantly higher. */
export function higherVerdict(a: Cell | undefined, b: Cell | undefined): string {
  if (!a || !b) return "";
  if (a.median >= b.median - TIE) return "✓";
  return (pLower(a, b).aLower ?? 1) < 0.05 ? "✗" : "✗ (n.s.)";
}

/** A median with its 95% interval, as "m [lo, hi]". */
export const fmtCell = (c: Cell | undefined, f: (x: number) => string = regret): string => (c ? `${f(c.median)} [${f(c.lo)}, ${f(c.hi)}]` : "—");

/** A ms figure. */
export const fmtMs = (x: number | undefined): string => (x === undefined ? "—" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** A ratio of medians, readable when tiny (GP-BO's regret can be 10⁻⁴ of the other's). */
export function fmtRatio(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return "—";
  if (x > 0 && x < 0.01) return `${x.toExponential(1)}×`;
  return ratio(x);
}

/** A time ratio with three decimals, so 0.104 does not print as 0.10 next to a 0.1 target. */
const fmtTimeRatio = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? "—" : x < 1 ? `${x.toFixed(3)}×` : ratio(x));

const ratioOf = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : b === 0 ? (a === 0 ? 1 : Infinity) : a / b);

/** Why a job has no numbers ("—" rows), for the notes under a table. */
function missingNote(job: JobResult | undefined, what: string): string | undefined {
  if (job?.error) return `${what}: ${job.error.split("\n")[0]}`;
  return undefined;
}

/** A table and the notes under it. */
export interface Section {
  readonly rows: number;
  /** Rows that meet the target, of the rows with both sides. */
  readonly met: number;
  readonly markdown: string;
}

/** GP-BO against the better (lower median) of Optuna's TPE and CMA-ES, per problem and budget. */
export function gpSection(get: Lookup, problems: readonly { name: string; title: string; optimum: number }[], budgets: readonly number[]): Section {
  const rows: string[][] = [];
  const notes = new Set<string>();
  let met = 0;
  let n = 0;
  for (const p of problems) {
    for (const b of budgets) {
      const gpJob = get("ours", "gp", p.name);
      const gp = regretCell(gpJob, p.optimum, b);
      const tpe = regretCell(get("optuna", "tpe", p.name), p.optimum, b);
      const cma = regretCell(get("optuna", "cmaes", p.name), p.optimum, b);
      const best = tpe && cma ? (tpe.median <= cma.median ? { c: tpe, k: "TPE" } : { c: cma, k: "CMA-ES" }) : tpe ? { c: tpe, k: "TPE" } : cma ? { c: cma, k: "CMA-ES" } : undefined;
      const p2 = pLower(gp, best?.c);
      const v = lowerVerdict(gp, best?.c);
      if (gp && best) {
        n++;
        if (v === "✓") met++;
      }
      for (const note of [missingNote(gpJob, "GP-BO on " + p.title)]) if (note) notes.add(note);
      rows.push([p.title, int(b), fmtCell(gp), fmtCell(tpe), fmtCell(cma), best?.k ?? "—", fmtRatio(ratioOf(gp?.median, best?.c.median)), pValue(p2.aLower), pValue(p2.bLower), v]);
    }
  }
  const md = [
    table(["problem", "trials", "GP-BO (ours)", "Optuna TPE", "Optuna CMA-ES", "best Optuna", "GP / best", "p (GP lower)", "p (best lower)", "target"], rows),
    "",
    `GP-BO's median ≤ the best Optuna median in ${met} of ${n} rows.`,
    ...[...notes].map((s) => `- ${s}`),
  ];
  return { rows: n, met, markdown: md.join("\n") };
}

/** GP-BO's sampler time per trial: the 10 trials ending at each checkpoint, median over seeds, per problem. */
export function gpTimeTable(get: Lookup, problems: readonly { name: string; title: string }[], checkpoints: readonly number[], timing: { job: JobResult | undefined; title: string } | undefined): string {
  const rows = problems.map((p) => {
    const j = get("ours", "gp", p.name);
    return [p.title, ...checkpoints.map((k) => fmtMs(msPerTrial(j, k))), fmtMs(msPerTrial(j))];
  });
  if (timing) {
    const runs = (timing.job?.runs as SingleRun[] | undefined)?.length ?? 0;
    rows.push([`${timing.title} (timing run, ${runs} seed${runs === 1 ? "" : "s"}, to ${int(Math.max(...Object.keys((timing.job?.runs?.[0] as SingleRun | undefined)?.cpuMsAt ?? { 0: 0 }).map(Number)))} trials)`, ...checkpoints.map((k) => fmtMs(msPerTrial(timing.job, k))), fmtMs(msPerTrial(timing.job))]);
  }
  return table(["problem", ...checkpoints.map((k) => `trials ${k - 9}–${k}`), "mean over the run"], rows);
}

/** Our CMA-ES against Optuna's CmaEsSampler: regret and sampler time per trial. */
export function cmaesSection(get: Lookup, problems: readonly { name: string; title: string; optimum: number }[], budgets: readonly number[], timeTarget: number): Section & { timeMet: number; timeRows: number } {
  const rows: string[][] = [];
  let met = 0;
  let n = 0;
  let timeMet = 0;
  let timeRows = 0;
  const notes = new Set<string>();
  for (const p of problems) {
    const oursJob = get("ours", "cmaes", p.name);
    const optJob = get("optuna", "cmaes", p.name);
    for (const note of [missingNote(oursJob, `our CMA-ES on ${p.title}`), missingNote(optJob, `Optuna CMA-ES on ${p.title}`)]) if (note) notes.add(note);
    const tOurs = msPerTrial(oursJob);
    const tOpt = msPerTrial(optJob);
    const tr = ratioOf(tOurs, tOpt);
    // Each side's RandomSampler on the same problem gives the study's own cost per trial (ask/tell, storage).
    const fOurs = msPerTrial(get("ours", "random", p.name));
    const fOpt = msPerTrial(get("optuna", "random", p.name));
    const above = (t: number | undefined, f: number | undefined): number | undefined => (t === undefined || f === undefined ? undefined : Math.max(0, t - f));
    const trAbove = ratioOf(above(tOurs, fOurs), above(tOpt, fOpt));
    if (tr !== undefined) {
      timeRows++;
      if (tr <= timeTarget) timeMet++;
    }
    const mark = (r: number | undefined): string => `${fmtTimeRatio(r)}${r === undefined ? "" : r <= timeTarget ? " ✓" : " ✗"}`;
    budgets.forEach((b, i) => {
      const ours = regretCell(oursJob, p.optimum, b);
      const opt = regretCell(optJob, p.optimum, b);
      const v = lowerVerdict(ours, opt);
      const last = i === budgets.length - 1;
      if (ours && opt && last) {
        n++;
        if (v === "✓") met++;
      }
      const pp = pLower(ours, opt);
      rows.push([
        p.title,
        int(b),
        fmtCell(ours),
        fmtCell(opt),
        fmtRatio(ratioOf(ours?.median, opt?.median)),
        pValue(pp.aLower),
        pValue(pp.bLower),
        v,
        last ? `${fmtMs(tOurs)} (${fmtMs(fOurs)})` : "",
        last ? `${fmtMs(tOpt)} (${fmtMs(fOpt)})` : "",
        last ? mark(tr) : "",
        last ? mark(trAbove) : "",
      ]);
    });
  }
  const md = [
    table(["problem", "trials", "ours", "Optuna", "ours / Optuna", "p (ours lower)", "p (Optuna lower)", "regret", "ours ms/trial (Random)", "Optuna ms/trial (Random)", "time ratio", "ratio above Random"], rows),
    "",
    `Our median regret ≤ Optuna's at ${int(budgets[budgets.length - 1] ?? 0)} trials in ${met} of ${n} problems; time per trial ≤ 1/${Math.round(1 / timeTarget)} of Optuna's in ${timeMet} of ${timeRows}. ` +
      `In brackets, each side's RandomSampler on the same problem: the study's own cost per trial (ask, tell, in-memory storage), which no sampler can go below; "ratio above Random" compares what the samplers add to it.`,
    ...[...notes].map((s) => `- ${s}`),
  ];
  return { rows: n, met, timeMet, timeRows, markdown: md.join("\n") };
}

/** Our NSGA-II against Optuna's NSGAIISampler: hypervolume (higher is better) at equal trials. */
export function nsgaSection(get: Lookup, problems: readonly { name: string; title: string; optimalHypervolume: number; reference: readonly number[] }[], budgets: readonly number[]): Section {
  const rows: string[][] = [];
  let met = 0;
  let n = 0;
  const notes = new Set<string>();
  const f = (x: number): string => x.toPrecision(4);
  for (const p of problems) {
    const oursJob = get("ours", "nsga2", p.name);
    const optJob = get("optuna", "nsga2", p.name);
    for (const note of [missingNote(oursJob, `our NSGA-II on ${p.title}`), missingNote(optJob, `Optuna NSGA-II on ${p.title}`)]) if (note) notes.add(note);
    budgets.forEach((b, i) => {
      const ours = hvCell(oursJob, b);
      const opt = hvCell(optJob, b);
      const rnd = hvCell(get("ours", "random", p.name), b);
      const v = higherVerdict(ours, opt);
      if (ours && opt) {
        n++;
        if (v === "✓") met++;
      }
      const pp = pLower(ours, opt);
      const last = i === budgets.length - 1;
      rows.push([p.title, `(${p.reference.join(", ")})`, int(b), fmtCell(ours, f), fmtCell(opt, f), pValue(pp.bLower), pValue(pp.aLower), v, fmtCell(rnd, f), f(p.optimalHypervolume), last ? fmtMs(msPerTrial(oursJob)) : "", last ? fmtMs(msPerTrial(optJob)) : ""]);
    });
  }
  const md = [
    table(["problem", "reference", "trials", "ours", "Optuna", "p (ours higher)", "p (Optuna higher)", "target", "Random (ours)", "optimal HV", "ours ms/trial", "Optuna ms/trial"], rows),
    "",
    `Our median hypervolume ≥ Optuna's in ${met} of ${n} rows. Up to the population size (50 by default on both sides) both NSGA-IIs sample their first generation at random, so rows at ≤ 50 trials compare random draws (ours equal our Random's).`,
    ...[...notes].map((s) => `- ${s}`),
  ];
  return { rows: n, met, markdown: md.join("\n") };
}

/**
 * The portfolio against each single sampler it can choose from, per problem and budget: "never worse
 * than the worst" = its median ≤ the worst single's median, or not significantly above it; "within
 * noise of the best" = its median ≤ the best single's, or the best is not significantly lower
 * (one-sided Mann–Whitney, p ≥ 0.05).
 */
export function portfolioSection(get: Lookup, problems: readonly { name: string; title: string; optimum: number }[], budgets: readonly number[], singles: readonly string[]): Section {
  const port = problems.map((p) => get("ours", "portfolio", p.name));
  const missing = port.find((j) => !j?.runs);
  if (port.every((j) => !j?.runs)) {
    return { rows: 0, met: 0, markdown: `— (no portfolio runs: ${missing?.error?.split("\n")[0] ?? "not run"})` };
  }
  const rows: string[][] = [];
  let met = 0;
  let n = 0;
  for (const p of problems) {
    for (const b of budgets) {
      const pc = regretCell(get("ours", "portfolio", p.name), p.optimum, b);
      const cells = singles.map((k) => ({ k, c: regretCell(get("ours", k, p.name), p.optimum, b) })).filter((x): x is { k: string; c: Cell } => x.c !== undefined);
      if (!pc || cells.length === 0) {
        rows.push([p.title, int(b), fmtCell(pc), ...singles.map(() => "—"), "", ""]);
        continue;
      }
      const best = cells.reduce((a, x) => (x.c.median < a.c.median ? x : a));
      const worst = cells.reduce((a, x) => (x.c.median > a.c.median ? x : a));
      const notWorse = pc.median <= worst.c.median + TIE || (pLower(worst.c, pc).aLower ?? 1) >= 0.05;
      const nearBest = pc.median <= best.c.median + TIE || (pLower(best.c, pc).aLower ?? 1) >= 0.05;
      n++;
      if (notWorse && nearBest) met++;
      rows.push([
        p.title,
        int(b),
        fmtCell(pc),
        ...singles.map((k) => {
          const c = cells.find((x) => x.k === k)?.c;
          return c ? `${regret(c.median)}${k === best.k ? " (best)" : k === worst.k ? " (worst)" : ""}` : "—";
        }),
        notWorse ? "✓" : "✗",
        nearBest ? "✓" : `✗ (p ${pValue(pLower(best.c, pc).aLower)})`,
      ]);
    }
  }
  const md = [
    table(["problem", "trials", "Portfolio", ...singles.map(labelOf), "≤ worst", "≈ best"], rows),
    "",
    `Both portfolio targets met in ${met} of ${n} rows.`,
  ];
  return { rows: n, met, markdown: md.join("\n") };
}

/** Multi-fidelity: full-fidelity regret at equal total resource, per configuration, with BOHB compared to each other one. */
export function fidelitySection(get: Lookup, p: { name: string; title: string; optimum: number; maxResource: number }, budgets: readonly number[], configs: readonly { side: Side; key: string; label: string }[]): string {
  const bohb = get("ours", "bohb+hb", p.name);
  const rows = configs.map((c) => {
    const j = get(c.side, c.key, p.name);
    const runs = j?.runs as FidelityRun[] | undefined;
    return [
      c.label,
      ...budgets.map((b) => {
        const cell = fidelityCell(j, p.optimum, b);
        if (!cell) return j?.error ? `— (${j.error.split("\n")[0]})` : "—";
        if (c.side === "ours" && c.key === "bohb+hb") return fmtCell(cell);
        const pp = pLower(fidelityCell(bohb, p.optimum, b), cell);
        return `${fmtCell(cell)}${pp.aLower === undefined ? "" : ` (p BOHB lower ${pValue(pp.aLower)})`}`;
      }),
      runs ? `${Math.round(median(runs.map((r) => r.trials)))} / ${Math.round(median(runs.map((r) => r.completed)))}` : "—",
    ];
  });
  return table(["configuration", ...budgets.map((b) => `${int(b)} full evaluations (${int(b * p.maxResource)} steps)`), "trials / complete (median)"], rows);
}

/** The configuration with the lowest median full-fidelity regret at each budget (label per budget). */
export function fidelityLeaders(get: Lookup, p: { name: string; optimum: number }, budgets: readonly number[], configs: readonly { side: Side; key: string; label: string }[]): string[] {
  return budgets.map((b) => {
    let best: { label: string; m: number } | undefined;
    for (const c of configs) {
      const cell = fidelityCell(get(c.side, c.key, p.name), p.optimum, b);
      if (cell && (!best || cell.median < best.m)) best = { label: c.label, m: cell.median };
    }
    return best?.label ?? "—";
  });
}

/** Every sampler's median regret per problem and budget (an overview), ours and Optuna's. */
export function overviewTable(get: Lookup, problems: readonly { name: string; title: string; optimum: number }[], budgets: readonly number[], columns: readonly { side: Side; kind: string; label: string }[]): string {
  const rows: string[][] = [];
  for (const p of problems) {
    for (const b of budgets) rows.push([p.title, int(b), ...columns.map((c) => regret(regretCell(get(c.side, c.kind, p.name), p.optimum, b)?.median))]);
  }
  return table(["problem", "trials", ...columns.map((c) => c.label)], rows);
}
