/**
 * Ouroboros: a self-improving machine-learning engine for TypeScript. This is the curated public
 * API; everything here is documented and stable within a minor version.
 */
export * from "./tuner.js";
