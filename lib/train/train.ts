/**
 * train(): lowbit's one training loop, for every model it trains: image classifiers by epochs
 * of a seeded shuffle, a seq2seq translator or a character LSTM from batches sampled by the
 * caller, any model a user brings. Keras's fit and PyTorch Lightning's Trainer give the shape:
 * a batch source, a loss (or an objective, or a whole custom step), callbacks per step and per
 * epoch, evaluation, early stopping, a checkpoint after every epoch, a history of records.
 *
 *  - Batches: `data` (image splits: epoch e is data.train.batches({ shuffle, seed, epoch: e }))
 *    or `batches`: an iterable or async iterable of { x, y }, or a function of the epoch (0-based)
 *    returning one. The loop disposes every batch after its step. One iterable given for every
 *    epoch (e.g. a generator object) is read on where the last epoch stopped, never closed.
 *  - A step (train_step.ts): gradients of loss(y, model(x)) (or of `objective`), gradient
 *    quantizers, the optimizer's update (per parameter group), weight clipping; or `step`.
 *  - Learning rate: a number or a schedule of (step, epoch), set before every step through
 *    setLearningRate (learning_rate.ts); per parameter group likewise.
 *  - Stopping: `epochs`, `stepsPerEpoch`, early stopping on an evaluation metric, and
 *    interrupts: SIGINT (Ctrl-C, Jupyter's Kernel > Interrupt) or `signal` stop the loop after
 *    the current step (interrupt.ts); the model then holds the last completed step and the
 *    result says `interrupted`.
 *  - Checkpoint after every complete epoch; `resume` continues exactly (same weights to the bit
 *    as a run that never stopped, on the same backend): the data order is a function of (seed,
 *    epoch), the stochastic quantizers carry their own seeds and call counts, a schedule is a
 *    function of the step.
 * Progress goes to a TrainingProgress (training_progress.ts): the notebook's display inside a
 * notebook, the terminal's stderr elsewhere, or one the caller gives.
 */
import { existsSync } from "node:fs";
import * as tf from "../backend/tf";
import { checkInteger, checkOneOf, checkSeed } from "../core/checks";
import type { ImageSplit, PixelRange } from "../data";
import { QuantLayer } from "../layers";
import { layerQuantizerState } from "../layers/quantizer_state";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint";
import { checkMetrics, type EpochRecord, type StepRecord } from "./history";
import { InterruptGuard, yieldToEventLoop } from "./interrupt";
import { isOptimizer, type LearningRate, rateAt, setLearningRate } from "./learning_rate";
import { type Loss, LOSSES, type LossName } from "./losses";
import { TerminalProgress } from "./terminal_progress";
import { notebookTrainingProgress, type TrainingProgress } from "./training_progress";
import { checkGroups, objectiveStep, type ParameterGroup } from "./train_step";

/** One batch: the model's input (or list of inputs) and the targets the loss compares with. */
export interface TrainBatch {
  x: tf.Tensor | tf.Tensor[];
  y: tf.Tensor;
  /** Disposes the batch's tensors; without it the loop disposes x and y. */
  dispose?(): void;
}

export type BatchIterable = Iterable<TrainBatch> | AsyncIterable<TrainBatch>;
/** Batches: one iterable for every epoch, or a function of the epoch (0-based) giving each. */
export type BatchSource = BatchIterable | ((epoch: number) => BatchIterable);

/** What a custom step and the objective are given. */
export interface StepContext {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  batch: TrainBatch;
  /** Steps done before this one (0-based), and the epoch (0-based). */
  step: number;
  epoch: number;
}

/** A parameter group with its own learning rate (or schedule) for its optimizer. */
export interface TrainParameterGroup extends ParameterGroup {
  learningRate?: LearningRate;
}

export interface TrainOptions {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  /** Image classification data: batches of data.train each epoch, evaluation on validation or test. */
  data?: { train: ImageSplit; validation?: ImageSplit; test?: ImageSplit };
  /** Batches of any other kind (instead of `data`). */
  batches?: BatchSource;
  /** Epochs (default 1). */
  epochs?: number;
  /** Examples per batch of `data` (required with it). */
  batchSize?: number;
  /** A loss function or the name of one of LOSSES (default softmaxCrossEntropy). */
  loss?: Loss | LossName;
  /** The scalar to minimise, computed from the batch (instead of loss(y, model(x))). */
  objective?: (context: StepContext) => tf.Scalar;
  /** A whole custom step: computes and applies the update itself, returns the loss (disposed by the loop). */
  step?: (context: StepContext) => tf.Scalar;
  /** Learning rate of `optimizer`: a number or a schedule of ({ step, epoch }), both 0-based. */
  learningRate?: LearningRate;
  /** Weights trained by their own optimizer (and learning rate), or frozen. */
  groups?: TrainParameterGroup[];
  /** Seed of the data order of `data` (an integer in [0, 2^32); default 0). */
  seed?: number;
  /** Pixel range of `data`'s images (default "unit": [0, 1]). */
  range?: PixelRange;
  /** At most this many steps per epoch. */
  stepsPerEpoch?: number;
  /**
   * Evaluation after every epoch: metrics (e.g. { bleu, perplexity }) stored in the epoch
   * record's `metrics`. With `data`, accuracy and loss on its validation (else test) split are
   * computed too.
   */
  evaluate?: (model: tf.LayersModel, epoch: number) => Record<string, number> | Promise<Record<string, number>>;
  /**
   * Stop when `metric` (default "accuracy"; or a key of evaluate's metrics, or "evalLoss",
   * "loss") has not improved by minDelta for `patience` epochs; mode "max" (default) or "min".
   * A metric nothing measures is an error ("accuracy" and "evalLoss" need data.validation or
   * data.test; other names, an evaluate that returns them).
   */
  earlyStop?: { patience: number; minDelta?: number; metric?: string; mode?: "max" | "min" };
  /** Path of a checkpoint written after every epoch. */
  checkpoint?: string;
  /** Continue from `checkpoint` when the file exists. */
  resume?: boolean;
  /** true (default): the notebook's or the terminal's display; false: none; or a renderer. */
  progress?: boolean | TrainingProgress;
  /** Name of the run in the progress display (default "train"). */
  label?: string;
  /** Called after every step. */
  onStep?: (record: StepRecord) => void;
  /** Called after every epoch, with its record (evaluation included). */
  onEpoch?: (record: EpochRecord) => void | Promise<void>;
  /** Stops the loop after the current step when aborted. */
  signal?: AbortSignal;
  /** SIGINT (Ctrl-C, Kernel > Interrupt) stops the loop after the current step (default true). */
  interruptible?: boolean;
}

export interface TrainResult {
  /** One record per complete epoch (a resumed run's earlier epochs included). */
  history: EpochRecord[];
  /** One record per step of this call. */
  steps: StepRecord[];
  stoppedEarly: boolean;
  /** Stopped by SIGINT or the signal: the model holds the last completed step. */
  interrupted: boolean;
  /** Steps done in the run (a resumed run counts its earlier steps). */
  stepsDone: number;
}

function evaluateSplit(
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
    const frac = layerQuantizerState(layer).weight?.frac;
    stats[layer.name] = { meanAbsWeight, ...(frac !== undefined ? { weightFrac: frac } : {}) };
  }
  return stats;
}

function resolveLoss(loss: TrainOptions["loss"]): Loss {
  const f = typeof loss === "function" ? loss : LOSSES[loss ?? "softmaxCrossEntropy"];
  if (f === undefined)
    throw new RangeError(
      `lowbit: train loss must be a function or one of ${Object.keys(LOSSES).join(", ")}; got ${String(loss)}`,
    );
  return f;
}

function disposeBatch(batch: TrainBatch): void {
  if (typeof batch.dispose === "function") batch.dispose();
  else tf.dispose([...(Array.isArray(batch.x) ? batch.x : [batch.x]), batch.y]);
}

function isIterable(source: unknown): source is BatchIterable {
  return typeof source === "object" && source !== null && (Symbol.iterator in source || Symbol.asyncIterator in source);
}

/**
 * A batch iterator read with next() only. for-await closes its iterator (calls return()) on
 * every break, which ends a generator object: one given as `batches` for several epochs would
 * then give no batch in epoch 2. The caller closes an epoch's own iterable (a function source's)
 * through close(), and leaves a shared one open.
 */
interface BatchReader {
  next(): Promise<TrainBatch | undefined>;
  close(): Promise<void>;
}

function readBatches(iterable: BatchIterable): BatchReader {
  const it: Iterator<TrainBatch> | AsyncIterator<TrainBatch> =
    Symbol.asyncIterator in iterable
      ? (iterable as AsyncIterable<TrainBatch>)[Symbol.asyncIterator]()
      : (iterable as Iterable<TrainBatch>)[Symbol.iterator]();
  return {
    async next() {
      const r = await it.next();
      // As for-await does for a sync iterable, a batch given as a promise is awaited.
      return r.done ? undefined : await r.value;
    },
    async close() {
      await it.return?.();
    },
  };
}

/** The value of an early-stopping metric in a record (undefined: not measured). */
function metricOf(record: EpochRecord, metric: string): number | undefined {
  if (metric === "accuracy" || metric === "evalLoss" || metric === "loss") return record[metric];
  return record.metrics?.[metric];
}

const RECORD_METRICS = ["loss", "accuracy", "evalLoss"];

/**
 * Early stopping on a metric nothing measures would never stop: "accuracy" and "evalLoss" need
 * an evaluation split of `data`, any other name than "loss" an `evaluate` (whether evaluate
 * returns it is checked after the first epoch, by checkEarlyStopMeasured).
 */
function checkEarlyStopMetric(options: TrainOptions): void {
  const metric = options.earlyStop!.metric ?? "accuracy";
  if (typeof metric !== "string")
    throw new TypeError(`lowbit: train earlyStop.metric must be a string; got ${String(metric)}`);
  const evalSplit = options.data?.validation ?? options.data?.test;
  if ((metric === "accuracy" || metric === "evalLoss") && evalSplit === undefined)
    throw new TypeError(
      `lowbit: train earlyStop.metric "${metric}"${options.earlyStop!.metric === undefined ? " (the default)" : ""} ` +
        "is measured on data.validation or data.test, which this run does not have: give data with one of them, " +
        'or set earlyStop.metric to "loss" or to a metric the evaluate option returns',
    );
  if (!RECORD_METRICS.includes(metric) && options.evaluate === undefined)
    throw new TypeError(
      `lowbit: train earlyStop.metric "${metric}" must be one of the metrics the evaluate option returns, ` +
        'and there is no evaluate; or set it to "loss" (or "accuracy", "evalLoss" with data.validation or data.test)',
    );
}

/** Throws when evaluate's metrics of an epoch lack the early-stopping metric. */
function checkEarlyStopMeasured(metric: string, record: EpochRecord): void {
  if (RECORD_METRICS.includes(metric) || record.metrics?.[metric] !== undefined) return;
  throw new RangeError(
    `lowbit: train earlyStop.metric "${metric}" is not among the metrics evaluate returned after epoch ${record.epoch} ` +
      `(${Object.keys(record.metrics ?? {}).join(", ") || "none"})`,
  );
}

function checkOptions(options: TrainOptions): void {
  if (typeof options !== "object" || options === null)
    throw new TypeError("lowbit: train takes an options object { model, optimizer, data or batches, ... }");
  if (!(options.model instanceof tf.LayersModel))
    throw new TypeError("lowbit: train model must be a tf.LayersModel (tf.sequential, tf.model, a lowbit model)");
  if (!isOptimizer(options.optimizer))
    throw new TypeError(
      "lowbit: train optimizer must be a tf.Optimizer (tf.train.adam(1e-3), storeQuantized(...), ...)",
    );
  const { data, batches } = options;
  if ((data === undefined) === (batches === undefined))
    throw new TypeError("lowbit: train takes either data (image splits) or batches (any batch source), not both");
  if (options.epochs !== undefined) checkInteger("train epochs", options.epochs, 1);
  if (data !== undefined) checkInteger("train batchSize", options.batchSize as number, 1);
  if (batches !== undefined && typeof batches !== "function" && !isIterable(batches))
    throw new TypeError(
      "lowbit: train batches must be an iterable or async iterable of { x, y }, or a function (epoch) returning one",
    );
  checkSeed("train seed", options.seed ?? 0);
  if (options.stepsPerEpoch !== undefined) checkInteger("train stepsPerEpoch", options.stepsPerEpoch, 1);
  if (options.step !== undefined && options.objective !== undefined)
    throw new TypeError("lowbit: train takes a custom step or an objective, not both");
  if (options.groups !== undefined) {
    checkGroups("train groups", options.groups);
    if (options.checkpoint !== undefined)
      throw new TypeError("lowbit: train checkpoints keep one optimizer's state; they do not take parameter groups");
  }
  if (options.earlyStop !== undefined) {
    checkInteger("train earlyStop.patience", options.earlyStop.patience, 1);
    checkOneOf("train earlyStop.mode", options.earlyStop.mode ?? "max", ["max", "min"] as const);
    checkEarlyStopMetric(options);
  }
  if (options.progress !== undefined && typeof options.progress !== "boolean") {
    for (const m of ["start", "step", "epoch", "end"] as const)
      if (typeof options.progress[m] !== "function")
        throw new TypeError(`lowbit: train progress must be true, false or a TrainingProgress (missing ${m}())`);
  }
  if (data === undefined) return;
  const evalRole = data.validation !== undefined ? "validation" : "test";
  // An empty split has no mean loss or accuracy: 0 / 0 would come back as NaN, not as an error.
  for (const [role, split] of [
    ["train", data.train],
    [evalRole, data.validation ?? data.test],
  ] as const) {
    if (split !== undefined && split.size === 0)
      throw new RangeError(`lowbit: train data.${role} is empty (0 examples); it needs at least 1`);
  }
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  checkOptions(options);
  const { model, optimizer, data, seed = 0, range = "unit", epochs = 1, groups = [] } = options;
  const loss = resolveLoss(options.loss);
  const evalSplit = data?.validation ?? data?.test;
  const batchesOf = (epoch: number): BatchIterable => {
    if (data !== undefined)
      return data.train.batches({
        batchSize: options.batchSize!,
        shuffle: true,
        seed,
        epoch,
        range,
        labels: "oneHot",
      });
    const source = options.batches!;
    const it = typeof source === "function" ? source(epoch) : source;
    if (!isIterable(it))
      throw new TypeError(`lowbit: train batches(${epoch}) must return an iterable or async iterable of { x, y }`);
    return it;
  };
  const knownSteps = data !== undefined ? Math.ceil(data.train.size / options.batchSize!) : undefined;
  const stepsPerEpoch =
    options.stepsPerEpoch === undefined
      ? knownSteps
      : Math.min(knownSteps ?? Number.POSITIVE_INFINITY, options.stepsPerEpoch);

  let history: EpochRecord[] = [];
  let start = 0;
  if (options.resume && options.checkpoint !== undefined && existsSync(options.checkpoint)) {
    ({ epochsDone: start, history } = await loadCheckpoint(options.checkpoint, model, optimizer));
  }
  // Steps of the epochs a checkpoint holds (records written before steps were recorded: by the split's length).
  let stepsDone = history.reduce((n, r) => n + (r.steps ?? stepsPerEpoch ?? 0), 0);
  const metric = options.earlyStop?.metric ?? "accuracy";
  const sign = options.earlyStop?.mode === "min" ? -1 : 1;
  let best = Number.NEGATIVE_INFINITY,
    sinceBest = 0,
    stoppedEarly = false,
    interrupted = false;
  const improved = (record: EpochRecord): boolean | undefined => {
    const v = metricOf(record, metric);
    if (v === undefined) return undefined;
    if (sign * v > best + (options.earlyStop?.minDelta ?? 0)) {
      best = sign * v;
      sinceBest = 0;
      return true;
    }
    sinceBest++;
    return false;
  };
  for (const r of history) improved(r);
  // A resumed run that had already stopped early stays stopped (the check otherwise runs only after an epoch).
  if (options.earlyStop !== undefined && sinceBest >= options.earlyStop.patience) stoppedEarly = true;

  const progress: TrainingProgress | undefined =
    options.progress === false
      ? undefined
      : typeof options.progress === "object"
        ? options.progress
        : (notebookTrainingProgress() ?? new TerminalProgress());
  // Out of the caller's synchronous turn first: tslab runs a cell's synchronous part with
  // vm's breakOnSigint, which removes the SIGINT listeners and afterwards restores the signal's
  // previous disposition; a listener added within that turn would be left without a handler
  // and the next SIGINT would end the kernel (node 20 lib/vm.js sigintHandlersWrap).
  await yieldToEventLoop();
  const guard = new InterruptGuard(options.signal, options.interruptible ?? true);
  const steps: StepRecord[] = [];
  const label = options.label ?? "train";
  try {
    // Inside the try: a renderer whose start() throws must not leave SIGINT taken over.
    progress?.start({ label, epochs, firstEpoch: start, stepsPerEpoch });
    for (let epoch = start; epoch < epochs && !stoppedEarly && guard.reason === undefined; epoch++) {
      let lossSum = 0,
        step = 0;
      const t0 = performance.now();
      // The SIGINT listener and the abort event run between steps, in this turn of the event loop.
      await yieldToEventLoop();
      if (guard.reason !== undefined) break;
      const reader = readBatches(batchesOf(epoch));
      try {
        for (;;) {
          const batch = await reader.next();
          if (batch === undefined) break;
          let value: tf.Scalar;
          let learningRate: number | undefined;
          try {
            const at = { step: stepsDone, epoch };
            if (options.learningRate !== undefined) {
              learningRate = rateAt("train learningRate", options.learningRate, at);
              setLearningRate(optimizer, learningRate);
            }
            for (const [i, g] of groups.entries())
              if (g.learningRate !== undefined && g.optimizer !== undefined)
                setLearningRate(g.optimizer, rateAt(`train groups[${i}].learningRate`, g.learningRate, at));
            const context: StepContext = { model, optimizer, batch, ...at };
            value =
              options.step !== undefined
                ? options.step(context)
                : objectiveStep(
                    model,
                    optimizer,
                    options.objective !== undefined
                      ? () => options.objective!(context)
                      : () => loss(batch.y, model.apply(batch.x, { training: true }) as tf.Tensor),
                    groups,
                  );
          } finally {
            disposeBatch(batch);
          }
          const l = value.dataSync()[0];
          value.dispose();
          lossSum += l;
          step++;
          stepsDone++;
          const record: StepRecord = {
            step: stepsDone,
            epoch: epoch + 1,
            loss: l,
            ...(learningRate === undefined ? {} : { learningRate }),
          };
          steps.push(record);
          progress?.step(record);
          options.onStep?.(record);
          if (stepsPerEpoch !== undefined && step >= stepsPerEpoch) break;
          await yieldToEventLoop();
          if (guard.reason !== undefined) break;
        }
      } finally {
        if (typeof options.batches === "function") await reader.close();
      }
      if (guard.reason !== undefined) break;
      if (step === 0) throw new RangeError(`lowbit: train batches gave no batch in epoch ${epoch + 1}`);
      const record: EpochRecord = {
        epoch: epoch + 1,
        loss: lossSum / step,
        steps: step,
        seconds: (performance.now() - t0) / 1000,
        layers: layerStats(model),
      };
      if (evalSplit !== undefined) {
        const e = evaluateSplit(model, evalSplit, loss, range);
        record.accuracy = e.accuracy;
        record.evalLoss = e.loss;
      }
      if (options.evaluate !== undefined) {
        const metrics = await options.evaluate(model, epoch + 1);
        checkMetrics("train evaluate", metrics);
        record.metrics = metrics;
      }
      if (options.earlyStop !== undefined) checkEarlyStopMeasured(metric, record);
      history.push(record);
      progress?.epoch(record);
      await options.onEpoch?.(record);
      if (options.checkpoint !== undefined)
        await saveCheckpoint(options.checkpoint, model, optimizer, epoch + 1, history);
      if (options.earlyStop !== undefined && improved(record) === false && sinceBest >= options.earlyStop.patience) {
        stoppedEarly = true;
        break;
      }
    }
    interrupted = guard.reason !== undefined;
  } finally {
    guard.release();
    progress?.end({ steps: stepsDone, epochs: history.length, stoppedEarly, interrupted });
  }
  return { history, steps, stoppedEarly, interrupted, stepsDone };
}
