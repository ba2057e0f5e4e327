/**
 * Our side of the samplers benchmark: seeded studies (in memory, ask/tell) on the single-objective,
 * multi-objective and multi-fidelity problems, with the sampler's time per trial.
 *
 * "Sampler time" of a trial is the CPU time of ask + suggest + tell with the objective's own time
 * taken out (`process.cpuUsage`, so a busy machine stretches it less than wall time), measured the
 * same way as `optuna_samplers.py` does with `time.process_time()`. Wall time is kept as well.
 */
import { performance } from "node:perf_hooks";
import type { Pruner } from "../../src/core/pruner.js";
import { HyperbandPruner } from "../../src/pruners/index.js";
import { hypervolume } from "../../src/samplers/tpe/multi-objective.js";
import { createStudy, type Study } from "../../src/index.js";
import { evaluate, evaluateFidelity, evaluateMulti, mfProblem, moProblem, problem, suggestAll, suggestSpace } from "../problems.js";
import type { SamplerFactory } from "./catalog.js";

/** Per-trial sampler times of one run, summarised (milliseconds). */
export interface TrialTimes {
  /** Mean CPU ms per trial over the whole run. */
  readonly cpuMsMean: number;
  /** Mean wall ms per trial over the whole run. */
  readonly wallMsMean: number;
  /** Mean CPU ms per trial over the 10 trials ending at each checkpoint k (trials k-9..k): the cost late in a run. */
  readonly cpuMsAt: Readonly<Record<string, number>>;
}

/** One seeded single-objective run. */
export interface SingleRun extends TrialTimes {
  readonly seed: number;
  /** Best value after k trials, per checkpoint k. */
  readonly bestAt: Readonly<Record<string, number>>;
}

/** One seeded multi-objective run. */
export interface MultiRun extends TrialTimes {
  readonly seed: number;
  /** Hypervolume (against the problem's reference point) of the first k trials, per checkpoint k. */
  readonly hvAt: Readonly<Record<string, number>>;
}

/** One finished trial of a multi-fidelity run: the resource spent so far (steps) and its value at full fidelity, if it got there. */
export interface FidelityEvent {
  readonly resource: number;
  readonly final: number | undefined;
}

/** One seeded multi-fidelity run. */
export interface FidelityRun {
  readonly seed: number;
  /** Best full-fidelity value among trials finished within the resource, per budget (in full evaluations). */
  readonly bestAt: Readonly<Record<string, number>>;
  readonly trials: number;
  readonly completed: number;
  readonly wallS: number;
}

/** Summarises per-trial CPU and wall milliseconds. */
export function summariseTimes(cpuMs: readonly number[], wallMs: readonly number[], checkpoints: readonly number[]): TrialTimes {
  const mean = (xs: readonly number[], from: number, to: number): number => {
    let s = 0;
    for (let i = from; i < to; i++) s += xs[i] as number;
    return to > from ? s / (to - from) : NaN;
  };
  const cpuMsAt: Record<string, number> = {};
  for (const k of checkpoints) if (k <= cpuMs.length) cpuMsAt[String(k)] = mean(cpuMs, Math.max(0, k - 10), k);
  return { cpuMsMean: mean(cpuMs, 0, cpuMs.length), wallMsMean: mean(wallMs, 0, wallMs.length), cpuMsAt };
}

/** Times one trial's ask/suggest/tell, the objective excluded; `step` returns the objective's own seconds. */
class TrialClock {
  readonly cpuMs: number[] = [];
  readonly wallMs: number[] = [];

  async time(step: () => Promise<number>): Promise<void> {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const objectiveMs = await step();
    const wall = performance.now() - w0;
    const c = process.cpuUsage(c0);
    this.wallMs.push(wall - objectiveMs);
    this.cpuMs.push(Math.max(0, (c.user + c.system) / 1000 - objectiveMs));
  }
}

/**
 * A fixed study name per problem and seed: Hyperband hashes the study name and trial number to a
 * bracket, so a generated (time-stamped) name would make a seeded run unrepeatable.
 */
const studyNameOf = (problemName: string, seed: number): string => `${problemName}-seed${seed}`;

/** Milliseconds `f` took, with its result. */
function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

/** Seeded runs of a sampler on a single-objective problem of `problems.json`. */
export async function runSingle(name: string, factory: SamplerFactory, seeds: readonly number[], nTrials: number, checkpoints: readonly number[], log?: (line: string) => void): Promise<SingleRun[]> {
  const spec = problem(name);
  const runs: SingleRun[] = [];
  for (const seed of seeds) {
    const study = await createStudy({ sampler: factory(seed), direction: "minimize", studyName: studyNameOf(name, seed) });
    const clock = new TrialClock();
    let best = Infinity;
    const bestAt: Record<string, number> = {};
    for (let i = 1; i <= nTrials; i++) {
      await clock.time(async () => {
        const trial = await study.ask();
        // Suggesting is the sampler's work (independent sampling happens there): only the objective is excluded.
        const params = suggestAll(trial, spec);
        const [value, ms] = timed(() => evaluate(name, params));
        await study.tell(trial, value);
        if (value < best) best = value;
        return ms;
      });
      if (checkpoints.includes(i)) bestAt[String(i)] = best;
    }
    const times = summariseTimes(clock.cpuMs, clock.wallMs, checkpoints);
    runs.push({ seed, bestAt, ...times });
    log?.(`seed ${seed}: best ${best.toPrecision(6)}, ${times.cpuMsMean.toFixed(2)} ms/trial`);
  }
  return runs;
}

/** Hypervolume of the first k value vectors, per checkpoint k, with the one exact hypervolume function both sides are scored by. */
export function hypervolumeAt(values: readonly (readonly number[])[], reference: readonly number[], checkpoints: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of checkpoints) if (k <= values.length) out[String(k)] = hypervolume(values.slice(0, k), reference);
  return out;
}

/** Seeded runs of a sampler on a multi-objective problem. */
export async function runMulti(name: string, factory: SamplerFactory, seeds: readonly number[], nTrials: number, checkpoints: readonly number[], log?: (line: string) => void): Promise<MultiRun[]> {
  const spec = moProblem(name);
  const directions = spec.reference.map(() => "minimize" as const);
  const runs: MultiRun[] = [];
  for (const seed of seeds) {
    const study = await createStudy({ sampler: factory(seed), directions, studyName: studyNameOf(name, seed) });
    const clock = new TrialClock();
    const values: number[][] = [];
    for (let i = 1; i <= nTrials; i++) {
      await clock.time(async () => {
        const trial = await study.ask();
        const params = suggestSpace(trial, spec.params);
        const [v, ms] = timed(() => evaluateMulti(name, params));
        await study.tell(trial, v);
        values.push(v);
        return ms;
      });
    }
    const hvAt = hypervolumeAt(values, spec.reference, checkpoints);
    const times = summariseTimes(clock.cpuMs, clock.wallMs, checkpoints);
    runs.push({ seed, hvAt, ...times });
    log?.(`seed ${seed}: HV ${hvAt[String(nTrials)]?.toPrecision(6)}, ${times.cpuMsMean.toFixed(2)} ms/trial`);
  }
  return runs;
}

/**
 * The best full-fidelity value among the trials finished by each resource budget (in full
 * evaluations of `maxResource` steps): a trial counts once the resource spent up to its end is
 * within the budget. Infinity when no trial had finished at full fidelity by then.
 */
export function bestWithinResource(events: readonly FidelityEvent[], maxResource: number, budgets: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of budgets) {
    let best = Infinity;
    for (const e of events) if (e.resource <= b * maxResource && e.final !== undefined && e.final < best) best = e.final;
    out[String(b)] = best;
  }
  return out;
}

/** How a multi-fidelity configuration runs its trials. */
export interface FidelitySetup {
  readonly factory: SamplerFactory;
  /** Hyperband early stopping (every step reported, the pruner asked after each); otherwise every trial trains all steps. */
  readonly hyperband: boolean;
}

/** The Hyperband pruner of the multi-fidelity runs: steps 1..maxResource, η = 3. */
export const hyperbandFor = (maxResource: number): Pruner => new HyperbandPruner({ minResource: 1, maxResource, reductionFactor: 3 });

/**
 * Seeded multi-fidelity runs: trials run until `max(budgets) × maxResource` steps are spent. With
 * Hyperband a trial reports f(x, t) at every step t and stops when pruned (its steps still count);
 * without, it trains all `maxResource` steps and reports only the final value.
 */
export async function runFidelity(name: string, setup: FidelitySetup, seeds: readonly number[], budgets: readonly number[], log?: (line: string) => void): Promise<FidelityRun[]> {
  const spec = mfProblem(name);
  const R = spec.maxResource;
  const total = Math.max(...budgets) * R;
  const runs: FidelityRun[] = [];
  for (const seed of seeds) {
    const t0 = performance.now();
    const study: Study = await createStudy({
      sampler: setup.factory(seed),
      direction: "minimize",
      studyName: studyNameOf(name, seed),
      ...(setup.hyperband ? { pruner: hyperbandFor(R) } : {}),
    });
    const events: FidelityEvent[] = [];
    let spent = 0;
    let completed = 0;
    while (spent < total) {
      const trial = await study.ask();
      const params = suggestSpace(trial, spec.params);
      let final: number | undefined;
      if (!setup.hyperband) {
        final = evaluateFidelity(name, params, R);
        spent += R;
      } else {
        for (let t = 1; t <= R; t++) {
          const v = evaluateFidelity(name, params, t);
          trial.report(v, t);
          spent++;
          if (t === R) final = v;
          else if (await trial.shouldPrune()) break;
        }
      }
      if (final === undefined) await study.tell(trial, "pruned");
      else {
        await study.tell(trial, final);
        completed++;
      }
      events.push({ resource: spent, final });
    }
    const bestAt = bestWithinResource(events, R, budgets);
    runs.push({ seed, bestAt, trials: events.length, completed, wallS: (performance.now() - t0) / 1000 });
    log?.(`seed ${seed}: best ${bestAt[String(Math.max(...budgets))]?.toPrecision(6)} after ${events.length} trials (${completed} complete)`);
  }
  return runs;
}
