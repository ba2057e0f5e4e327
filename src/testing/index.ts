/**
 * `ouroboros/testing`: the conformance suites shipped with the library, so a user's own sampler,
 * pruner or storage backend can be checked against the same contract ours pass (no skip lists),
 * plus the test doubles they use. The suites register `node:test` tests.
 */
export { runSamplerConformance, CONFORMANCE_SPACE, type SamplerConformanceOptions } from "./sampler-conformance.js";
export { runPrunerConformance, prunerConformanceChecks, simulatePruning, learningCurves, type PrunerConformanceOptions } from "./pruner-conformance.js";
export { runStorageConformance, type StorageConformanceOptions } from "./storage-conformance.js";
export { simulateStudy, simulateTrial, SimulatedStudyView, type SimulateOptions, type SimulatedObjective } from "./simulate.js";
export { StaticStudyView, makeFrozenTrial, type FrozenTrialInit } from "./static-study-view.js";
