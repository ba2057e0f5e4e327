/** The shipped sampler conformance suite over PortfolioSampler. */
import { runSamplerConformance } from "../../testing/sampler-conformance.js";
import { PortfolioSampler } from "./index.js";


// Few startup trials so the bandit and the members run within the suite's 40 trials; GP (the
// costly member) competes for the first 20 trials only, to keep the suite fast.
runSamplerConformance("PortfolioSampler (default members)", (seed) => new PortfolioSampler({ seed, nStartupTrials: 3, gpMaxTrials: 20 }), {
  multiObjective: true,
});
