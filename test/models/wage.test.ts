/**
 * WAGE's LeNet-5 in its two variants (the authors' code, the paper's text), the authors' layer
 * order (max-pool before ReLU, Q_E and Q_A) and Q_A's clipped straight-through gradient
 * against float64 definitions, and integer-only inference against the simulated network.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend, loadMnist, quantActivation, quantConv2d, QuantLayer, wageLeNet5 } from "lowbit";
import { QuantConv2d, wageActivation, wageError } from "lowbit/layers";
import { runIntegerNetwork, wageIntegerNetwork } from "lowbit/models";
import { sumSquaredError, trainStep } from "lowbit/train";
import { pixelCodes, shiftRoundHalfEven } from "../../lib/dist/models/wage_integer";

/** round(v) with ties to even, in float64. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v),
    d = v - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

const quantLayers = (model: tf.LayersModel) =>
  model.layers.filter((l): l is QuantLayer => l instanceof QuantLayer && l.trainableWeights.length > 0);

describe("WAGE LeNet-5", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("code variant: alpha 2, 16, 16, 8, master weights start ternary and are clipped to +-0.5", () => {
    const model = wageLeNet5({ seed: 3 });
    const layers = quantLayers(model);
    assert.deepEqual(
      layers.map((l) => l.scale),
      [2, 16, 16, 8],
    );
    assert.deepEqual(
      layers.map((l) => l.weightClip),
      [0.5, 0.5, 0.5, 0.5],
    );
    assert.deepEqual(
      layers.map((l) => (l instanceof QuantConv2d ? l.pool : undefined)),
      [2, 2, undefined, undefined],
    );
    for (const l of layers)
      assert.ok(
        l
          .masterKernel()
          .dataSync()
          .every((v) => v === -0.5 || v === 0 || v === 0.5),
        `${l.name} ternary`,
      );
  });

  test("paper variant: alpha 2, 8, 8, 8, continuous U(-0.75, 0.75) master weights, clip 1 - 2^-7", () => {
    const model = wageLeNet5({ seed: 3, variant: "paper" });
    const layers = quantLayers(model);
    assert.deepEqual(
      layers.map((l) => l.scale),
      [2, 8, 8, 8],
    );
    assert.deepEqual(
      layers.map((l) => l.weightClip),
      [1 - 2 ** -7, 1 - 2 ** -7, 1 - 2 ** -7, 1 - 2 ** -7],
    );
    const w = layers[2].masterKernel().dataSync();
    assert.ok(
      w.every((v) => Math.abs(v) <= 0.75) &&
        w.some((v) => Math.abs(v) > 0.5) &&
        w.some((v) => v !== 0 && Math.abs(v) < 0.25),
    );
    assert.throws(
      () => wageLeNet5({ variant: "both" as never }),
      /wageLeNet5 variant must be one of "code", "paper"; got "both"/,
    );
  });

  test("pool inside the convolution: same forward as pooling after, gradient to the largest pre-activation", () => {
    // 1x1 convolution with weight 1 over a 2x2 image: z = x. Q_A(relu(z)) rounds all four to 0,
    // a tie; the pool inside sends the gradient to the largest z (0.003), a pool after Q_A to the
    // first of the tied values (z = -0.002, which ReLU then blocks).
    const x = tf.tensor4d([-0.002, 0.003, 0.001, -0.5], [1, 2, 2, 1]);
    const make = (pool?: number) => {
      const layer = quantConv2d({
        filters: 1,
        kernelSize: 1,
        useBias: false,
        activation: "relu",
        pool,
        quant: { activation: wageActivation(8) },
      });
      layer.build([1, 2, 2, 1]);
      (layer.masterKernel() as tf.Variable).assign(tf.ones([1, 1, 1, 1]));
      return layer;
    };
    const inside = make(2),
      plain = make();
    const after = (t: tf.Tensor) => tf.maxPool(plain.apply(t) as tf.Tensor4D, 2, 2, "valid");
    assert.deepEqual([...(inside.apply(x) as tf.Tensor).dataSync()], [...after(x).dataSync()]);
    assert.deepEqual(
      [
        ...tf
          .grad((t: tf.Tensor) => (inside.apply(t) as tf.Tensor).sum())(x)
          .dataSync(),
      ],
      [0, 1, 0, 0],
    );
    assert.deepEqual(
      [
        ...tf
          .grad((t: tf.Tensor) => after(t).sum())(x)
          .dataSync(),
      ],
      [0, 0, 0, 0],
    );
  });

  test("Q_A's gradient passes through the rounding and stops outside the clip +-(1 - 2^-7)", () => {
    const layer = quantActivation({ quant: { activation: wageActivation(8) } });
    const x = tf.tensor1d([0.5, 0.9921875, 0.995, 2, -0.3, -1]);
    const y = (layer.apply(x) as tf.Tensor).dataSync();
    assert.deepEqual([...y], [0.5, 0.9921875, 0.9921875, 0.9921875, roundHalfEven(-0.3 * 128) / 128, -0.9921875]);
    assert.deepEqual(
      [
        ...tf
          .grad((t: tf.Tensor) => (layer.apply(t) as tf.Tensor).sum())(x)
          .dataSync(),
      ],
      [1, 1, 0, 0, 1, 0],
    );
  });

  test("the error window shifted by gamma: Q(gamma e / Shift(max|e|), 8), the largest errors saturating", () => {
    const e = [0.3, -0.05, 0.011, -0.0007, 0.2];
    const shift = 2 ** Math.round(Math.log2(0.3));
    const Q = (v: number) => Math.max(-127, Math.min(127, roundHalfEven(v * 128))) / 128;
    for (const gamma of [1, 4]) {
      const got = wageError(8, { gamma: gamma }).apply(tf.tensor1d(e)).dataSync();
      assert.deepEqual(
        [...got].map((v) => v + 0),
        e.map((v) => Q((gamma * v) / shift) + 0),
        `gamma ${gamma}`,
      );
    }
    assert.throws(() => wageError(8, { gamma: 0 }), /wageError gamma must be a finite number > 0; got 0/);
  });

  test("the hook sees W, A, E and G of every layer in a training step, as codes on their grids", () => {
    const seen = new Map<string, Float32Array>();
    const model = wageLeNet5({
      seed: 2,
      eta: 8,
      onQuantized: (role, layer, v) => {
        seen.set(`${role} ${layer}`, v.dataSync() as Float32Array);
      },
    });
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, "float32", 1);
    const y = tf.oneHot(tf.tensor1d([1, 2, 3, 4], "int32"), 10).toFloat();
    trainStep(model, tf.train.sgd(1), sumSquaredError, x, y).dispose();
    for (const layer of ["conv0", "conv1", "fc0", "fc1"]) {
      for (const [role, step] of [
        ["weight", 2],
        ["activation", 128],
        ["error", 128],
        ["gradient", 128],
      ] as const) {
        const v = seen.get(`${role} ${layer}`);
        assert.ok(v !== undefined, `${role} ${layer} seen`);
        assert.ok(
          v.every((c) => Number.isInteger(c * step)),
          `${role} ${layer} on the grid 1/${step}`,
        );
      }
    }
    assert.ok(seen.has("activation input"));
  });

  test("shiftRoundHalfEven and pixelCodes equal their float64 definitions", () => {
    for (let s = 1; s <= 6; s++) {
      for (let v = -300; v <= 300; v++)
        assert.equal(shiftRoundHalfEven(v, s), roundHalfEven(v / 2 ** s), `round(${v} / 2^${s})`);
    }
    assert.equal(shiftRoundHalfEven(5, -2), 20);
    const pixels = Uint8Array.from({ length: 256 }, (_, p) => p);
    assert.deepEqual(
      [...pixelCodes(pixels, 8)],
      [...pixels].map((p) => Math.min(127, roundHalfEven((p / 255) * 128))),
    );
  });

  for (const variant of ["code", "paper"] as const) {
    test(`integer-only inference equals the simulated ${variant} network: every output code and prediction`, () => {
      const { train, test: testSplit } = loadMnist({ subset: { train: 256, test: 64 } });
      const model = wageLeNet5({ seed: 5, eta: 8, variant });
      const optimizer = tf.train.sgd(1);
      for (const batch of train.batches({ batchSize: 64, labels: "oneHot" })) {
        trainStep(model, optimizer, sumSquaredError, batch.x, batch.y).dispose();
        batch.dispose();
      }
      const net = wageIntegerNetwork(model);
      assert.deepEqual(
        net.layers.map((l) => l.shift),
        variant === "code" ? [1 + 1, 1 + 4, 1 + 4, 1 + 3] : [2, 4, 4, 4],
      );
      assert.ok(
        net.layers.every((l) => l.weights.every((w) => w === -1 || w === 0 || w === 1)),
        "ternary integer weights",
      );
      const { codes, predictions } = runIntegerNetwork(net, testSplit.images);
      const batch = testSplit.tensors({ labels: "oneHot" });
      const out = model.predict(batch.x) as tf.Tensor;
      const simulated = out.mul(128).dataSync();
      assert.deepEqual(
        [...codes],
        [...simulated].map((v) => v + 0),
      );
      assert.deepEqual([...predictions], [...out.argMax(-1).dataSync()]);
      assert.ok(new Set(codes).size > 20, "the outputs are not trivial");
      tf.dispose([out, batch.x, batch.y]);
    });
  }

  test("integer inference rejects what it cannot run on integers", () => {
    const plain = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
    assert.throws(() => wageIntegerNetwork(plain), TypeError);
    assert.throws(
      () => runIntegerNetwork(wageIntegerNetwork(wageLeNet5()), new Uint8Array(100)),
      /whole 28x28x1 images; got 100 bytes/,
    );
  });
});
