/**
 * The improvement run (`ouro run`): from a CSV and a target to a champion model that gets better
 * generation after generation, under a budget, with every step recorded.
 *
 * 1. Profile the data; fix the run's folds from its seed.
 * 2. Generation 0: each applicable learner family's strong defaults are enqueued first.
 * 3. Propose: a bandit over learner families picks the family (`family-scheduler.ts`), TPE
 *    (multivariate, `group`, constant liar for parallel workers) that family's hyperparameters;
 *    each proposal is a trial with its reason recorded.
 * 4. Train with multi-fidelity: per-family ASHA over boosting rounds / epochs stops weak
 *    candidates early; every candidate runs in a worker thread with hard time and memory limits.
 * 5. Evaluate on the same folds for every candidate, keeping out-of-fold predictions.
 * 6. Ensemble: greedy ensemble selection over the best candidates' out-of-fold predictions is
 *    proposed as a candidate like any other.
 * 7. Gate: a challenger is promoted only when a paired test on the same folds shows it better than
 *    the champion by the margin; each promotion is a generation, saved as the cross-fitted bag of
 *    the fold models the gate judged or refitted on all rows (`finalFit`, see `final-model.ts`).
 * 8. When the budget is spent, the champion and the run's files are written.
 *
 * Everything durable lives in the run's storage (SQLite by default): the study (trials, params,
 * candidate results), the hash-chained audit log (proposals, evaluations, promotions, lineage) and
 * the model registry, plus out-of-fold predictions and artifacts in the run directory. A killed run
 * resumes from there (`resume`), losing only the candidates that were running.
 *
 * Reproducibility: with `jobs: 1` and a trial budget, the same seed gives the same trials, scores
 * and champion. With a time budget the number of trials depends on speed; each trial's result is
 * still a function of the seed and its number. With `jobs > 1` the order in which results arrive
 * varies, so proposals (which see finished trials) may differ.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { OuroborosError } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";
import { Random, deriveSeed } from "../core/rng.js";
import { loadCsvDataset } from "../data/load-dataset.js";
import { getMetric, type Metric } from "../evaluate/metrics/registry.js";
import { selectPredictionRows } from "../evaluate/predictions.js";
import "../learners/index.js";
import { learnerKinds } from "../learners/registry.js";
import { AuditLog } from "../registry/audit-log.js";
import { fileDigest } from "../registry/data-digest.js";
import { ModelRegistry } from "../registry/model-registry.js";
import { TPESampler } from "../samplers/tpe/index.js";
import { openStorage } from "../storage/open-storage.js";
import { createStudy, loadStudy } from "../study/create-study.js";
import type { Study } from "../study/study.js";
import type { Trial } from "../study/trial.js";
import { CandidateRunner, type Isolation } from "./candidate-runner.js";
import { importLearnerModules, type CandidateTaskInput } from "./candidate-task.js";
import { averagePredictions } from "../learners/average-predictions.js";
import { selectEnsemble } from "./ensemble-selection.js";
import { FamilyPruner } from "./family-pruner.js";
import { FinalModels, type FinalFit } from "./final-model.js";
import { gateChallenger, type GateTest } from "./gate.js";
import { getParamImportances } from "../importance/param-importances.js";
import { profileDataset, type DataProfile } from "./profile.js";
import { crossValidationFolds } from "../data/cv-folds.js";
import { writeRunOutputs } from "./run-outputs.js";
import type { CandidateRecord, GenerationRecord, RunRecord } from "./run-record.js";
import { chooseFamily } from "./family-scheduler.js";
import { CANDIDATE_ATTR, ENSEMBLES_ATTR, GENERATIONS_ATTR, RunState, pickTarget, pickWeights, restoreState, saveOof, type Evaluated, type RunCounts } from "./run-state.js";

export type { RunCounts };
import { applicableFamilies, defaultTrialParams, suggestCandidate, type FamilySpace } from "./search-space.js";

/** Options of {@link runImprovement}. */
export interface ImprovementRunOptions {
  readonly dataPath: string;
  readonly target: string;
  /** Wall-time budget of the search in seconds (the final files are written after it). */
  readonly budgetSeconds?: number;
  /** Maximum number of proposed trials. */
  readonly budgetTrials?: number;
  /** Metric name (`roc_auc`, `log_loss`, `accuracy`, `rmse`, …). Default: log_loss / rmse. */
  readonly metric?: string;
  readonly seed?: number;
  /** Parent folder of run directories. Default `runs`. */
  readonly outDir?: string;
  /** Storage URL. Default `sqlite:<run dir>/ouro.db`. */
  readonly storage?: string;
  /** Continue the run with this id (its directory must exist under `outDir`). */
  readonly resume?: string;
  /** Candidates evaluated at once. Default 1. */
  readonly jobs?: number;
  /** Cross-validation folds. Default 5. */
  readonly folds?: number;
  /** Wall-time limit of one candidate, in seconds. Default: max(20, budget / 3). */
  readonly trialTimeoutSeconds?: number;
  /** Heap limit of one candidate's worker, in MB. Default 2048. */
  readonly trialMemoryMb?: number;
  /** Learner families to search (default: all that apply). */
  readonly families?: readonly string[];
  /**
   * Modules (absolute `file:` URLs) that register user-defined learners with `registerLearner`;
   * every worker imports them. Pair with `extraFamilies` to search them.
   */
  readonly learnerModules?: readonly string[];
  /** Search spaces of user-defined learner families (added to the built-in ones). */
  readonly extraFamilies?: readonly FamilySpace[];
  /** Required improvement for a promotion, in metric units. Default 0. */
  readonly minImprovement?: number;
  /** The gate's paired test (see `gate.ts`). Default `bootstrap`. */
  readonly gate?: GateTest;
  /**
   * How the next candidate's learner family is chosen: `"bandit"` (default; discounted Thompson
   * sampling over families, see `family-scheduler.ts`) or `"tpe"` (the family is one more
   * categorical of the TPE search). Hyperparameters are TPE's either way.
   */
  readonly familySelection?: "bandit" | "tpe";
  /**
   * What a promotion saves: `"bag"`, the candidate's cross-validation fold models averaged
   * (exactly the models the gate judged); `"refit"`, one model refitted on all rows (resource
   * learners for the folds' stopping point); `"auto"` (default): bag for classification, refit
   * for regression. See `final-model.ts`.
   */
  readonly finalFit?: FinalFit;
  /** Worker threads (default) or in-process. */
  readonly isolation?: Isolation;
  /** Progress events. */
  readonly onEvent?: (event: RunEvent) => void;
  /** Stops the run cleanly (Ctrl-C): running candidates are abandoned, everything completed is kept. */
  readonly signal?: AbortSignal;
}

/** Progress of a run, for terminals and dashboards. */
export type RunEvent =
  | { readonly type: "start"; readonly runId: string; readonly runDir: string; readonly profile: DataProfile; readonly metric: string; readonly families: readonly string[]; readonly resumed: boolean }
  | { readonly type: "candidate"; readonly candidate: CandidateRecord; readonly elapsed: number; readonly counts: RunCounts }
  | { readonly type: "promotion"; readonly generation: GenerationRecord }
  | { readonly type: "finish"; readonly record: RunRecord; readonly runDir: string };

/** What {@link runImprovement} returns. */
export interface ImprovementRunResult {
  readonly runId: string;
  readonly runDir: string;
  readonly record: RunRecord;
}

const RUN_ATTR = "ouro.run";

/** Runs (or resumes) an improvement run; see the module docs. */
export async function runImprovement(options: ImprovementRunOptions): Promise<ImprovementRunResult> {
  const started = performance.now();
  const outDir = resolve(options.outDir ?? "runs");
  const runId = options.resume ?? newRunId();
  const runDir = join(outDir, runId);
  if (options.resume !== undefined && !existsSync(runDir)) throw new OuroborosError("invalid-argument", `cannot resume run "${runId}": ${runDir} does not exist`);
  mkdirSync(join(runDir, "oof"), { recursive: true });

  const loaded = loadCsvDataset(options.dataPath, { target: options.target });
  const data = loaded.dataset;
  const dataDigest = fileDigest(options.dataPath);
  const profile = profileDataset(data);
  const metric: Metric = getMetric(options.metric ?? (data.y.task === "regression" ? "rmse" : "log_loss"));
  if (!metric.tasks.includes(data.y.task)) throw new OuroborosError("invalid-argument", `metric "${metric.name}" does not apply to a ${data.y.task} target; use one of: ${data.y.task === "regression" ? "rmse, mae, r2" : "log_loss, roc_auc, accuracy, balanced_accuracy, f1_macro, mcc"}`);
  const seed = options.seed ?? 0;
  const nFolds = options.folds ?? 5;
  const folds = crossValidationFolds(data, nFolds, deriveSeed(seed, "folds"));
  await importLearnerModules(options.learnerModules);
  const families = applicableFamilies(profile, options.families, learnerKinds(), options.extraFamilies);
  if (families.length === 0) throw new OuroborosError("invalid-argument", `no learner family applies: asked for ${options.families?.join(", ") ?? "all"}, task ${data.y.task}`);
  const budgetSeconds = options.budgetSeconds;
  if (budgetSeconds === undefined && options.budgetTrials === undefined) throw new OuroborosError("invalid-argument", "give a budget: seconds (--budget 5m), trials, or both");

  const storageUrl = options.storage ?? `sqlite:${join(runDir, "ouro.db")}`;
  const storage = await openStorage(storageUrl);
  const studyName = `run-${runId}`;
  const sampler = new TPESampler({ seed: deriveSeed(seed, "sampler"), multivariate: true, group: true, constantLiar: true, nStartupTrials: families.length + 5, warnIndependentSampling: false });
  const pruner = new FamilyPruner(Object.fromEntries(families.filter((f) => f.resource).map((f) => [f.kind, f.resource!.max])));
  const direction = metric.greaterIsBetter ? "maximize" : "minimize";
  let study: Study;
  const resumed = options.resume !== undefined;
  if (resumed) {
    study = await loadStudy({ studyName, storage, sampler, pruner });
    const saved = study.userAttrs[RUN_ATTR] as { dataDigest?: string } | undefined;
    if (saved?.dataDigest !== dataDigest) throw new OuroborosError("invalid-data", `cannot resume run "${runId}": ${options.dataPath} has changed since the run started (SHA-256 differs)`);
    for (const t of study.getTrials({ states: ["running"] })) await study.tell(t.number, "fail", { failReason: "interrupted (the run was stopped while this candidate was running)" });
  } else {
    study = await createStudy({ studyName, storage, sampler, pruner, direction });
    await study.setUserAttr(RUN_ATTR, { dataPath: options.dataPath, target: options.target, dataDigest, metric: metric.name, seed, folds: nFolds, families: families.map((f) => f.kind), budgetSeconds: budgetSeconds ?? null, budgetTrials: options.budgetTrials ?? null });
    for (const f of families) await study.enqueueTrial(defaultTrialParams(f, profile), { userAttrs: { reason: `generation 0: defaults of ${f.kind}` } });
  }
  const audit = await AuditLog.open(storage);
  const registry = new ModelRegistry(audit, runId, "ouro run");
  const subject = `run:${runId}`;
  if (!resumed) await audit.append({ actor: "ouro run", action: "run", subject, details: { event: "start", dataPath: options.dataPath, target: options.target, dataDigest, metric: metric.name, seed, folds: nFolds } });
  else await audit.append({ actor: "ouro run", action: "run", subject, details: { event: "resume" } });

  const state = new RunState(metric, folds, data);
  restoreState(state, study, runDir);
  const notes = [...loaded.warnings];
  options.onEvent?.({ type: "start", runId, runDir, profile, metric: metric.name, families: families.map((f) => f.kind), resumed });

  const nTrain = folds.reduce((s, f) => s + f.train.length, 0) / folds.length;
  const nTest = folds.reduce((s, f) => s + f.test.length, 0) / folds.length;
  const previouslyUsed = (study.userAttrs["ouro.usedSeconds"] as number | undefined) ?? 0;
  const remainingSeconds = budgetSeconds === undefined ? Infinity : Math.max(0, budgetSeconds - previouslyUsed);
  const deadline = started + remainingSeconds * 1000;
  const timeoutSeconds = options.trialTimeoutSeconds ?? Math.max(20, (budgetSeconds ?? 600) / 3);
  const runner = new CandidateRunner({ isolation: options.isolation ?? "worker", jobs: options.jobs ?? 1, timeoutMs: timeoutSeconds * 1000, memoryMb: options.trialMemoryMb ?? 2048 });
  const stop = new AbortController();
  const onAbort = (): void => stop.abort("stopped by the user");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const budgetTimer = Number.isFinite(remainingSeconds) ? setTimeout(() => stop.abort("budget spent"), Math.max(0, deadline - performance.now())) : undefined;
  const elapsed = (): number => previouslyUsed + (performance.now() - started) / 1000;

  const taskInput = { dataPath: options.dataPath, target: options.target, task: data.y.task, folds: nFolds, foldSeed: deriveSeed(seed, "folds"), ...(options.learnerModules ? { learnerModules: options.learnerModules } : {}) };
  const finals = new FinalModels({ mode: options.finalFit ?? "auto", runner, task: data.y.task, runSeed: seed, taskInput });
  // The candidates ensemble selection draws from: the 8 best, plus the 2 best of every family.
  const library = (): Evaluated[] => state.ensembleLibrary(8, 2);
  const libraryBar = (family: string): CandidateTaskInput["keepModelsBar"] => {
    const score = state.libraryBar(family, 8, 2);
    return score === undefined ? undefined : { score, greaterIsBetter: metric.greaterIsBetter };
  };
  // Fold models come back only from candidates that can still join the library (see libraryBar).
  const keepModels = (family: string): Pick<CandidateTaskInput, "keepModels" | "keepModelsBar"> => {
    if (!finals.keepsFoldModels) return {};
    const bar = libraryBar(family);
    return bar === undefined ? { keepModels: true } : { keepModels: true, keepModelsBar: bar };
  };
  const recordOf = (id: string): CandidateRecord | undefined => state.trials.find((t) => t.record.id === id)?.record;

  const promote = async (c: Evaluated, decision: GenerationRecord["improvement"] | undefined): Promise<void> => {
    const generation = state.generations.length;
    const built = await finals.build(c.record, recordOf);
    if (!built.ok) {
      notes.push(`candidate ${c.record.id} passed the gate but its final model could not be built (${built.reason}); it was not promoted`);
      return;
    }
    const dir = join(runDir, "generations", String(generation));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "model.json"), built.model.json);
    writeFileSync(join(dir, "weights.bin"), built.model.weights);
    const g: GenerationRecord = {
      generation,
      candidate: c.record.id,
      family: c.record.family,
      score: c.record.score!,
      ci: c.record.ci!,
      ...(state.champion ? { parent: state.champion.candidate.record.id } : {}),
      ...(decision ? { improvement: decision } : {}),
      at: elapsed(),
      dataDigest,
      seed: built.seed,
      artifactDigest: built.model.digest,
    };
    const version = await registry.register({ artifactDigest: built.model.digest, generation, uri: dir, metadata: { candidate: c.record.id, score: g.score } });
    await registry.promote(version.version, { reason: decision ? `improvement ${decision.mean.toPrecision(4)} (CI ${decision.ci[0].toPrecision(4)}..${decision.ci[1].toPrecision(4)})` : "generation 0: first candidate to finish" });
    await audit.append({ actor: "ouro run", action: "generation", subject, details: g as unknown as JsonValue });
    state.generations.push(g);
    state.champion = { candidate: c, generation };
    await study.setUserAttr(GENERATIONS_ATTR, state.generations as unknown as JsonValue);
    options.onEvent?.({ type: "promotion", generation: g });
  };

  const consider = async (c: Evaluated): Promise<void> => {
    // Generation 0 is the first candidate to finish (the defaults are proposed first, strongest
    // family first); every later candidate must beat the champion through the gate.
    if (state.champion === undefined) return promote(c, undefined);
    const champ = state.champion.candidate;
    const d = gateChallenger(champ.foldScores, c.foldScores, {
      greaterIsBetter: metric.greaterIsBetter,
      nTrain,
      nTest,
      margin: options.minImprovement ?? 0,
      metric: metric.name,
      test: options.gate ?? "bootstrap",
      bootstrap: { y: data.y, champion: champ.oof, challenger: c.oof, metric, ...(data.weights ? { weights: data.weights } : {}), seed: deriveSeed(seed, "gate", c.record.id) },
    });
    await audit.append({ actor: "gate", action: "evaluation", subject, details: { challenger: c.record.id, champion: state.champion.candidate.record.id, improvement: d.improvement, ci: [d.ci[0], d.ci[1]], pValue: d.pValue, promote: d.promote } });
    if (d.promote) await promote(c, { mean: d.improvement, ci: d.ci, pValue: d.pValue, test: d.test });
  };

  let gateQueue: Promise<void> = Promise.resolve();
  const serially = (work: () => Promise<void>): Promise<void> => {
    const next = gateQueue.then(work);
    gateQueue = next.catch(() => undefined);
    return next;
  };

  const maybeEnsemble = async (): Promise<void> => {
    const top = library();
    if (top.length < 2) return;
    const t0 = performance.now();
    const sel = selectEnsemble(top.map((c) => c.oof), (p) => metric.compute(data.y, p, data.weights), { greaterIsBetter: metric.greaterIsBetter, rounds: 25 });
    const used = top.map((c, i) => ({ c, w: sel.weights[i]! })).filter((m) => m.w > 0);
    if (used.length < 2) return;
    // The same members with the same weights is the same ensemble: propose it once.
    const key = used.map((m) => `${m.c.record.id}:${m.w.toFixed(6)}`).sort().join(",");
    if (state.ensembleKeys.has(key)) return;
    state.ensembleKeys.add(key);
    const oof = averagePredictions(used.map((m) => m.c.oof), used.map((m) => m.w));
    const foldScores = folds.map((f) => metric.compute(pickTarget(data, f), selectPredictionRows(oof, f.test), pickWeights(data, f)));
    const summary = state.summarize(foldScores);
    const id = `e${state.ensembles.length + 1}`;
    const record: CandidateRecord = {
      id,
      family: "ensemble",
      spec: { kind: "ensemble", params: { members: used.map((m) => ({ spec: m.c.record.spec, weight: m.w })) } as Record<string, unknown> },
      state: "complete",
      reason: `greedy ensemble selection (Caruana 2004) over ${top.map((c) => c.record.id).join(", ")}`,
      parents: used.map((m) => m.c.record.id),
      score: summary.mean,
      ci: summary.ci,
      foldScores,
      seconds: (performance.now() - t0) / 1000,
      finishedAt: elapsed(),
    };
    const e: Evaluated = { record, foldScores, oof };
    state.ensembles.push(e);
    saveOof(runDir, id, oof);
    await study.setUserAttr(ENSEMBLES_ATTR, state.ensembles.map((x) => x.record) as unknown as JsonValue);
    await audit.append({ actor: "ensemble-selection", action: "proposal", subject, details: { candidate: id, members: record.parents as string[], weights: used.map((m) => m.w), score: summary.mean } });
    options.onEvent?.({ type: "candidate", candidate: record, elapsed: elapsed(), counts: state.counts() });
    await consider(e);
  };

  const runOne = async (trial: Trial): Promise<void> => {
    const proposed = suggestCandidate(trial, families, profile);
    const reason = (study.getTrials().find((t) => t.number === trial.number)?.userAttrs.reason as string | undefined) ?? `TPE proposal (trial ${trial.number})`;
    await audit.append({ actor: "tpe", action: "proposal", subject: `${subject}/trial:${trial.number}`, details: { family: proposed.family, params: proposed.spec.params as JsonValue, reason } });
    const input: CandidateTaskInput = { ...taskInput, spec: proposed.spec as CandidateTaskInput["spec"], metric: metric.name, seed: finals.candidateSeed(trial.number), ...keepModels(proposed.family) };
    const t0 = performance.now();
    let lastStep = 0;
    const result = await runner.evaluate(
      input,
      async (step, loss) => {
        lastStep = step;
        trial.report(Number.isFinite(loss) ? loss : Number.MAX_VALUE, step);
        return trial.shouldPrune();
      },
      stop.signal,
    );
    const seconds = (performance.now() - t0) / 1000;
    const id = `t${trial.number}`;
    const fidelity = proposed.resource ? { resource: proposed.resource.name, reached: lastStep, max: proposed.resource.max } : undefined;
    const base = { id, trial: trial.number, family: proposed.family, spec: proposed.spec, reason, parents: [] as string[], seconds, finishedAt: elapsed(), ...(fidelity ? { fidelity } : {}) };
    let record: CandidateRecord;
    if (result.status === "ok") {
      const v = result.value;
      record = { ...base, state: "complete", score: v.mean, ci: v.ci, foldScores: v.foldScores, ...(v.stoppedAt ? { stoppedAt: v.stoppedAt } : {}), ...(fidelity && v.stepsReached !== undefined ? { fidelity: { ...fidelity, reached: v.stepsReached } } : {}) };
      saveOof(runDir, id, v.oof);
      await trial.setUserAttr(CANDIDATE_ATTR, record as unknown as JsonValue);
      await study.tell(trial, Number.isFinite(v.mean) ? v.mean : "fail");
      const e: Evaluated = { record, foldScores: v.foldScores, oof: v.oof };
      state.trials.push(e);
      if (v.bag) finals.keep(id, v.bag);
      await audit.append({ actor: "ouro run", action: "evaluation", subject: `${subject}/trial:${trial.number}`, details: { score: v.mean, ci: [v.ci[0], v.ci[1]], foldScores: v.foldScores } });
      options.onEvent?.({ type: "candidate", candidate: record, elapsed: elapsed(), counts: state.counts() });
      // Gate decisions, promotions and ensembles run one at a time: with several jobs two results
      // can arrive while a promotion's final model is built, and each must be judged against the
      // champion that the previous decision left (else both become "generation n").
      await serially(async () => {
        await consider(e);
        await maybeEnsemble();
        // Fold models are held only while their candidate may still be promoted or ensembled.
        const champ = state.champion?.candidate.record;
        finals.retain([...library().map((x) => x.record.id), ...(champ ? [champ.id, ...champ.parents] : [])]);
      });
      return;
    }
    const pruned = result.status === "pruned";
    const cancelled = result.status === "cancelled";
    const reasonText = cancelled ? `not finished: ${String(stop.signal.reason ?? result.reason)}` : result.reason;
    // A candidate cut by the deadline or Ctrl-C is "cancelled", not "fail": nothing is known
    // against it (the study keeps Optuna's states, so its trial is failed with the reason).
    record = { ...base, state: pruned ? "pruned" : cancelled ? "cancelled" : "fail", ...(pruned ? {} : { error: reasonText }) };
    await trial.setUserAttr(CANDIDATE_ATTR, record as unknown as JsonValue);
    await study.tell(trial, pruned ? "pruned" : "fail", pruned ? {} : { failReason: reasonText });
    if (pruned) state.pruned++;
    else if (cancelled) state.cancelled++;
    else state.failed.push(record);
    await audit.append({ actor: "ouro run", action: "training", subject: `${subject}/trial:${trial.number}`, details: { state: record.state, reason: reasonText, steps: lastStep } });
    options.onEvent?.({ type: "candidate", candidate: record, elapsed: elapsed(), counts: state.counts() });
  };

  try {
    const jobs = Math.max(1, options.jobs ?? 1);
    const familySelection = options.familySelection ?? "bandit";
    const inFlight = new Set<Promise<void>>();
    let fatal: unknown;
    let proposed = study.getTrials().filter((t) => t.state !== "waiting").length;
    const trialCap = options.budgetTrials ?? Infinity;
    const budgetLeft = (): boolean => {
      // Checked by the clock too: in-process candidates can finish in microtasks only, and then the
      // budget timer (a macrotask) would never get its turn.
      if (!stop.signal.aborted && performance.now() >= deadline) stop.abort("budget spent");
      return !stop.signal.aborted;
    };
    while (budgetLeft()) {
      while (inFlight.size < jobs && proposed < trialCap && budgetLeft()) {
        if (familySelection === "bandit" && families.length > 1 && study.getTrials({ states: ["waiting"] }).length === 0) {
          // The proposal's family first (recorded as its reason), then TPE within that family.
          const all = study.getTrials();
          const choice = chooseFamily(all, families.map((f) => f.kind), direction, new Random(deriveSeed(seed, "family", all.length)));
          await study.enqueueTrial({ family: choice.family }, { userAttrs: { reason: choice.reason } });
        }
        const trial = await study.ask();
        proposed++;
        const p = runOne(trial)
          .catch((e: unknown) => {
            // A bug or a storage failure, not a candidate's failure: stop the run and report it.
            fatal ??= e;
            stop.abort("internal error");
          })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
      // Let timers and signal handlers (Ctrl-C) run between candidates.
      await new Promise<void>((r) => setImmediate(r));
      await study.setUserAttr("ouro.usedSeconds", elapsed());
    }
    await Promise.allSettled(inFlight);
    if (fatal !== undefined) throw fatal;
  } finally {
    if (budgetTimer) clearTimeout(budgetTimer);
    options.signal?.removeEventListener("abort", onAbort);
    await runner.close();
  }
  await study.setUserAttr("ouro.usedSeconds", elapsed());

  if (state.champion === undefined) {
    await audit.close();
    const all = study.getTrials().filter((t) => t.state !== "waiting");
    const failed = all.filter((t) => t.state === "fail");
    const pruned = all.filter((t) => t.state === "pruned").length;
    const firstError = failed[0]?.failReason;
    throw new OuroborosError(
      "invalid-argument",
      `no candidate finished within the budget (${all.length} started, ${pruned} pruned, ${failed.length} failed${firstError ? `; first failure: ${firstError}` : ""}); raise --budget or --trial-timeout`,
    );
  }
  const record: RunRecord = {
    id: runId,
    createdAt: new Date().toISOString(),
    data: { path: options.dataPath, target: options.target, digest: dataDigest, profile },
    task: data.y.task,
    metric: { name: metric.name, greaterIsBetter: metric.greaterIsBetter },
    budget: { ...(budgetSeconds !== undefined ? { seconds: budgetSeconds } : {}), ...(options.budgetTrials !== undefined ? { trials: options.budgetTrials } : {}), usedSeconds: elapsed() },
    seed,
    folds: folds.length,
    finalFit: finals.mode,
    candidates: state.allRecords(study),
    generations: state.generations,
    paramImportance: getParamImportances(study, { evaluator: "ped-anova", conditional: "local", minTrials: 8 }).map((p) => ({ name: p.name, value: p.importance })),
    champion: { candidate: state.champion.candidate.record.id, family: state.champion.candidate.record.family, score: state.champion.candidate.record.score!, generation: state.champion.generation, artifactDigest: state.generations[state.champion.generation]!.artifactDigest! },
    notes: [...notes, ...loaded.dropped.map((d) => `dropped column "${d.column}" (${d.reason})`)],
  };
  const finalRecord = await writeRunOutputs({ runDir, record, data, folds, champion: state.champion.candidate, loadedSchema: loaded.schema, seed, metric });
  await audit.append({ actor: "ouro run", action: "run", subject, details: { event: "finish", champion: record.champion!.candidate, generation: record.champion!.generation, usedSeconds: record.budget.usedSeconds } });
  await audit.close();
  options.onEvent?.({ type: "finish", record: finalRecord, runDir });
  return { runId, runDir, record: finalRecord };
}

function newRunId(): string {
  const d = new Date();
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}-${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, "0")}`;
}

/** Re-exported for the CLI. */
export type { FamilySpace };
