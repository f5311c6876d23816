/**
 * Trains a LeNet-5 on MNIST or Fashion-MNIST with lowbit's train() and reports test accuracy:
 *   npm run train -- [--model lenet5|wage] [--dataset mnist|fashion-mnist] [--epochs 1]
 *                    [--batch 128] [--lr 0.001] [--eta 8,1] [--seed 0] [--train N] [--min-accuracy 0.97]
 * lenet5: the float network with Adam (--lr). wage: WAGE 2-8-8-8 with its integer update and the
 * sum-of-squared-errors loss; --eta gives the learning rate (powers of two) per epoch, the last
 * one repeating (the authors' MNIST log: 8 for 200 epochs, then 1, then 1/8); --variant code|paper
 * picks where the authors' code and the paper differ (wageLeNet5). With --min-accuracy it exits 1
 * when the final test accuracy is below that value (CI uses it); --results NAME writes the
 * per-epoch test errors to data/results/NAME.<profile>.json.
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import {
  initBackend, lenet5, loadFashionMnist, loadMnist, QuantLayer, train, WageGradientQuantizer, wageLeNet5, WageVariant, writeResults,
} from "lowbit";
import type { EpochRecord } from "lowbit";

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
    },
  });
  if (values.dataset !== "mnist" && values.dataset !== "fashion-mnist") {
    throw new RangeError(`--dataset must be mnist or fashion-mnist, got ${values.dataset}`);
  }
  if (values.model !== "lenet5" && values.model !== "wage") throw new RangeError(`--model must be lenet5 or wage, got ${values.model}`);
  const seed = Number(values.seed);
  const backend = await initBackend();
  const subset = values.train === undefined ? undefined : { train: Number(values.train) };
  const data = values.dataset === "mnist" ? loadMnist({ subset, seed }) : loadFashionMnist({ subset, seed });
  const wage = values.model === "wage";
  const etas = values.eta.split(",").map(Number);
  const etaOf = (epoch: number) => etas[Math.min(epoch, etas.length - 1)];
  const model = wage ? wageLeNet5({ seed, eta: etaOf(0), variant: values.variant as WageVariant }) : lenet5({ seed });
  // The gradient quantizers of WAGE's layers, whose eta the schedule sets before each epoch.
  const gradients = model.layers.flatMap((l) => (l instanceof QuantLayer && l.quant.gradient ? [l.quant.gradient as WageGradientQuantizer] : []));
  console.log(`${model.name} on ${values.dataset}: ${data.train.size} training images, ${values.epochs} epoch(s), ` +
    `batch ${values.batch}, ${backend.name} backend`);
  const history: EpochRecord[] = [];
  const epochRecords = (records: EpochRecord[]) => records.map((r) => ({ epoch: r.epoch, testError: 1 - r.accuracy!, loss: r.loss, seconds: r.seconds }));
  await train({
    model, data: { train: data.train, test: data.test }, seed,
    epochs: Number(values.epochs), batchSize: Number(values.batch),
    optimizer: wage ? tf.train.sgd(1) : tf.train.adam(Number(values.lr)),
    loss: wage ? "sumSquaredError" : "softmaxCrossEntropy",
    onEpoch: (r) => {
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
  if (values["min-accuracy"] !== undefined && accuracy < Number(values["min-accuracy"])) {
    console.error(`test accuracy ${accuracy} is below --min-accuracy ${values["min-accuracy"]}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
