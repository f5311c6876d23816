/**
 * The model zoo: QNN's MLP (binary weights and activations, batch norm, clipped master
 * weights), the VGG-like net at 28x28 and 32x32 with its per-layer quantization factory, and
 * the character LSTM; each trains with trainStep without leaking tensors.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { charLstm, fixedPoint, formatQuantizer, initBackend, qnnMlp, vggNet } from "lowbit";
import { ternary } from "lowbit/quant";
import { QuantDense, summary } from "lowbit/layers";
import type { ZooLayer } from "lowbit/models";
import { softmaxCrossEntropy, squaredHinge, trainStep } from "lowbit/train";
import { testData } from "../backend/reference";

const oneHot = (labels: number[], classes: number) => tf.oneHot(tf.tensor1d(labels, "int32"), classes).toFloat();

/** Runs steps(n) twice and checks that the live tensors and backend buffers stay the same. */
function assertNoLeak(step: () => void): void {
  for (let i = 0; i < 3; i++) step();
  const tensors = tf.memory().numTensors,
    buffers = tf.engine().backend.numDataIds();
  for (let i = 0; i < 20; i++) step();
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(tf.engine().backend.numDataIds(), buffers);
}

describe("model zoo", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("qnnMlp: binary weights and sign activations forward, master weights clipped to [-1, 1]", () => {
    const seen: { role: string; layer: string; values: Float32Array }[] = [];
    const model = qnnMlp({
      hidden: [32, 16],
      inputShape: [12],
      seed: 3,
      onQuantized: (role, layer, v) => {
        seen.push({ role, layer, values: v.dataSync() as Float32Array });
      },
    });
    assert.deepEqual(
      model.layers.map((l) => l.getClassName()),
      [
        "Reshape",
        "QuantDense",
        "BatchNormalization",
        "QuantActivation",
        "QuantDense",
        "BatchNormalization",
        "QuantActivation",
        "QuantDense",
        "BatchNormalization",
      ],
    );
    const x = tf.tensor2d(testData(8 * 12, 1), [8, 12]);
    const y = model.apply(x) as tf.Tensor;
    assert.deepEqual(y.shape, [8, 10]);
    // The dense layers' own (linear, float) outputs go to the hook too; the binary ones are W and act.
    const binary = seen.filter((s) => s.role === "weight" || s.layer.startsWith("act"));
    assert.deepEqual(
      binary.map((s) => `${s.role} ${s.layer}`),
      ["weight fc0", "activation act0", "weight fc1", "activation act1", "weight fc2"],
    );
    for (const s of binary)
      assert.ok(
        s.values.every((v) => v === 1 || v === -1),
        `${s.role} ${s.layer} is +-1`,
      );
    // Adam with a large step pushes master weights past 1; trainStep clips them back.
    const optimizer = tf.train.adam(0.5);
    const labels = oneHot([0, 1, 2, 3, 4, 5, 6, 7], 10);
    seen.length = 0;
    assertNoLeak(() => {
      seen.length = 0;
      trainStep(model, optimizer, squaredHinge, x, labels).dispose();
    });
    for (const layer of model.layers.filter((l): l is QuantDense => l instanceof QuantDense)) {
      const w = layer.masterKernel().dataSync();
      assert.ok(
        w.every((v) => Math.abs(v) <= 1),
        `${layer.name} master weights in [-1, 1]`,
      );
      assert.ok(
        w.some((v) => Math.abs(v) === 1),
        `${layer.name} has weights at the clip`,
      );
    }
  });

  test("qnnMlp: k-bit weights and activations on WAGE's grid; shift batch norm; bad bits", () => {
    const model = qnnMlp({ hidden: [16], inputShape: [6], weightBits: 2, activationBits: 3, batchNorm: "shift" });
    assert.equal(model.layers[2].getClassName(), "ShiftBatchNorm");
    const wq = (model.layers[1] as QuantDense).quantizedKernel().dataSync();
    assert.ok(wq.every((v) => [-0.5, 0, 0.5].includes(v)));
    const a = (
      tf
        .sequential({ layers: model.layers.slice(0, 4) })
        .apply(tf.tensor2d(testData(4 * 6, 2), [4, 6]), { training: true }) as tf.Tensor
    ).dataSync();
    assert.ok(
      a.every((v) => Number.isInteger(v * 4) && Math.abs(v) <= 0.75),
      "3-bit activations are multiples of 1/4 in [-0.75, 0.75]",
    );
    assert.throws(() => qnnMlp({ weightBits: 9 }), /qnnMlp weightBits must be an integer in \[1, 8\] or 32; got 9/);
    assert.throws(() => qnnMlp({ hidden: [0] }), /qnnMlp hidden\[0\] must be an integer in \[1, 2\^53 - 1\]; got 0/);
    assert.throws(() => qnnMlp({ batchNorm: "none" as never }), /qnnMlp batchNorm must be "float" or "shift"/);
  });

  test("vggNet: 2x64C3-MP2-2x128C3-MP2-256FC-10 at 28x28 and 32x32, one factory call per quantized layer", () => {
    for (const [h, c] of [
      [28, 1],
      [32, 3],
    ] as const) {
      const calls: ZooLayer[] = [];
      const model = vggNet({
        inputShape: [h, h, c],
        quant: (layer) => {
          calls.push(layer);
          return layer.first || layer.last
            ? {}
            : { weight: formatQuantizer(ternary()), activation: formatQuantizer(fixedPoint({ bits: 4, frac: 2 })) };
        },
      });
      const flat = (h / 4) * (h / 4) * 128;
      assert.deepEqual(
        calls.map((l) => [l.name, l.kind, l.fanIn, l.first, l.last]),
        [
          ["conv0", "conv", 9 * c, true, false],
          ["conv1", "conv", 9 * 64, false, false],
          ["conv2", "conv", 9 * 64, false, false],
          ["conv3", "conv", 9 * 128, false, false],
          ["dense4", "dense", flat, false, false],
          ["dense5", "dense", 256, false, true],
        ],
      );
      const s = summary(model);
      const kernels = 9 * c * 64 + 9 * 64 * 64 + 9 * 64 * 128 + 9 * 128 * 128 + flat * 256 + 256 * 10;
      assert.equal(s.totals.params, kernels + 10 + 4 * (64 * 2 + 128 * 2 + 256));
      assert.equal(
        s.totals.macs,
        h * h * (9 * c * 64 + 9 * 64 * 64) + (h / 2) ** 2 * (9 * 64 * 128 + 9 * 128 * 128) + flat * 256 + 2560,
      );
      // The ternary layers' activations quantizers sit after batch norm.
      assert.deepEqual(
        s.rows.filter((r) => r.kind === "QuantActivation").map((r) => r.bits.activation),
        [32, 4, 4, 4, 4],
      );
      const y = model.apply(tf.zeros([2, h, h, c])) as tf.Tensor;
      assert.deepEqual(y.shape, [2, 10]);
    }
    const plain = vggNet({ batchNorm: "none", filters: [8], units: 16 });
    assert.deepEqual(
      plain.layers.map((l) => l.getClassName()),
      ["QuantConv2d", "QuantConv2d", "MaxPooling2D", "Flatten", "QuantDense", "QuantDense"],
    );
    assert.throws(() => vggNet({ filters: [0] }), /vggNet filters\[0\] must be an integer in \[1, 2\^53 - 1\]; got 0/);
  });

  test("charLstm: logits for every step, trains with trainStep without leaks", () => {
    const [vocab, T, B] = [11, 7, 3];
    const model = charLstm({
      vocab,
      hidden: 8,
      layers: 2,
      sequenceLength: T,
      weightClip: 1,
      quant: () => ({
        weight: formatQuantizer(fixedPoint({ bits: 4, frac: 2 })),
        activation: formatQuantizer(fixedPoint({ bits: 4, frac: 3 })),
      }),
    });
    const ids = Array.from({ length: B * T }, (_, i) => (i * 5) % vocab);
    const x = tf.oneHot(tf.tensor2d(ids, [B, T], "int32"), vocab).toFloat();
    const next = tf
      .oneHot(
        tf.tensor2d(
          ids.map((v) => (v + 1) % vocab),
          [B, T],
          "int32",
        ),
        vocab,
      )
      .toFloat();
    const logits = model.apply(x) as tf.Tensor;
    assert.deepEqual(logits.shape, [B, T, vocab]);
    const optimizer = tf.train.adam(0.05);
    const first = trainStep(model, optimizer, softmaxCrossEntropy, x, next);
    const before = first.dataSync()[0];
    first.dispose();
    assertNoLeak(() => trainStep(model, optimizer, softmaxCrossEntropy, x, next).dispose());
    const after = trainStep(model, optimizer, softmaxCrossEntropy, x, next);
    assert.ok(after.dataSync()[0] < before, `loss ${after.dataSync()[0]} < ${before}`);
    assert.throws(() => charLstm({ vocab: 0 }), /charLstm vocab must be an integer in \[1, 2\^53 - 1\]; got 0/);
  });
});
