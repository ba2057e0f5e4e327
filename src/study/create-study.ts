/**
 * Creating, loading and deleting studies (Optuna's `create_study`, `load_study`, `delete_study`).
 */
import { OuroborosError } from "../core/errors.js";
import type { StudyDirection } from "../core/frozen-trial.js";
import type { Pruner } from "../core/pruner.js";
import type { Sampler } from "../core/sampler.js";
import { openStorage, type StorageLike } from "../storage/open-storage.js";
import { defaultPruner, defaultSampler } from "./defaults.js";
import { Study, type HeartbeatOptions } from "./study.js";

/** Options of {@link createStudy}. */
export interface CreateStudyOptions {
  /** Direction of a single-objective study. Default "minimize". */
  readonly direction?: StudyDirection;
  /** Directions of a multi-objective study (one per objective). */
  readonly directions?: readonly StudyDirection[];
  /** Default: `TPESampler` (unseeded). */
  readonly sampler?: Sampler;
  /** Default: `MedianPruner`. */
  readonly pruner?: Pruner;
  /** A storage URL (`memory:`, `sqlite:./ouro.db`, `file:./study.jsonl`), a backend, or a storage. Default: in memory. */
  readonly storage?: StorageLike;
  /** Default: a generated unique name. */
  readonly studyName?: string;
  /** Load the study if one with this name exists instead of failing. Default false. */
  readonly loadIfExists?: boolean;
  /** Heartbeats for running trials, so trials of killed workers can be found and failed. */
  readonly heartbeat?: HeartbeatOptions;
}

/** Creates a new study (or loads an existing one with `loadIfExists`). */
export async function createStudy(options: CreateStudyOptions = {}): Promise<Study> {
  if (options.direction !== undefined && options.directions !== undefined) {
    throw new OuroborosError("invalid-argument", "pass either direction or directions, not both");
  }
  const directions = options.directions ?? [options.direction ?? "minimize"];
  if (directions.length === 0) throw new OuroborosError("invalid-argument", "directions must name at least one objective");
  for (const d of directions) {
    if (d !== "minimize" && d !== "maximize") {
      throw new OuroborosError("invalid-argument", `direction must be "minimize" or "maximize", but got ${JSON.stringify(d)}`);
    }
  }
  if (options.heartbeat && !(options.heartbeat.heartbeatInterval > 0)) {
    throw new OuroborosError("invalid-argument", `heartbeatInterval must be a positive number of seconds, but got ${options.heartbeat.heartbeatInterval}`);
  }
  const storage = await openStorage(options.storage);
  const name = options.studyName ?? `study-${new Date().toISOString().replace(/[:.]/g, "-")}-${Math.floor(Math.random() * 1e6)}`;
  await storage.sync();
  let record = storage.state.findStudy(name);
  if (record) {
    if (!options.loadIfExists) {
      throw new OuroborosError("duplicated-study", `a study named "${name}" already exists in ${storage.url} (pass loadIfExists: true to use it)`);
    }
    const same = record.directions.length === directions.length && record.directions.every((d, i) => d === directions[i]);
    if (!same && (options.directions !== undefined || options.direction !== undefined)) {
      throw new OuroborosError(
        "invalid-argument",
        `study "${name}" exists with directions ${JSON.stringify(record.directions)}, but directions ${JSON.stringify(directions)} were given`,
      );
    }
  } else {
    try {
      record = await storage.createStudy(name, directions);
    } catch (e) {
      // Another worker may have created it between our sync and our append.
      if (!(options.loadIfExists && e instanceof OuroborosError && e.code === "duplicated-study")) throw e;
      record = storage.getStudy(name);
    }
  }
  return new Study(storage, record, options.sampler ?? defaultSampler(), options.pruner ?? defaultPruner(), options.heartbeat);
}

/** Options of {@link loadStudy}. */
export interface LoadStudyOptions {
  readonly studyName: string;
  readonly storage: StorageLike;
  readonly sampler?: Sampler;
  readonly pruner?: Pruner;
  readonly heartbeat?: HeartbeatOptions;
}

/** Loads an existing study by name. */
export async function loadStudy(options: LoadStudyOptions): Promise<Study> {
  const storage = await openStorage(options.storage);
  await storage.sync();
  const record = storage.getStudy(options.studyName);
  return new Study(storage, record, options.sampler ?? defaultSampler(), options.pruner ?? defaultPruner(), options.heartbeat);
}

/** Deletes a study and its trials (the journal keeps the history; the study is no longer live). */
export async function deleteStudy(options: { readonly studyName: string; readonly storage: StorageLike }): Promise<void> {
  const storage = await openStorage(options.storage);
  await storage.sync();
  const record = storage.getStudy(options.studyName);
  await storage.append([{ op: "deleteStudy", study: record.id }]);
}

/** A one-line summary of a study, as listed by `getAllStudySummaries`. */
export interface StudySummary {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly nTrials: number;
  readonly datetimeStart: number;
  readonly userAttrs: Readonly<Record<string, unknown>>;
}

/** Names of all live studies in a storage. */
export async function getAllStudyNames(storage: StorageLike): Promise<string[]> {
  const s = await openStorage(storage);
  await s.sync();
  return s.state.liveStudies().map((x) => x.name);
}

/** Summaries of all live studies in a storage. */
export async function getAllStudySummaries(storage: StorageLike): Promise<StudySummary[]> {
  const s = await openStorage(storage);
  await s.sync();
  return s.state.liveStudies().map((x) => ({
    studyName: x.name,
    directions: x.directions,
    nTrials: x.trials.length,
    datetimeStart: x.datetimeStart,
    userAttrs: { ...x.userAttrs },
  }));
}
