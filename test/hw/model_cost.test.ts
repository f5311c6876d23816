/**
 * cost(model, { batch, phase }): the formats a lowbit model uses, read from its quantizers, its
 * layers' accumulation and its training formats, give exactly the figures of the paper's preset
 * where the model is that configuration (WAGE, DFP8, SQ-BWN/TWN), and differ where the preset
 * simplifies (QNN's logits); accumulators, missing formats, JSON-parsed formats.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type * as tf from "lowbit/tf";
import {
  charLstm,
  dfpQuantizer,
  fixedPoint,
  FP8_E4M3,
  floatingPoint,
  formatQuantizer,
  initBackend,
  lenet5,
  qnnMlp,
  quantLeNet5,
  seq2seq,
  vggNet,
  wageLeNet5,
  scaled,
} from "lowbit";
import { integer, powerOfTwoScale } from "lowbit/quant";
import { setTrainingFormats, sqWeight, trainingFormats } from "lowbit/layers";
import { cost, type CostReport, HW_CONFIGS, hwConfig, operandBits, operandName, operandOf } from "lowbit/hw";

/** Every figure of two reports, layer by layer and in total (the config aside). */
function assertSameFigures(a: CostReport, b: CostReport): void {
  assert.deepEqual(a.layers, b.layers);
  assert.deepEqual(a.total, b.total);
  assert.deepEqual(a.macsByPrecision, b.macsByPrecision);
  assert.equal(a.batch, b.batch);
  assert.equal(a.phase, b.phase);
}

/** cost of `model` in its own formats and in `preset`, both phases; the model disposed after. */
function bothWays(model: tf.LayersModel, preset: string, batch = 64): { own: CostReport; config: CostReport }[] {
  try {
    return (["training", "inference"] as const).map((phase) => ({
      own: cost(model, { batch, phase }),
      config: cost(model, preset, { batch, phase }),
    }));
  } finally {
    model.dispose();
  }
}

describe("cost(model, { batch, phase }): the model's own formats", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("wageLeNet5 gives exactly the wage-2888 preset's figures, per layer and in total", () => {
    for (const { own, config } of bothWays(wageLeNet5({ seed: 3 }), "wage-2888")) {
      assertSameFigures(own, config);
      assert.equal(own.config, undefined);
    }
    const r = cost(wageLeNet5(), { batch: 64, phase: "training" });
    assert.deepEqual(r.layers[1].operands, {
      weight: "int2",
      input: "int8",
      output: "int8",
      error: "int8",
      inputError: "int8",
      gradient: "int8",
      master: "int8",
    });
    assert.deepEqual(
      r.layers[1].gemms.map((g) => `${g.gemm} ${g.a} x ${g.b} -> ${g.accumulator}`),
      ["FWD int2 x int8 -> int19", "BWD int2 x int8 -> int20", "GRAD int8 x int8 -> int28"],
    );
    // By its registered name: the zoo builds wageLeNet5() and reads its formats.
    assertSameFigures(
      cost("wage-lenet5", { batch: 64, phase: "training" }),
      cost("wage-lenet5", "wage-2888", { batch: 64, phase: "training" }),
    );
    // The paper's variant starts its master weights off the k_G grid: FP32 masters, so more update energy.
    const paper = cost(wageLeNet5({ variant: "paper" }), { batch: 64, phase: "training" });
    assert.equal(paper.layers[0].operands.master, "fp32");
    assert.ok(paper.total.updatePj > r.total.updatePj && paper.total.computePj === r.total.computePj);
  });

  test("a DFP8 LeNet (every W, A, G, E in dfpQuantizer, 8-bit pixels, DFP8 master weights) gives the dfp8 preset's figures", () => {
    const build = () => {
      let seed = 0;
      const q = () => dfpQuantizer({ bits: 8 }, { rounding: "stochastic", seed: seed++ });
      const model = quantLeNet5(() => ({ quant: { weight: q(), activation: q(), gradient: q(), error: q() } }));
      // MNIST pixels are 8-bit codes k / 255; storeQuantized(optimizer, () => q()) keeps the weights in DFP8.
      return setTrainingFormats(model, {
        input: integer({ bits: 8, scale: 1 / 255, signed: false }),
        master: fixedPoint({ bits: 8, frac: 0 }),
      });
    };
    for (const { own, config } of bothWays(build(), "dfp8")) assertSameFigures(own, config);
  });

  test("vggNet with SQ weights at ratio 1 gives the sq-bwn and sq-twn presets' figures; below 1 its weights are FP32", () => {
    for (const base of ["bwn", "twn"] as const) {
      const model = vggNet({ quant: (layer) => ({ weight: sqWeight({ base, seed: layer.index }) }) });
      for (const { own, config } of bothWays(model, `sq-${base}`, 32)) assertSameFigures(own, config);
    }
    const hybrid = vggNet({ quant: () => ({ weight: sqWeight({ base: "bwn", ratio: 0.5 }) }) });
    assert.equal(cost(hybrid, { batch: 8 }).layers[0].operands.weight, "fp32");
    hybrid.dispose();
  });

  test("qnnMlp against the bnn / qnn presets: equal but for the logits, which leave the last batch norm in FP32", () => {
    const settings: [string, { weightBits: number; activationBits: number }][] = [
      ["bnn", { weightBits: 1, activationBits: 1 }],
      ["qnn-w1a2", { weightBits: 1, activationBits: 2 }],
      ["qnn-w1a4", { weightBits: 1, activationBits: 4 }],
      ["qnn-w2a2", { weightBits: 2, activationBits: 2 }],
    ];
    const batch = 16;
    for (const [preset, bits] of settings) {
      const hw = HW_CONFIGS[preset];
      for (const { own, config } of bothWays(qnnMlp({ hidden: [64, 32], ...bits }), preset, batch)) {
        const last = own.layers.length - 1;
        assert.deepEqual(own.layers.slice(0, last), config.layers.slice(0, last), preset);
        assert.deepEqual(own.layers[last].gemms, config.layers[last].gemms);
        assert.equal(own.layers[last].operands.output, "fp32");
        assert.equal(config.layers[last].operands.output, operandName(hw.activation));
        // The only difference: 10 logits per example written at 32 bits rather than the preset's A bits.
        assert.equal(
          own.layers[last].memoryBits - config.layers[last].memoryBits,
          batch * 10 * (32 - operandBits(hw.activation)),
        );
      }
    }
  });

  test("a float model is the fp32 preset", () => {
    for (const { own, config } of bothWays(lenet5(), "fp32")) assertSameFigures(own, config);
  });

  test("a layer's accumulation option prices its accumulator on the GEMMs it emulates; the others stay exact", () => {
    const product = floatingPoint({ exp: 8, man: 5 });
    const model = quantLeNet5((i) => ({
      quant: { weight: formatQuantizer(FP8_E4M3), activation: formatQuantizer(FP8_E4M3) },
      accumulation:
        i === 1
          ? { product, accumulator: { mantissaBits: 10, exponentBits: 5 }, gemms: ["FWD", "GRAD"] }
          : { product, accumulator: { mantissaBits: 12 } },
    }));
    const r = cost(model, { batch: 8, phase: "training" });
    model.dispose();
    const accumulators = r.layers.map((l) => l.gemms.map((g) => `${g.gemm} ${g.accumulator}`).join(", "));
    // conv1 emulates FWD and GRAD in e5m10 (FP16); its BWD multiplies e4m3 by FP32 errors: FP32.
    // Without exponentBits the emulator's exponent is unbounded: priced with float32's 8 bits.
    assert.deepEqual(accumulators, [
      "FWD e8m12, GRAD e8m12",
      "FWD fp16, BWD fp32, GRAD fp16",
      "FWD e8m12, BWD e8m12, GRAD e8m12",
      "FWD e8m12, BWD e8m12, GRAD e8m12",
    ]);
  });

  test("a matrix-unit preset as accumulation is priced by its register: float32, or e8m13 for FP8 units", () => {
    const model = quantLeNet5((i) => ({
      quant: { weight: formatQuantizer(FP8_E4M3), activation: formatQuantizer(FP8_E4M3) },
      accumulation:
        i === 0
          ? { accumulator: "hopper-fp8", promoteEvery: 128, inputs: "round" }
          : { accumulator: "hopper-fp16", inputs: "round", gemms: ["FWD"] },
    }));
    const r = cost(model, { batch: 8, phase: "training" });
    model.dispose();
    const accumulators = r.layers.map((l) => l.gemms.map((g) => `${g.gemm} ${g.accumulator}`).join(", "));
    assert.deepEqual(accumulators[0], "FWD e8m13, GRAD e8m13");
    assert.deepEqual(accumulators[1], "FWD fp32, BWD fp32, GRAD fp32");
  });

  test("LSTMs and a functional encoder-decoder: the recurrent product takes the wider of input and output formats", () => {
    const q = (layer: { kind: string }) => ({
      weight: dfpQuantizer({ bits: 4, granularity: "channel" }),
      ...(layer.kind === "lstm" ? { activation: formatQuantizer(fixedPoint({ bits: 4, frac: 3 })) } : {}),
    });
    const lstm = charLstm({ vocab: 16, hidden: 8, sequenceLength: 5, quant: q });
    const r = cost(lstm, { batch: 4, phase: "training" });
    lstm.dispose();
    assert.deepEqual(
      r.layers.map((l) => [l.layer, l.kind, l.operands.weight, l.operands.input, l.operands.output]),
      [
        ["lstm0", "lstm", "int4", "fp32", "int4"],
        ["lstm1", "lstm", "int4", "int4", "int4"],
        ["dense2", "dense", "int4", "int4", "fp32"],
      ],
    );
    const s2s = seq2seq({ sourceVocab: 6, targetVocab: 7, sourceLength: 3, targetLength: 4, hidden: 8, quant: q });
    const t = cost(s2s, { batch: 2, phase: "training" });
    s2s.dispose();
    assert.deepEqual(
      t.layers.map((l) => [l.layer, l.operands.input, l.operands.output]),
      [
        ["encoder", "fp32", "int4"],
        ["decoder", "fp32", "int4"],
        ["output", "int4", "fp32"],
      ],
    );
  });

  test("formats survive JSON: hwConfig, presets and training formats parsed back price the same", () => {
    const formats = {
      weight: fixedPoint({ bits: 4, frac: 3, symmetric: true }),
      activation: FP8_E4M3,
      input: integer({ bits: 8, scale: 1 / 255, signed: false }),
      accumulator: floatingPoint({ exp: 8, man: 7 }),
      master: floatingPoint({ exp: 5, man: 10 }),
    };
    const parsed = hwConfig(JSON.parse(JSON.stringify(formats)));
    assert.deepEqual(parsed, hwConfig(formats));
    assert.deepEqual(
      cost("lenet5", parsed, { phase: "training" }).total,
      cost("lenet5", hwConfig(formats), { phase: "training" }).total,
    );
    const preset = JSON.parse(JSON.stringify(HW_CONFIGS["wage-2888"]));
    assert.deepEqual(
      cost("lenet5", preset, { phase: "training" }).total,
      cost("lenet5", "wage-2888", { phase: "training" }).total,
    );
    const wage = wageLeNet5();
    const recorded = JSON.parse(JSON.stringify(trainingFormats(wage)));
    assert.deepEqual(recorded, { master: fixedPoint({ bits: 8, frac: 7, symmetric: true }), shiftUpdate: true });
    const before = cost(wage, { phase: "training" });
    setTrainingFormats(wage, recorded);
    assertSameFigures(cost(wage, { phase: "training" }), before);
    wage.dispose();
  });

  test("a scaled format is its element's operand", () => {
    const perChannel = scaled({
      element: fixedPoint({ bits: 4, frac: 0 }),
      scale: { rule: "max" },
      scaleFormat: powerOfTwoScale({ rounding: "floor" }),
      granularity: { kind: "channel", axis: -1 },
    });
    assert.deepEqual(operandOf("weight", perChannel), { kind: "int", bits: 4 });
    assert.deepEqual(hwConfig({ weight: JSON.parse(JSON.stringify(perChannel)) }).weight, { kind: "int", bits: 4 });
  });

  test("bad input: no config for a name, unknown options, a quantizer without a format, bad training formats", () => {
    assert.throws(
      () => cost("lenet5", { phase: "training" }),
      (e: Error) =>
        e instanceof TypeError &&
        /cost needs a configuration .* for a network given as data \(a NetworkSpec or a spec's name\)/.test(e.message),
    );
    assert.throws(
      () => cost("resnet50", { phase: "training" }),
      /cost network must be one of "resnet32", .*; got "resnet50"/,
    );
    const model = quantLeNet5(() => ({
      quant: { weight: { label: "mine", bits: 3, calls: 0, apply: (x: tf.Tensor) => x.clone() } },
    }));
    assert.throws(
      () => cost(model, { batch: 2 }),
      (e: Error) =>
        e instanceof TypeError &&
        /layer conv0's weight quantizer "mine" declares no format; give cost a configuration/.test(e.message),
    );
    assert.equal(cost(model, "fp32", { batch: 2 }).config!.name, "fp32"); // an explicit configuration still prices it
    assert.throws(
      () => cost(model, { bacth: 2 } as never),
      /cost options has an unknown entry "bacth"; allowed: batch, phase, fpga, dramPj64/,
    );
    assert.throws(
      () => setTrainingFormats(model, { inputs: FP8_E4M3 } as never),
      /setTrainingFormats has an unknown entry "inputs"; allowed: input, master, shiftUpdate/,
    );
    assert.throws(
      () => setTrainingFormats(model, { master: 8 } as never),
      (e: Error) => e instanceof TypeError && /setTrainingFormats master must be a format value/.test(e.message),
    );
    // The formats are checked whole, as everywhere a format enters (checkFormat).
    assert.throws(
      () => setTrainingFormats(model, { input: { kind: "fixed", bits: 99, frac: 0 } } as never),
      /setTrainingFormats input: fixedPoint bits must be an integer in \[1, 64\]; got 99/,
    );
    assert.throws(() => setTrainingFormats(model, { shiftUpdate: "yes" } as never), /shiftUpdate must be a boolean/);
    model.dispose();
    // An unknown kind is refused where it is recorded, before cost reads it.
    const float = lenet5();
    assert.throws(
      () => setTrainingFormats(float, { master: { kind: "nibble" } as never }),
      /setTrainingFormats master kind must be one of "fixed", "float", .*; got "nibble"/,
    );
    float.dispose();
  });
});
