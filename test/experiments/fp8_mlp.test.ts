/**
 * The experiment "fp8-mlp" (lib/experiments/fp8_mlp.ts): registered, deterministic per seed (the
 * timings aside), paired by seed across configurations (the first step's loss depends only on the
 * initial weights and the first batch, so float32 and a 25-bit preset nearly agree on it while a
 * different seed does not), and its configuration errors name the key and what it allows.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { EXPERIMENTS, type JsonObject, loadExperiment } from "lowbit/sweep";

const experiment = loadExperiment("fp8-mlp");
/** The experiment as a promise (a registered experiment may also return its metrics directly). */
const run = (config: JsonObject, context: { seed: number }) => Promise.resolve(experiment(config, context));
const tiny = { hidden: 16, trainImages: 128, testImages: 64, steps: 4, batchSize: 32, points: 4 };
const withoutTimes = (m: Record<string, number>) =>
  Object.fromEntries(Object.entries(m).filter(([k]) => k !== "stepCpuMs" && k !== "stepWallMs"));

describe("fp8-mlp", () => {
  test("is registered with a description", () => {
    assert.equal(typeof EXPERIMENTS["fp8-mlp"].run, "function");
    assert.match(EXPERIMENTS["fp8-mlp"].description, /promoteEvery/);
  });

  test("returns finite metrics, one segment loss per point, the same bits for the same seed", async () => {
    const config = { ...tiny, accumulator: "hopper-fp8", promoteEvery: 32 };
    const a = await run(config, { seed: 1 });
    for (const [k, v] of Object.entries(a)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
    assert.deepEqual(
      Object.keys(a).filter((k) => k.startsWith("segmentLoss")),
      ["segmentLoss0", "segmentLoss1", "segmentLoss2", "segmentLoss3"],
    );
    assert.equal(a.finalLoss, a.segmentLoss3);
    assert.ok(a.accuracy >= 0 && a.accuracy <= 1);
    assert.ok(a.stepCpuMs > 0 && a.stepWallMs > 0);
    assert.deepEqual(withoutTimes(await run(config, { seed: 1 })), withoutTimes(a));
  });

  test("the seed gives the same start to every configuration", async () => {
    const one = { ...tiny, points: 4 };
    const float = await run(one, { seed: 2 });
    const wide = await run({ ...one, accumulator: "blackwell-fp8" }, { seed: 2 });
    const other = await run(one, { seed: 3 });
    // Step 1: the same weights and batch; the only difference is the E4M3 cast and the sum.
    assert.ok(Math.abs(wide.segmentLoss0 - float.segmentLoss0) < 0.05 * float.segmentLoss0);
    assert.notEqual(other.segmentLoss0, float.segmentLoss0);
  });

  test("configuration errors name the key and what it allows", async () => {
    await assert.rejects(run({ ...tiny, accumulator: "h100" }, { seed: 0 }), /accumulator must be one of .*hopper-fp8/);
    await assert.rejects(run({ ...tiny, promoteEvery: 128 }, { seed: 0 }), /promoteEvery needs an accumulator/);
    await assert.rejects(run({ ...tiny, epochs: 2 }, { seed: 0 }), /no configuration key "epochs"/);
    await assert.rejects(run({ ...tiny, steps: 1 }, { seed: 0 }), /steps/);
    await assert.rejects(run({ ...tiny, points: 5 }, { seed: 0 }), /points/);
    await assert.rejects(run({ ...tiny, learningRate: 0 }, { seed: 0 }), /learningRate must be a number in \(0, 10\]/);
    await assert.rejects(run({ ...tiny, steps: 5 }, { seed: 0 }), /ran 4 steps of 5/);
    await assert.rejects(run(tiny, { seed: 2 ** 28 }), /seed/);
  });
});
