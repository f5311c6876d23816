/**
 * train(): epochs of trainStep over an image dataset, with a progress bar (notebook or
 * terminal), evaluation after each epoch, per-epoch records, early stopping, and a checkpoint
 * after each epoch from which `resume` continues exactly (same weights to the bit as a run
 * that never stopped, on the same backend). Seeded end to end: the data order is a function of
 * (seed, epoch), the stochastic quantizers carry their own seeds and call counts.
 */
import { existsSync } from "node:fs";
import * as tf from "../backend/tf";
import { checkInteger, checkSeed } from "../core/checks";
import type { ImageSplit, PixelRange } from "../data";
import { QuantLayer } from "../layers";
import { ProgressBar } from "../viz/progress_bar";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint";
import type { EpochRecord } from "./history";
import { type Loss, LOSSES, type LossName } from "./losses";
import { trainStep } from "./train_step";

export interface TrainOptions {
  model: tf.LayersModel;
  data: { train: ImageSplit; validation?: ImageSplit; test?: ImageSplit };
  epochs: number;
  batchSize: number;
  optimizer: tf.Optimizer;
  /** A loss function or the name of one of LOSSES (default softmaxCrossEntropy). */
  loss?: Loss | LossName;
  /** Seed of the data order (an integer in [0, 2^32); default 0). */
  seed?: number;
  /** Pixel range of the images (default "unit": [0, 1]). */
  range?: PixelRange;
  /** At most this many steps per epoch (smoke runs). */
  stepsPerEpoch?: number;
  /** Stop when evaluation accuracy has not improved by minDelta for `patience` epochs. */
  earlyStop?: { patience: number; minDelta?: number };
  /** Path of a checkpoint written after every epoch. */
  checkpoint?: string;
  /** Continue from `checkpoint` when the file exists. */
  resume?: boolean;
  /** Show progress (default true). */
  progress?: boolean;
  onEpoch?: (record: EpochRecord) => void;
}

export interface TrainResult {
  history: EpochRecord[];
  stoppedEarly: boolean;
}

function evaluate(
  model: tf.LayersModel,
  split: ImageSplit,
  loss: Loss,
  range: PixelRange,
): { accuracy: number; loss: number } {
  let correct = 0,
    lossSum = 0;
  for (const batch of split.batches({ batchSize: 1000, range, labels: "oneHot" })) {
    const [c, l] = tf.tidy(() => {
      const out = model.apply(batch.x) as tf.Tensor;
      const hits = out.argMax(-1).equal(batch.y.argMax(-1)).sum();
      return [hits.dataSync()[0], loss(batch.y, out).dataSync()[0] * batch.size];
    });
    correct += c;
    lossSum += l;
    batch.dispose();
  }
  return { accuracy: correct / split.size, loss: lossSum / split.size };
}

function layerStats(model: tf.LayersModel): EpochRecord["layers"] {
  const stats: EpochRecord["layers"] = {};
  for (const layer of model.layers) {
    // QuantActivation is a QuantLayer without weights (vggNet puts one after each batch norm).
    if (!(layer instanceof QuantLayer) || layer.weights.length === 0) continue;
    const meanAbsWeight = tf.tidy(() => layer.masterKernel().abs().mean().dataSync()[0]);
    const dfp = (layer.quant.weight as { dfp?: { frac?: number[] } } | undefined)?.dfp;
    stats[layer.name] = { meanAbsWeight, ...(dfp?.frac ? { weightFrac: [...dfp.frac] } : {}) };
  }
  return stats;
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const { model, data, optimizer, seed = 0, range = "unit", progress = true } = options;
  checkInteger("train epochs", options.epochs, 1);
  checkInteger("train batchSize", options.batchSize, 1);
  checkSeed("train seed", seed);
  if (options.stepsPerEpoch !== undefined) checkInteger("train stepsPerEpoch", options.stepsPerEpoch, 1);
  const loss = typeof options.loss === "function" ? options.loss : LOSSES[options.loss ?? "softmaxCrossEntropy"];
  if (loss === undefined)
    throw new RangeError(
      `lowbit: train loss must be a function or one of ${Object.keys(LOSSES).join(", ")}; got ${String(options.loss)}`,
    );
  const evalSplit = data.validation ?? data.test;
  // An empty split has no mean loss or accuracy: 0 / 0 would come back as NaN, not as an error.
  const evalRole = data.validation !== undefined ? "validation" : "test";
  for (const [role, split] of [
    ["train", data.train],
    [evalRole, evalSplit],
  ] as const) {
    if (split !== undefined && split.size === 0)
      throw new RangeError(`lowbit: train data.${role} is empty (0 examples); it needs at least 1`);
  }

  let history: EpochRecord[] = [];
  let start = 0;
  if (options.resume && options.checkpoint !== undefined && existsSync(options.checkpoint)) {
    ({ epochsDone: start, history } = await loadCheckpoint(options.checkpoint, model, optimizer));
  }
  const steps = Math.min(Math.ceil(data.train.size / options.batchSize), options.stepsPerEpoch ?? Infinity);
  let best = -Infinity,
    sinceBest = 0,
    stoppedEarly = false;
  for (const r of history) {
    if (r.accuracy !== undefined && r.accuracy > best + (options.earlyStop?.minDelta ?? 0)) {
      best = r.accuracy;
      sinceBest = 0;
    } else sinceBest++;
  }

  for (let epoch = start; epoch < options.epochs; epoch++) {
    const bar = progress ? new ProgressBar(`epoch ${epoch + 1}/${options.epochs}`, steps) : undefined;
    let lossSum = 0,
      step = 0;
    const t0 = performance.now();
    for (const batch of data.train.batches({
      batchSize: options.batchSize,
      shuffle: true,
      seed,
      epoch,
      range,
      labels: "oneHot",
    })) {
      const value = trainStep(model, optimizer, loss, batch.x, batch.y);
      const l = value.dataSync()[0];
      value.dispose();
      batch.dispose();
      lossSum += l;
      bar?.tick(1, `loss ${l.toFixed(4)}`);
      if (++step >= steps) break;
    }
    const record: EpochRecord = {
      epoch: epoch + 1,
      loss: lossSum / step,
      seconds: (performance.now() - t0) / 1000,
      layers: layerStats(model),
    };
    if (evalSplit !== undefined) {
      const e = evaluate(model, evalSplit, loss, range);
      record.accuracy = e.accuracy;
      record.evalLoss = e.loss;
    }
    history.push(record);
    options.onEpoch?.(record);
    if (options.checkpoint !== undefined)
      await saveCheckpoint(options.checkpoint, model, optimizer, epoch + 1, history);
    if (options.earlyStop !== undefined && record.accuracy !== undefined) {
      if (record.accuracy > best + (options.earlyStop.minDelta ?? 0)) {
        best = record.accuracy;
        sinceBest = 0;
      } else if (++sinceBest >= options.earlyStop.patience) {
        stoppedEarly = true;
        break;
      }
    }
  }
  return { history, stoppedEarly };
}
