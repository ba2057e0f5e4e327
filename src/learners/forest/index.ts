/**
 * Tree ensembles: random forest and extra trees over one histogram tree grower. Register the two
 * factories with the learner registry to make `createLearner({kind: "random-forest" | "extra-trees"})` work.
 */
export { ForestLearner, extraTreesLearnerFactory, randomForestLearnerFactory } from "./forest.js";
export { ForestModel, loadForestModel, type ForestState } from "./forest-model.js";
export { forestDefaults, resolveForestParams, type ForestKind, type ForestParams } from "./forest-params.js";
export { dumpTree, predictFromDumps, type LeafDump, type SplitDump, type TreeDump } from "./tree-dump.js";
