/** The shipped sampler conformance suite over PortfolioSampler with explicit members (any registered kinds). */
import { runSamplerConformance } from "../../testing/sampler-conformance.js";
import { PortfolioSampler } from "./index.js";


runSamplerConformance(
  "PortfolioSampler (explicit members)",
  (seed) =>
    new PortfolioSampler({
      seed,
      nStartupTrials: 2,
      members: { tpe: { kind: "tpe", params: { nStartupTrials: 2 } }, random: { kind: "random", params: {} }, qmc: { kind: "qmc", params: {} } },
    }),
  { multiObjective: true },
);
