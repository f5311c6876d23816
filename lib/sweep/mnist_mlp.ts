/**
 * The experiment "mnist-mlp": QNN's multilayer perceptron (qnnMlp: k-bit weights and activations,
 * Hubara et al. 2017) trained with train() and Adam on the first trainImages MNIST training images,
 * evaluated on the first testImages test images. A small classifier run for sweeps over bit widths
 * and learning rates. Configuration keys (defaults): hidden (128), weightBits (32), activationBits
 * (32), epochs (1), trainImages (2000), testImages (1000), batchSize (100), learningRate (0.001).
 * Metrics: accuracy and loss (on the test images) and trainLoss (mean over the last epoch).
 * The seed gives the initial weights and the batch order (train's seed).
 */
import { checkInteger, MODEL_SEED_MAX } from "../core/checks";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "./experiment";
import { checkConfigKeys } from "./experiment";
import type { JsonObject } from "./json_value";

const NAME = "mnist-mlp";
const KEYS = [
  "hidden",
  "weightBits",
  "activationBits",
  "epochs",
  "trainImages",
  "testImages",
  "batchSize",
  "learningRate",
];

function integer(config: JsonObject, key: string, fallback: number, min: number, max: number): number {
  const v = config[key] ?? fallback;
  if (typeof v !== "number") checkInteger(`experiment "${NAME}" ${key}`, Number.NaN, min, max);
  checkInteger(`experiment "${NAME}" ${key}`, v as number, min, max);
  return v as number;
}

export async function mnistMlp(config: JsonObject, { seed }: ExperimentContext): Promise<Metrics> {
  checkConfigKeys(NAME, config, KEYS);
  checkInteger(`experiment "${NAME}" seed`, seed, 0, MODEL_SEED_MAX);
  const hidden = integer(config, "hidden", 128, 1, 4096);
  const epochs = integer(config, "epochs", 1, 1, 1000);
  const trainImages = integer(config, "trainImages", 2000, 1, 60000);
  const testImages = integer(config, "testImages", 1000, 1, 10000);
  const batchSize = integer(config, "batchSize", 100, 1, 60000);
  const lr = config.learningRate ?? 0.001;
  if (typeof lr !== "number" || !(lr > 0 && lr <= 10))
    throw new RangeError(
      `lowbit: experiment "${NAME}" learningRate must be a number in (0, 10]; got ${JSON.stringify(lr)}`,
    );
  // Loaded when a run needs them: TensorFlow.js takes a second to load, and a sweep of another
  // experiment should not pay it in every worker.
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { initBackend } = require("../backend") as typeof import("../backend");
  const { loadMnist } = require("../data") as typeof import("../data");
  const { qnnMlp } = require("../models") as typeof import("../models");
  const { train } = require("../train") as typeof import("../train");
  await initBackend();
  const data = loadMnist({ subset: { train: trainImages, test: testImages } });
  const model = qnnMlp({
    hidden: [hidden],
    weightBits: (config.weightBits ?? 32) as number,
    activationBits: (config.activationBits ?? 32) as number,
    seed,
  });
  const optimizer = tf.train.adam(lr);
  try {
    const { history } = await train({
      model,
      data: { train: data.train, test: data.test },
      epochs,
      batchSize,
      optimizer,
      seed,
      progress: false,
    });
    const last = history[history.length - 1];
    return { accuracy: last.accuracy!, loss: last.evalLoss!, trainLoss: last.loss };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

export const MNIST_MLP: RegisteredExperiment = {
  run: mnistMlp,
  description:
    "QNN's MLP (k-bit weights and activations) on MNIST with Adam: hidden (128), weightBits (32), " +
    "activationBits (32), epochs (1), trainImages (2000), testImages (1000), batchSize (100), " +
    "learningRate (0.001); metrics accuracy, loss, trainLoss",
};
