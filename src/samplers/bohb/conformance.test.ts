/** The shipped sampler conformance suite over BOHBSampler. */
import { runSamplerConformance } from "../../testing/sampler-conformance.js";
import { BOHBSampler } from "./index.js";


runSamplerConformance("BOHBSampler", (seed) => new BOHBSampler({ seed }));
runSamplerConformance("BOHBSampler (no random fraction, explicit budgets)", (seed) => new BOHBSampler({ seed, randomFraction: 0, budgets: [0, 1], minPointsInModel: 3 }));
