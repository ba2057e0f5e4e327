/** The shipped sampler conformance suite over GPSampler. */
import { runSamplerConformance } from "../../testing/sampler-conformance.js";
import { GPSampler } from "./index.js";

// Fewer random candidates than the default 1024 keep the suite fast; the code paths are the same.
runSamplerConformance("GPSampler", (seed) => new GPSampler({ seed, nPreliminarySamples: 256 }));
