/**
 * The experiment "recipe-mlp-fashion" (lib/experiments/recipe_mlp_fashion.ts): registered, a few
 * steps with a recipe and in float32, the same metrics for the same seed (the wall time aside),
 * the recipe only on the hidden layers, no tensors left behind, and configuration errors naming
 * the key and what it allows.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { EXPERIMENTS, type JsonObject, loadExperiment } from "lowbit/sweep";

const experiment = loadExperiment("recipe-mlp-fashion");
const run = (config: JsonObject, context: { seed: number }) => Promise.resolve(experiment(config, context));
const tiny = { hidden: 32, trainImages: 256, testImages: 64, steps: 4, batchSize: 32 };
const withoutTime = (m: Record<string, number>) =>
  Object.fromEntries(Object.entries(m).filter(([k]) => k !== "wallSeconds"));
const skip =
  !fs.existsSync("/usr/share/datasets/fashion-mnist") &&
  "/usr/share/datasets/fashion-mnist is absent (apt-get install dataset-fashion-mnist)";

describe("recipe-mlp-fashion", () => {
  test("is registered with a description", () => {
    assert.equal(typeof EXPERIMENTS["recipe-mlp-fashion"].run, "function");
    assert.match(EXPERIMENTS["recipe-mlp-fashion"].description, /Fashion-MNIST/);
  });

  test("trains with a recipe and in float32, seeded, leaving no tensors", { skip }, async () => {
    const config = { ...tiny, recipe: "MXFP4_NEAREST" };
    const a = await run(config, { seed: 1 });
    assert.deepEqual(Object.keys(a).sort(), ["accuracy", "tensorsGained", "testLoss", "trainLoss", "wallSeconds"]);
    for (const [k, v] of Object.entries(a)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
    assert.ok(a.accuracy >= 0 && a.accuracy <= 1);
    assert.equal(a.tensorsGained, 0);
    assert.deepEqual(withoutTime(await run(config, { seed: 1 })), withoutTime(a));
    const float = await run(tiny, { seed: 1 });
    assert.equal(float.tensorsGained, 0);
    assert.notEqual(float.trainLoss, a.trainLoss);
    // MXFP4_SR_RHT's forward GEMMs are float32: the first step's loss is the float run's, but not the rest.
    const sr = await run({ ...tiny, recipe: "MXFP4_SR_RHT" }, { seed: 1 });
    assert.notEqual(sr.trainLoss, float.trainLoss);
  });

  test("configuration errors name the key and what it allows", async () => {
    await assert.rejects(
      run({ ...tiny, recipe: "MXFP4" }, { seed: 0 }),
      /experiment "recipe-mlp-fashion" recipe must be one of "FP32", .*"MXFP4_SR_RHT".*; got "MXFP4"/,
    );
    await assert.rejects(
      run({ ...tiny, hidden: 48, recipe: "MXFP4_NEAREST" }, { seed: 0 }),
      /hidden must be a multiple of 32 \(recipe MXFP4_NEAREST's blocks and Hadamard transforms run in 32s along it\); got 48/,
    );
    await assert.rejects(
      run({ ...tiny, batchSize: 48, trainImages: 480, recipe: "MXFP4_BWD_NEAREST" }, { seed: 0 }),
      /batchSize must be a multiple of 32 .*; got 48/,
    );
    await assert.rejects(run({ ...tiny, steps: 9 }, { seed: 0 }), /steps must be at most 8 .*; got 9/);
    await assert.rejects(run({ ...tiny, depth: 3 }, { seed: 0 }), /depth/);
  });
});
