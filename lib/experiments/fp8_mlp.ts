/**
 * The experiment "fp8-mlp": a 784-hidden-10 MLP on MNIST (quantDense layers, ReLU, Adam) whose
 * three GEMMs per layer (FWD, BWD, GRAD) run through a matrix-unit preset (MMA_PRESETS: the
 * unit's alignment, truncation and output register, bit for bit), with the operands rounded to
 * the preset's input format unscaled (inputs "round"), and optionally promoted to float32 every
 * `promoteEvery` products (DeepSeek-V3's N_C). Without `accumulator` the same network trains in
 * float32: the baseline every preset run is paired with (the seed gives the same initial weights
 * and the same batches to every configuration).
 *
 * Configuration keys (defaults): accumulator (none: float32), promoteEvery (none), hidden (256),
 * trainImages (60000), testImages (2000), steps (300), batchSize (64), learningRate (0.001),
 * points (min(steps, 10)).
 * Metrics: accuracy and testLoss on the test images after the last step; finalLoss, the mean
 * training loss of the last of `points` equal segments of the run, and segmentLoss0 ..
 * segmentLoss{points-1}, the mean training loss of each segment (a learning curve that needs no
 * smoothing window longer than the run); stepCpuMs, the median process CPU time of a step
 * (user + system: the run is single-threaded, so other processes on a busy machine barely change
 * it, unlike wall time), and stepWallMs, the median wall time of a step.
 */
import { checkInteger, MODEL_SEED_MAX } from "../core/checks";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "../sweep/experiment";
import { checkConfigKeys } from "../sweep/experiment";
import type { JsonObject } from "../sweep/json_value";

const NAME = "fp8-mlp";
const KEYS = [
  "accumulator",
  "promoteEvery",
  "hidden",
  "trainImages",
  "testImages",
  "steps",
  "batchSize",
  "learningRate",
  "points",
];
/** The layers' weight seeds are 2 seed + 1 and 2 seed + 2, so a seed may be at most this. */
const SEED_MAX = Math.floor((MODEL_SEED_MAX - 2) / 2);

function integer(config: JsonObject, key: string, fallback: number, min: number, max: number): number {
  const v = config[key] ?? fallback;
  checkInteger(`experiment "${NAME}" ${key}`, typeof v === "number" ? v : Number.NaN, min, max);
  return v as number;
}

/** The median of a non-empty list. */
function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export async function fp8Mlp(config: JsonObject, { seed }: ExperimentContext): Promise<Metrics> {
  checkConfigKeys(NAME, config, KEYS);
  checkInteger(`experiment "${NAME}" seed`, seed, 0, SEED_MAX);
  const hidden = integer(config, "hidden", 256, 1, 4096);
  const trainImages = integer(config, "trainImages", 60000, 1, 60000);
  const testImages = integer(config, "testImages", 2000, 1, 10000);
  const steps = integer(config, "steps", 300, 2, 1_000_000);
  const batchSize = integer(config, "batchSize", 64, 1, 60000);
  const points = integer(config, "points", Math.min(steps, 10), 1, steps);
  const lr = config.learningRate ?? 0.001;
  if (typeof lr !== "number" || !(lr > 0 && lr <= 10))
    throw new RangeError(
      `lowbit: experiment "${NAME}" learningRate must be a number in (0, 10]; got ${JSON.stringify(lr)}`,
    );
  const { MMA_PRESETS } = require("../accum") as typeof import("../accum");
  const accumulator = config.accumulator;
  if (accumulator !== undefined && (typeof accumulator !== "string" || !(accumulator in MMA_PRESETS)))
    throw new RangeError(
      `lowbit: experiment "${NAME}" accumulator must be one of ${Object.keys(MMA_PRESETS).join(", ")} ` +
        `(or absent: float32); got ${JSON.stringify(accumulator)}`,
    );
  if (config.promoteEvery !== undefined && accumulator === undefined)
    throw new RangeError(`lowbit: experiment "${NAME}" promoteEvery needs an accumulator (a preset)`);
  const promoteEvery =
    config.promoteEvery === undefined ? undefined : integer(config, "promoteEvery", 0, 1, Number.MAX_SAFE_INTEGER);
  // Loaded when a run needs them: TensorFlow.js takes a second to load, and a sweep of another
  // experiment should not pay it in every worker.
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { initBackend } = require("../backend") as typeof import("../backend");
  const { loadMnist } = require("../data") as typeof import("../data");
  const { quantDense } = require("../layers") as typeof import("../layers");
  const { train } = require("../train") as typeof import("../train");
  await initBackend();
  const data = loadMnist({ subset: { train: trainImages, test: testImages } });
  const accumulation =
    accumulator === undefined
      ? undefined
      : { accumulator: accumulator as keyof typeof MMA_PRESETS, promoteEvery, inputs: "round" as const };
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      quantDense({ units: hidden, activation: "relu", seed: 2 * seed + 1, accumulation }),
      quantDense({ units: 10, seed: 2 * seed + 2, accumulation }),
    ],
  });
  const optimizer = tf.train.adam(lr);
  const cpu: number[] = [],
    wall: number[] = [];
  let lastCpu = process.cpuUsage(),
    lastWall = performance.now();
  try {
    const run = await train({
      model,
      data: { train: data.train, test: data.test },
      optimizer,
      batchSize,
      seed,
      epochs: 1,
      stepsPerEpoch: steps,
      progress: false,
      interruptible: false,
      onStep: () => {
        const c = process.cpuUsage(lastCpu),
          w = performance.now();
        cpu.push((c.user + c.system) / 1000);
        wall.push(w - lastWall);
        lastCpu = process.cpuUsage();
        lastWall = performance.now();
      },
    });
    if (run.steps.length !== steps)
      throw new RangeError(
        `lowbit: experiment "${NAME}" ran ${run.steps.length} steps of ${steps}: ${trainImages} training images ` +
          `give at most ${Math.ceil(trainImages / batchSize)} batches of ${batchSize} in its one epoch`,
      );
    const losses = run.steps.map((s) => s.loss);
    const metrics: Metrics = {};
    for (let i = 0; i < points; i++) {
      const part = losses.slice(Math.floor((i * steps) / points), Math.floor(((i + 1) * steps) / points));
      metrics[`segmentLoss${i}`] = part.reduce((s, x) => s + x, 0) / part.length;
    }
    const last = run.history[run.history.length - 1];
    // The first step builds the optimizer's state and traces the model: not a typical step.
    return {
      accuracy: last.accuracy!,
      testLoss: last.evalLoss!,
      finalLoss: metrics[`segmentLoss${points - 1}`],
      stepCpuMs: median(cpu.slice(1)),
      stepWallMs: median(wall.slice(1)),
      ...metrics,
    };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

export const FP8_MLP: RegisteredExperiment = {
  run: fp8Mlp,
  description:
    "784-hidden-10 MLP on MNIST with every GEMM through a matrix-unit preset (operands rounded to its input format): " +
    "accumulator (none: float32), promoteEvery, hidden (256), trainImages (60000), testImages (2000), steps (300), " +
    "batchSize (64), learningRate (0.001), points (min(steps, 10)); metrics accuracy, testLoss, finalLoss, " +
    "segmentLoss0.., stepCpuMs, stepWallMs",
};
