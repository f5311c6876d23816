/**
 * The experiment "sq-vgg": stochastic quantization (SQ, Dong et al., BMVC 2017) against plain
 * BWN/TWN on a small VGG-like network (vggNet) and Fashion-MNIST, trained in stages as the
 * authors' Caffe scripts do: every stage is a training run of its own (a fresh optimizer and a
 * fresh learning-rate schedule) that starts from the weights the previous stage left.
 *
 *   schedule "sq":    stage s computes with SQ ratio SQ_SCHEDULE[s] (50%, 75%, 87.5%, 100%);
 *   schedule "plain": every stage at ratio 100% (plain BWN/TWN), or float weights ("fp32").
 *
 * Stage s of seed k shuffles the training images with seed 16k + s and trains on the first
 * `stepsPerStage` batches, so every configuration of one seed sees the same images in the same
 * order, from the same initial weights (vggNet's seed k): runs are paired by seed, and stage 1
 * of a plain run is exactly a one-stage run of the same length.
 *
 * Configuration keys (defaults): weights ("bwn"; "twn", "fp32"), schedule ("plain"; "sq"),
 * probability ("error"; "uniform"), granularity ("filter"; "element"), stages (4; "sq" needs
 * 4), stepsPerStage (200), trainImages (60000), testImages (10000), batchSize (64),
 * learningRate (0.002), filters ([16, 32]), units (64).
 * Metrics: acc1 ... accN, the test accuracy (%) after each stage (computed with the weights the
 * layers use at that stage: the hybrid ones for SQ, as the authors' layers do at test time),
 * accuracy (the last stage's), and loss (the last stage's mean training loss).
 */
import { checkInteger, checkOneOf, MODEL_SEED_MAX } from "../core/checks";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "../sweep/experiment";
import { checkConfigKeys } from "../sweep/experiment";
import type { JsonObject } from "../sweep/json_value";

const NAME = "sq-vgg";
const KEYS = [
  "weights",
  "schedule",
  "probability",
  "granularity",
  "stages",
  "stepsPerStage",
  "trainImages",
  "testImages",
  "batchSize",
  "learningRate",
  "filters",
  "units",
];
const WEIGHTS = ["fp32", "bwn", "twn"] as const;
const SCHEDULES = ["plain", "sq"] as const;

function integer(config: JsonObject, key: string, fallback: number, min: number, max: number): number {
  const v = config[key] ?? fallback;
  checkInteger(`experiment "${NAME}" ${key}`, typeof v === "number" ? v : Number.NaN, min, max);
  return v as number;
}

function choice<T extends string>(config: JsonObject, key: string, fallback: T, allowed: readonly T[]): T {
  const v = config[key] ?? fallback;
  checkOneOf(`experiment "${NAME}" ${key}`, typeof v === "string" ? v : JSON.stringify(v), allowed);
  return v as T;
}

/**
 * The learning rate of step t of a stage of T steps: the rate for the first half, a tenth of it
 * for the third quarter, a hundredth for the last. A step policy like the authors' solvers
 * (x0.1 every 15% of a stage, with SGD at 0.1), shortened for Adam's smaller rate so that most
 * steps still move the weights.
 */
export function sqStageLearningRate(rate: number, step: number, steps: number): number {
  return rate * (step < steps / 2 ? 1 : step < (3 * steps) / 4 ? 0.1 : 0.01);
}

export async function sqVgg(config: JsonObject, { seed }: ExperimentContext): Promise<Metrics> {
  checkConfigKeys(NAME, config, KEYS);
  checkInteger(`experiment "${NAME}" seed`, seed, 0, MODEL_SEED_MAX);
  const weights = choice(config, "weights", "bwn", WEIGHTS);
  const schedule = choice(config, "schedule", "plain", SCHEDULES);
  const probability = choice(config, "probability", "error", ["error", "uniform"] as const);
  const granularity = choice(config, "granularity", "filter", ["filter", "element"] as const);
  const stages = integer(config, "stages", 4, 1, 15);
  const stepsPerStage = integer(config, "stepsPerStage", 200, 1, 100000);
  const trainImages = integer(config, "trainImages", 60000, 1, 60000);
  const testImages = integer(config, "testImages", 10000, 1, 10000);
  const batchSize = integer(config, "batchSize", 64, 1, 60000);
  const units = integer(config, "units", 64, 1, 4096);
  const filters = config.filters ?? [16, 32];
  if (!Array.isArray(filters) || filters.length === 0)
    throw new RangeError(
      `lowbit: experiment "${NAME}" filters must be a non-empty array of integers; got ${JSON.stringify(filters)}`,
    );
  filters.forEach((f, i) =>
    checkInteger(`experiment "${NAME}" filters[${i}]`, typeof f === "number" ? f : Number.NaN, 1, 4096),
  );
  const rate = config.learningRate ?? 0.002;
  if (typeof rate !== "number" || !(rate > 0 && rate <= 1))
    throw new RangeError(
      `lowbit: experiment "${NAME}" learningRate must be a number in (0, 1]; got ${JSON.stringify(rate)}`,
    );
  if (weights === "fp32" && schedule === "sq")
    throw new RangeError(`lowbit: experiment "${NAME}" schedule "sq" needs weights "bwn" or "twn"; got "fp32"`);
  // Loaded when a run needs them: a sweep of another experiment should not pay for TensorFlow.js.
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { initBackend } = require("../backend") as typeof import("../backend");
  const { loadFashionMnist } = require("../data") as typeof import("../data");
  const { vggNet } = require("../models") as typeof import("../models");
  const { sqWeight, setSqRatio } = require("../layers") as typeof import("../layers");
  const { SQ_SCHEDULE } = require("../quant") as typeof import("../quant");
  const { train } = require("../train") as typeof import("../train");
  if (schedule === "sq" && stages !== SQ_SCHEDULE.length)
    throw new RangeError(
      `lowbit: experiment "${NAME}" stages must be ${SQ_SCHEDULE.length} with schedule "sq" (${SQ_SCHEDULE.join(", ")}); got ${stages}`,
    );
  const stepsPerEpoch = Math.ceil(trainImages / batchSize);
  if (stepsPerStage > stepsPerEpoch)
    throw new RangeError(
      `lowbit: experiment "${NAME}" stepsPerStage must be at most ${stepsPerEpoch} (one pass over trainImages ` +
        `${trainImages} in batches of ${batchSize}); got ${stepsPerStage}`,
    );
  await initBackend();
  const data = loadFashionMnist({ subset: { train: trainImages, test: testImages } });
  const model = vggNet({
    filters: filters as number[],
    convsPerStage: 1,
    units,
    batchNorm: "none",
    seed,
    quant: (layer) =>
      weights === "fp32"
        ? {}
        : { weight: sqWeight({ base: weights, ratio: 1, probability, granularity, seed: seed * 16 + layer.index }) },
  });
  const metrics: Metrics = {};
  try {
    for (let s = 0; s < stages; s++) {
      if (schedule === "sq") setSqRatio(model, SQ_SCHEDULE[s]);
      // A fresh optimizer per stage: each of the authors' stages is a new Caffe solver.
      const optimizer = tf.train.adam(rate);
      try {
        const { history } = await train({
          model,
          data: { train: data.train, test: data.test },
          epochs: 1,
          stepsPerEpoch: stepsPerStage,
          batchSize,
          optimizer,
          learningRate: ({ step }) => sqStageLearningRate(rate, step, stepsPerStage),
          seed: seed * 16 + s,
          progress: false,
        });
        const last = history[history.length - 1];
        metrics[`acc${s + 1}`] = 100 * last.accuracy!;
        metrics.loss = last.loss;
      } finally {
        optimizer.dispose();
      }
    }
  } finally {
    model.dispose();
  }
  metrics.accuracy = metrics[`acc${stages}`];
  return metrics;
}

export const SQ_VGG: RegisteredExperiment = {
  run: sqVgg,
  description:
    "SQ (Dong et al. 2017) vs plain BWN/TWN on vggNet 16C3-MP2-32C3-MP2-64FC and Fashion-MNIST, in stages " +
    "(each a fresh Adam run from the last stage's weights): weights (bwn; twn, fp32), schedule (plain; sq), " +
    "probability (error; uniform), granularity (filter; element), stages (4), stepsPerStage (200), " +
    "trainImages (60000), testImages (10000), batchSize (64), learningRate (0.002), filters ([16, 32]), " +
    "units (64); metrics acc1..accN (test accuracy % after each stage), accuracy, loss",
};
