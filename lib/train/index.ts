/**
 * `lowbit/train`: training. train() runs the loop (evaluation, early stopping, bit-exact
 * checkpoint and resume); trainStep and classifierStep are one step; losses (softmaxCrossEntropy,
 * sumSquaredError, squaredHinge); optimizers that quantize what they store or update
 * (storeQuantized, quantizeUpdates) and QNN's shift-based AdaMax (shiftAdaMax).
 */
import "../backend";

export { loadCheckpoint, saveCheckpoint } from "./checkpoint";
export { classifierStep, countCorrect } from "./classifier";
export type { EpochRecord, StepRecord } from "./history";
export { InterruptGuard } from "./interrupt";
export type { InterruptReason } from "./interrupt";
export { learningRateOf, setLearningRate } from "./learning_rate";
export type { LearningRate } from "./learning_rate";
export { LOSSES, softmaxCrossEntropy, squaredHinge, sumSquaredError } from "./losses";
export type { Loss, LossName } from "./losses";
export { QuantizedUpdateOptimizer, quantizeUpdates } from "./quantized_update";
export { QuantizedStorageOptimizer, storeQuantized } from "./quantized_storage";
export { ShiftAdaMax, shiftAdaMax } from "./shift_adamax";
export { TerminalProgress } from "./terminal_progress";
export { registerNotebookProgress, summaryText } from "./training_progress";
export type { TrainingPlan, TrainingProgress, TrainingSummary } from "./training_progress";
export { train } from "./train";
export type {
  BatchIterable,
  BatchSource,
  StepContext,
  TrainBatch,
  TrainOptions,
  TrainParameterGroup,
  TrainResult,
} from "./train";
export { trainStep } from "./train_step";
export type { ParameterGroup } from "./train_step";
