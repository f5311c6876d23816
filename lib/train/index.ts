export { loadCheckpoint, saveCheckpoint } from "./checkpoint";
export { classifierStep, countCorrect } from "./classifier";
export { toDataFrame } from "./history";
export type { EpochRecord } from "./history";
export { LOSSES, softmaxCrossEntropy, squaredHinge, sumSquaredError } from "./losses";
export type { Loss, LossName } from "./losses";
export { train } from "./train";
export type { TrainOptions, TrainResult } from "./train";
export { trainStep } from "./train_step";
