/**
 * The experiment "qnn-mlp-mnist": QNN's MNIST multilayer perceptron (Hubara et al., JMLR 2017;
 * qnnMlp) trained as the authors' BinaryNet code trains it: squared hinge loss, Adam, batch 100,
 * pixels in [-1, 1], the learning rate decayed geometrically from learningRate to learningRateEnd
 * (theirs: once per epoch over 1000 epochs; ours: at every step, for runs of an epoch or two), and for every weight
 * width the same initialisation, U(-1, 1) master weights (their H = 1) with each layer's Adam
 * learning rate multiplied by 1 / sqrt(1.5 / (fanIn + fanOut)) (their W_LR_scale = "Glorot").
 * Scaling the learning rate of U(-1, 1) weights is, for Adam, the same as Glorot-sized weights
 * at the unscaled rate with the clip and the quantization grid shrunk alike; it keeps the k-bit
 * grid at its nominal [-1, 1]. Two switches reproduce other set-ups: init "glorot" (Glorot
 * uniform) and learningRateScale "none" (one rate for all weights).
 *
 * Configuration keys (defaults): hidden ([256, 256, 256]), weightBits (1), activationBits (1),
 * gradientBits (0 = float gradients, else 2 to 8: logQuantizer), init ("uniform" | "glorot"),
 * learningRateScale ("glorot" | "none"), learningRate (0.003), learningRateEnd (0.0003), epochs (1),
 * trainImages (60000), testImages (10000), batchSize (100).
 * Metrics: testError (%), testLoss and trainLoss (squared hinge, last epoch), and
 * weightsChanged (% of the weights whose quantized value, or sign for float weights, differs
 * at the end from the start: how far training moved the network the forward pass sees).
 * The seed gives the initial weights, the batch order and the stochastic gradient rounding.
 */
import type { Sequential, Variable } from "../backend/tf";
import { checkInteger, MODEL_SEED_MAX } from "../core/checks";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "../sweep/experiment";
import { checkConfigKeys } from "../sweep/experiment";
import type { JsonObject } from "../sweep/json_value";
import { ConfigReader } from "./config";

const NAME = "qnn-mlp-mnist";
const KEYS = [
  "hidden",
  "weightBits",
  "activationBits",
  "gradientBits",
  "init",
  "learningRateScale",
  "learningRate",
  "learningRateEnd",
  "epochs",
  "trainImages",
  "testImages",
  "batchSize",
];
const BITS = [1, 2, 3, 4, 5, 6, 7, 8, 32];

/** BinaryNet's per-layer learning-rate factor: the inverse of Glorot's sqrt(1.5 / (fanIn + fanOut)). */
export function glorotLearningRateScale(fanIn: number, fanOut: number): number {
  return 1 / Math.sqrt(1.5 / (fanIn + fanOut));
}

/**
 * Trains one run and returns the trained model with the metrics (the caller disposes the model):
 * the experiment's body, for a notebook that goes on to use the network (XNOR inference).
 */
export async function trainQnnMlpMnist(
  config: JsonObject,
  { seed }: ExperimentContext,
): Promise<{ model: Sequential; metrics: Metrics }> {
  checkConfigKeys(NAME, config, KEYS);
  checkInteger(`experiment "${NAME}" seed`, seed, 0, MODEL_SEED_MAX);
  const read = new ConfigReader(NAME, config);
  const hidden = read.integers("hidden", [256, 256, 256], 1, 4096);
  const weightBits = read.oneOf("weightBits", 1, BITS);
  const activationBits = read.oneOf("activationBits", 1, BITS);
  const gradientBits = read.oneOf("gradientBits", 0, [0, 2, 3, 4, 5, 6, 7, 8]);
  const init = read.oneOf("init", "uniform", ["uniform", "glorot"] as const);
  const lrScale = read.oneOf("learningRateScale", "glorot", ["glorot", "none"] as const);
  const learningRate = read.number("learningRate", 0.003, 0, 1);
  const learningRateEnd = read.number("learningRateEnd", learningRate / 10, 0, 1);
  const epochs = read.integer("epochs", 1, 1, 1000);
  const trainImages = read.integer("trainImages", 60000, 1, 60000);
  const testImages = read.integer("testImages", 10000, 1, 10000);
  const batchSize = read.integer("batchSize", 100, 1, 60000);
  // Loaded when a run needs them: a worker of another experiment should not pay TensorFlow.js's load.
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { initBackend } = require("../backend") as typeof import("../backend");
  const { loadMnist } = require("../data") as typeof import("../data");
  const { qnnMlp } = require("../models") as typeof import("../models");
  const { QuantDense } = require("../layers") as typeof import("../layers");
  const { train, squaredHinge } = require("../train") as typeof import("../train");
  const { binary, quantize } = require("../quant") as typeof import("../quant");
  await initBackend();
  const data = loadMnist({ subset: { train: trainImages, test: testImages } });
  const model = qnnMlp({
    hidden,
    weightBits,
    activationBits,
    gradientBits: gradientBits === 0 ? undefined : gradientBits,
    init,
    seed,
  });
  const dense = model.layers.filter((l): l is InstanceType<typeof QuantDense> => l instanceof QuantDense);
  // The view the forward pass uses (sign for float weights: whether a weight crossed zero).
  const view = (layer: InstanceType<typeof QuantDense>) =>
    weightBits === 32 ? quantize(layer.masterKernel(), binary()) : layer.quantizedKernel();
  const before = dense.map(view);
  const steps = epochs * Math.ceil(trainImages / batchSize);
  const rate = (step: number) => learningRate * (learningRateEnd / learningRate) ** (step / steps);
  const optimizer = tf.train.adam(learningRate);
  const groups =
    lrScale === "none"
      ? []
      : dense.map((layer) => {
          const [fanIn, fanOut] = layer.masterKernel().shape;
          const scale = glorotLearningRateScale(fanIn, fanOut);
          const name = (layer.masterKernel() as Variable).name;
          return {
            weights: [name],
            optimizer: tf.train.adam(learningRate * scale),
            learningRate: ({ step }: { step: number }) => rate(step) * scale,
          };
        });
  try {
    const { history } = await train({
      model,
      data: { train: data.train, test: data.test },
      epochs,
      batchSize,
      optimizer,
      groups,
      loss: squaredHinge,
      range: "symmetric",
      seed,
      progress: false,
      learningRate: ({ step }) => rate(step),
    });
    const after = dense.map(view);
    let changed = 0,
      total = 0;
    dense.forEach((_, i) => {
      const a = before[i].dataSync(),
        b = after[i].dataSync();
      for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) changed++;
      total += a.length;
    });
    tf.dispose(after);
    const last = history[history.length - 1];
    const metrics = {
      testError: 100 * (1 - last.accuracy!),
      testLoss: last.evalLoss!,
      trainLoss: last.loss,
      weightsChanged: (100 * changed) / total,
    };
    return { model, metrics };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(before);
    optimizer.dispose();
    for (const g of groups) g.optimizer.dispose();
  }
}

export async function qnnMlpMnist(config: JsonObject, context: ExperimentContext): Promise<Metrics> {
  const { model, metrics } = await trainQnnMlpMnist(config, context);
  model.dispose();
  return metrics;
}

export const QNN_MLP_MNIST: RegisteredExperiment = {
  run: qnnMlpMnist,
  description:
    "QNN's MLP on MNIST as BinaryNet trains it (squared hinge, Adam, U(-1, 1) weights with a Glorot " +
    "learning-rate scale per layer): hidden ([256, 256, 256]), weightBits (1), activationBits (1), " +
    "gradientBits (0 = float), init (uniform | glorot), learningRateScale (glorot | none), learningRate " +
    "(0.003), learningRateEnd (0.0003), epochs (1), trainImages (60000), testImages (10000), batchSize (100); metrics " +
    "testError (%), testLoss, trainLoss, weightsChanged (%)",
};
