/**
 * Notebook 01's experiments: "dfp-lenet" (LeNet-5 with W, A, G, E and stored weights in dynamic
 * fixed point, or FP32) and "dfp-seq2seq" (the LSTM translator). Tiny runs: the paired design (one
 * seed, the same initial weights whatever the arithmetic), determinism (same seed, same bits), no
 * leaked tensors, and errors that name the key and its range.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { dfpLeNet, dfpLenetExperiment, dfpSeq2seqExperiment } from "lowbit/sweep";

const TINY_LENET = { trainImages: 256, testImages: 200, epochs: 2, learningRates: [0.05, 0.005] };
const TINY_MT = { hidden: 8, steps: 6, trainPairs: 100, testPairs: 20, evalEvery: 3 };

describe("dfp-lenet", () => {
  test("one seed, one initialisation: FP32 and DFP networks start from the same weights", () => {
    const float = dfpLeNet({ bits: null, seed: 4, learningRate: 0.05 });
    const dfp = dfpLeNet({ bits: 8, rounding: "nearest", seed: 4, learningRate: 0.05 });
    const other = dfpLeNet({ bits: null, seed: 5, learningRate: 0.05 });
    const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    assert.deepEqual(values(dfp.model), values(float.model));
    assert.notDeepEqual(values(other.model), values(float.model));
    for (const net of [float, dfp, other]) {
      net.model.dispose();
      net.optimizer.dispose();
    }
  });

  test("trains, the same metrics for the same seed, per-epoch accuracies, no leaked tensors", async () => {
    const config = { ...TINY_LENET, bits: 8, rounding: "stochastic" };
    const first = await dfpLenetExperiment(config, { seed: 1 }); // the backend's first-use tensors
    const before = tf.memory().numTensors;
    const again = await dfpLenetExperiment(config, { seed: 1 });
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(again, first);
    assert.deepEqual(Object.keys(first).sort(), [
      "accuracy",
      "accuracyEpoch1",
      "accuracyEpoch2",
      "testLoss",
      "trainLoss",
    ]);
    assert.equal(first.accuracy, first.accuracyEpoch2);
    assert.ok(first.accuracy > 0.2 && first.accuracy <= 1, `accuracy ${first.accuracy}`);
    const float = await dfpLenetExperiment({ ...TINY_LENET, bits: null, dataset: "fashion-mnist" }, { seed: 1 });
    assert.ok(Number.isFinite(float.trainLoss) && float.accuracy > 0.2, JSON.stringify(float));
  });

  test("a wrong configuration names the key and what it allows", async () => {
    const cases: [object, RegExp][] = [
      [{ bits: 1 }, /"dfp-lenet" bits must be an integer in \[2, 32\]/],
      [{ rounding: "zero" }, /"dfp-lenet" rounding must be one of "nearest", "stochastic"; got "zero"/],
      [{ dataset: "cifar" }, /"dfp-lenet" dataset must be one of "mnist", "fashion-mnist"/],
      [{ learningRates: [] }, /learningRates must be a non-empty array of numbers in \(0, 10\]/],
      [{ filters: [8] }, /filters must be two integers/],
      [{ epoch: 2 }, /no configuration key "epoch"/],
    ];
    for (const [config, message] of cases)
      await assert.rejects(dfpLenetExperiment(config as never, { seed: 0 }), message);
    assert.throws(() => dfpLeNet({ bits: 8, seed: -1, learningRate: 0.1 }), /dfpLeNet seed must be an integer/);
  });
});

describe("dfp-seq2seq", () => {
  test("BLEU and its curve, the same for the same seed, no tensor gained during training", async () => {
    const a = await dfpSeq2seqExperiment({ ...TINY_MT, bits: 8 }, { seed: 2 });
    assert.deepEqual(await dfpSeq2seqExperiment({ ...TINY_MT, bits: 8 }, { seed: 2 }), a);
    assert.deepEqual(Object.keys(a).sort(), [
      "bleu",
      "bleuStep3",
      "bleuStep6",
      "brevityPenalty",
      "exact",
      "lossStep3",
      "lossStep6",
      "tensorsGained",
    ]);
    assert.equal(a.tensorsGained, 0);
    assert.equal(a.bleu, a.bleuStep6);
    assert.ok(a.bleu >= 0 && a.bleu <= 100 && a.exact >= 0 && a.exact <= 1);
    const float = await dfpSeq2seqExperiment({ ...TINY_MT, bits: null }, { seed: 2 });
    assert.equal(float.tensorsGained, 0);
    assert.notDeepEqual(float, a);
  });

  test("a wrong configuration names the key and what it allows", async () => {
    await assert.rejects(
      dfpSeq2seqExperiment({ evalEvery: 9, steps: 4 }, { seed: 0 }),
      /evalEvery must be an integer in \[1, 4\]/,
    );
    await assert.rejects(
      dfpSeq2seqExperiment({ learningRate: 0 }, { seed: 0 }),
      /learningRate must be a number in \(0, 10\]/,
    );
    await assert.rejects(dfpSeq2seqExperiment({ hiden: 3 }, { seed: 0 }), /no configuration key "hiden"/);
  });
});
