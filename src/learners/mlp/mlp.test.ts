import { runLearnerConformance } from "../../testing/learner-conformance.js";
import { mlpLearnerFactory } from "./mlp.js";

runLearnerConformance("mlp", mlpLearnerFactory, { params: { hiddenLayers: [16], epochs: 15, batchSize: 32, learningRate: 0.01 } });
