/**
 * What the recipe experiments share: build a model, train it with Adam through train() as a
 * sweep's worker does (no progress display, no interrupt handler), let the experiment evaluate
 * it, dispose it, and add the metrics they all report: trainLoss (the mean loss of the last 20
 * steps), wallSeconds (of the training steps, evaluation excluded) and tensorsGained (tfjs tensors
 * alive after the run minus before the model was built: 0 unless something leaks).
 */
import type * as tfTypes from "../backend/tf";
import type { Metrics } from "../sweep/experiment";
import type { TrainOptions, TrainResult } from "../train";

/** trainLoss averages this many last steps. */
const TAIL = 20;

export async function trainAndMeasure(
  build: () => tfTypes.LayersModel,
  learningRate: number,
  options: Omit<TrainOptions, "model" | "optimizer" | "progress" | "interruptible">,
  evaluate: (model: tfTypes.LayersModel, run: TrainResult) => Metrics,
): Promise<Metrics> {
  // Loaded when a run needs them: TensorFlow.js takes a second to load, and a sweep of another
  // experiment should not pay it in every worker.
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  const { train } = require("../train") as typeof import("../train");
  const tensorsBefore = tf.memory().numTensors;
  const model = build();
  const optimizer = tf.train.adam(learningRate);
  let metrics: Metrics;
  try {
    const t0 = performance.now();
    const run = await train({ ...options, model, optimizer, progress: false, interruptible: false });
    const wallSeconds = (performance.now() - t0) / 1000;
    const tail = run.steps.slice(-TAIL).map((s) => s.loss);
    metrics = { ...evaluate(model, run), trainLoss: tail.reduce((a, b) => a + b, 0) / tail.length, wallSeconds };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  return { ...metrics, tensorsGained: tf.memory().numTensors - tensorsBefore };
}
