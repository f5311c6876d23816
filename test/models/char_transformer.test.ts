/**
 * charTransformer: the parameter count of its shape (about 0.8 M at the defaults), logits per
 * position, causal (a position's logits do not depend on later characters), the recipe on the
 * blocks' four linear layers only, seeded weights, options checked by name.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { QuantDense } from "lowbit/layers";
import { charTransformer } from "lowbit/models";
import { MXFP4_SR_RHT } from "lowbit/quant";

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

/** Parameters of the architecture in the module doc. */
function expectedParameters(vocab: number, time: number, d: number, layers: number): number {
  const block = 2 * 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d);
  return vocab * d + time * d + layers * block + 2 * d + (d * vocab + vocab);
}

describe("charTransformer", () => {
  test("has the parameters of its shape: about 0.8 M at the defaults", () => {
    const model = charTransformer({ vocab: 60, sequenceLength: 64 });
    assert.equal(model.countParams(), expectedParameters(60, 64, 128, 4));
    assert.ok(model.countParams() > 750_000 && model.countParams() < 1_100_000);
    model.dispose();
  });

  test("gives logits per position, causally; the recipe goes to the blocks' linear layers only", () => {
    const model = charTransformer({
      vocab: 12,
      sequenceLength: 8,
      dModel: 32,
      layers: 2,
      heads: 2,
      recipe: MXFP4_SR_RHT,
    });
    const recipes = model.layers
      .filter((l) => l instanceof QuantDense)
      .map((l) => [l.name, (l as QuantDense).recipe?.name ?? null]);
    assert.deepEqual(recipes, [
      ["embed", null],
      ["block0_qkv", "MXFP4_SR_RHT"],
      ["block0_proj", "MXFP4_SR_RHT"],
      ["block0_up", "MXFP4_SR_RHT"],
      ["block0_down", "MXFP4_SR_RHT"],
      ["block1_qkv", "MXFP4_SR_RHT"],
      ["block1_proj", "MXFP4_SR_RHT"],
      ["block1_up", "MXFP4_SR_RHT"],
      ["block1_down", "MXFP4_SR_RHT"],
      ["head", null],
    ]);
    const ids = [[1, 2, 3, 4, 5, 6, 7, 8]];
    const changed = [[1, 2, 3, 4, 0, 0, 0, 0]];
    // Data read outside tidy (tidy would walk a returned array element by element).
    const logits = (rows: number[][]) => {
      const output = tf.tidy(
        () => model.apply(tf.oneHot(tf.tensor2d(rows, [1, 8], "int32"), 12).toFloat()) as tf.Tensor,
      );
      const values = output.arraySync() as number[][][];
      output.dispose();
      return values;
    };
    const a = logits(ids),
      b = logits(changed);
    assert.equal(a[0].length, 8);
    assert.equal(a[0][0].length, 12);
    // MXFP4_SR_RHT's forward GEMMs are float32, so the first four positions agree to the bit.
    assert.deepEqual(a[0].slice(0, 4), b[0].slice(0, 4));
    assert.notDeepEqual(a[0][4], b[0][4]);
    model.dispose();
  });

  test("seeded weights; bad options named", () => {
    const weights = (seed: number) => {
      const m = charTransformer({ vocab: 5, sequenceLength: 4, dModel: 8, layers: 1, heads: 2, seed });
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return w;
    };
    assert.deepEqual(weights(3), weights(3));
    assert.notDeepEqual(weights(3), weights(4));
    assert.throws(
      () => charTransformer({ vocab: 5, sequenceLength: 4, dModel: 10, heads: 4 }),
      /RangeError: lowbit: charTransformer dModel must be a multiple of heads \(4\); got 10/,
    );
    assert.throws(() => charTransformer({ vocab: 0, sequenceLength: 4 }), /charTransformer vocab must be an integer/);
    assert.throws(() => charTransformer({ vocab: 5, sequenceLength: 4, seed: 2 ** 28 }), /charTransformer seed/);
    assert.throws(
      () => charTransformer({ vocab: 5, sequenceLength: 4, recipe: {} as never }),
      /quantDense recipe name must be a string/,
    );
  });
});
