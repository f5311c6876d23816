export { classifierStep, countCorrect } from "./classifier";
export { LOSSES, softmaxCrossEntropy, squaredHinge, sumSquaredError } from "./losses";
export type { Loss, LossName } from "./losses";
export { trainStep } from "./train_step";
