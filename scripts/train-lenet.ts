/**
 * Trains the float LeNet-5 on MNIST or Fashion-MNIST and reports test accuracy:
 *   npm run train -- [--dataset mnist|fashion-mnist] [--epochs 1] [--batch 128] [--lr 0.001]
 *                    [--seed 0] [--train N] [--min-accuracy 0.97]
 * With --min-accuracy it exits 1 when the final test accuracy is below that value (CI uses it).
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import {
  classifierStep, countCorrect, initBackend, lenet5, loadFashionMnist, loadMnist, ProgressBar,
} from "lowbit";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: "string", default: "mnist" },
      epochs: { type: "string", default: "1" },
      batch: { type: "string", default: "128" },
      lr: { type: "string", default: "0.001" },
      seed: { type: "string", default: "0" },
      train: { type: "string" },
      "min-accuracy": { type: "string" },
    },
  });
  const epochs = Number(values.epochs), batchSize = Number(values.batch), seed = Number(values.seed);
  if (values.dataset !== "mnist" && values.dataset !== "fashion-mnist") {
    throw new RangeError(`--dataset must be mnist or fashion-mnist, got ${values.dataset}`);
  }
  const backend = await initBackend();
  const subset = values.train === undefined ? undefined : { train: Number(values.train) };
  const data = values.dataset === "mnist" ? loadMnist({ subset, seed }) : loadFashionMnist({ subset, seed });
  const model = lenet5({ seed });
  const optimizer = tf.train.adam(Number(values.lr));
  console.log(`LeNet-5 on ${values.dataset}: ${data.train.size} training images, ${epochs} epoch(s), batch ${batchSize}, ${backend.name} backend`);

  for (let epoch = 0; epoch < epochs; epoch++) {
    const steps = Math.ceil(data.train.size / batchSize);
    const bar = new ProgressBar(`epoch ${epoch + 1}/${epochs}`, steps);
    const t0 = performance.now();
    for (const batch of data.train.batches({ batchSize, shuffle: true, seed, epoch, labels: "oneHot" })) {
      const loss = classifierStep(model, optimizer, batch.x, batch.y);
      bar.tick(1, `loss ${loss.dataSync()[0].toFixed(4)}`);
      loss.dispose();
      batch.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    let correct = 0;
    for (const batch of data.test.batches({ batchSize: 1000 })) {
      correct += countCorrect(model, batch.x, batch.y);
      batch.dispose();
    }
    const accuracy = correct / data.test.size;
    console.log(`epoch ${epoch + 1}: test accuracy ${(100 * accuracy).toFixed(2)}%, ` +
      `${(data.train.size / seconds).toFixed(0)} training images/s`);
    if (epoch === epochs - 1 && values["min-accuracy"] !== undefined && accuracy < Number(values["min-accuracy"])) {
      console.error(`test accuracy ${accuracy} is below --min-accuracy ${values["min-accuracy"]}`);
      process.exitCode = 1;
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
