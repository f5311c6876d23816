/**
 * Quantized layers in tfjs's model JSON (model.toJSON, model.save): a float quantDense,
 * quantConv2d or quantLstm round-trips with its settings (seed, scale, weightClip, initLimit)
 * and computes the same outputs; a layer whose quantizers, recipe, gates or accumulator a config
 * cannot hold refuses to be serialized rather than loading as a float layer.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { formatQuantizer, fixedPoint, initBackend } from "lowbit";
import { quantConv2d, quantDense, quantLstm } from "lowbit/layers";
import { FP16, MXFP4_SR_RHT } from "lowbit/quant";

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

/** The model rebuilt from its JSON topology, with the original's weights. */
async function reloaded(model: tf.LayersModel): Promise<tf.LayersModel> {
  const copy = await tf.models.modelFromJSON({
    modelTopology: model.toJSON(null, false) as tf.io.ModelJSON["modelTopology"],
  });
  copy.setWeights(model.getWeights());
  return copy;
}

describe("quantized layers in model JSON", () => {
  test("float quantDense, quantConv2d and quantLstm round-trip with their settings and outputs", async () => {
    const before = tf.memory().numTensors;
    const models: [tf.Sequential, number[]][] = [
      [
        tf.sequential({
          layers: [
            quantDense({ units: 5, inputShape: [3], activation: "relu", scale: 2, weightClip: 1, seed: 7 }),
            quantDense({ units: 2, initLimit: 0.5, seed: 3, useBias: false }),
          ],
        }),
        [4, 3],
      ],
      [
        tf.sequential({
          layers: [
            quantConv2d({ filters: 2, kernelSize: 3, padding: "same", pool: 2, inputShape: [6, 6, 1], seed: 5 }),
          ],
        }),
        [2, 6, 6, 1],
      ],
      [
        tf.sequential({ layers: [quantLstm({ units: 3, returnSequences: false, inputShape: [4, 2], seed: 9 })] }),
        [2, 4, 2],
      ],
    ];
    for (const [model, shape] of models) {
      const copy = await reloaded(model);
      assert.deepEqual(
        copy.layers.map((l) => l.getConfig()),
        model.layers.map((l) => l.getConfig()),
      );
      const x = tf.randomUniform(shape, -1, 1, "float32", 1);
      const [a, b] = [model.predict(x) as tf.Tensor, copy.predict(x) as tf.Tensor];
      assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
      tf.dispose([x, a, b]);
      model.dispose();
      copy.dispose();
    }
    assert.equal((models[0][0].layers[0].getConfig() as { seed: number }).seed, 7);
    assert.equal(tf.memory().numTensors, before);
  });

  test("refuses to serialize a layer whose quantizers, recipe, gates or accumulator it would drop (regression: they were dropped)", () => {
    const q = formatQuantizer(fixedPoint({ bits: 8, frac: 6 }));
    for (const [layer, part] of [
      [quantDense({ units: 2, inputShape: [3], quant: { weight: q } }), "quant.weight"],
      [quantDense({ units: 2, inputShape: [32], recipe: MXFP4_SR_RHT }), "recipe"],
      [quantDense({ units: 2, inputShape: [3], accumulation: { product: FP16, accumulator: FP16 } }), "accumulation"],
      [
        quantConv2d({ filters: 1, kernelSize: 1, inputShape: [2, 2, 1], quant: { activation: q, error: q } }),
        "quant.activation, quant.error",
      ],
      [quantLstm({ units: 2, inputShape: [3, 2], gates: { input: q } }), "gates.input"],
    ] as const) {
      const model = tf.sequential({ layers: [layer] });
      assert.throws(
        () => model.toJSON(),
        (e: Error) =>
          e instanceof TypeError && e.message.includes(`cannot be serialized: its ${part} would be dropped`),
      );
      model.dispose();
    }
  });
});
