/**
 * The improvement run's in-memory state (evaluated candidates, ensembles, generations, the
 * champion) and how it is rebuilt from storage on resume: candidate records live in the study's
 * trials, ensembles and generations in study attributes, out-of-fold predictions in the run
 * directory (`oof/<id>.json` + `.f64`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "../data/dataset.js";
import type { Fold } from "../data/splits.js";
import type { Metric } from "../evaluate/metrics/registry.js";
import { summarizeScores } from "../evaluate/summary.js";
import type { Predictions } from "../learners/learner.js";
import type { Study } from "../study/study.js";
import type { CandidateRecord, GenerationRecord } from "./run-record.js";

/** Study attribute with the ensemble candidates' records. */
export const ENSEMBLES_ATTR = "ouro.ensembles";
/** Study attribute with the generation records. */
export const GENERATIONS_ATTR = "ouro.generations";
/** Trial attribute with the candidate's record. */
export const CANDIDATE_ATTR = "candidate";

/** Candidate counts by state. */
export interface RunCounts {
  readonly complete: number;
  readonly pruned: number;
  readonly failed: number;
  /** Cut by the budget's end or a stop (Ctrl-C, a kill) before finishing. */
  readonly cancelled: number;
}

/** A finished candidate with what the gate and ensembles need. */
export interface Evaluated {
  readonly record: CandidateRecord;
  readonly foldScores: readonly number[];
  readonly oof: Predictions;
}

/** The current champion and its generation number. */
export interface Champion {
  readonly candidate: Evaluated;
  readonly generation: number;
}

/** In-memory view of the run (rebuilt from storage on resume). */
export class RunState {
  readonly trials: Evaluated[] = [];
  readonly ensembles: Evaluated[] = [];
  readonly generations: GenerationRecord[] = [];
  readonly failed: CandidateRecord[] = [];
  readonly ensembleKeys = new Set<string>();
  pruned = 0;
  cancelled = 0;
  champion: Champion | undefined;

  constructor(
    private readonly metric: Metric,
    private readonly folds: readonly Fold[],
    private readonly data: Dataset,
  ) {}

  private better(a: number, b: number): boolean {
    return this.metric.greaterIsBetter ? a > b : a < b;
  }

  best(): Evaluated | undefined {
    let best: Evaluated | undefined;
    for (const c of [...this.trials, ...this.ensembles]) if (best === undefined || this.better(c.record.score!, best.record.score!)) best = c;
    return best;
  }

  topTrials(k: number): Evaluated[] {
    return [...this.trials].sort((a, b) => (this.metric.greaterIsBetter ? b.record.score! - a.record.score! : a.record.score! - b.record.score!)).slice(0, k);
  }

  /**
   * The models ensemble selection chooses from: the `top` best trials overall plus the
   * `perFamily` best of every family, best first. TPE soon concentrates on one family (on small
   * data often 100+ trials of linear or naive Bayes), so the overall top alone would be near-copies
   * of one model; Caruana et al. (2004) and AutoGluon gain most from diverse members.
   */
  ensembleLibrary(top: number, perFamily: number): Evaluated[] {
    const sorted = this.topTrials(this.trials.length);
    const perFamilyCount = new Map<string, number>();
    const chosen = new Set<Evaluated>(sorted.slice(0, top));
    for (const c of sorted) {
      const n = perFamilyCount.get(c.record.family) ?? 0;
      if (n >= perFamily) continue;
      perFamilyCount.set(c.record.family, n + 1);
      chosen.add(c);
    }
    return sorted.filter((c) => chosen.has(c));
  }

  /**
   * The score a new `family` trial must reach to enter {@link ensembleLibrary}(top, perFamily):
   * the worse of the `top`-th best score overall and the family's `perFamily`-th best; undefined
   * while either list has room. The bar only rises as trials finish, so a candidate below it when
   * it starts can never join the library later.
   */
  libraryBar(family: string, top: number, perFamily: number): number | undefined {
    const overall = this.topTrials(top);
    const own = this.topTrials(this.trials.length).filter((c) => c.record.family === family);
    if (overall.length < top || own.length < perFamily) return undefined;
    const a = overall[top - 1]!.record.score!;
    const b = own[perFamily - 1]!.record.score!;
    return this.better(a, b) ? b : a;
  }

  counts(): RunCounts {
    return { complete: this.trials.length + this.ensembles.length, pruned: this.pruned, failed: this.failed.length, cancelled: this.cancelled };
  }

  summarize(scores: readonly number[]): { mean: number; ci: readonly [number, number] } {
    const k = scores.length;
    const nTrain = this.folds.reduce((s, f) => s + f.train.length, 0) / k;
    const nTest = this.folds.reduce((s, f) => s + f.test.length, 0) / k;
    // The same Nadeau–Bengio corrected interval as every candidate's.
    const summary = summarizeScores(Float64Array.from(scores), nTrain, nTest);
    return { mean: summary.mean, ci: summary.ci };
  }

  allRecords(study: Study): CandidateRecord[] {
    const byTrial = new Map<number, CandidateRecord>();
    for (const t of study.getTrials()) {
      const r = t.userAttrs[CANDIDATE_ATTR] as CandidateRecord | undefined;
      if (r !== undefined) byTrial.set(t.number, r);
      else if (t.state === "fail") {
        // Interrupted by a kill: the trial exists, its evaluation never came back (cancelled).
        const family = typeof t.params.family === "string" ? t.params.family : "unknown";
        const reason = typeof t.userAttrs.reason === "string" ? t.userAttrs.reason : `TPE proposal (trial ${t.number})`;
        byTrial.set(t.number, { id: `t${t.number}`, trial: t.number, family, spec: { kind: family, params: {} }, state: "cancelled", reason, parents: [], seconds: 0, finishedAt: 0, error: t.failReason ?? "interrupted" });
      }
    }
    return [...byTrial.values(), ...this.ensembles.map((e) => e.record)];
  }

  get dataset(): Dataset {
    return this.data;
  }
}

export function restoreState(state: RunState, study: Study, runDir: string): void {
  for (const t of study.getTrials()) {
    const r = t.userAttrs[CANDIDATE_ATTR] as CandidateRecord | undefined;
    if (r === undefined) continue;
    if (r.state === "complete") {
      const oof = loadOof(runDir, r.id);
      if (oof !== undefined && r.foldScores !== undefined) state.trials.push({ record: r, foldScores: r.foldScores, oof });
    } else if (r.state === "pruned") state.pruned++;
    else if (r.state === "cancelled") state.cancelled++;
    else state.failed.push(r);
  }
  for (const r of (study.userAttrs[ENSEMBLES_ATTR] as CandidateRecord[] | undefined) ?? []) {
    const oof = loadOof(runDir, r.id);
    if (oof !== undefined && r.foldScores !== undefined) state.ensembles.push({ record: r, foldScores: r.foldScores, oof });
  }
  const gens = (study.userAttrs[GENERATIONS_ATTR] as GenerationRecord[] | undefined) ?? [];
  state.generations.push(...gens);
  const last = gens[gens.length - 1];
  if (last !== undefined) {
    const c = [...state.trials, ...state.ensembles].find((e) => e.record.id === last.candidate);
    if (c !== undefined) state.champion = { candidate: c, generation: last.generation };
  }
}

export function saveOof(runDir: string, id: string, p: Predictions): void {
  const values = p.task === "regression" ? p.values : p.proba;
  writeFileSync(join(runDir, "oof", `${id}.json`), JSON.stringify({ task: p.task, classes: p.task === "regression" ? [] : p.classes }));
  writeFileSync(join(runDir, "oof", `${id}.f64`), new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

export function loadOof(runDir: string, id: string): Predictions | undefined {
  try {
    const meta = JSON.parse(readFileSync(join(runDir, "oof", `${id}.json`), "utf8")) as { task: Predictions["task"]; classes: string[] };
    const bytes = readFileSync(join(runDir, "oof", `${id}.f64`));
    const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return meta.task === "regression" ? { task: "regression", values } : { task: meta.task, classes: meta.classes, proba: values };
  } catch {
    return undefined;
  }
}

export function pickTarget(data: Dataset, f: Fold): Dataset["y"] {
  const y = data.y;
  if (y.task === "regression") return { task: "regression", values: Float64Array.from(f.test, (i) => y.values[i]!) };
  return { task: y.task, classes: y.classes, labels: Int32Array.from(f.test, (i) => y.labels[i]!) };
}

export function pickWeights(data: Dataset, f: Fold): Float64Array | undefined {
  const w = data.weights;
  return w === undefined ? undefined : Float64Array.from(f.test, (i) => w[i]!);
}
