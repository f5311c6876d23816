/**
 * The experiment "accumulation-cnn": a small convolutional network on MNIST whose GEMMs run
 * through the bit-true accumulator emulator (lowPrecisionConv2d / lowPrecisionDense inside
 * quantConv2d and quantDense), the test of Sakr et al. (ICLR 2019): train with every accumulator
 * at the width the variance retention ratio predicts, at fewer bits, and in float32.
 *
 *   conv 5x5, `filters` channels, valid, max-pool 2, ReLU  ->  dense 10 (softmax cross-entropy)
 *
 * The convolution's weight gradient (GRAD) sums over every output position of every image of
 * the batch: batchSize * 24 * 24 products (36864 at batch 64), the long sums that need the widest
 * accumulator. Products are rounded to floatingPoint({ exp: 8, man: productMantissa }) and each
 * sum is accumulated in floatingPoint({ exp: 8, man: m }) with round to nearest, m given per layer
 * and GEMM by `accumulators` ({ conv: { fwd, bwd, grad }, dense: { fwd, bwd, grad } }); null
 * trains in float32. The first layer's BWD (the error sent to the input image) is not emulated:
 * nothing upstream learns from it, and emulating it would only cost time.
 *
 * SGD with momentum 0.9 (ours: the paper trains its ResNets with SGD; the rate and step count
 * are set for this toy network). The seed gives the initial weights (the layers' seeded Glorot
 * initialisers) and the batch order (train's seed), the same in every configuration: runs of one
 * seed are paired. Metrics: accuracy and loss on the test images, trainLoss (mean of the last 20
 * steps' losses).
 */
import { checkInteger, MODEL_SEED_MAX } from "../core/checks";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "../sweep/experiment";
import { checkConfigKeys } from "../sweep/experiment";
import { isPlainObject, type JsonObject } from "../sweep/json_value";

const NAME = "accumulation-cnn";
const KEYS = [
  "accumulators",
  "productMantissa",
  "filters",
  "steps",
  "batchSize",
  "trainImages",
  "testImages",
  "learningRate",
];
const GEMM_KEYS = ["fwd", "bwd", "grad"] as const;
const LAYER_KEYS = ["conv", "dense"] as const;

type GemmBits = { fwd: number; bwd: number; grad: number };
export type CnnAccumulators = { conv: GemmBits; dense: GemmBits };

function integer(config: JsonObject, key: string, fallback: number, min: number, max: number): number {
  const v = config[key] ?? fallback;
  checkInteger(`experiment "${NAME}" ${key}`, typeof v === "number" ? v : Number.NaN, min, max);
  return v as number;
}

function onlyKeys(what: string, value: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(value))
    if (!keys.includes(k))
      throw new RangeError(`lowbit: experiment "${NAME}" ${what} has no key "${k}"; its keys are ${keys.join(", ")}`);
}

/** `accumulators` checked: null, or { conv, dense } each { fwd, bwd, grad } mantissa bits in [1, 23]. */
function checkAccumulators(value: unknown): CnnAccumulators | null {
  if (value === undefined || value === null) return null;
  const shape = `{ conv: { fwd, bwd, grad }, dense: { fwd, bwd, grad } } of mantissa bits, or null (float32)`;
  if (!isPlainObject(value))
    throw new TypeError(`lowbit: experiment "${NAME}" accumulators must be ${shape}; got ${JSON.stringify(value)}`);
  onlyKeys("accumulators", value, LAYER_KEYS);
  const out = {} as CnnAccumulators;
  for (const layer of LAYER_KEYS) {
    const bits = value[layer];
    if (!isPlainObject(bits))
      throw new TypeError(
        `lowbit: experiment "${NAME}" accumulators.${layer} must be { fwd, bwd, grad }; got ${JSON.stringify(bits)}`,
      );
    onlyKeys(`accumulators.${layer}`, bits, GEMM_KEYS);
    for (const g of GEMM_KEYS) {
      const m = bits[g];
      checkInteger(`experiment "${NAME}" accumulators.${layer}.${g}`, typeof m === "number" ? m : Number.NaN, 1, 23);
    }
    out[layer] = { fwd: bits.fwd as number, bwd: bits.bwd as number, grad: bits.grad as number };
  }
  return out;
}

export async function accumulationCnn(config: JsonObject, { seed }: ExperimentContext): Promise<Metrics> {
  checkConfigKeys(NAME, config, KEYS);
  checkInteger(`experiment "${NAME}" seed`, seed, 0, MODEL_SEED_MAX);
  const accumulators = checkAccumulators(config.accumulators);
  const mP = integer(config, "productMantissa", 5, 1, 23);
  const filters = integer(config, "filters", 4, 1, 256);
  const steps = integer(config, "steps", 300, 1, 100000);
  const batchSize = integer(config, "batchSize", 64, 1, 60000);
  const trainImages = integer(config, "trainImages", 60000, 1, 60000);
  const testImages = integer(config, "testImages", 2000, 1, 10000);
  const lr = config.learningRate ?? 0.05;
  if (typeof lr !== "number" || !(lr > 0 && lr <= 10))
    throw new RangeError(
      `lowbit: experiment "${NAME}" learningRate must be a number in (0, 10]; got ${JSON.stringify(lr)}`,
    );
  // Loaded when a run needs them (a worker of another experiment should not pay for TensorFlow.js).
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { initBackend } = require("../backend") as typeof import("../backend");
  const { loadMnist } = require("../data") as typeof import("../data");
  const { quantConv2d, quantDense } = require("../layers") as typeof import("../layers");
  const { floatingPoint } = require("../quant/formats") as typeof import("../quant/formats");
  const { train } = require("../train") as typeof import("../train");
  await initBackend();
  const product = floatingPoint({ exp: 8, man: mP });
  const sums = (man: number) => floatingPoint({ exp: 8, man });
  const emulated = (bits: GemmBits, gemms: ("FWD" | "BWD" | "GRAD")[]) => ({
    product,
    accumulator: sums(bits.fwd),
    accumulators: { BWD: sums(bits.bwd), GRAD: sums(bits.grad) },
    gemms,
  });
  const data = loadMnist({ subset: { train: trainImages, test: testImages } });
  const model = tf.sequential({
    layers: [
      quantConv2d({
        inputShape: [28, 28, 1],
        filters,
        kernelSize: 5,
        pool: 2,
        activation: "relu",
        seed,
        ...(accumulators ? { accumulation: emulated(accumulators.conv, ["FWD", "GRAD"]) } : {}),
      }),
      tf.layers.flatten(),
      quantDense({
        units: 10,
        seed: (seed + 1) % (MODEL_SEED_MAX + 1),
        ...(accumulators ? { accumulation: emulated(accumulators.dense, ["FWD", "BWD", "GRAD"]) } : {}),
      }),
    ],
  });
  const optimizer = tf.train.momentum(lr, 0.9);
  try {
    const run = await train({
      model,
      data: { train: data.train, test: data.test },
      epochs: 1,
      stepsPerEpoch: steps,
      batchSize,
      optimizer,
      seed,
      progress: false,
    });
    const last = run.history[run.history.length - 1];
    const tail = run.steps.slice(-20).map((s) => s.loss);
    return {
      accuracy: last.accuracy!,
      loss: last.evalLoss!,
      trainLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
    };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

export const ACCUMULATION_CNN: RegisteredExperiment = {
  run: accumulationCnn,
  description:
    "conv 5x5 (filters) + max-pool + dense 10 on MNIST, SGD momentum 0.9, every GEMM through the bit-true " +
    "accumulator emulator: accumulators ({ conv: { fwd, bwd, grad }, dense: { fwd, bwd, grad } } mantissa bits, " +
    "or null for float32), productMantissa (5), filters (4), steps (300), batchSize (64), trainImages (60000), " +
    "testImages (2000), learningRate (0.05); metrics accuracy, loss, trainLoss",
};
