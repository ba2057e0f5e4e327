/**
 * Population Based Training: `runPBT`, the exploit and explore moves, and hyperparameter schedules
 * that reproduce the best model (`replaySchedule`).
 */
export { runPBT, type RunPBTOptions, type PBTResult, type PBTMemberResult } from "./run.js";
export { truncationExploit, perturbExplore, type ExploitStrategy, type ExploreOperator, type PerturbExploreOptions } from "./exploit-explore.js";
export { replaySchedule, scheduleOf, intervalsFromTrials, stepSeed, PBT_ATTRS } from "./schedule.js";
export type { PBTMember, PBTStepContext, PBTStepResult, PBTStep, PBTCheckpointHooks, PBTCheckpointContext, PBTInterval, PBTParams, PBTSchedule, ScheduleSegment } from "./types.js";
