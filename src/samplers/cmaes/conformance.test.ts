/** The shipped sampler conformance suite over CmaEsSampler and its variants. */
import { runSamplerConformance } from "../../testing/sampler-conformance.js";
import { CmaEsSampler } from "./index.js";

const quiet = { warnIndependentSampling: false } as const;
runSamplerConformance("CmaEsSampler", (seed) => new CmaEsSampler({ seed, ...quiet }));
runSamplerConformance("CmaEsSampler (separable, IPOP, pruned trials)", (seed) =>
  new CmaEsSampler({ seed, ...quiet, useSeparableCma: true, restartStrategy: "ipop", considerPrunedTrials: true }),
);
runSamplerConformance("CmaEsSampler (margin, LRA, BIPOP, popsize 4)", (seed) =>
  new CmaEsSampler({ seed, ...quiet, withMargin: true, lrAdapt: true, restartStrategy: "bipop", popsize: 4 }),
);
