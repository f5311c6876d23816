/**
 * The experiment "wage-lenet": WAGE's MNIST LeNet-5 (wageLeNet5: Wu et al., ICLR 2018) with
 * k_W-k_A-k_G-k_E bits, or the same network in float, trained with train() on the first
 * trainImages MNIST training images and tested on the first testImages test images after every
 * epoch. Notebook 02 runs its multi-seed sweeps through it.
 *
 * Configuration keys (defaults):
 *   variant      "code" (the authors' code), "paper" (the paper's text) or "float": the "code"
 *                network (same layers, pooling order, layer scales alpha and initial draw
 *                U(-L, L)) with no quantizer and no weight clip, trained by plain SGD
 *   W, A, G, E   bit widths k_W, k_A, k_G, k_E (2, 8, 8, 8); not read by "float"
 *   eta          WAGE's learning rate, a power of two in [2^-16, 2^16] (8, the authors' MNIST log)
 *   gamma        the error-window shift of the paper's Table 2, a power of two in [1, 2^8] (1)
 *   learningRate plain SGD's rate for "float", in (0, 10] (0.1); not read by the WAGE variants
 *   epochs (1), trainImages (60000), testImages (10000), batchSize (128)
 *   integerCheck false; true (WAGE variants only) runs the trained network on integers alone
 *                (wageIntegerNetwork) over the test images
 * Metrics: testError (%, after the last epoch), testError1 .. testErrorN (%, after each epoch),
 * trainLoss (mean sum-of-squared-errors loss of the last epoch), and with integerCheck
 * integerMismatches: test images whose integer output codes differ from 2^(kA-1) times the
 * simulated network's outputs (WAGE's claim is that there are none).
 *
 * The seed gives the initial weights (every variant draws the same U(-L, L), layer by layer),
 * the batch order and WAGE's stochastic rounding: the same seed is the same start and the same
 * data in every configuration, which is what a paired comparison by seed needs.
 */
import { checkInteger, checkOneOf, MODEL_SEED_MAX } from "../core/checks";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "../sweep/experiment";
import { checkConfigKeys } from "../sweep/experiment";
import type { JsonObject } from "../sweep/json_value";

const NAME = "wage-lenet";
const KEYS = [
  "variant",
  "W",
  "A",
  "G",
  "E",
  "eta",
  "gamma",
  "learningRate",
  "epochs",
  "trainImages",
  "testImages",
  "batchSize",
  "integerCheck",
];
export const WAGE_LENET_VARIANTS = ["code", "paper", "float"] as const;

function integer(config: JsonObject, key: string, fallback: number, min: number, max: number): number {
  const v = config[key] ?? fallback;
  checkInteger(`experiment "${NAME}" ${key}`, typeof v === "number" ? v : Number.NaN, min, max);
  return v as number;
}

/** A power of two 2^e with integer e in [minExp, maxExp] (WAGE's scales are shifts). */
function powerOfTwo(config: JsonObject, key: string, fallback: number, minExp: number, maxExp: number): number {
  const v = config[key] ?? fallback;
  const e = typeof v === "number" && v > 0 ? Math.log2(v) : Number.NaN;
  if (!(Number.isInteger(e) && e >= minExp && e <= maxExp))
    throw new RangeError(
      `lowbit: experiment "${NAME}" ${key} must be a power of two in [2^${minExp}, 2^${maxExp}]; got ${JSON.stringify(v)}`,
    );
  return v as number;
}

/** A trained network of the experiment, for a notebook to look inside (dispose model and optimizer). */
export interface TrainedWageLenet {
  model: import("../backend/tf").Sequential;
  optimizer: import("../backend/tf").Optimizer;
  data: { train: import("../data").ImageSplit; test: import("../data").ImageSplit };
  metrics: Metrics;
}

/**
 * Trains the experiment's network for `config` and `seed` (see the file's comment) and returns it
 * with its metrics; `onQuantized` (not JSON, so not a configuration key) sees every quantized tensor.
 */
export async function trainWageLenet(
  config: JsonObject,
  options: ExperimentContext & { onQuantized?: import("../layers").QuantLayerArgs["onQuantized"] },
): Promise<TrainedWageLenet> {
  const { seed, onQuantized } = options;
  checkConfigKeys(NAME, config, KEYS);
  checkInteger(`experiment "${NAME}" seed`, seed, 0, MODEL_SEED_MAX);
  const variant = config.variant ?? "code";
  checkOneOf(
    `experiment "${NAME}" variant`,
    typeof variant === "string" ? variant : String(variant),
    WAGE_LENET_VARIANTS,
  );
  const bits = {
    W: integer(config, "W", 2, 2, 16),
    A: integer(config, "A", 8, 2, 16),
    G: integer(config, "G", 8, 2, 16),
    E: integer(config, "E", 8, 2, 16),
  };
  const eta = powerOfTwo(config, "eta", 8, -16, 16);
  const gamma = powerOfTwo(config, "gamma", 1, 0, 8);
  const lr = config.learningRate ?? 0.1;
  if (typeof lr !== "number" || !(lr > 0 && lr <= 10))
    throw new RangeError(
      `lowbit: experiment "${NAME}" learningRate must be a number in (0, 10]; got ${JSON.stringify(lr)}`,
    );
  const epochs = integer(config, "epochs", 1, 1, 1000);
  const trainImages = integer(config, "trainImages", 60000, 1, 60000);
  const testImages = integer(config, "testImages", 10000, 1, 10000);
  const batchSize = integer(config, "batchSize", 128, 1, 60000);
  const integerCheck = config.integerCheck ?? false;
  if (typeof integerCheck !== "boolean" || (integerCheck && variant === "float"))
    throw new RangeError(
      `lowbit: experiment "${NAME}" integerCheck must be true or false, and true only for the WAGE variants; got ${JSON.stringify(integerCheck)} with variant ${JSON.stringify(variant)}`,
    );
  // Loaded when a run needs them: TensorFlow.js takes a second to load, and a sweep of another
  // experiment should not pay it in every worker.
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { initBackend } = require("../backend") as typeof import("../backend");
  const { loadMnist } = require("../data") as typeof import("../data");
  const { wageLeNet5, quantLeNet5 } = require("../models") as typeof import("../models");
  const { wageInit } = require("../layers") as typeof import("../layers");
  const { train } = require("../train") as typeof import("../train");
  await initBackend();
  const data = loadMnist({ subset: { train: trainImages, test: testImages } });
  const model =
    variant === "float"
      ? // The "code" network's layers, scales and initial draw (same layer seeds), nothing quantized.
        quantLeNet5(
          (i, fanIn) => {
            const { limit, alpha } = wageInit(fanIn, 2, { gain: 3 });
            return { useBias: false, scale: alpha, initLimit: limit, seed: seed * 16 + i, onQuantized };
          },
          { name: "float_lenet5", poolInConv: true },
        )
      : wageLeNet5({ bits, eta, gamma, seed, variant: variant as "code" | "paper", onQuantized });
  // WAGE's learning rate is inside its gradient quantizer; the optimizer only adds the update.
  const optimizer = tf.train.sgd(variant === "float" ? lr : 1);
  try {
    const { history } = await train({
      model,
      data: { train: data.train, test: data.test },
      epochs,
      batchSize,
      optimizer,
      loss: "sumSquaredError",
      seed,
      progress: false,
    });
    const metrics: Metrics = {};
    history.forEach((r, i) => (metrics[`testError${i + 1}`] = 100 * (1 - r.accuracy!)));
    metrics.testError = metrics[`testError${history.length}`];
    metrics.trainLoss = history[history.length - 1].loss;
    if (integerCheck) metrics.integerMismatches = integerMismatches(model, data.test, bits.A);
    return { model, optimizer, data, metrics };
  } catch (e) {
    model.dispose();
    optimizer.dispose();
    throw e;
  }
}

/** The experiment: trainWageLenet's metrics, the network disposed. */
export async function wageLenet(config: JsonObject, { seed }: ExperimentContext): Promise<Metrics> {
  const { model, optimizer, metrics } = await trainWageLenet(config, { seed });
  model.dispose();
  optimizer.dispose();
  return metrics;
}

/** Test images whose integer-only output codes differ from the simulated outputs times 2^(kA-1). */
function integerMismatches(
  model: import("../backend/tf").Sequential,
  test: import("../data").ImageSplit,
  kA: number,
): number {
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { wageIntegerNetwork, runIntegerNetwork } = require("../models") as typeof import("../models");
  const integer = runIntegerNetwork(wageIntegerNetwork(model), test.images);
  const scale = 2 ** (kA - 1);
  let mismatches = 0,
    first = 0;
  for (const batch of test.batches({ batchSize: 1000 })) {
    const out = tf.tidy(() => model.predict(batch.x) as import("../backend/tf").Tensor);
    const values = out.dataSync();
    const classes = values.length / batch.size;
    out.dispose();
    for (let i = 0; i < batch.size; i++) {
      let same = true;
      for (let c = 0; c < classes; c++)
        if (integer.codes[(first + i) * classes + c] !== values[i * classes + c] * scale) same = false;
      if (!same) mismatches++;
    }
    first += batch.size;
    batch.dispose();
  }
  return mismatches;
}

export const WAGE_LENET: RegisteredExperiment = {
  run: wageLenet,
  description:
    'WAGE\'s MNIST LeNet-5 (or the same network in float) with train(): variant ("code", "paper", "float"), ' +
    "W, A, G, E (2, 8, 8, 8), eta (8), gamma (1), learningRate (0.1, float only), epochs (1), " +
    "trainImages (60000), testImages (10000), batchSize (128), integerCheck (false); metrics testError (%), " +
    "testError1..N, trainLoss (and integerMismatches)",
};
