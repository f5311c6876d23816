/**
 * The experiment "sq-vgg": seeded end to end (same seed, same metrics), paired by seed (stage 1
 * of a four-stage plain run is exactly a one-stage run: same initial weights, same images in the
 * same order), the per-stage learning-rate steps, and configuration mistakes named. Tiny runs on
 * Fashion-MNIST; skipped where Debian's dataset-fashion-mnist is absent.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as tf from "lowbit/tf";
import { EXPERIMENTS, sqStageLearningRate, sqVgg } from "lowbit/sweep";

const FASHION_DIR = "/usr/share/datasets/fashion-mnist";
const absent = !fs.existsSync(FASHION_DIR) && `${FASHION_DIR} is absent (apt-get install dataset-fashion-mnist)`;
const tiny = { stepsPerStage: 3, trainImages: 192, testImages: 64, batchSize: 32, filters: [4, 8], units: 8 };

describe("sq-vgg", () => {
  test("registered", () => assert.equal(EXPERIMENTS["sq-vgg"].run, sqVgg));

  test(
    "the same seed gives the same metrics; stage 1 of a plain run is a one-stage run",
    { skip: absent },
    async () => {
      const start = tf.memory().numTensors;
      const sq = await sqVgg({ ...tiny, weights: "twn", schedule: "sq" }, { seed: 7 });
      assert.deepEqual(await sqVgg({ ...tiny, weights: "twn", schedule: "sq" }, { seed: 7 }), sq);
      assert.deepEqual(Object.keys(sq).sort(), ["acc1", "acc2", "acc3", "acc4", "accuracy", "loss"]);
      assert.equal(sq.accuracy, sq.acc4);
      const four = await sqVgg({ ...tiny, weights: "bwn", stages: 4 }, { seed: 7 });
      const one = await sqVgg({ ...tiny, weights: "bwn", stages: 1 }, { seed: 7 });
      assert.equal(four.acc1, one.acc1);
      assert.deepEqual(Object.keys(one).sort(), ["acc1", "accuracy", "loss"]);
      const other = await sqVgg({ ...tiny, weights: "bwn", stages: 1 }, { seed: 8 });
      assert.notDeepEqual(other, one);
      assert.equal(tf.memory().numTensors, start);
    },
  );

  test("each stage: the rate for its first half, a tenth for the third quarter, a hundredth after", () => {
    const rates = [0, 4, 5, 7, 8, 9].map((t) => sqStageLearningRate(0.002, t, 10));
    assert.deepEqual(rates, [0.002, 0.002, 0.0002, 0.0002, 0.00002, 0.00002]);
  });

  test("configuration mistakes name the key and what it allows", async () => {
    const cases: [object, RegExp][] = [
      [{ weight: "bwn" }, /has no configuration key "weight"; its keys are weights, schedule/],
      [{ weights: "int8" }, /"sq-vgg" weights must be one of "fp32", "bwn", "twn"; got "int8"/],
      [{ weights: "fp32", schedule: "sq" }, /schedule "sq" needs weights "bwn" or "twn"; got "fp32"/],
      [{ schedule: "sq", stages: 3 }, /stages must be 4 with schedule "sq" \(0.5, 0.75, 0.875, 1\); got 3/],
      [{ stepsPerStage: 0 }, /stepsPerStage must be an integer in \[1, 100000\]; got 0/],
      [{ trainImages: 100, batchSize: 50, stepsPerStage: 3 }, /stepsPerStage must be at most 2 \(one pass/],
      [{ filters: [] }, /filters must be a non-empty array of integers; got \[\]/],
      [{ filters: [4, 0.5] }, /filters\[1\] must be an integer in \[1, 4096\]; got 0.5/],
      [{ learningRate: 2 }, /learningRate must be a number in \(0, 1\]; got 2/],
    ];
    for (const [config, message] of cases) await assert.rejects(sqVgg(config as never, { seed: 0 }), message);
    await assert.rejects(sqVgg({}, { seed: 2 ** 28 }), /"sq-vgg" seed must be an integer in \[0, 2\^28 - 1\]/);
  });
});
