/**
 * The learner zoo: registers every built-in learner kind with the registry and re-exports the
 * contract. Importing this module is what makes `createLearner({kind, params})` know our learners.
 */
import { crossFitBagFactory } from "./bag/cross-fit-bag.js";
import { constantLearnerFactory } from "./baseline/constant.js";
import { weightedEnsembleFactory } from "./ensemble/weighted-ensemble.js";
import { gbdtLearnerFactory } from "./gbdt/gbdt.js";
import { extraTreesLearnerFactory, randomForestLearnerFactory } from "./forest/index.js";
import { knnLearnerFactory } from "./knn/knn.js";
import { linearLearnerFactory } from "./linear/linear.js";
import { mlpLearnerFactory } from "./mlp/mlp.js";
import { naiveBayesLearnerFactory } from "./naive-bayes/naive-bayes.js";
import { registerLearner } from "./registry.js";

for (const f of [constantLearnerFactory, gbdtLearnerFactory, linearLearnerFactory, knnLearnerFactory, naiveBayesLearnerFactory, mlpLearnerFactory, weightedEnsembleFactory, crossFitBagFactory, randomForestLearnerFactory, extraTreesLearnerFactory]) registerLearner(f);

export { CrossFitBagLearner, CrossFitBagModel, crossFitBagFactory, type CrossFitBagParams } from "./bag/cross-fit-bag.js";
export { ConstantLearner, constantLearnerFactory, type ConstantParams } from "./baseline/constant.js";
export { WeightedEnsembleLearner, WeightedEnsembleModel, weightedEnsembleFactory, type WeightedEnsembleParams } from "./ensemble/weighted-ensemble.js";
export { GBDTLearner, gbdtLearnerFactory } from "./gbdt/gbdt.js";
export { GBDTModel } from "./gbdt/model.js";
export { predictDump, type GBDTDump, type DumpNode, type DumpTree, type DumpRow } from "./gbdt/dump.js";
export type { GBDTParams } from "./gbdt/params.js";
export { ForestLearner, ForestModel, extraTreesLearnerFactory, randomForestLearnerFactory, type ForestParams } from "./forest/index.js";
export { KNNLearner, KNNModel, knnLearnerFactory, type KNNParams } from "./knn/knn.js";
export { LinearLearner, LinearModel, linearLearnerFactory, type LinearParams } from "./linear/linear.js";
export { MLPLearner, MLPModel, mlpLearnerFactory, type MLPParams } from "./mlp/mlp.js";
export { NaiveBayesLearner, NaiveBayesModel, naiveBayesLearnerFactory, type NaiveBayesParams } from "./naive-bayes/naive-bayes.js";
export { artifactDigest, decodeArtifact, encodeArtifact, readArtifact, writeArtifact, type Artifact, type ArtifactArray, type EncodedArtifact } from "./artifact.js";
export type { Capabilities, ClassPredictions, FitContext, Learner, LearnerSpec, Model, Predictions, RegressionPredictions } from "./learner.js";
export { createLearner, learnerKinds, loadModel, registerLearner, type LearnerFactory } from "./registry.js";
