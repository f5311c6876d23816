/**
 * cost(model, config): MACs, GEMM lengths, energies and FPGA units of LeNet-5 against numbers
 * written from the architecture and the published table; the tfjs model and lib/accum's plain
 * spec of the same network agree; orderings the papers claim; bad input.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend, lenet5 } from "lowbit";
import { networkNames, registeredNetwork } from "lowbit/models";
import { cost, HW_CONFIGS, hwConfig, intOperand, FP16_OPERAND } from "lowbit/hw";

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);
// LeNet-5 32C5-MP2-64C5-MP2-512FC-10: forward MACs per example and kernel sizes per layer.
const MACS = [460800, 3276800, 524288, 5120];
const KERNELS = [800, 51200, 524288, 5120];
const M = MACS.reduce((a, b) => a + b);

describe("cost", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("LeNet-5 FP32 inference: MACs, bit ops, compute energy and memory by hand", () => {
    const r = cost("lenet5", "fp32", { batch: 64 });
    assert.deepEqual(
      r.layers.map((l) => l.layer),
      ["conv1", "conv2", "fc1", "fc2"],
    );
    assert.deepEqual(
      r.layers.map((l) => l.macs),
      MACS,
    );
    assert.equal(r.total.macs, 4267008);
    assert.equal(r.total.bitOps, 4267008 * 32 * 32);
    assert.deepEqual(
      r.layers.map((l) => l.gemms.map((g) => `${g.gemm} ${g.n}`)),
      [["FWD 25"], ["FWD 800"], ["FWD 1024"], ["FWD 512"]],
    );
    close(r.total.computePj, 64 * M * (3.7 + 0.9));
    assert.equal(r.total.updatePj, 0);
    assert.deepEqual(r.macsByPrecision, [{ precision: "fp32 x fp32", macs: M }]);
    // conv0 traffic: 800 weights (3.2 KB, 8 KB SRAM), 64 x 784 inputs (196 KiB, 1 MB SRAM),
    // 64 x 24 x 24 x 32 outputs (4.5 MiB, DRAM at 1950 pJ), all FP32.
    const bits = [800 * 32, 64 * 784 * 32, 64 * 18432 * 32];
    close(r.layers[0].memoryBits, bits[0] + bits[1] + bits[2]);
    close(r.layers[0].memoryPj, (bits[0] / 64) * 10 + (bits[1] / 64) * 100 + (bits[2] / 64) * 1950);
    assert.equal(r.layers[2].weightLevel, "DRAM"); // 2 MB of FP32 weights
    close(r.total.energyPj, r.total.computePj + r.total.memoryPj);
    close(r.total.energyPerExamplePj, r.total.energyPj / 64);
    // conv0's unit: PE 16 (of 32 outputs) x SIMD 16 (of 25 inputs), 24-bit mantissas on two DSP48E2 each.
    const unit = r.layers[0].gemms[0].fpga;
    assert.equal(unit.dsps, 16 * 16 * 2);
    assert.equal(unit.cycles, 64 * 576 * Math.ceil(25 / 16) * Math.ceil(32 / 16));
    assert.equal(unit.approximate, true);
  });

  test("training: FWD + BWD (not for the first layer) + GRAD, GRAD over the batch, the update", () => {
    const r = cost("lenet5", "fp32", { phase: "training", batch: 32 });
    assert.equal(r.total.macs, 3 * M - MACS[0]);
    assert.deepEqual(
      r.layers[0].gemms.map((g) => g.gemm),
      ["FWD", "GRAD"],
    );
    assert.deepEqual(
      r.layers[1].gemms.map((g) => [g.gemm, g.n]),
      [
        ["FWD", 800],
        ["BWD", 1600],
        ["GRAD", 32 * 64],
      ],
    );
    assert.deepEqual(
      r.layers[3].gemms.map((g) => [g.gemm, g.n]),
      [
        ["FWD", 512],
        ["BWD", 10],
        ["GRAD", 32],
      ],
    );
    close(r.total.computePj, 32 * (3 * M - MACS[0]) * 4.6);
    close(r.total.updatePj, KERNELS.reduce((a, b) => a + b) * (3.7 + 0.9));
    const inference = cost("lenet5", "fp32", { batch: 32 });
    assert.ok(r.total.memoryPj > inference.total.memoryPj && r.total.energyPj > 2 * inference.total.energyPj);
  });

  test("WAGE 2-8-8-8: exact integer accumulators per GEMM, shift-and-add update", () => {
    const r = cost("lenet5", "wage-2888", { phase: "training", batch: 64 });
    const conv1 = r.layers[1].gemms;
    assert.deepEqual(
      conv1.map((g) => `${g.gemm} ${g.a} x ${g.b} -> ${g.accumulator}`),
      ["FWD int2 x int8 -> int19", "BWD int2 x int8 -> int20", "GRAD int8 x int8 -> int28"],
    );
    // FWD: a 2 x 8 multiply (16 cells: 0.2 pJ x 16 / 64, the a x b law below 8 x 8) and a 19-bit
    // add (between the 16- and 32-bit points, 0.05 -> 0.1 is exactly linear: 0.05 x 19 / 16).
    close(conv1[0].macEnergyPj, (0.2 * 16) / 64 + (0.05 * 19) / 16);
    close(r.total.updatePj, KERNELS.reduce((a, b) => a + b) * 0.03); // one 8-bit add per weight
    assert.equal(r.total.weightBytes, (KERNELS.reduce((a, b) => a + b) * 2) / 8);
    assert.equal(r.layers[2].weightLevel, "SRAM 1 MB"); // 128 KiB at 2 bits
    // FWD and BWD multiply W x A or W x E (int2 x int8; no BWD for conv0), GRAD E x A (int8 x int8).
    assert.deepEqual(r.macsByPrecision, [
      { precision: "int2 x int8", macs: 2 * M - MACS[0] },
      { precision: "int8 x int8", macs: M },
    ]);
  });

  test("the papers' orderings: WAGE < FP16 < FP32 per step; binary MACs far below FP32", () => {
    const step = (c: string) => cost("lenet5", c, { phase: "training" }).total;
    const [fp32, fp16, wage, dfp8, bnn] = ["fp32", "fp16", "wage-2888", "dfp8", "bnn"].map(step);
    assert.ok(wage.energyPj < dfp8.energyPj && dfp8.energyPj < fp16.energyPj && fp16.energyPj < fp32.energyPj);
    const infer = (c: string) => cost("lenet5", c).total;
    assert.ok(infer("bnn").computePj < infer("qnn-w1a2").computePj);
    assert.ok(infer("bnn").computePj < 0.2 * infer("fp32").computePj);
    assert.ok(bnn.computePj < fp32.computePj);
    assert.ok(infer("wage-2888").luts < infer("dfp8").luts);
  });

  test("the tfjs lenet5() and the registered LeNet-5 spec give the same figures, layer by layer", () => {
    const model = lenet5();
    const fromModel = cost(model, "dfp8", { phase: "training", batch: 64 });
    const fromSpec = cost("lenet5", "dfp8", { phase: "training" });
    model.dispose();
    assert.equal(fromSpec.batch, 64);
    assert.deepEqual(
      fromModel.layers.map((l) => l.gemms.map((g) => [g.n, g.macs, g.accumulator])),
      fromSpec.layers.map((l) => l.gemms.map((g) => [g.n, g.macs, g.accumulator])),
    );
    // The spec gives LeNet-5's input sizes (28x28, 12x12 after the first pool): the traffic agrees too.
    fromModel.layers.forEach((l, i) => {
      const { layer: _a, gemms: _b, ...figures } = l;
      const { layer: _c, gemms: _d, ...specFigures } = fromSpec.layers[i];
      assert.deepEqual(figures, specFigures);
    });
  });

  test("every model and preset: totals are the sums of the layers", () => {
    for (const name of networkNames()) {
      for (const config of ["fp32", "wage-2888", "bnn", "sq-twn"]) {
        const r = cost(name, config, { phase: "training", batch: 8 });
        for (const key of ["macs", "computePj", "memoryPj", "updatePj", "luts", "dsps", "ramb18", "cycles"] as const) {
          close(
            r.total[key],
            r.layers.reduce((s, l) => s + l[key], 0),
          );
        }
        assert.ok(Number.isFinite(r.total.energyPj) && r.total.energyPj > 0, `${name} ${config}`);
      }
    }
    const resnet18 = cost("resnet18", "fp32");
    const macs = registeredNetwork("resnet18").layers.reduce(
      (s, l) => s + l.cIn * l.k * l.k * l.cOut * l.hOut * l.wOut,
      0,
    );
    assert.equal(resnet18.total.macs, macs);
    assert.ok(Math.abs(macs / 1.82e9 - 1) < 0.01); // ResNet-18's well-known 1.8 G multiply-adds
    assert.deepEqual(networkNames(), [
      "resnet32",
      "resnet18",
      "alexnet",
      "lenet5",
      "vgg7",
      "wage-lenet5",
      "qnn-mlp",
      "vgg-net",
      "char-lstm",
    ]);
  });

  test("custom configs: any quant format or operand per tensor", () => {
    const c = hwConfig({
      name: "int4",
      weight: intOperand(4),
      activation: intOperand(4),
      input: intOperand(8),
      accumulator: intOperand(24),
    });
    const r = cost("lenet5", c);
    assert.equal(r.config.name, "int4");
    assert.deepEqual(
      r.layers[1].gemms.map((g) => `${g.a} x ${g.b} -> ${g.accumulator}`),
      ["int4 x int4 -> int24"],
    );
    const half = cost("lenet5", hwConfig({ weight: FP16_OPERAND, activation: FP16_OPERAND, input: FP16_OPERAND }));
    assert.equal(half.layers[0].gemms[0].accumulator, "fp16");
  });

  test("rows and DataFrame: one row per layer and a total, energies in uJ", () => {
    const r = cost("lenet5", "wage-2888", { phase: "training" });
    const rows = r.rows();
    assert.deepEqual(
      rows.map((x) => x.layer),
      ["conv1", "conv2", "fc1", "fc2", "total"],
    );
    close(rows[4].energyUJ as number, r.total.energyPj / 1e6);
    const df = r.toDataFrame() as { columns: string[]; shape: number[] };
    assert.deepEqual(df.shape, [5, Object.keys(rows[0]).length]);
    assert.ok(df.columns.includes("luts") && df.columns.includes("nJPerExample"));
  });

  test("building named models leaks no tensors", () => {
    cost("lenet5", "fp32");
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) cost("vgg-net", "bnn", { phase: "training" });
    assert.equal(tf.memory().numTensors, before);
  });

  test("bad input: clear errors naming the parameter and the choices", () => {
    assert.throws(
      () => cost("resnet50", "fp32"),
      /cost network must be one of "resnet32", .*"lenet5", .*"char-lstm" or a NetworkSpec; got "resnet50"/,
    );
    assert.throws(
      () => cost("lenet5", "int3"),
      (e: Error) =>
        e instanceof RangeError &&
        /cost config must be one of "fp32", "fp16", .*"wage-2888".*; got "int3"/.test(e.message),
    );
    assert.throws(
      () => cost("lenet5", "fp32", { phase: "train" as never }),
      /cost phase must be one of "inference", "training"; got "train"/,
    );
    assert.throws(
      () => cost("lenet5", "fp32", { batch: 0 }),
      /cost batch must be an integer in \[1, 2\^53 - 1\]; got 0/,
    );
    assert.throws(
      () => cost("lenet5", "fp32", { fpga: { pe: 0 } }),
      /cost fpga.pe must be an integer in \[1, 2\^53 - 1\]/,
    );
    assert.throws(
      () => cost("lenet5", "fp32", { fpga: { device: "dsp58" as never } }),
      /cost fpga.device must be one of "dsp48e1", "dsp48e2"; got "dsp58"/,
    );
    assert.throws(() => cost("lenet5", "fp32", { dramPj64: 0 }), /dramPj64 must be a positive finite number; got 0/);
    assert.throws(() => cost(42 as never, "fp32"), TypeError);
    assert.throws(() => cost("lenet5", { weight: 8 } as never), TypeError);
    assert.throws(() => hwConfig({ weight: { kind: "nibble" } as never }), /hwConfig weight kind must be one of/);
    assert.throws(
      () =>
        cost(
          { name: "x", dataset: "", batch: 1, layers: [{ name: "l", cIn: 0, cOut: 1, k: 1, hOut: 1, wOut: 1 }] },
          "fp32",
        ),
      /layer l cIn must be an integer in \[1, 2\^53 - 1\]/,
    );
    assert.equal(Object.keys(HW_CONFIGS).length, 12);
  });
});
