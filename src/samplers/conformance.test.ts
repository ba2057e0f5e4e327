/** Runs the shipped sampler conformance suite over every sampler of the library. */
import { CONFORMANCE_SPACE, runSamplerConformance } from "../testing/sampler-conformance.js";
import { GridSampler } from "./grid.js";
import { QMCSampler } from "./qmc.js";
import { RandomSampler } from "./random.js";
import { TPESampler } from "./tpe/index.js";

/** A 240-point grid over part of the conformance space (the other parameters are sampled at random). */
const grid = {
  int: [-5, 0, 7, 13, 20],
  intStep: [0, 9, 30],
  categorical: CONFORMANCE_SPACE.categorical.choices,
  floatStep: [0, 0.3, 1],
  singleInt: [3],
  floatLog: [1e-5, 1e-3, 0.1, 1],
};

runSamplerConformance("RandomSampler", (seed) => new RandomSampler({ seed }), { multiObjective: true });
runSamplerConformance("GridSampler", (seed) => new GridSampler(grid, { seed }), { multiObjective: true });
runSamplerConformance("QMCSampler (scrambled Sobol)", (seed) => new QMCSampler({ seed }), { multiObjective: true });
runSamplerConformance("QMCSampler (unscrambled Sobol)", (seed) => new QMCSampler({ scramble: false, seed }), { multiObjective: true });
runSamplerConformance("QMCSampler (scrambled Halton)", (seed) => new QMCSampler({ qmcType: "halton", seed }), { multiObjective: true });
runSamplerConformance("TPESampler", (seed) => new TPESampler({ seed }), { multiObjective: true });
runSamplerConformance("TPESampler (multivariate, group, constant liar)", (seed) => new TPESampler({ seed, multivariate: true, group: true, constantLiar: true, warnIndependentSampling: false }), {
  multiObjective: true,
});
