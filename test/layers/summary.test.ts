/**
 * summary() against counts written from the architectures: parameters, weight memory at the
 * layers' bit widths, and forward multiply-accumulates per example grouped by precision.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { charLstm, fixedPoint, formatQuantizer, initBackend, lenet5, qnnMlp, wageLeNet5 } from "lowbit";
import { summary } from "lowbit/layers";

// LeNet-5 32C5-MP2-64C5-MP2-512FC-10 on 28x28x1: output elements x inputs per output.
const LENET_MACS = [24 * 24 * 32 * (5 * 5 * 1), 8 * 8 * 64 * (5 * 5 * 32), 512 * 1024, 10 * 512];
const LENET_KERNELS = [5 * 5 * 1 * 32, 5 * 5 * 32 * 64, 1024 * 512, 512 * 10];

describe("summary", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("float LeNet-5: parameters, float32 memory and 4,267,008 MACs at 32x32", () => {
    assert.deepEqual(LENET_MACS, [460800, 3276800, 524288, 5120]);
    const s = summary(lenet5());
    const params = LENET_KERNELS.reduce((a, b) => a + b) + 32 + 64 + 512 + 10;
    assert.equal(s.totals.params, params);
    assert.equal(s.totals.trainableParams, params);
    assert.equal(s.totals.weightMemoryBits, 32 * params);
    assert.equal(s.totals.memoryCompression, 1);
    assert.equal(s.totals.macs, 4267008);
    assert.deepEqual(s.totals.macsByPrecision, [
      { precision: "32x32", weightBits: 32, activationBits: 32, macs: 4267008 },
    ]);
    assert.deepEqual(
      s.rows.filter((r) => r.macs > 0).map((r) => r.macs),
      LENET_MACS,
    );
    assert.deepEqual(
      s.rows.map((r) => r.kind),
      ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"],
    );
    assert.deepEqual(
      s.rows.map((r) => r.outputShape),
      [[24, 24, 32], [12, 12, 32], [8, 8, 64], [4, 4, 64], [1024], [512], [10]],
    );
    assert.ok(
      s.rows.every(
        (r) => r.bits.weight === 32 && r.bits.activation === 32 && r.bits.gradient === 32 && r.bits.error === 32,
      ),
    );
  });

  test("WAGE LeNet-5 2-8-8-8: an 8-bit input, 2-bit kernels, every product 2x8, pooling inside the convolutions", () => {
    const s = summary(wageLeNet5());
    const params = LENET_KERNELS.reduce((a, b) => a + b); // no biases
    assert.equal(s.totals.params, params);
    assert.equal(s.totals.weightMemoryBits, 2 * params);
    assert.equal(s.totals.weightMemoryBytes, params / 4);
    assert.equal(s.totals.memoryCompression, 16);
    assert.equal(s.totals.macs, 4267008);
    assert.deepEqual(
      s.rows.filter((r) => r.macs > 0).map((r) => r.macs),
      LENET_MACS,
    );
    assert.deepEqual(
      s.totals.macsByPrecision.map((g) => [g.precision, g.macs]),
      [["2x8", 4267008]],
    );
    assert.deepEqual(
      s.rows.map((r) => r.kind),
      ["QuantActivation", "QuantConv2d", "QuantConv2d", "Flatten", "QuantDense", "QuantDense"],
    );
    assert.deepEqual(
      s.rows.map((r) => r.outputShape),
      [[28, 28, 1], [12, 12, 32], [4, 4, 64], [1024], [512], [10]],
    );
    const conv0 = s.rows[1];
    assert.deepEqual(
      {
        layer: conv0.layer,
        params: conv0.params,
        bits: conv0.bits,
        weightMemoryBits: conv0.weightMemoryBits,
        macs: conv0.macs,
      },
      {
        layer: "conv0",
        params: 800,
        bits: { weight: 2, activation: 8, gradient: 8, error: 8 },
        weightMemoryBits: 1600,
        macs: 460800,
      },
    );
    assert.deepEqual(
      s.rows.map((r) => r.bits.activation),
      [8, 8, 8, 8, 8, 8],
    );
    const text = s.toString();
    assert.match(text, /conv0 \(QuantConv2d\)\s+\[12, 12, 32\]\s+800\s+2\/8\/8\/8\s+200 B\s+460,800 2x8/);
    assert.match(text, /total\s+581,408\s+141\.95 KiB\s+4,267,008: 4,267,008 2x8/);
    assert.match(text, /16\.00x the memory/);
    // The paper's variant keeps the pools as layers of their own.
    assert.deepEqual(
      summary(wageLeNet5({ variant: "paper" })).rows.map((r) => r.kind),
      [
        "QuantActivation",
        "QuantConv2d",
        "MaxPooling2D",
        "QuantConv2d",
        "MaxPooling2D",
        "Flatten",
        "QuantDense",
        "QuantDense",
      ],
    );
  });

  test("BNN MLP: 1-bit kernels, float batch norm, 1x32 in the first layer and 1x1 after sign", () => {
    const s = summary(qnnMlp({ hidden: [64, 32] }));
    const kernels = 784 * 64 + 64 * 32 + 32 * 10,
      bn = 4 * (64 + 32 + 10);
    assert.equal(s.totals.params, kernels + bn);
    assert.equal(s.totals.trainableParams, kernels + bn / 2);
    assert.equal(s.totals.weightMemoryBits, kernels + 32 * bn);
    assert.deepEqual(
      s.totals.macsByPrecision.map((g) => [g.precision, g.macs]),
      [
        ["1x32", 784 * 64],
        ["1x1", 64 * 32 + 32 * 10],
      ],
    );
    assert.deepEqual(
      s.rows.filter((r) => r.kind === "QuantActivation").map((r) => r.bits.activation),
      [1, 1],
    );
    assert.equal(
      summary(qnnMlp({ hidden: [64], weightBits: 2, activationBits: 4 })).totals.macsByPrecision[1].precision,
      "2x4",
    );
  });

  test("character LSTM: (input + units) x 4 units MACs per step, times the sequence length", () => {
    const q = () => ({
      weight: formatQuantizer(fixedPoint({ bits: 4, frac: 3 })),
      activation: formatQuantizer(fixedPoint({ bits: 4, frac: 3 })),
    });
    const [vocab, hidden, T] = [30, 16, 12];
    const s = summary(charLstm({ vocab, hidden, layers: 2, sequenceLength: T, quant: q }));
    const emb = vocab; // one-hot input
    const lstm = s.rows.filter((r) => r.kind === "QuantLstm");
    assert.deepEqual(
      lstm.map((r) => r.params),
      [(emb + hidden) * 4 * hidden + 4 * hidden, 2 * hidden * 4 * hidden + 4 * hidden],
    );
    // The one-hot input is float32: the first LSTM's input product is 4x32, its recurrent one 4x4.
    assert.deepEqual(
      lstm[0].macsByPrecision.map((g) => [g.precision, g.macs]),
      [
        ["4x32", T * emb * 4 * hidden],
        ["4x4", T * hidden * 4 * hidden],
      ],
    );
    assert.deepEqual(
      lstm[1].macsByPrecision.map((g) => [g.precision, g.macs]),
      [["4x4", T * 2 * hidden * 4 * hidden]],
    );
    assert.equal(s.rows[s.rows.length - 1].macs, T * hidden * vocab);
    assert.equal(lstm[0].weightMemoryBits, 4 * (emb + hidden) * 4 * hidden + 32 * 4 * hidden);
  });

  test("a bad inputBits is a clear error", () => {
    assert.throws(
      () => summary(lenet5(), { inputBits: 0 }),
      /summary inputBits must be an integer in \[1, 32\]; got 0/,
    );
  });
});
