/**
 * `lowbit/train`: training. train() runs the loop (evaluation, early stopping, bit-exact
 * checkpoint and resume); trainStep and classifierStep are one step; losses (softmaxCrossEntropy,
 * sumSquaredError, squaredHinge); optimizers that quantize what they store or update
 * (storeQuantized, quantizeUpdates) and QNN's shift-based AdaMax (shiftAdaMax).
 */
import "../backend";

export { loadCheckpoint, saveCheckpoint } from "./checkpoint";
export { classifierStep, countCorrect } from "./classifier";
export type { EpochRecord } from "./history";
export { LOSSES, softmaxCrossEntropy, squaredHinge, sumSquaredError } from "./losses";
export type { Loss, LossName } from "./losses";
export { QuantizedUpdateOptimizer, quantizeUpdates } from "./quantized_update";
export { QuantizedStorageOptimizer, storeQuantized } from "./quantized_storage";
export { ShiftAdaMax, shiftAdaMax } from "./shift_adamax";
export { train } from "./train";
export type { TrainOptions, TrainResult } from "./train";
export { trainStep } from "./train_step";
