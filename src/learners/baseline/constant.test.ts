import { runLearnerConformance } from "../../testing/learner-conformance.js";
import { constantLearnerFactory } from "./constant.js";

runLearnerConformance("constant", constantLearnerFactory);
runLearnerConformance("constant (median)", constantLearnerFactory, { params: { median: true } });
