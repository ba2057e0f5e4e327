/**
 * Neural networks: the `"mlp"` learner, architectures as data, the ONNX training graph builder and
 * a step timer. Importing this module does not load onnxruntime-node; the first fit does.
 */
export { MLPLearner, MLPModel, mlpLearnerFactory, networkFor, type MLPParams, type MLPState } from "./mlp.js";
export { layerWidths, mlpNetwork, networkBuffers, networkParams, type Activation, type BufferInfo, type LayerSpec, type MLPNetworkOptions, type NetworkSpec, type ParamInfo } from "./spec.js";
export { buildInferenceGraph, buildTrainingGraph, type Head, type InferenceGraphOptions, type TrainingGraph } from "./network-graph.js";
export { forwardNetwork } from "./forward.js";
export { Optimizer, scheduledRate, type LRSchedule, type OptimizerKind, type OptimizerOptions } from "./optimizers.js";
export { initialWeights, NetworkTrainer, type Batch, type TrainerOptions } from "./trainer.js";
export { mlpStepTimer, type StepTimerOptions, type StepTiming } from "./step-timer.js";
