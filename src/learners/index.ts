/**
 * The learner zoo: registers every built-in learner kind with the registry and re-exports the
 * contract. Importing this module is what makes `createLearner({kind, params})` know our learners.
 */
import { constantLearnerFactory } from "./baseline/constant.js";
import { registerLearner } from "./registry.js";

for (const f of [constantLearnerFactory]) registerLearner(f);

export { ConstantLearner, constantLearnerFactory, type ConstantParams } from "./baseline/constant.js";
export { artifactDigest, decodeArtifact, encodeArtifact, readArtifact, writeArtifact, type Artifact, type ArtifactArray, type EncodedArtifact } from "./artifact.js";
export type { Capabilities, ClassPredictions, FitContext, Learner, LearnerSpec, Model, Predictions, RegressionPredictions } from "./learner.js";
export { createLearner, learnerKinds, loadModel, registerLearner, type LearnerFactory } from "./registry.js";
