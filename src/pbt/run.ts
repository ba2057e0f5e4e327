/**
 * Population Based Training (Jaderberg et al. 2017): a population trained side by side, where at
 * every ready point poor members take over a good member's model and vary its hyperparameters.
 */
import { isDeepStrictEqual } from "node:util";
import { containsInternal, snapInternal, toExternal, validateDistribution, type Distribution, type ParamValue } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import type { StudyDirection } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import { Random, deriveSeed } from "../core/rng.js";
import { resolveSeed, uniformToInternal } from "../samplers/random.js";
import type { Study } from "../study/study.js";
import { perturbExplore, resolvePerturbOptions, truncationExploit, type ExploitStrategy, type ExploreOperator } from "./exploit-explore.js";
import { readStepResult, scheduleOf, stepSeed } from "./schedule.js";
import { PBTStudyRecord, jsonProblem, type RecordedInterval, type SavedModel } from "./study-record.js";
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
  /** Seed of every draw. Default: the seed of the run recorded in `study`, else a fresh random seed, reported in the result. */
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
  /**
   * A single-objective study to record every member-interval in as a trial, and to resume from:
   * called again with the same study after the process died, the run continues where the study's
   * record ends (see {@link runPBT}). One `runPBT` per study at a time.
   */
  readonly study?: Study;
  /** Stops the run between steps: the promise rejects with the signal's reason, and a study keeps what finished. */
  readonly signal?: AbortSignal;
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
  "signal",
];

/**
 * Runs Population Based Training and returns every member's final model, score and schedule.
 *
 * `population` members start from hyperparameters drawn uniformly from `hyperparameters` and are
 * trained in synchronous rounds of `readyInterval` steps (the last round may be shorter), each step
 * a call of `step`. At the end of every round but the last, each member's latest score is ranked
 * and `exploit` decides which members copy another's model: by default the bottom 20% each copy a
 * random member of the top 20% (truncation selection). A copying member takes the donor's model
 * (a `structuredClone` of the state its step returned, or `restore(member, checkpoint(donor, ctx))`,
 * just before the member trains again, for models the step keeps itself) and the donor's hyperparameters varied by `explore`: by default
 * each multiplied by 0.8 or 1.2, or re-drawn with probability 0.25. Synchronous rounds (rather
 * than the paper's asynchronous workers) and per-step seeds make a run a pure function of its seed
 * and the step.
 *
 * Every member-interval is recorded with its hyperparameters and the member it copied from, so each
 * final model has a *schedule* (its lineage through the exploits) that {@link replaySchedule}
 * retrains from scratch. With `study`, each member-interval is also a trial of it (hyperparameters
 * as params, the interval's scores as intermediate values, the final one as the value, and the
 * user attributes of `PBT_ATTRS`), and the best schedule is stored in the study's `pbt:best` user
 * attribute: an interval is one configuration trained for a budget, which is what a trial is, and
 * `intervalsFromTrials` + `scheduleOf` recover any schedule from storage alone. Non-finite scores
 * rank last (their trials are failed, with the score kept in `pbt:score`).
 *
 * **Resuming.** With `study`, a run survives its process being killed: call `runPBT` again with the
 * same study, options and step (and the same seed, or none: the recorded one is used), and it
 * continues from the study's record instead of starting over. Each interval's trial is created
 * running when the interval starts and finished, with the model it ended with, in one atomic write
 * when it ends; a resumed call marks trials left running as failed (reason: interrupted) and trains
 * those intervals again, and takes every finished interval's score and model from the study without
 * calling `step` for it. Every draw comes from a seed derived from the run's seed and the member,
 * step or round (never from a generator that runs along), so the resumed run makes the same draws,
 * and with a step that is deterministic given its state, params and `ctx.seed` its result (scores,
 * schedules, best member, states) equals an uninterrupted run's. What the user must provide:
 * - a model the study can hold: either the step returns `{ score, state }` with a plain-JSON state
 *   (stored in the interval trial's `pbt:state` attribute; −0 comes back as 0), or the step keeps
 *   the model and `checkpoint`/`restore` save and load it, `checkpoint` returning plain JSON (see
 *   {@link PBTCheckpointHooks}). A state that is not plain JSON is not stored (with a warning), and a
 *   resume that needs a model the study lacks fails with an OuroborosError naming the member, the
 *   step and what is missing rather than silently restarting;
 * - the same settings: `seed`, `population`, `totalSteps`, `readyInterval`, `direction` and
 *   `hyperparameters` are stored in the study's `pbt:run` attribute and checked, and each recorded
 *   interval must be the one this run would train (same params and donor), else an error says
 *   where the runs part.
 * A running interval is lost when the process dies, so at most one interval per kill is trained
 * twice. `signal` stops a run between steps (it rejects with the signal's reason; the interval in
 * progress is failed and trained again on resume). States travel through the study as JSON on
 * every interval, so for large models prefer `checkpoint` writing files and returning their path.
 *
 * Options (defaults): `population`, `hyperparameters`, `step`, `totalSteps`, `readyInterval`
 * (required); `seed` (the study's recorded one, else fresh), `direction` ("maximize"), `exploit`
 * ("truncation"), `truncationFraction` (0.2), `explore` ("perturb"), `perturbFactors` ([0.8, 1.2]),
 * `resampleProbability` (0.25), `checkpoint`/`restore` (none), `study` (none), `signal` (none).
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
  const { population: n, space, names, totalSteps, readyInterval, step, hooks, signal } = cfg;
  signal?.throwIfAborted();
  const record = cfg.study
    ? await PBTStudyRecord.open(cfg.study, { population: n, totalSteps, readyInterval, direction: cfg.direction, hyperparameters: space }, cfg.seed)
    : undefined;
  const seed = record ? record.seed : resolveSeed("runPBT", cfg.seed);
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
  const models: MemberModel<S>[] = Array.from({ length: n }, () => ({ state: undefined, hasState: false, checkpoint: undefined, stale: false, missing: undefined }));
  const scores: number[] = new Array<number>(n).fill(Number.NaN);
  const copiedFrom: (number | undefined)[] = new Array<number | undefined>(n).fill(undefined);
  const intervals: PBTInterval[] = [];
  let warned = false;

  for (let round = 0, start = 0; start < totalSteps; round++, start += readyInterval) {
    const end = Math.min(start + readyInterval, totalSteps);
    for (let m = 0; m < n; m++) {
      signal?.throwIfAborted();
      const model = models[m] as MemberModel<S>;
      const planned: Omit<PBTInterval, "score"> = { round, member: m, start, end, params: external(internal[m] as Record<string, number>), copiedFrom: copiedFrom[m] };
      const saved = record?.finishedInterval(round, m);
      if (record && saved) {
        // Recorded by an earlier call of this run: take its outcome instead of training it again.
        checkRecorded(saved, planned, record.studyName);
        scores[m] = saved.score;
        loadModel(model, saved, hooks !== undefined);
        intervals.push({ ...planned, score: saved.score });
        continue;
      }
      if (model.missing !== undefined) throw cannotResume(record?.studyName, m, start, model.missing);
      if (hooks && model.stale) {
        await hooks.restore(m, model.checkpoint);
        model.stale = false;
      }
      const trial = record ? await record.start(planned, internal[m] as Record<string, number>, space) : undefined;
      const curve: Record<string, number> = {};
      let savedState: SavedModel = { kind: "none" };
      let savedCheckpoint: SavedModel = { kind: "none" };
      try {
        for (let s = start; s < end; s++) {
          signal?.throwIfAborted();
          const r = readStepResult(await step({ id: m, params: planned.params, state: model.state }, { step: s, seed: stepSeed(seed, m, s) }), `runPBT (member ${m}, step ${s})`);
          scores[m] = r.score;
          if (r.hasState) {
            model.state = r.state;
            model.hasState = true;
          }
          if (Number.isFinite(r.score)) curve[String(s)] = r.score;
        }
        if (record && model.hasState) {
          const problem = jsonProblem(model.state);
          if (problem === undefined) savedState = { kind: "json", value: structuredClone(model.state) as JsonValue };
          else {
            savedState = { kind: "unsaved", reason: `member ${m}'s state after step ${end} is not plain JSON (${problem})` };
            if (!warned) console.warn(`runPBT: ${savedState.reason}, so study "${record.studyName}" cannot hold it and this run cannot resume if it is killed; return a plain-JSON state, or keep the model in the step and pass checkpoint and restore`);
            warned = true;
          }
        }
        if (record && hooks) {
          model.checkpoint = await hooks.checkpoint(m, { step: end });
          const problem = jsonProblem(model.checkpoint);
          if (problem !== undefined) {
            throw new OuroborosError(
              "invalid-value",
              `runPBT: with a study, checkpoint must return plain JSON (the weights as arrays, or the path of a file it wrote) so that a resumed run can restore the model, but member ${m}'s checkpoint after step ${end} is ${problem}`,
            );
          }
          savedCheckpoint = { kind: "json", value: structuredClone(model.checkpoint) as JsonValue };
        }
      } catch (e) {
        if (record && trial !== undefined) {
          const aborted = signal?.aborted === true && e === signal.reason;
          await record.fail(trial, aborted ? `aborted: ${String(signal.reason)}` : `runPBT stopped in this interval: ${e instanceof Error ? e.message : String(e)}`);
        }
        throw e;
      }
      const interval: PBTInterval = { ...planned, score: scores[m] as number };
      intervals.push(interval);
      if (record && trial !== undefined) await record.finish(trial, interval.score, curve, savedState, savedCheckpoint);
    }
    if (end >= totalSteps || cfg.exploit === undefined) continue;
    const losses = scores.map((v) => (Number.isFinite(v) ? sign * v : Infinity));
    const donors = cfg.exploit(losses, new Random(deriveSeed(seed, "pbt", "exploit", round)));
    // Snapshot every donor first, so a member that is both donor and recipient hands over its old model.
    const handover = new Map<number, { model: MemberModel<S>; params: Record<string, number> }>();
    for (let m = 0; m < n; m++) {
      const d = donors[m];
      copiedFrom[m] = undefined;
      if (d === undefined || d === m) continue;
      if (!(Number.isInteger(d) && d >= 0 && d < n)) throw new OuroborosError("invalid-value", `runPBT: exploit returned donor ${d} for member ${m}; expected a member index in [0, ${n - 1}] or undefined`);
      if (handover.has(d)) continue;
      const donor = models[d] as MemberModel<S>;
      if (!donor.hasState && !hooks) {
        throw new OuroborosError("invalid-argument", `runPBT: member ${m} should copy member ${d}'s model, but the step returned no state; return { score, state } from step, or pass checkpoint and restore`);
      }
      handover.set(d, {
        model: {
          state: donor.hasState ? structuredClone(donor.state) : undefined,
          hasState: donor.hasState,
          // With a study, every member's current checkpoint is already taken (and stored).
          checkpoint: hooks ? (record ? donor.checkpoint : await hooks.checkpoint(d, { step: end })) : undefined,
          stale: false,
          missing: donor.missing,
        },
        params: { ...(internal[d] as Record<string, number>) },
      });
    }
    for (let m = 0; m < n; m++) {
      const d = donors[m];
      if (d === undefined || d === m) continue;
      const h = handover.get(d) as NonNullable<ReturnType<typeof handover.get>>;
      const model = models[m] as MemberModel<S>;
      if (h.model.hasState) {
        model.state = structuredClone(h.model.state);
        model.hasState = true;
      }
      // The step's own model is restored just before this member trains again (or at the end).
      if (hooks) {
        model.checkpoint = h.model.checkpoint;
        model.stale = true;
      }
      model.missing = h.model.missing;
      internal[m] = explored(cfg.explore(h.params, space, new Random(deriveSeed(seed, "pbt", "explore", round, m))), h.params, space, names);
      copiedFrom[m] = d;
    }
  }

  const members: PBTMemberResult<S>[] = [];
  for (let m = 0; m < n; m++) {
    const model = models[m] as MemberModel<S>;
    if (model.missing !== undefined) throw cannotResume(record?.studyName, m, totalSteps, model.missing);
    if (hooks && model.stale) {
      await hooks.restore(m, model.checkpoint);
      model.stale = false;
    }
    members.push({ id: m, params: external(internal[m] as Record<string, number>), score: scores[m] as number, state: model.state, schedule: scheduleOf(intervals, m, seed) });
  }
  let best = members[0] as PBTMemberResult<S>;
  for (const mr of members) {
    const a = Number.isFinite(mr.score) ? sign * mr.score : Infinity;
    const b = Number.isFinite(best.score) ? sign * best.score : Infinity;
    if (a < b) best = mr;
  }
  if (record) await record.setBest(best.schedule as unknown as JsonValue);
  return { seed, members, best, intervals };
}

/** One member's model as the run tracks it. */
interface MemberModel<S> {
  /** The state the step last returned (or a copy of the donor's). */
  state: S | undefined;
  hasState: boolean;
  /** With checkpoint/restore: the snapshot the step's own model must be restored from when `stale`. */
  checkpoint: unknown;
  /** Whether the step's own model of this member is behind: an exploit, or a resume, moved the member to `checkpoint`. */
  stale: boolean;
  /** Why this model cannot be restored (a resumed run whose study lacks it), or undefined. */
  missing: string | undefined;
}

/** Sets a member's model to the one a recorded interval ended with. */
function loadModel<S>(model: MemberModel<S>, saved: RecordedInterval, withHooks: boolean): void {
  const missing: string[] = [];
  if (saved.state.kind === "json") {
    model.state = structuredClone(saved.state.value) as S;
    model.hasState = true;
  } else if (saved.state.kind === "unsaved") {
    model.state = undefined;
    model.hasState = true;
    missing.push(saved.state.reason);
  } else if (!withHooks) {
    missing.push("the step returned only scores and there are no checkpoint/restore hooks, so the model lived only in the step");
  }
  if (withHooks) {
    if (saved.checkpoint.kind === "json") {
      model.checkpoint = saved.checkpoint.value;
      model.stale = true;
    } else missing.push(`no checkpoint of member ${saved.member} after step ${saved.end} was recorded (the run was recorded without checkpoint/restore)`);
  }
  model.missing = missing.length > 0 ? missing.join("; ") : undefined;
}

/** The error for a resumed run that needs a model its study does not hold. */
function cannotResume(studyName: string | undefined, member: number, step: number, why: string): OuroborosError {
  return new OuroborosError(
    "invalid-argument",
    `runPBT: cannot resume study "${studyName}": member ${member} needs its model after step ${step}, which is not in the study (${why}). ` +
      "To make a run resumable, return { score, state } from step with a plain-JSON state, or keep the model in the step and pass checkpoint and restore (see PBTCheckpointHooks)",
  );
}

/** Checks that an interval recorded by an earlier call is the one this run would train now. */
function checkRecorded(saved: RecordedInterval, planned: Omit<PBTInterval, "score">, studyName: string): void {
  const got = { start: saved.start, end: saved.end, params: saved.params, copiedFrom: saved.copiedFrom ?? null };
  const want = { start: planned.start, end: planned.end, params: planned.params, copiedFrom: planned.copiedFrom ?? null };
  if (!isDeepStrictEqual(got, want)) {
    throw new OuroborosError(
      "invalid-argument",
      `runPBT: study "${studyName}" holds a different PBT run: member ${planned.member}'s interval in round ${planned.round} was recorded as ${JSON.stringify(got)}, but this run would train ${JSON.stringify(want)}; ` +
        "resume with the recorded run's options (exploit, explore and a step that gives the same scores), or use a new study",
    );
  }
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

interface ResolvedOptions<S> {
  readonly population: number;
  readonly space: Readonly<Record<string, Distribution>>;
  readonly names: readonly string[];
  readonly step: PBTStep<S>;
  readonly totalSteps: number;
  readonly readyInterval: number;
  /** The seed given (checked), resolved once the study's record is read. */
  readonly seed: number | undefined;
  readonly direction: StudyDirection;
  readonly exploit: ExploitStrategy | undefined;
  readonly explore: ExploreOperator;
  readonly study: Study | undefined;
  readonly hooks: Required<PBTCheckpointHooks> | undefined;
  readonly signal: AbortSignal | undefined;
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
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) bad(`signal must be an AbortSignal, but got ${String(o.signal)}`);
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
    seed: o.seed === undefined ? undefined : resolveSeed("runPBT", o.seed),
    direction,
    exploit,
    explore,
    study: o.study,
    hooks: o.checkpoint && o.restore ? { checkpoint: o.checkpoint, restore: o.restore } : undefined,
    signal: o.signal,
  };
}
