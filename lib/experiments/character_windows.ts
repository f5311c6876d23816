/**
 * What the character language-model experiments (char-lstm-devil, recipe-lm-devil) share besides
 * their training batches (randomWindows, lowbit/data): the mean cross-entropy of a model over test
 * windows. TensorFlow.js is loaded on first use, as in the experiments: a sweep of another
 * experiment should not pay for it in every worker.
 */
import type { LayersModel, Tensor } from "../backend/tf";

/**
 * The model's mean cross-entropy (nats per character) over the windows of `length` characters
 * of `ids` at `starts`, `chunk` windows per forward pass (the chunk fixes the order of the sums,
 * so it is part of what a recorded number means).
 */
export function windowedCrossEntropy(
  model: LayersModel,
  ids: Int32Array,
  starts: readonly number[],
  length: number,
  vocab: number,
  chunk: number,
): number {
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { oneHotWindows } = require("../data") as typeof import("../data");
  const { softmaxCrossEntropy } = require("../train") as typeof import("../train");
  let sum = 0;
  for (let i = 0; i < starts.length; i += chunk) {
    const part = starts.slice(i, i + chunk);
    const { x, y } = oneHotWindows(ids, part, length, vocab);
    sum += tf.tidy(() => softmaxCrossEntropy(y, model.apply(x) as Tensor).dataSync()[0]) * part.length;
    tf.dispose([x, y]);
  }
  return sum / starts.length;
}
