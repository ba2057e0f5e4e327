/**
 * `ouroboros/tuner`: the tuning engine alone (studies, samplers, pruners, in-memory and journal
 * storage). It imports no native module; SQLite loads only when a `sqlite:` URL is opened.
 */
export { OuroborosError, TrialPruned, type ErrorCode } from "./core/errors.js";
export type {
  CategoricalChoice,
  CategoricalDistribution,
  Distribution,
  FloatDistribution,
  IntDistribution,
  ParamValue,
} from "./core/distributions.js";
export type { FrozenTrial, StudyDirection, TrialState } from "./core/frozen-trial.js";
export type { JsonValue } from "./core/json.js";
export type { Sampler } from "./core/sampler.js";
export type { Pruner } from "./core/pruner.js";
export type { StudyView } from "./core/study-view.js";
export { Random, deriveSeed } from "./core/rng.js";
export { dominates, paretoFrontIndices } from "./core/pareto.js";
export { Study, type AskOptions, type HeartbeatOptions, type TellResult, type FailedTrialCallback } from "./study/study.js";
export { Trial, type SuggestOptions } from "./study/trial.js";
export type { Objective, OptimizeCallback, OptimizeOptions } from "./study/optimize.js";
export { createTrial, type TrialInit } from "./study/create-trial.js";
export {
  createStudy,
  deleteStudy,
  getAllStudyNames,
  getAllStudySummaries,
  loadStudy,
  type CreateStudyOptions,
  type LoadStudyOptions,
  type StudySummary,
} from "./study/create-study.js";
export { retryFailedTrial, retriedTrialNumber, type RetryFailedTrialOptions } from "./study/retry-failed-trial.js";
export { JournalStorage } from "./storage/journal-storage.js";
export type { JournalBackend } from "./storage/journal-backend.js";
export type { JournalOp } from "./storage/journal-ops.js";
export { MemoryJournalBackend } from "./storage/memory-backend.js";
export { openStorage, type StorageLike } from "./storage/open-storage.js";
export {
  NopPruner,
  PercentilePruner,
  MedianPruner,
  PatientPruner,
  ThresholdPruner,
  SuccessiveHalvingPruner,
  HyperbandPruner,
  hyperbandBracketOf,
  createPruner,
  prunerKinds,
  type PercentilePrunerOptions,
  type MedianPrunerOptions,
  type PatientPrunerOptions,
  type ThresholdPrunerOptions,
  type SuccessiveHalvingPrunerOptions,
  type HyperbandPrunerOptions,
  type PrunerSpec,
} from "./pruners/index.js";
export { RandomSampler, type RandomSamplerOptions } from "./samplers/random.js";
export { GridSampler, type GridSamplerOptions, type GridSearchSpace } from "./samplers/grid.js";
export { QMCSampler, SobolSequence, HaltonSequence, type QMCSamplerOptions } from "./samplers/qmc.js";
export { TPESampler, type TPESamplerOptions } from "./samplers/tpe/index.js";
export { hypervolume } from "./samplers/tpe/index.js";
export { intersectionSearchSpace } from "./samplers/intersection.js";
export { GPSampler, type GPSamplerOptions } from "./samplers/gp/index.js";
export { BOHBSampler, BOHB_MODEL_KEY, type BOHBSamplerOptions } from "./samplers/bohb/index.js";
export { PortfolioSampler, PORTFOLIO_ARM_KEY, type PortfolioSamplerOptions } from "./samplers/portfolio/index.js";
export { CmaEsSampler, type CmaEsSamplerOptions } from "./samplers/cmaes/index.js";
export { NSGAIISampler, NSGAIIISampler, type NSGAIISamplerOptions, type NSGAIIISamplerOptions, type CrossoverKind } from "./samplers/nsga/index.js";
export { RegularizedEvolutionSampler, gaussianMutation, type RegularizedEvolutionSamplerOptions, type MutationOperator, type GaussianMutationOptions } from "./samplers/evolution/index.js";
export {
  runPBT,
  replaySchedule,
  scheduleOf,
  intervalsFromTrials,
  truncationExploit,
  perturbExplore,
  type RunPBTOptions,
  type PBTResult,
  type PBTMemberResult,
  type PBTStep,
  type PBTStepResult,
  type PBTMember,
  type PBTStepContext,
  type PBTSchedule,
  type ScheduleSegment,
  type PBTInterval,
  type PBTCheckpointHooks,
  type PBTCheckpointContext,
  type ExploitStrategy,
  type ExploreOperator,
} from "./pbt/index.js";
export { getParamImportances, type ImportanceEvaluator, type ImportanceSource, type ParamImportance, type ParamImportancesOptions } from "./importance/param-importances.js";
export { createSampler, registerSampler, samplerKinds, type SamplerSpec, type SamplerFactory } from "./samplers/registry.js";
