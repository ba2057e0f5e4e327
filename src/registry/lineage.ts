/**
 * Lineage of a run: one record per generation (each promotion of a new champion) saying where it
 * came from — its parents, the proposal that produced it, the exact data (digest), params, seeds,
 * scores with confidence intervals and the artifact's digest. Records are `generation` entries of
 * the audit log (`audit-log.ts`), so they live in the study's storage, are tamper-evident, and are
 * ordered with the proposals, trainings and evaluations that led to them.
 */
import { OuroborosError } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";
import type { AuditRecord } from "./audit-chain.js";
import type { AuditLog } from "./audit-log.js";

/** A score with its confidence interval, e.g. the mean over CV folds with a t-interval. */
export interface ScoreWithCI {
  /** Metric name, e.g. `roc_auc`, `rmse`. */
  readonly metric: string;
  readonly mean: number;
  /** Lower and upper bound of the interval. */
  readonly low: number;
  readonly high: number;
  /** Coverage of the interval, e.g. 0.95. */
  readonly level: number;
}

/** The proposal that produced a generation: which trial, which sampler, and why. */
export interface ProposalInfo {
  /** Trial number in the run's study. */
  readonly trial: number;
  /** The proposer, e.g. `tpe`, `defaults`, `ensemble-selection`. */
  readonly sampler: string;
  /** Human-readable reason, e.g. `beat champion gen 3 by 0.012 (CI 0.004..0.020)`. */
  readonly reason: string;
}

/** One generation of a run's champion. Every field is JSON. */
export interface GenerationRecord {
  /** 0, 1, 2, … within the run, without gaps. */
  readonly generation: number;
  /** Generations it derives from: the champion it replaced, or the members of an ensemble. Empty for generation 0. */
  readonly parents: readonly number[];
  readonly proposal: ProposalInfo;
  /** SHA-256 of the training data (`bytesDigest` of the CSV, or `tableDigest`/`datasetDigest`). */
  readonly dataDigest: string;
  /** The pipeline's parameters (learner family, preprocessing, hyperparameters). */
  readonly params: { readonly [key: string]: JsonValue };
  /** Every seed used, by role, e.g. `{ sampler: 1, learner: 17, folds: 7 }`. */
  readonly seeds: { readonly [role: string]: number };
  readonly scores: readonly ScoreWithCI[];
  /** Digest of the model artifact (`artifactDigest` in `learners/artifact.ts`). */
  readonly artifactDigest: string;
  /** When the generation was created, ms since the epoch. */
  readonly time: number;
}

/** The audit subject of a run's lineage: `run:<id>`. */
export function runSubject(runId: string): string {
  return `run:${runId}`;
}

/** The generation records of a run in a verified chain, in order. */
export function generationsOf(records: readonly AuditRecord[], runId: string): GenerationRecord[] {
  const subject = runSubject(runId);
  return records.filter((r) => r.action === "generation" && r.subject === subject).map((r) => r.details as unknown as GenerationRecord);
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Checks a record's shape; throws `invalid-argument` naming the field. */
function checkGeneration(g: GenerationRecord): void {
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new OuroborosError("invalid-argument", `generation record: ${field} must be ${expected}, but got ${JSON.stringify(got)}`);
  };
  if (!Number.isInteger(g.generation) || g.generation < 0) bad("generation", "an integer ≥ 0", g.generation);
  if (!Array.isArray(g.parents) || !g.parents.every((p) => Number.isInteger(p) && p >= 0 && p < g.generation)) bad("parents", "earlier generation numbers", g.parents);
  if (!SHA256.test(g.dataDigest)) bad("dataDigest", "a SHA-256 in hex", g.dataDigest);
  if (!SHA256.test(g.artifactDigest)) bad("artifactDigest", "a SHA-256 in hex", g.artifactDigest);
  for (const s of g.scores) if (!(s.low <= s.mean && s.mean <= s.high)) bad(`scores[${s.metric}]`, "low ≤ mean ≤ high", s);
  if (!Number.isInteger(g.proposal.trial)) bad("proposal.trial", "an integer", g.proposal.trial);
}

/**
 * Appends a generation record for a run to the audit log, as action `generation` with subject
 * `run:<id>`. Generations must come in order: the record is appended only if its number is one more
 * than the run's last (checked atomically against other writers, see `AuditLog.transact`).
 * @throws OuroborosError `invalid-argument` for a malformed record or an out-of-order generation.
 */
export async function recordGeneration(log: AuditLog, runId: string, g: GenerationRecord, actor = "ouro run"): Promise<AuditRecord> {
  checkGeneration(g);
  return log.transact((records) => {
    const have = generationsOf(records, runId);
    const next = have.length === 0 ? 0 : have[have.length - 1]!.generation + 1;
    if (g.generation !== next) {
      throw new OuroborosError("invalid-argument", `run ${runId}: generation ${g.generation} cannot be recorded; the next generation is ${next}`);
    }
    return { actor, action: "generation", subject: runSubject(runId), details: g as unknown as JsonValue };
  });
}
