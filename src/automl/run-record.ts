/**
 * The run record: everything an improvement run knows about itself, as plain JSON. The report,
 * the leaderboard files, the dashboard and `ouro report` all read this one shape, so what is
 * shown is exactly what was recorded.
 */
import type { Task } from "../data/dataset.js";
import type { LearnerSpec } from "../learners/learner.js";
import type { DataProfile } from "./profile.js";

/** One candidate pipeline the loop proposed and (tried to) evaluate. */
export interface CandidateRecord {
  /** Candidate id: `t<trial number>` for study trials, `e<k>` for ensembles. */
  readonly id: string;
  /** Trial number in the run's study (absent for ensembles, which the sampler never proposed). */
  readonly trial?: number;
  /** Learner family (`gbdt`, `random-forest`, `ensemble`, …). */
  readonly family: string;
  readonly spec: LearnerSpec;
  /**
   * `cancelled`: cut before it finished by the budget's end, Ctrl-C or a kill (nothing is known
   * against it); `fail`: its own error, time limit or memory limit.
   */
  readonly state: "complete" | "pruned" | "fail" | "cancelled";
  /** Why it was proposed (default for its family, sampler suggestion, ensemble of …). */
  readonly reason: string;
  /** Candidate ids this candidate was derived from (ensemble members). */
  readonly parents: readonly string[];
  /** Mean cross-validated score on the run's metric (absent when pruned early or failed). */
  readonly score?: number;
  /** 95% confidence interval of the mean score over folds. */
  readonly ci?: readonly [number, number];
  readonly foldScores?: readonly number[];
  /** Seconds spent training and evaluating. */
  readonly seconds: number;
  /** Seconds since the run started when this candidate finished. */
  readonly finishedAt: number;
  /** Where each fold's training settled on the learner's resource (early stopping's round or epoch). */
  readonly stoppedAt?: readonly number[];
  /** Multi-fidelity: the resource reached and its maximum. */
  readonly fidelity?: { readonly resource: string; readonly reached: number; readonly max: number };
  /** Failure reason (time limit, memory limit, error message). */
  readonly error?: string;
}

/** A promotion: the candidate that became champion, with the evidence. */
export interface GenerationRecord {
  readonly generation: number;
  /** The promoted candidate's id. */
  readonly candidate: string;
  readonly family: string;
  readonly score: number;
  readonly ci: readonly [number, number];
  /** Previous champion's candidate id (absent for generation 0). */
  readonly parent?: string;
  /** Paired comparison with the previous champion on the same folds. */
  readonly improvement?: { readonly mean: number; readonly ci: readonly [number, number]; readonly pValue: number; readonly test: string };
  /** Seconds since the run started. */
  readonly at: number;
  readonly dataDigest: string;
  readonly seed: number;
  /** SHA-256 of the model saved at promotion (the cross-fitted bag, or the refit on all rows). */
  readonly artifactDigest?: string;
}

/** A named value with an optional spread (importances). */
export interface Importance {
  readonly name: string;
  readonly value: number;
  readonly sd?: number;
}

/** Diagnostics of the champion on out-of-fold predictions. */
export interface ChampionDiagnostics {
  readonly featureImportance?: readonly Importance[];
  readonly confusion?: { readonly classes: readonly string[]; readonly matrix: readonly (readonly number[])[] };
  readonly residuals?: readonly { readonly predicted: number; readonly actual: number }[];
  readonly calibration?: readonly { readonly meanPredicted: number; readonly fractionPositive: number; readonly count: number }[];
}

/** The whole run. */
export interface RunRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly data: { readonly path: string; readonly target: string; readonly digest: string; readonly profile: DataProfile };
  readonly task: Task;
  readonly metric: { readonly name: string; readonly greaterIsBetter: boolean };
  readonly budget: { readonly seconds?: number; readonly trials?: number; readonly usedSeconds: number };
  readonly seed: number;
  readonly folds: number;
  /** What promotions saved: the cross-fitted bag of fold models, or a refit on all rows (absent in older records: refit). */
  readonly finalFit?: "bag" | "refit";
  readonly candidates: readonly CandidateRecord[];
  readonly generations: readonly GenerationRecord[];
  readonly champion?: { readonly candidate: string; readonly family: string; readonly score: number; readonly generation: number; readonly artifactDigest?: string };
  readonly paramImportance?: readonly Importance[];
  readonly diagnostics?: ChampionDiagnostics;
  /** Free-form notes (warnings from loading the data, dropped columns). */
  readonly notes: readonly string[];
}
