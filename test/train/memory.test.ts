/**
 * No tensor leaks in training: for every model of lib/models and every optimizer x wrapper
 * lowbit offers (resume_fixture.ts's list), tf.memory().numTensors after a step, a checkpoint
 * save and a load equals the count after further steps, saves and loads. A leak of one tensor
 * per step or per checkpoint shows at once. Tiny shapes keep it within seconds: every
 * combination on the five models with size options, the bare optimizers on the fixed-width
 * float LeNet-5, SGD bare and wrapped on WAGE's LeNet-5 (131 runs, 524 steps, 262 saves and loads).
 * LOWBIT_LEAK_STEPS=500 runs 500 steps per combination between the two counts (minutes, not CI):
 * a leak that shows only every few steps (an exponent update, a schedule) cannot hide there.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "lowbit/tf";
import { charLstm, dfpQuantizer, initBackend, lenet5, qnnMlp, quantLeNet5, seq2seq, vggNet, wageLeNet5 } from "lowbit";
import { loadCheckpoint, saveCheckpoint, softmaxCrossEntropy, sumSquaredError, trainStep } from "lowbit/train";
import type { Loss } from "lowbit/train";
import { COMBINATIONS, makeOptimizer } from "./resume_fixture";

const dfp = (seed: number) => ({
  weight: dfpQuantizer({ bits: 8 }, { rounding: "stochastic", seed }),
  activation: dfpQuantizer({ bits: 8 }, { rounding: "stochastic", seed: seed + 1 }),
  error: dfpQuantizer({ bits: 8, exponent: "overflow" }, { rounding: "stochastic", seed: seed + 2 }),
  gradient: dfpQuantizer({ bits: 8 }, { rounding: "stochastic", seed: seed + 3 }),
});

const uniform = (shape: number[], seed: number) => tf.randomUniform(shape, 0, 1, "float32", seed);
const oneHot = (shape: number[], classes: number, seed: number) =>
  tf.oneHot(tf.randomUniform(shape, 0, classes, "int32", seed), classes).cast("float32");

interface Case {
  make: () => tf.LayersModel;
  x: () => tf.Tensor | tf.Tensor[];
  y: () => tf.Tensor;
  loss?: Loss;
  /** The combinations to run when not all (the two LeNets of fixed width cost ~0.3 s a run). */
  only?: (combination: (typeof COMBINATIONS)[number]) => boolean;
}

const MODELS: Record<string, Case> = {
  lenet5: {
    make: () => lenet5({ inputShape: [16, 16, 1], numClasses: 3 }),
    x: () => uniform([1, 16, 16, 1], 1),
    y: () => oneHot([1], 3, 2),
    only: (c) => c.wrapper === "none",
  },
  quantLeNet5: {
    make: () => quantLeNet5((i) => ({ quant: dfp(10 * i) }), { widths: { filters: [2, 2], units: 4 } }),
    x: () => uniform([1, 28, 28, 1], 1),
    y: () => oneHot([1], 10, 2),
  },
  // WAGE trains with plain SGD (its eta is in the gradient quantizer): bare and in each wrapper.
  wageLeNet5: {
    make: () => wageLeNet5(),
    x: () => uniform([1, 28, 28, 1], 1),
    y: () => oneHot([1], 10, 2),
    loss: sumSquaredError,
    only: (c) => c.optimizer === "sgd",
  },
  "qnnMlp shift batch norm": {
    make: () => qnnMlp({ hidden: [4], inputShape: [2, 2, 1], numClasses: 3, batchNorm: "shift", gradientBits: 6 }),
    x: () => uniform([2, 2, 2, 1], 1),
    y: () => oneHot([2], 3, 2),
  },
  "vggNet float batch norm": {
    make: () =>
      vggNet({
        inputShape: [4, 4, 1],
        numClasses: 3,
        filters: [2],
        convsPerStage: 1,
        units: 4,
        quant: (l) => dfp(10 * l.index),
      }),
    x: () => uniform([2, 4, 4, 1], 1),
    y: () => oneHot([2], 3, 2),
  },
  charLstm: {
    make: () =>
      charLstm({
        vocab: 3,
        hidden: 2,
        layers: 1,
        quant: (l) => dfp(10 * l.index),
        gates: () => ({ output: dfpQuantizer({ bits: 8 }, { rounding: "stochastic", seed: 9 }) }),
      }),
    x: () => oneHot([1, 2], 3, 1),
    y: () => oneHot([1, 2], 3, 2),
  },
  seq2seq: {
    make: () =>
      seq2seq({
        sourceVocab: 3,
        targetVocab: 3,
        sourceLength: 2,
        targetLength: 2,
        hidden: 2,
        quant: (l) => dfp(10 * l.index),
      }),
    x: () => [oneHot([1, 2], 3, 1), oneHot([1, 2], 3, 3)],
    y: () => oneHot([1, 2], 3, 2),
  },
};

const STEPS = Number(process.env.LOWBIT_LEAK_STEPS ?? 3);
if (!Number.isInteger(STEPS) || STEPS < 1)
  throw new RangeError(`LOWBIT_LEAK_STEPS must be an integer >= 1, got ${process.env.LOWBIT_LEAK_STEPS}`);

describe("tensor count over training and checkpoints", () => {
  const dir = mkdtempSync(join(tmpdir(), "lowbit-memory-"));
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  for (const [name, c] of Object.entries(MODELS)) {
    test(`${name}: flat over steps, saves and loads`, async () => {
      const x = c.x(),
        y = c.y(),
        loss = c.loss ?? softmaxCrossEntropy,
        path = join(dir, name);
      const leaks: string[] = [];
      for (const combination of COMBINATIONS.filter(c.only ?? (() => true))) {
        const m = c.make(),
          optimizer = makeOptimizer(combination.optimizer, combination.wrapper);
        const cycle = async (steps: number) => {
          for (let i = 0; i < steps; i++) trainStep(m, optimizer, loss, x, y).dispose();
          await saveCheckpoint(path, m, optimizer, 0, []);
          await loadCheckpoint(path, m, optimizer);
        };
        await cycle(1); // the first step makes the optimizer's slots
        const start = tf.memory().numTensors;
        await cycle(STEPS);
        if (tf.memory().numTensors !== start)
          leaks.push(`${combination.name}: ${tf.memory().numTensors - start} tensors`);
        optimizer.dispose();
        m.dispose();
      }
      tf.dispose([x, y]);
      assert.deepEqual(leaks, []);
    });
  }
});
