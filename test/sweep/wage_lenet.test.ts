/**
 * The experiment "wage-lenet" (notebook 02's sweeps): registered by name, the same bits for the
 * same seed, a float variant on the same network, integer-only inference equal to the simulated
 * network, and configuration mistakes named with their range.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { EXPERIMENTS, loadExperiment, trainWageLenet, wageLenet } from "lowbit/sweep";

const tiny = { trainImages: 64, testImages: 40, batchSize: 32 };

describe("wage-lenet", () => {
  test("is registered and gives the same metrics for the same seed, others for another seed", async () => {
    assert.equal(loadExperiment("wage-lenet"), EXPERIMENTS["wage-lenet"].run);
    const config = { ...tiny, G: 6, eta: 2 };
    const a = await wageLenet(config, { seed: 3 });
    assert.deepEqual(await wageLenet(config, { seed: 3 }), a);
    assert.notDeepEqual(await wageLenet(config, { seed: 4 }), a);
    assert.deepEqual(Object.keys(a).sort(), ["testError", "testError1", "trainLoss"]);
    assert.ok(a.testError >= 0 && a.testError <= 100);
  });

  test("the float variant trains the same network unquantized: continuous weights, no clip", async () => {
    const { model, optimizer, metrics } = await trainWageLenet(
      { ...tiny, variant: "float", learningRate: 1 },
      { seed: 0 },
    );
    try {
      const kernel = model.getLayer("conv0").getWeights()[0].dataSync();
      // The code variant's master weights sit on the k_G grid; float ones do not.
      assert.ok([...kernel].some((w) => Math.abs(w * 128 - Math.round(w * 128)) > 1e-3));
      assert.ok(
        [...kernel].some((w) => Math.abs(w) > 0.5),
        "no clip at +-0.5",
      );
      assert.deepEqual(Object.keys(metrics).sort(), ["testError", "testError1", "trainLoss"]);
    } finally {
      model.dispose();
      optimizer.dispose();
    }
  });

  test("integer-only inference of a trained network gives the simulated outputs on every test image, leaking no tensors", async () => {
    for (const variant of ["code", "paper"]) {
      const before = tf.memory().numTensors;
      const m = await wageLenet({ ...tiny, variant, integerCheck: true, epochs: 2 }, { seed: 1 });
      assert.equal(tf.memory().numTensors, before, variant);
      assert.equal(m.integerMismatches, 0, variant);
      assert.ok(m.testError2 !== undefined && m.testError === m.testError2);
    }
  });

  test("configuration mistakes name the key and the range", async () => {
    const cases: [object, RegExp][] = [
      [{ etta: 8 }, /has no configuration key "etta"; its keys are variant, W, A, G, E, eta,/],
      [{ variant: "fp16" }, /variant must be one of "code", "paper", "float"; got "fp16"/],
      [{ eta: 3 }, /eta must be a power of two in \[2\^-16, 2\^16\]; got 3/],
      [{ gamma: 0.5 }, /gamma must be a power of two in \[2\^0, 2\^8\]; got 0.5/],
      [{ G: 1 }, /G must be an integer in \[2, 16\]; got 1/],
      [
        { variant: "float", integerCheck: true },
        /integerCheck must be true or false, and true only for the WAGE variants/,
      ],
      [{ learningRate: 0 }, /learningRate must be a number in \(0, 10\]; got 0/],
    ];
    for (const [config, message] of cases)
      await assert.rejects(() => wageLenet({ ...tiny, ...config }, { seed: 0 }), message);
  });
});
