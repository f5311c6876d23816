/**
 * The experiment "accumulation-cnn" (lib/experiments/accumulation_cnn.ts): registered under its
 * name; the same seed gives the same bits; with 23-bit products and accumulators the emulated
 * network is float32 arithmetic in another summation order, so it must train like the float32
 * run (an independent check that the emulated layers compute the same network); configuration
 * mistakes name the key and the allowed range.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { EXPERIMENTS, loadExperiment } from "lowbit/sweep";

const run = EXPERIMENTS["accumulation-cnn"].run;
const tiny = { steps: 3, batchSize: 16, trainImages: 64, testImages: 32, filters: 2 };
const all = (m: number) => ({ conv: { fwd: m, bwd: m, grad: m }, dense: { fwd: m, bwd: m, grad: m } });

describe("accumulation-cnn", () => {
  test("is registered and loads by name", () => {
    assert.equal(loadExperiment("accumulation-cnn"), run);
  });

  test("the same seed gives the same metrics; another seed others", async () => {
    const config = { ...tiny, accumulators: all(6) };
    const a = await run(config, { seed: 5 });
    assert.deepEqual(await run(config, { seed: 5 }), a);
    assert.notDeepEqual(await run(config, { seed: 6 }), a);
  });

  test("23-bit products and accumulators train as float32 does (summation order aside)", async () => {
    const float = await run({ ...tiny, accumulators: null }, { seed: 1 });
    const wide = await run({ ...tiny, productMantissa: 23, accumulators: all(23) }, { seed: 1 });
    assert.ok(Math.abs(wide.trainLoss - float.trainLoss) < 1e-4, `${wide.trainLoss} vs ${float.trainLoss}`);
    assert.ok(Math.abs(wide.loss - float.loss) < 1e-4, `${wide.loss} vs ${float.loss}`);
    // One-bit accumulators swamp almost every term: the loss must differ visibly.
    const narrow = await run({ ...tiny, accumulators: all(1) }, { seed: 1 });
    assert.ok(Math.abs(narrow.trainLoss - float.trainLoss) > 1e-3, `${narrow.trainLoss} vs ${float.trainLoss}`);
  });

  test("configuration mistakes name the key and the range", async () => {
    const cases: [object, RegExp][] = [
      [{ step: 3 }, /has no configuration key "step"/],
      [{ steps: 0 }, /accumulation-cnn" steps must be an integer in \[1, 100000\]; got 0/],
      [{ accumulators: 5 }, /accumulators must be \{ conv: \{ fwd, bwd, grad \}, dense/],
      [
        { accumulators: { conv: { fwd: 4, bwd: 4, grad: 4 } } },
        /accumulators.dense must be \{ fwd, bwd, grad \}; got undefined/,
      ],
      [{ accumulators: { ...all(4), pool: {} } }, /accumulators has no key "pool"; its keys are conv, dense/],
      [{ accumulators: all(24) }, /accumulators.conv.fwd must be an integer in \[1, 23\]; got 24/],
      [{ learningRate: 0 }, /learningRate must be a number in \(0, 10\]; got 0/],
    ];
    for (const [config, message] of cases)
      await assert.rejects(
        Promise.resolve().then(() => run(config as never, { seed: 0 })),
        message,
      );
  });
});
