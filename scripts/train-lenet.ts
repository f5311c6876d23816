/**
 * Trains a LeNet-5 on MNIST or Fashion-MNIST with lowbit's train() and reports test accuracy:
 *   npm run train -- [--model lenet5|wage] [--dataset mnist|fashion-mnist] [--epochs 1]
 *                    [--batch 128] [--lr 0.001] [--eta 8,1] [--seed 0] [--train N] [--min-accuracy 0.97]
 * lenet5: the float network with Adam (--lr). wage: WAGE 2-8-8-8 with its integer update and the
 * sum-of-squared-errors loss; --eta gives the learning rate (powers of two) per epoch, the last
 * one repeating (the authors' MNIST log: 8 for 200 epochs, then 1, then 1/8); --variant code|paper
 * picks where the authors' code and the paper differ (wageLeNet5). With --min-accuracy it exits 1
 * when the final test accuracy is below that value (CI uses it); --results FILE writes the run's
 * arguments and per-epoch test errors to FILE as JSON, after every epoch and atomically (the
 * notebooks' data/results holds recorded claims, which a single command-line run is not). The command line is commander's, like
 * the lowbit command's: a bad flag value is one line naming the flag and its range (exit code 2,
 * no stack trace); --help prints every option; a loss that is not finite after an epoch
 * (training diverged) ends the run with exit code 1.
 */
import { Command, CommanderError } from "commander";
import * as tf from "lowbit/tf";
import { DatasetNotFoundError, initBackend, lenet5, loadFashionMnist, loadMnist, QuantLayer, wageLeNet5 } from "lowbit";
import { writeFileAtomic } from "lowbit/core";
import type { WageGradientQuantizer } from "lowbit/layers";
import { WAGE_VARIANTS, type WageVariant } from "lowbit/models";
import { train } from "lowbit/train";
import { FlagError, type FlagRange, numberFlag } from "lowbit/core";
import type { EpochRecord } from "lowbit/train";

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

/** The command line; every value is text here, parsed and range-checked below. */
function commandLine(): Command {
  return new Command("npm run train --")
    .description("Train a LeNet-5 on MNIST or Fashion-MNIST with lowbit's train() and report the test accuracy.")
    .option("--model <name>", "lenet5 (float, Adam) or wage (WAGE 2-8-8-8, integer update, SSE loss)", "lenet5")
    .option("--dataset <name>", "mnist or fashion-mnist", "mnist")
    .option("--epochs <n>", "epochs, an integer in [1, 100000]", "1")
    .option("--batch <n>", "batch size, an integer in [1, 60000]", "128")
    .option("--lr <rate>", "lenet5: Adam's learning rate, a number in (0, 10]", "0.001")
    .option(
      "--eta <list>",
      "wage: the learning rate (a power of two) per epoch, comma-separated, the last one " +
        "repeating (the authors' MNIST schedule: 8 for 200 epochs, then 1, then 1/8); each in (0, 2^16]",
      "8",
    )
    .option(
      "--variant <name>",
      "wage: code or paper, where the authors' code and the paper differ (wageLeNet5)",
      "code",
    )
    .option("--seed <n>", "the run's seed (initial weights, batch order), an integer in [0, 2^28 - 1]", "0")
    .option("--train <n>", "train on the first n training images only, an integer in [1, 60000]")
    .option(
      "--min-accuracy <a>",
      "exit with code 1 when the final test accuracy is below a, a number in [0, 1] (CI uses it)",
    )
    .option("--results <file>", "write the arguments and per-epoch test errors to <file> (JSON)")
    .helpOption("-h, --help", "print this help and exit")
    .configureHelp({ helpWidth: 100, sortOptions: false })
    .showHelpAfterError("(npm run train -- --help lists the options)")
    .exitOverride();
}

interface TrainOptions {
  model: string;
  dataset: string;
  epochs: string;
  batch: string;
  lr: string;
  eta: string;
  variant: string;
  seed: string;
  train?: string;
  minAccuracy?: string;
  results?: string;
}

async function main(program: Command): Promise<void> {
  program.parse();
  const values = program.opts<TrainOptions>();
  const dataset = oneOf("dataset", values.dataset, ["mnist", "fashion-mnist"] as const);
  const modelName = oneOf("model", values.model, ["lenet5", "wage"] as const);
  const variant: WageVariant = oneOf("variant", values.variant, WAGE_VARIANTS);
  const epochs = numberFlag("epochs", values.epochs, RANGES.epochs)!;
  const batchSize = numberFlag("batch", values.batch, RANGES.batch)!;
  const lr = numberFlag("lr", values.lr, RANGES.lr)!;
  const etas = values.eta.split(",").map((text) => numberFlag("eta", text, RANGES.eta)!);
  const seed = numberFlag("seed", values.seed, RANGES.seed)!;
  const trainSize = numberFlag("train", values.train, RANGES.train);
  const minAccuracy = numberFlag("min-accuracy", values.minAccuracy, RANGES["min-accuracy"]);
  // The run's arguments as results files record them: by flag name.
  const { minAccuracy: minAccuracyText, ...named } = values;
  const args = minAccuracyText === undefined ? named : { ...named, "min-accuracy": minAccuracyText };

  const backend = await initBackend();
  const subset = trainSize === undefined ? undefined : { train: trainSize };
  const data = dataset === "mnist" ? loadMnist({ subset, seed }) : loadFashionMnist({ subset, seed });
  const wage = modelName === "wage";
  const etaOf = (epoch: number) => etas[Math.min(epoch, etas.length - 1)];
  const model = wage ? wageLeNet5({ seed, eta: etaOf(0), variant }) : lenet5({ seed });
  // The gradient quantizers of WAGE's layers, whose eta the schedule sets before each epoch.
  const gradients = model.layers.flatMap((l) =>
    l instanceof QuantLayer && l.quant.gradient ? [l.quant.gradient as WageGradientQuantizer] : [],
  );
  console.log(
    `${model.name} on ${dataset}: ${data.train.size} training images, ${epochs} epoch(s), ` +
      `batch ${batchSize}, ${backend.name} backend`,
  );
  const history: EpochRecord[] = [];
  const epochRecords = (records: EpochRecord[]) =>
    records.map((r) => ({ epoch: r.epoch, testError: 1 - r.accuracy!, loss: r.loss, seconds: r.seconds }));
  /** The run so far as JSON in `file` (written whole: a reader never sees half a file). */
  const writeRun = (file: string) => {
    const run = { args, backend: backend.name, written: new Date().toISOString(), epochs: epochRecords(history) };
    writeFileAtomic(file, `${JSON.stringify(run, null, 2)}\n`);
    return file;
  };
  await train({
    model,
    data: { train: data.train, test: data.test },
    seed,
    epochs,
    batchSize,
    optimizer: wage ? tf.train.sgd(1) : tf.train.adam(lr),
    loss: wage ? "sumSquaredError" : "softmaxCrossEntropy",
    onEpoch: (r) => {
      if (!Number.isFinite(r.loss)) {
        throw new DivergedError(
          `training diverged: the mean training loss of epoch ${r.epoch} is ${r.loss}` +
            (wage ? " (try a smaller --eta)" : ` (try a smaller --lr than ${lr})`),
        );
      }
      history.push(r);
      console.log(
        `epoch ${r.epoch}: test accuracy ${(100 * r.accuracy!).toFixed(2)}%, ` +
          `${(data.train.size / r.seconds).toFixed(0)} training images/s`,
      );
      for (const g of gradients) g.eta = etaOf(r.epoch);
      // Written after every epoch, so that a long run stopped early keeps what it measured.
      if (values.results !== undefined) writeRun(values.results);
    },
  });
  if (values.results !== undefined) console.log(`wrote ${writeRun(values.results)}`);
  const accuracy = history[history.length - 1].accuracy!;
  if (minAccuracy !== undefined && accuracy < minAccuracy) {
    console.error(`test accuracy ${accuracy} is below --min-accuracy ${minAccuracy}`);
    process.exitCode = 1;
  }
}

const program = commandLine();
main(program).catch((e) => {
  // Help and version: printed, exit 0. Commander's own parse errors are printed already.
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  // A wrong value (ours): one line in commander's format, the hint to --help, exit 2.
  if (e instanceof FlagError) {
    try {
      program.error(`error: ${e.message}`, { exitCode: 2 });
    } catch {
      process.exit(2);
    }
  }
  // Expected failures say what to change, their stack would only hide it; anything else is a bug.
  const expected =
    e instanceof DivergedError ||
    e instanceof DatasetNotFoundError ||
    (e instanceof Error && e.message.startsWith("lowbit:"));
  console.error(expected ? e.message : e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
