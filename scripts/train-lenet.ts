/**
 * Trains a LeNet-5 on MNIST or Fashion-MNIST with lowbit's train() and reports test accuracy:
 *   npm run train -- [--model lenet5|wage] [--dataset mnist|fashion-mnist] [--epochs 1]
 *                    [--batch 128] [--lr 0.001] [--eta 8,1] [--seed 0] [--train N] [--min-accuracy 0.97]
 * lenet5: the float network with Adam (--lr). wage: WAGE 2-8-8-8 with its integer update and the
 * sum-of-squared-errors loss; --eta gives the learning rate (powers of two) per epoch, the last
 * one repeating (the authors' MNIST log: 8 for 200 epochs, then 1, then 1/8); --variant code|paper
 * picks where the authors' code and the paper differ (wageLeNet5). With --min-accuracy it exits 1
 * when the final test accuracy is below that value (CI uses it); --results NAME writes the
 * per-epoch test errors to data/results/NAME.<profile>.json. A bad flag value is an error naming
 * the flag and its range (exit code 2, no stack trace); --help prints the usage; a loss that is
 * not finite after an epoch (training diverged) ends the run with exit code 1.
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import {
  DatasetNotFoundError, FlagError, FlagRange, initBackend, lenet5, loadFashionMnist, loadMnist, numberFlag, QuantLayer, train, WAGE_VARIANTS,
  WageGradientQuantizer, wageLeNet5, WageVariant, writeResults,
} from "lowbit";
import type { EpochRecord } from "lowbit";

const USAGE = `usage: npm run train -- [--model lenet5|wage] [--dataset mnist|fashion-mnist] [--epochs 1] [--batch 128]
                        [--lr 0.001] [--eta 8,1] [--variant code|paper] [--seed 0] [--train N]
                        [--min-accuracy 0.97] [--results NAME]`;

/** The numeric flags and their ranges (the seed's bound is the models': each layer gets seed * 16 + i). */
const RANGES = {
  epochs: { min: 1, max: 100000, integer: true },
  batch: { min: 1, max: 60000, integer: true },
  lr: { min: 0, max: 10, minExclusive: true },
  eta: { min: 0, max: 2 ** 16, minExclusive: true },
  seed: { min: 0, max: 2 ** 28 - 1, integer: true },
  train: { min: 1, max: 60000, integer: true },
  "min-accuracy": { min: 0, max: 1 },
} satisfies Record<string, FlagRange>;

/** The training loss became NaN or infinite. */
class DivergedError extends Error {}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new FlagError(`--${flag} must be one of ${allowed.join(", ")}; got "${value}"`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string", default: "lenet5" },
      dataset: { type: "string", default: "mnist" },
      epochs: { type: "string", default: "1" },
      batch: { type: "string", default: "128" },
      lr: { type: "string", default: "0.001" },
      eta: { type: "string", default: "8" },
      variant: { type: "string", default: "code" },
      seed: { type: "string", default: "0" },
      train: { type: "string" },
      "min-accuracy": { type: "string" },
      results: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const dataset = oneOf("dataset", values.dataset, ["mnist", "fashion-mnist"] as const);
  const modelName = oneOf("model", values.model, ["lenet5", "wage"] as const);
  const variant: WageVariant = oneOf("variant", values.variant, WAGE_VARIANTS);
  const epochs = numberFlag("epochs", values.epochs, RANGES.epochs)!;
  const batchSize = numberFlag("batch", values.batch, RANGES.batch)!;
  const lr = numberFlag("lr", values.lr, RANGES.lr)!;
  const etas = values.eta.split(",").map((text) => numberFlag("eta", text, RANGES.eta)!);
  const seed = numberFlag("seed", values.seed, RANGES.seed)!;
  const trainSize = numberFlag("train", values.train, RANGES.train);
  const minAccuracy = numberFlag("min-accuracy", values["min-accuracy"], RANGES["min-accuracy"]);

  const backend = await initBackend();
  const subset = trainSize === undefined ? undefined : { train: trainSize };
  const data = dataset === "mnist" ? loadMnist({ subset, seed }) : loadFashionMnist({ subset, seed });
  const wage = modelName === "wage";
  const etaOf = (epoch: number) => etas[Math.min(epoch, etas.length - 1)];
  const model = wage ? wageLeNet5({ seed, eta: etaOf(0), variant }) : lenet5({ seed });
  // The gradient quantizers of WAGE's layers, whose eta the schedule sets before each epoch.
  const gradients = model.layers.flatMap((l) => (l instanceof QuantLayer && l.quant.gradient ? [l.quant.gradient as WageGradientQuantizer] : []));
  console.log(`${model.name} on ${dataset}: ${data.train.size} training images, ${epochs} epoch(s), ` +
    `batch ${batchSize}, ${backend.name} backend`);
  const history: EpochRecord[] = [];
  const epochRecords = (records: EpochRecord[]) => records.map((r) => ({ epoch: r.epoch, testError: 1 - r.accuracy!, loss: r.loss, seconds: r.seconds }));
  await train({
    model, data: { train: data.train, test: data.test }, seed, epochs, batchSize,
    optimizer: wage ? tf.train.sgd(1) : tf.train.adam(lr),
    loss: wage ? "sumSquaredError" : "softmaxCrossEntropy",
    onEpoch: (r) => {
      if (!Number.isFinite(r.loss)) {
        throw new DivergedError(`training diverged: the mean training loss of epoch ${r.epoch} is ${r.loss}` +
          (wage ? " (try a smaller --eta)" : ` (try a smaller --lr than ${lr})`));
      }
      history.push(r);
      console.log(`epoch ${r.epoch}: test accuracy ${(100 * r.accuracy!).toFixed(2)}%, ` +
        `${(data.train.size / r.seconds).toFixed(0)} training images/s`);
      for (const g of gradients) g.eta = etaOf(r.epoch);
      // Written after every epoch, so that a long run stopped early keeps what it measured.
      if (values.results !== undefined) writeResults(values.results, { args: values, backend: backend.name, epochs: epochRecords(history) });
    },
  });
  if (values.results !== undefined) console.log(`wrote ${writeResults(values.results, { args: values, backend: backend.name, epochs: epochRecords(history) })}`);
  const accuracy = history[history.length - 1].accuracy!;
  if (minAccuracy !== undefined && accuracy < minAccuracy) {
    console.error(`test accuracy ${accuracy} is below --min-accuracy ${minAccuracy}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  // A wrong command line (ours, parseArgs' unknown or malformed flags): the reason and the usage, exit 2.
  if (e instanceof FlagError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  // Expected failures say what to change, their stack would only hide it; anything else is a bug.
  const expected = e instanceof DivergedError || e instanceof DatasetNotFoundError || (e instanceof Error && e.message.startsWith("lowbit:"));
  console.error(expected ? e.message : e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
