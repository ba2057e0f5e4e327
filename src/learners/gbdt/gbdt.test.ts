import { runLearnerConformance } from "../../testing/learner-conformance.js";
import { gbdtLearnerFactory } from "./gbdt.js";

runLearnerConformance("gbdt", gbdtLearnerFactory, { params: { nEstimators: 20 } });
runLearnerConformance("gbdt (lossguide, subsampled, L1, absolute error)", gbdtLearnerFactory, {
  params: { nEstimators: 15, growPolicy: "lossguide", maxLeaves: 8, maxDepth: 0, subsample: 0.8, colsampleBytree: 0.7, alpha: 0.5, objective: "absolute-error" },
});
