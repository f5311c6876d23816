/**
 * Notebook 04's experiments. qnn-mlp-mnist: seeded end to end, bad configurations refused with the
 * key and its range, and BinaryNet's per-layer learning-rate scale checked from Adam's first step
 * (it moves every weight with a non-zero gradient by the learning rate, so the largest move of a
 * layer is that layer's rate). char-lstm-devil: seeded, finite.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import type * as tf from "lowbit/tf";
import { initBackend, qnnMlp } from "lowbit";
import { DEVILS_DICTIONARY_FILE } from "../../lib/dist/data/text_corpus";
import { QuantDense } from "lowbit/layers";
import { charLstmDevil, EXPERIMENTS, glorotLearningRateScale, qnnMlpMnist, trainQnnMlpMnist } from "lowbit/sweep";

const TINY = { hidden: [16, 8], trainImages: 300, testImages: 100, epochs: 1 };

describe("qnn-mlp-mnist", () => {
  test("registered; the same seed gives the same metrics, another seed others; metrics in range", async () => {
    await initBackend();
    assert.equal(EXPERIMENTS["qnn-mlp-mnist"].run, qnnMlpMnist);
    const config = { ...TINY, weightBits: 2, activationBits: 1 };
    const a = await qnnMlpMnist(config, { seed: 3 });
    assert.deepEqual(await qnnMlpMnist(config, { seed: 3 }), a);
    assert.notDeepEqual(await qnnMlpMnist(config, { seed: 4 }), a);
    assert.deepEqual(Object.keys(a).sort(), ["testError", "testLoss", "trainLoss", "weightsChanged"]);
    for (const k of ["testError", "weightsChanged"] as const) assert.ok(a[k] >= 0 && a[k] <= 100, `${k} ${a[k]}`);
  });

  test("the Glorot learning-rate scale: Adam's first step moves each layer's weights by at most rate x scale, and some by that", async () => {
    await initBackend();
    assert.equal(glorotLearningRateScale(784, 256), 1 / Math.sqrt(1.5 / 1040));
    const rate = 1e-4;
    for (const learningRateScale of ["glorot", "none"]) {
      const config = {
        hidden: [16, 8],
        trainImages: 100,
        testImages: 100,
        batchSize: 100,
        learningRate: rate,
        learningRateEnd: rate,
      };
      const { model } = await trainQnnMlpMnist({ ...config, learningRateScale }, { seed: 5 });
      // The same seed and init build the same initial weights.
      const start = qnnMlp({ hidden: [16, 8], init: "uniform", seed: 5 });
      start.build([null, 28, 28, 1]);
      const dense = (m: tf.LayersModel) => m.layers.filter((l): l is QuantDense => l instanceof QuantDense);
      dense(model).forEach((layer, i) => {
        const before = dense(start)[i].masterKernel().dataSync();
        const after = layer.masterKernel().dataSync();
        const [fanIn, fanOut] = layer.masterKernel().shape;
        const expected = rate * (learningRateScale === "glorot" ? glorotLearningRateScale(fanIn, fanOut) : 1);
        const largest = Math.max(...Array.from(after, (w, j) => Math.abs(w - before[j])));
        assert.ok(
          Math.abs(largest / expected - 1) < 1e-3,
          `${learningRateScale} layer ${i}: moved ${largest}, rate ${expected}`,
        );
      });
      model.dispose();
      start.dispose();
    }
  });

  test("bad configurations: the key, what it allows and what it got", async () => {
    await assert.rejects(qnnMlpMnist({ ...TINY, weightbits: 2 }, { seed: 0 }), /no configuration key "weightbits"/);
    await assert.rejects(
      qnnMlpMnist({ ...TINY, weightBits: 9 }, { seed: 0 }),
      /"qnn-mlp-mnist" weightBits must be one of 1, 2, 3, 4, 5, 6, 7, 8, 32; got 9/,
    );
    await assert.rejects(
      qnnMlpMnist({ ...TINY, init: "he" }, { seed: 0 }),
      /init must be one of "uniform", "glorot"; got "he"/,
    );
    await assert.rejects(
      qnnMlpMnist({ ...TINY, hidden: [] }, { seed: 0 }),
      /hidden must be a non-empty array of integers in \[1, 4096\]/,
    );
    await assert.rejects(
      qnnMlpMnist({ ...TINY, learningRate: 0 }, { seed: 0 }),
      /learningRate must be a number in \(0, 1\]; got 0/,
    );
    await assert.rejects(qnnMlpMnist(TINY, { seed: -1 }), /seed must be an integer/);
  });

  test("qnnMlp init: one option for every width, checked", () => {
    assert.throws(() => qnnMlp({ init: "he" as never }), /qnnMlp init must be "uniform" or "glorot"; got "he"/);
  });
});

describe("char-lstm-devil", () => {
  test(
    "seeded and finite",
    { skip: !fs.existsSync(DEVILS_DICTIONARY_FILE) && "dict-devil not installed" },
    async () => {
      await initBackend();
      const config = { bits: 4, hidden: 8, steps: 3, batch: 4, length: 8, testWindows: 4 };
      const a = await charLstmDevil(config, { seed: 1 });
      assert.deepEqual(await charLstmDevil(config, { seed: 1 }), a);
      assert.ok(a.perplexity > 1 && Number.isFinite(a.perplexity));
      assert.ok(Math.abs(a.bitsPerChar - Math.log2(a.perplexity)) < 1e-9);
      await assert.rejects(
        charLstmDevil({ ...config, bits: 1 }, { seed: 1 }),
        /bits must be one of 2, 3, 4, 5, 6, 7, 8, 32; got 1/,
      );
    },
  );
});
