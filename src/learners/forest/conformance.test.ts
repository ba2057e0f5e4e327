import { runLearnerConformance } from "../../testing/learner-conformance.js";
import { extraTreesLearnerFactory, randomForestLearnerFactory } from "./forest.js";

runLearnerConformance("random-forest", randomForestLearnerFactory, { params: { nEstimators: 12 } });
// Fully grown extra trees on all rows (no bootstrap) end in pure leaves, so their predictions on the
// training rows are the training labels whatever the weights; leaves of ≥ 3 rows let weights show.
runLearnerConformance("extra-trees", extraTreesLearnerFactory, { params: { nEstimators: 12, minSamplesLeaf: 3 } });
runLearnerConformance("random-forest (entropy, depth 4, 16 bins)", randomForestLearnerFactory, { params: { nEstimators: 8, criterion: "entropy", maxDepth: 4, maxBins: 16, minSamplesLeaf: 3 } });
runLearnerConformance("extra-trees (bootstrap, maxSamples 0.7, log2 features)", extraTreesLearnerFactory, { params: { nEstimators: 8, bootstrap: true, maxSamples: 0.7, maxFeatures: "log2" } });
