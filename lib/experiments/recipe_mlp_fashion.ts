/**
 * The experiment "recipe-mlp-fashion": the image model beside recipe-lm-devil's language model. A
 * 784-h-h-h-10 MLP on Fashion-MNIST (ReLU, Adam) whose two hidden h x h layers compute their
 * three GEMMs (FWD, BWD, GRAD) as a low-bit training recipe says; the first layer (K = 784, not a
 * multiple of MX's 32) and the classifier stay float32, as the FP4 recipes keep the first and last
 * layers in higher precision (NVIDIA, arXiv 2509.25149). Without a recipe ("FP32") the same
 * network trains in float32. The seed gives the initial weights, the batches and the recipe's
 * random bits, so every recipe of one seed starts from the same weights and sees the same images.
 *
 * Configuration keys (defaults): recipe ("FP32" or a GEMM_RECIPES name), hidden (256),
 * trainImages (60000), testImages (10000), steps (400), batchSize (64), learningRate (0.001).
 * A recipe's blocks run along h (FWD, BWD) and along the batch (GRAD): both must be multiples of
 * its block lengths (recipeBlockLengths).
 * Metrics: accuracy and testLoss on the test images after the last step; trainLoss, the mean
 * training loss of the last 20 steps; wallSeconds of the training steps.
 */
import { checkInteger } from "../core/checks";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "../sweep/experiment";
import { checkConfigKeys } from "../sweep/experiment";
import type { JsonObject } from "../sweep/json_value";
import { ConfigReader } from "./config";
import { trainAndMeasure } from "./measured_training";
import { recipeFromConfig } from "./recipe_config";

const NAME = "recipe-mlp-fashion";
const KEYS = ["recipe", "hidden", "trainImages", "testImages", "steps", "batchSize", "learningRate"];
/** The four layers' weight seeds are 4 seed + 1 .. 4 seed + 4. */
const SEED_MAX = 2 ** 26 - 2;

export async function recipeMlpFashion(config: JsonObject, { seed }: ExperimentContext): Promise<Metrics> {
  checkConfigKeys(NAME, config, KEYS);
  checkInteger(`experiment "${NAME}" seed`, seed, 0, SEED_MAX);
  const read = new ConfigReader(NAME, config);
  const hidden = read.integer("hidden", 256, 1, 4096);
  const trainImages = read.integer("trainImages", 60000, 1, 60000);
  const testImages = read.integer("testImages", 10000, 1, 10000);
  const steps = read.integer("steps", 400, 1, 1e6);
  const batchSize = read.integer("batchSize", 64, 1, 60000);
  const learningRate = read.number("learningRate", 0.001, 0, 1);
  if (steps > Math.ceil(trainImages / batchSize))
    throw new RangeError(
      `lowbit: experiment "${NAME}" steps must be at most ${Math.ceil(trainImages / batchSize)} (one epoch of ${trainImages} images in batches of ${batchSize}); got ${steps}`,
    );
  const recipe = recipeFromConfig(NAME, read, { hidden, batchSize });
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { initBackend } = require("../backend") as typeof import("../backend");
  const { loadFashionMnist } = require("../data") as typeof import("../data");
  const { quantDense } = require("../layers") as typeof import("../layers");
  await initBackend();
  const data = loadFashionMnist({ subset: { train: trainImages, test: testImages } });
  const build = () =>
    tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [28, 28, 1] }),
        quantDense({ units: hidden, activation: "relu", seed: 4 * seed + 1 }),
        quantDense({ units: hidden, activation: "relu", recipe, seed: 4 * seed + 2 }),
        quantDense({ units: hidden, activation: "relu", recipe, seed: 4 * seed + 3 }),
        quantDense({ units: 10, seed: 4 * seed + 4 }),
      ],
    });
  const options = { data: { train: data.train, test: data.test }, batchSize, seed, epochs: 1, stepsPerEpoch: steps };
  return trainAndMeasure(build, learningRate, options, (_, run) => {
    const last = run.history[run.history.length - 1];
    return { accuracy: last.accuracy!, testLoss: last.evalLoss! };
  });
}

export const RECIPE_MLP_FASHION: RegisteredExperiment = {
  run: recipeMlpFashion,
  description:
    "784-h-h-h-10 MLP on Fashion-MNIST with its two hidden h x h layers' GEMMs as a low-bit recipe " +
    '(first and last layers float32): recipe ("FP32" or a GEMM_RECIPES name), hidden (256), trainImages (60000), ' +
    "testImages (10000), steps (400), batchSize (64), learningRate (0.001); metrics accuracy, testLoss, trainLoss, " +
    "wallSeconds, tensorsGained",
};
