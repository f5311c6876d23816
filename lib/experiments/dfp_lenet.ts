/**
 * The LeNet-5 of notebook 01 trained with every tensor of training in b-bit dynamic fixed point
 * (Su et al., J. Semiconductors 2020): the weights W, activations A, weight gradients G and errors
 * E of each layer, and the weights as the optimizer stores them (no float master copy), each
 * tensor with its own exponent by the max rule (Courbariaux et al. 2014's design), rounded to
 * nearest or stochastically; or the same network in FP32.
 *
 * dfpLeNet builds the network and its optimizer (SGD with momentum 0.9); the experiment
 * "dfp-lenet" trains it on MNIST or Fashion-MNIST for sweeps over seeds, widths and roundings.
 * Configuration keys (defaults): dataset ("mnist"), bits (null: FP32), rounding ("stochastic"),
 * trainImages (20000), testImages (10000), epochs (3), learningRates ([0.05, 0.05, 0.005]: epoch
 * e uses entry min(e, length - 1)), filters ([8, 16]), units (128), batchSize (64).
 * Metrics: accuracy (test, after the last epoch), accuracyEpoch1..N, trainLoss (mean over the last
 * epoch), testLoss.
 * The seed gives the initial weights and the batch order, the same whatever bits and rounding
 * are (a paired design: configurations differ by seed only in their arithmetic), and the
 * quantizers' random streams.
 */
import type * as tfTypes from "@tensorflow/tfjs-core";
import type * as tfLayers from "@tensorflow/tfjs-layers";
import { checkInteger, checkOneOf, MODEL_SEED_MAX } from "../core/checks";
import type { TensorQuantizer } from "../layers/tensor_quantizer";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "../sweep/experiment";
import { checkConfigKeys } from "../sweep/experiment";
import type { JsonObject } from "../sweep/json_value";

const NAME = "dfp-lenet";
const KEYS = [
  "dataset",
  "bits",
  "rounding",
  "trainImages",
  "testImages",
  "epochs",
  "learningRates",
  "filters",
  "units",
  "batchSize",
];
export const DFP_ROUNDINGS = ["nearest", "stochastic"] as const;
export type DfpRounding = (typeof DFP_ROUNDINGS)[number];
const DATASETS = ["mnist", "fashion-mnist"] as const;

export interface DfpLeNetOptions {
  /** Bits of every DFP tensor, sign included, in [2, 32]; null: FP32, no quantizer. */
  bits: number | null;
  rounding?: DfpRounding;
  seed: number;
  learningRate: number;
  /** Conv filters and dense units; default the narrowed 8C5-MP2-16C5-MP2-128FC-10. */
  widths?: { filters: [number, number]; units: number };
}

/**
 * A factory of DFP quantizers for one network: each call makes a fresh one, with its own exponent
 * and its own random stream (1000 per network seed, so that networks of different seeds never
 * share a stream).
 */
export function dfpQuantizers(bits: number, rounding: DfpRounding, seed: number): () => TensorQuantizer {
  const { dfpQuantizer } = require("../layers") as typeof import("../layers");
  let stream = 1000 * seed;
  return () => dfpQuantizer({ bits }, { rounding, seed: stream++ });
}

/**
 * The network and its optimizer. Quantized (bits not null): W, A, G, E of every layer in DFP with
 * the given rounding, and the weights stored in DFP (storeQuantized); the momentum stays float.
 */
export function dfpLeNet(options: DfpLeNetOptions): {
  model: tfLayers.Sequential;
  optimizer: tfTypes.Optimizer & { dispose(): void };
} {
  const { bits, rounding = "stochastic", seed, learningRate } = options;
  const widths = options.widths ?? { filters: [8, 16], units: 128 };
  if (bits !== null) checkInteger("dfpLeNet bits", bits, 2, 32);
  checkOneOf("dfpLeNet rounding", rounding, DFP_ROUNDINGS);
  // Layer seeds are 16 * seed + layer index.
  checkInteger("dfpLeNet seed", seed, 0, Math.floor(MODEL_SEED_MAX / 16) - 1);
  if (!(learningRate > 0 && learningRate <= 10))
    throw new RangeError(`lowbit: dfpLeNet learningRate must be a number in (0, 10]; got ${learningRate}`);
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { quantLeNet5 } = require("../models") as typeof import("../models");
  const { storeQuantized } = require("../train") as typeof import("../train");
  const q = bits === null ? null : dfpQuantizers(bits, rounding, seed);
  const model = quantLeNet5(
    (i) => ({
      seed: 16 * seed + i,
      quant: q === null ? {} : { weight: q(), activation: q(), gradient: q(), error: q() },
    }),
    { name: "lenet", widths },
  );
  // tfjs-core 4.22's MomentumOptimizer.dispose() does not dispose the learning-rate scalar its
  // parent SGDOptimizer keeps: one tensor leaked per network without this.
  class Momentum extends tf.MomentumOptimizer {
    override dispose(): void {
      super.dispose();
      this.c.dispose();
    }
  }
  const inner = new Momentum(learningRate, 0.9);
  return { model, optimizer: q === null ? inner : storeQuantized(inner, () => q()) };
}

function integer(config: JsonObject, key: string, fallback: number, min: number, max: number): number {
  const v = config[key] ?? fallback;
  checkInteger(`experiment "${NAME}" ${key}`, typeof v === "number" ? v : Number.NaN, min, max);
  return v as number;
}

function learningRates(value: unknown): number[] {
  const rates = value ?? [0.05, 0.05, 0.005];
  if (!Array.isArray(rates) || rates.length === 0 || !rates.every((r) => typeof r === "number" && r > 0 && r <= 10))
    throw new RangeError(
      `lowbit: experiment "${NAME}" learningRates must be a non-empty array of numbers in (0, 10]; got ${JSON.stringify(value)}`,
    );
  return rates as number[];
}

export async function dfpLenetExperiment(config: JsonObject, { seed }: ExperimentContext): Promise<Metrics> {
  checkConfigKeys(NAME, config, KEYS);
  const dataset = String(config.dataset ?? "mnist");
  checkOneOf(`experiment "${NAME}" dataset`, dataset, DATASETS);
  const bits = config.bits ?? null;
  if (bits !== null) checkInteger(`experiment "${NAME}" bits`, typeof bits === "number" ? bits : Number.NaN, 2, 32);
  const rounding = String(config.rounding ?? "stochastic");
  checkOneOf(`experiment "${NAME}" rounding`, rounding, DFP_ROUNDINGS);
  const trainImages = integer(config, "trainImages", 20000, 1, 60000);
  const testImages = integer(config, "testImages", 10000, 1, 10000);
  const epochs = integer(config, "epochs", 3, 1, 1000);
  const rates = learningRates(config.learningRates);
  const filters = (config.filters ?? [8, 16]) as number[];
  if (!Array.isArray(filters) || filters.length !== 2)
    throw new RangeError(`lowbit: experiment "${NAME}" filters must be two integers; got ${JSON.stringify(filters)}`);
  filters.forEach((f, i) =>
    checkInteger(`experiment "${NAME}" filters[${i}]`, typeof f === "number" ? f : Number.NaN, 1, 4096),
  );
  const units = integer(config, "units", 128, 1, 4096);
  const batchSize = integer(config, "batchSize", 64, 1, 60000);

  const { initBackend } = require("../backend") as typeof import("../backend");
  const { loadMnist, loadFashionMnist } = require("../data") as typeof import("../data");
  const { train } = require("../train") as typeof import("../train");
  await initBackend();
  const load = dataset === "mnist" ? loadMnist : loadFashionMnist;
  const data = load({ subset: { train: trainImages, test: testImages } });
  const net = dfpLeNet({
    bits: bits as number | null,
    rounding: rounding as DfpRounding,
    seed,
    learningRate: rates[0],
    widths: { filters: [filters[0], filters[1]], units },
  });
  try {
    const { history } = await train({
      model: net.model,
      data: { train: data.train, test: data.test },
      epochs,
      batchSize,
      optimizer: net.optimizer,
      seed,
      progress: false,
      learningRate: ({ epoch }) => rates[Math.min(epoch, rates.length - 1)],
    });
    const last = history[history.length - 1];
    const metrics: Metrics = { accuracy: last.accuracy!, trainLoss: last.loss, testLoss: last.evalLoss! };
    history.forEach((h, e) => (metrics[`accuracyEpoch${e + 1}`] = h.accuracy!));
    return metrics;
  } finally {
    net.model.dispose();
    net.optimizer.dispose();
  }
}

export const DFP_LENET: RegisteredExperiment = {
  run: dfpLenetExperiment,
  description:
    "LeNet-5 with W, A, G, E and stored weights in b-bit dynamic fixed point (Su et al. 2020), or FP32: " +
    'dataset ("mnist" | "fashion-mnist"), bits (null: FP32), rounding ("stochastic" | "nearest"), trainImages (20000), ' +
    "testImages (10000), epochs (3), learningRates ([0.05, 0.05, 0.005], per epoch), filters ([8, 16]), units (128), " +
    "batchSize (64); metrics accuracy, accuracyEpoch1..N, trainLoss, testLoss",
};
