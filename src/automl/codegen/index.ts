/**
 * Standalone predictors: {@link generatePredictModule} writes a dependency-free `predict.ts` for a
 * fitted model; {@link registerCodegen} plugs in generators for new model kinds.
 */
export { codegenKinds, generatePredictModule, registerCodegen, type PredictModuleOptions } from "./generate.js";
export type { CodegenContext, ModelCodegen } from "./context.js";
