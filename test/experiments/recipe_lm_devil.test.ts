/**
 * The experiment "recipe-lm-devil" (lib/experiments/recipe_lm_devil.ts): registered, runs a few
 * steps of a tiny transformer with a recipe and in float32, the same metrics for the same seed
 * (the wall time aside), every preset recipe runs, no tensors left behind, and configuration errors naming the key and
 * what it allows.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { DEVILS_DICTIONARY_FILE } from "../../lib/dist/data/text_corpus";
import { GEMM_RECIPES } from "lowbit/quant";
import { EXPERIMENTS, type JsonObject, loadExperiment } from "lowbit/sweep";

const experiment = loadExperiment("recipe-lm-devil");
const run = (config: JsonObject, context: { seed: number }) => Promise.resolve(experiment(config, context));
const tiny = { steps: 3, batch: 2, length: 16, dModel: 32, layers: 1, heads: 2, testWindows: 4 };
const withoutTime = (m: Record<string, number>) =>
  Object.fromEntries(Object.entries(m).filter(([k]) => k !== "wallSeconds"));
const skip = !fs.existsSync(DEVILS_DICTIONARY_FILE) && "dict-devil not installed";

describe("recipe-lm-devil", () => {
  test("is registered with a description", () => {
    assert.equal(typeof EXPERIMENTS["recipe-lm-devil"].run, "function");
    assert.match(EXPERIMENTS["recipe-lm-devil"].description, /MXFP4_SR_RHT/);
  });

  test("runs a few steps with a recipe, seeded, leaving no tensors", { skip }, async () => {
    const config = { ...tiny, recipe: "MXFP4_SR_RHT" };
    const a = await run(config, { seed: 1 });
    assert.deepEqual(Object.keys(a).sort(), ["perplexity", "tensorsGained", "testLoss", "trainLoss", "wallSeconds"]);
    for (const [k, v] of Object.entries(a)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
    assert.ok(Math.abs(a.perplexity - Math.exp(a.testLoss)) < 1e-9 * a.perplexity);
    assert.ok(a.wallSeconds > 0);
    assert.equal(a.tensorsGained, 0);
    assert.deepEqual(withoutTime(await run(config, { seed: 1 })), withoutTime(a));
    assert.notDeepEqual(withoutTime(await run(config, { seed: 2 })), withoutTime(a));
    const float = await run(tiny, { seed: 1 });
    assert.equal(float.tensorsGained, 0);
    assert.notEqual(float.trainLoss, a.trainLoss);
  });

  test("every recipe of GEMM_RECIPES trains and evaluates, leaving no tensors", { skip }, async () => {
    for (const recipe of GEMM_RECIPES.map((r) => r.name)) {
      // Float8BlockScaling's blocks of 128 need dModel and batch * length multiples of 128.
      const m = await run(
        { ...tiny, steps: 1, batch: 2, length: 64, dModel: 128, testWindows: 2, recipe },
        { seed: 3 },
      );
      for (const [k, v] of Object.entries(m)) assert.ok(Number.isFinite(v), `${recipe} ${k} = ${v}`);
      assert.equal(m.tensorsGained, 0, recipe);
    }
  });

  test("configuration errors name the key and what it allows", { skip }, async () => {
    await assert.rejects(
      run({ ...tiny, recipe: "MXFP4" }, { seed: 0 }),
      /RangeError: lowbit: experiment "recipe-lm-devil" recipe must be one of "FP32", "MXFP8BlockScaling", .*"MXFP4_SR_RHT", "MXFP4_BWD_NEAREST", "MXFP4_BWD_SR"; got "MXFP4"/,
    );
    await assert.rejects(run({ ...tiny, epochs: 2 }, { seed: 0 }), /no configuration key "epochs"/);
    await assert.rejects(run({ ...tiny, steps: 0 }, { seed: 0 }), /steps must be an integer in \[1, 1000000\]; got 0/);
    await assert.rejects(run({ ...tiny, learningRate: 0 }, { seed: 0 }), /learningRate must be a number in \(0, 1\]/);
    await assert.rejects(
      run({ ...tiny, dModel: 30, heads: 4 }, { seed: 0 }),
      /dModel must be a multiple of heads \(4\); got 30/,
    );
    await assert.rejects(
      run({ ...tiny, dModel: 48, recipe: "MXFP4_SR_RHT" }, { seed: 0 }),
      /dModel must be a multiple of 32 \(recipe MXFP4_SR_RHT's blocks and Hadamard transforms run in 32s along it\); got 48/,
    );
    await assert.rejects(
      run({ ...tiny, batch: 3, recipe: "MXFP4_SR_RHT" }, { seed: 0 }),
      /batch \* length must be a multiple of 32 .*; got 48/,
    );
    await assert.rejects(
      run({ ...tiny, recipe: "Float8BlockScaling" }, { seed: 0 }),
      /dModel must be a multiple of 128 \(recipe Float8BlockScaling's blocks/,
    );
    await assert.rejects(run(tiny, { seed: 2 ** 28 }), /seed/);
  });
});
