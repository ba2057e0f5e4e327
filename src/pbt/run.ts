/**
 * Population Based Training (Jaderberg et al. 2017): a population trained side by side, where at
 * every ready point poor members take over a good member's model and vary its hyperparameters.
 */
import { containsInternal, snapInternal, toExternal, validateDistribution, type Distribution, type ParamValue } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import type { StudyDirection } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import { Random, deriveSeed } from "../core/rng.js";
import { resolveSeed, uniformToInternal } from "../samplers/random.js";
import type { Study } from "../study/study.js";
import { perturbExplore, resolvePerturbOptions, truncationExploit, type ExploitStrategy, type ExploreOperator } from "./exploit-explore.js";
import { PBT_ATTRS, readStepResult, scheduleOf, stepSeed } from "./schedule.js";
import type { PBTCheckpointHooks, PBTInterval, PBTParams, PBTSchedule, PBTStep } from "./types.js";

/** Options of {@link runPBT}. */
export interface RunPBTOptions<S> extends PBTCheckpointHooks {
  /** Number of members trained side by side (at least 2). */
  readonly population: number;
  /** The hyperparameter search space: each member starts from a uniform draw. */
  readonly hyperparameters: Readonly<Record<string, Distribution>>;
  /** One training step of one member; returns its score (and its model state). */
  readonly step: PBTStep<S>;
  /** Steps each member's model is trained for. */
  readonly totalSteps: number;
  /** Steps between ready points (exploit and explore happen after every `readyInterval` steps). */
  readonly readyInterval: number;
  /** Seed of every draw. Default: a fresh random seed, reported in the result. */
  readonly seed?: number;
  /** Whether a higher score is better. Default "maximize" (or the study's direction). */
  readonly direction?: StudyDirection;
  /**
   * `"truncation"` (the bottom `truncationFraction` copy the top one), `"none"` (no exploit: the
   * population is a random search with the same compute), or a function. Default "truncation".
   */
  readonly exploit?: "truncation" | "none" | ExploitStrategy;
  /** Truncation's quantile. Default 0.2. */
  readonly truncationFraction?: number;
  /** `"perturb"` (see {@link perturbExplore}), `"resample"` (re-draw each with `resampleProbability`), or a function. Default "perturb". */
  readonly explore?: "perturb" | "resample" | ExploreOperator;
  /** Perturbation factors. Default [0.8, 1.2]. */
  readonly perturbFactors?: readonly number[];
  /** Probability of re-drawing a hyperparameter during explore. Default 0.25. */
  readonly resampleProbability?: number;
  /** A single-objective study to record every member-interval in as a complete trial (see {@link runPBT}). */
  readonly study?: Pick<Study, "directions" | "addTrial" | "setUserAttr">;
}

/** One member at the end of a PBT run. */
export interface PBTMemberResult<S> {
  readonly id: number;
  /** Its final hyperparameters. */
  readonly params: PBTParams;
  /** Its score after the last step. */
  readonly score: number;
  /** Its model state after the last step (undefined when the step keeps models itself). */
  readonly state: S | undefined;
  /** How its final model was trained: replay it with {@link replaySchedule}. */
  readonly schedule: PBTSchedule;
}

/** The outcome of {@link runPBT}. */
export interface PBTResult<S> {
  readonly seed: number;
  /** Every member, by id. */
  readonly members: readonly PBTMemberResult<S>[];
  /** The member with the best final score (the lowest id on ties). */
  readonly best: PBTMemberResult<S>;
  /** Every member-interval, in the order trained (round by round, member by member). */
  readonly intervals: readonly PBTInterval[];
}

const OPTION_NAMES = [
  "population",
  "hyperparameters",
  "step",
  "totalSteps",
  "readyInterval",
  "seed",
  "direction",
  "exploit",
  "truncationFraction",
  "explore",
  "perturbFactors",
  "resampleProbability",
  "study",
  "checkpoint",
  "restore",
];

/**
 * Runs Population Based Training and returns every member's final model, score and schedule.
 *
 * `population` members start from hyperparameters drawn uniformly from `hyperparameters` and are
 * trained in synchronous rounds of `readyInterval` steps (the last round may be shorter), each step
 * a call of `step`. At the end of every round but the last, each member's latest score is ranked
 * and `exploit` decides which members copy another's model: by default the bottom 20% each copy a
 * random member of the top 20% (truncation selection). A copying member takes the donor's model
 * (a `structuredClone` of the state its step returned, or `restore(member, checkpoint(donor))` for
 * models the step keeps itself) and the donor's hyperparameters varied by `explore`: by default
 * each multiplied by 0.8 or 1.2, or re-drawn with probability 0.25. Synchronous rounds (rather
 * than the paper's asynchronous workers) and per-step seeds make a run a pure function of its seed
 * and the step.
 *
 * Every member-interval is recorded with its hyperparameters and the member it copied from, so each
 * final model has a *schedule* (its lineage through the exploits) that {@link replaySchedule}
 * retrains from scratch. With `study`, each member-interval is also added to it as a complete trial
 * (hyperparameters as params, the interval's scores as intermediate values, the final one as the
 * value, and user attributes `pbt:member`, `pbt:round`, `pbt:start`, `pbt:end`, `pbt:copiedFrom`),
 * and the best schedule is stored in the study's `pbt:best` user attribute: an interval is one
 * configuration trained for a budget, which is what a trial is, and `intervalsFromTrials` +
 * `scheduleOf` recover any schedule from storage alone. Non-finite scores rank last.
 *
 * Options (defaults): `population`, `hyperparameters`, `step`, `totalSteps`, `readyInterval`
 * (required); `seed` (fresh), `direction` ("maximize"), `exploit` ("truncation"),
 * `truncationFraction` (0.2), `explore` ("perturb"), `perturbFactors` ([0.8, 1.2]),
 * `resampleProbability` (0.25), `checkpoint`/`restore` (none), `study` (none).
 *
 * @example
 * const result = await runPBT({
 *   population: 10, totalSteps: 100, readyInterval: 10, seed: 1,
 *   hyperparameters: { lr: { kind: "float", low: 1e-4, high: 1, log: true } },
 *   step: ({ params, state }) => { const w = train(state, params.lr); return { score: evaluate(w), state: w }; },
 * });
 *
 * @see M. Jaderberg et al., "Population Based Training of Neural Networks", arXiv:1711.09846, 2017.
 */
export async function runPBT<S>(options: RunPBTOptions<S>): Promise<PBTResult<S>> {
  const cfg = resolveOptions(options);
  const { population: n, space, names, seed, totalSteps, readyInterval, step } = cfg;
  const sign = cfg.direction === "maximize" ? -1 : 1;
  const internal: Record<string, number>[] = [];
  for (let m = 0; m < n; m++) {
    const p: Record<string, number> = {};
    for (const name of names) p[name] = uniformToInternal(space[name] as Distribution, new Random(deriveSeed(seed, "pbt", "init", m, name)).next());
    internal.push(p);
  }
  const external = (p: Readonly<Record<string, number>>): PBTParams => {
    const out: Record<string, ParamValue> = {};
    for (const name of names) out[name] = toExternal(space[name] as Distribution, p[name] as number);
    return out;
  };
  const states: (S | undefined)[] = new Array<S | undefined>(n).fill(undefined);
  const hasState: boolean[] = new Array<boolean>(n).fill(false);
  const scores: number[] = new Array<number>(n).fill(Number.NaN);
  const copiedFrom: (number | undefined)[] = new Array<number | undefined>(n).fill(undefined);
  const intervals: PBTInterval[] = [];

  for (let round = 0, start = 0; start < totalSteps; round++, start += readyInterval) {
    const end = Math.min(start + readyInterval, totalSteps);
    for (let m = 0; m < n; m++) {
      const params = external(internal[m] as Record<string, number>);
      const curve: Record<string, number> = {};
      for (let s = start; s < end; s++) {
        const r = readStepResult(await step({ id: m, params, state: states[m] }, { step: s, seed: stepSeed(seed, m, s) }), `runPBT (member ${m}, step ${s})`);
        scores[m] = r.score;
        if (r.hasState) {
          states[m] = r.state;
          hasState[m] = true;
        }
        if (Number.isFinite(r.score)) curve[String(s)] = r.score;
      }
      const interval: PBTInterval = { round, member: m, start, end, params, copiedFrom: copiedFrom[m], score: scores[m] as number };
      intervals.push(interval);
      if (cfg.study) await record(cfg.study, interval, space, curve);
    }
    if (end >= totalSteps || cfg.exploit === undefined) continue;
    const losses = scores.map((v) => (Number.isFinite(v) ? sign * v : Infinity));
    const donors = cfg.exploit(losses, new Random(deriveSeed(seed, "pbt", "exploit", round)));
    // Snapshot every donor first, so a member that is both donor and recipient hands over its old model.
    const handover = new Map<number, { state: S | undefined; hasState: boolean; checkpoint: unknown; params: Record<string, number> }>();
    for (let m = 0; m < n; m++) {
      const d = donors[m];
      copiedFrom[m] = undefined;
      if (d === undefined || d === m) continue;
      if (!(Number.isInteger(d) && d >= 0 && d < n)) throw new OuroborosError("invalid-value", `runPBT: exploit returned donor ${d} for member ${m}; expected a member index in [0, ${n - 1}] or undefined`);
      if (handover.has(d)) continue;
      if (!hasState[d] && !(cfg.checkpoint && cfg.restore)) {
        throw new OuroborosError("invalid-argument", `runPBT: member ${m} should copy member ${d}'s model, but the step returned no state; return { score, state } from step, or pass checkpoint and restore`);
      }
      handover.set(d, {
        state: hasState[d] ? structuredClone(states[d]) : undefined,
        hasState: hasState[d] as boolean,
        checkpoint: cfg.checkpoint && cfg.restore ? cfg.checkpoint(d) : undefined,
        params: { ...(internal[d] as Record<string, number>) },
      });
    }
    for (let m = 0; m < n; m++) {
      const d = donors[m];
      if (d === undefined || d === m) continue;
      const h = handover.get(d) as NonNullable<ReturnType<typeof handover.get>>;
      if (h.hasState) {
        states[m] = structuredClone(h.state);
        hasState[m] = true;
      }
      if (cfg.checkpoint && cfg.restore) cfg.restore(m, h.checkpoint);
      internal[m] = explored(cfg.explore(h.params, space, new Random(deriveSeed(seed, "pbt", "explore", round, m))), h.params, space, names);
      copiedFrom[m] = d;
    }
  }

  const members: PBTMemberResult<S>[] = [];
  for (let m = 0; m < n; m++) {
    members.push({ id: m, params: external(internal[m] as Record<string, number>), score: scores[m] as number, state: states[m], schedule: scheduleOf(intervals, m, seed) });
  }
  let best = members[0] as PBTMemberResult<S>;
  for (const mr of members) {
    const a = Number.isFinite(mr.score) ? sign * mr.score : Infinity;
    const b = Number.isFinite(best.score) ? sign * best.score : Infinity;
    if (a < b) best = mr;
  }
  if (cfg.study) await cfg.study.setUserAttr("pbt:best", best.schedule as unknown as JsonValue);
  return { seed, members, best, intervals };
}

/** What an explore operator returned, checked: every hyperparameter present and inside its space (else snapped or kept). */
function explored(out: Record<string, number>, donor: Record<string, number>, space: Readonly<Record<string, Distribution>>, names: readonly string[]): Record<string, number> {
  const p: Record<string, number> = {};
  for (const name of names) {
    const d = space[name] as Distribution;
    const x = out[name];
    p[name] = typeof x === "number" && Number.isFinite(x) ? (containsInternal(d, x) ? x : snapInternal(d, x)) : (donor[name] as number);
  }
  return p;
}

async function record(study: NonNullable<RunPBTOptions<unknown>["study"]>, iv: PBTInterval, space: Readonly<Record<string, Distribution>>, curve: Record<string, number>): Promise<void> {
  const value = Number.isFinite(iv.score) ? iv.score : undefined;
  await study.addTrial({
    state: value === undefined ? "fail" : "complete",
    ...(value === undefined ? { failReason: `score ${iv.score}` } : { value }),
    params: iv.params,
    distributions: space,
    intermediateValues: curve,
    userAttrs: {
      [PBT_ATTRS.member]: iv.member,
      [PBT_ATTRS.round]: iv.round,
      [PBT_ATTRS.start]: iv.start,
      [PBT_ATTRS.end]: iv.end,
      [PBT_ATTRS.copiedFrom]: iv.copiedFrom ?? null,
    },
  });
}

interface ResolvedOptions<S> extends PBTCheckpointHooks {
  readonly population: number;
  readonly space: Readonly<Record<string, Distribution>>;
  readonly names: readonly string[];
  readonly step: PBTStep<S>;
  readonly totalSteps: number;
  readonly readyInterval: number;
  readonly seed: number;
  readonly direction: StudyDirection;
  readonly exploit: ExploitStrategy | undefined;
  readonly explore: ExploreOperator;
  readonly study: RunPBTOptions<S>["study"];
}

function resolveOptions<S>(o: RunPBTOptions<S>): ResolvedOptions<S> {
  const bad = (msg: string): never => {
    throw new OuroborosError("invalid-argument", `runPBT: ${msg}`);
  };
  const unknown = Object.keys(o).filter((k) => !OPTION_NAMES.includes(k));
  if (unknown.length > 0) bad(`unknown option(s) ${unknown.map((k) => `"${k}"`).join(", ")}; expected some of ${OPTION_NAMES.join(", ")}`);
  if (!(Number.isInteger(o.population) && o.population >= 2)) bad(`population must be an integer >= 2, but got ${o.population}`);
  if (!(Number.isInteger(o.totalSteps) && o.totalSteps >= 1)) bad(`totalSteps must be a positive integer, but got ${o.totalSteps}`);
  if (!(Number.isInteger(o.readyInterval) && o.readyInterval >= 1)) bad(`readyInterval must be a positive integer, but got ${o.readyInterval}`);
  if (typeof o.step !== "function") bad("step must be a function");
  if ((o.checkpoint === undefined) !== (o.restore === undefined)) bad("pass both checkpoint and restore, or neither");
  if (o.hyperparameters === null || typeof o.hyperparameters !== "object" || Object.keys(o.hyperparameters).length === 0) {
    bad(`hyperparameters must name at least one distribution, but got ${JSON.stringify(o.hyperparameters)}`);
  }
  const space: Record<string, Distribution> = {};
  for (const [name, d] of Object.entries(o.hyperparameters)) space[name] = validateDistribution(name, d);
  const studyDirection = o.study?.directions.length === 1 ? o.study.directions[0] : undefined;
  if (o.study && studyDirection === undefined) bad(`the study must have one objective, but it has ${o.study.directions.length}`);
  const direction = o.direction ?? studyDirection ?? "maximize";
  if (direction !== "maximize" && direction !== "minimize") bad(`direction must be "maximize" or "minimize", but got ${JSON.stringify(direction)}`);
  if (studyDirection !== undefined && studyDirection !== direction) bad(`direction is "${direction}", but the study's is "${studyDirection}"`);
  let exploit: ExploitStrategy | undefined;
  const e = o.exploit ?? "truncation";
  if (e === "truncation") exploit = truncationExploit(o.truncationFraction ?? 0.2);
  else if (e === "none") exploit = undefined;
  else if (typeof e === "function") exploit = e;
  else bad(`exploit must be "truncation", "none" or a function, but got ${JSON.stringify(e)}`);
  const perturb = resolvePerturbOptions("runPBT", { ...(o.perturbFactors ? { factors: o.perturbFactors } : {}), ...(o.resampleProbability !== undefined ? { resampleProbability: o.resampleProbability } : {}) });
  const x = o.explore ?? "perturb";
  let explore: ExploreOperator = perturbExplore(perturb);
  if (x === "resample") explore = perturbExplore({ factors: [1], resampleProbability: perturb.resampleProbability });
  else if (typeof x === "function") explore = x;
  else if (x !== "perturb") bad(`explore must be "perturb", "resample" or a function, but got ${JSON.stringify(x)}`);
  return {
    population: o.population,
    space,
    names: Object.keys(space).sort(),
    step: o.step,
    totalSteps: o.totalSteps,
    readyInterval: o.readyInterval,
    seed: resolveSeed("runPBT", o.seed),
    direction,
    exploit,
    explore,
    study: o.study,
    ...(o.checkpoint && o.restore ? { checkpoint: o.checkpoint, restore: o.restore } : {}),
  };
}
