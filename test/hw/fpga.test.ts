/** FPGA resource formulas against cases computed by hand from FINN-R's published estimates, UG573 and the DSP sizes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  adderTreeLuts,
  BINARY_OPERAND,
  dspsPerMultiply,
  FP32_OPERAND,
  intOperand,
  lutMultiplierLuts,
  mvauResources,
  popcountTreeLuts,
  ramb18Count,
} from "lowbit/hw";
import { multiplierTarget } from "../../lib/dist/hw/dsp";

test("LUT multiplier (2 ceil((W+A)/6) - 1)(W+A) and adder tree (W+A)(2 SIMD - 1)", () => {
  assert.equal(lutMultiplierLuts(4, 4), 3 * 8);
  assert.equal(lutMultiplierLuts(8, 8), 5 * 16);
  assert.equal(lutMultiplierLuts(2, 8), 3 * 10);
  assert.equal(lutMultiplierLuts(1, 1), 2);
  assert.equal(lutMultiplierLuts(3, 3), 6);
  assert.equal(adderTreeLuts(16, 4, 4), 8 * 31);
  assert.equal(adderTreeLuts(1, 8, 8), 16);
});

test("popcount tree: 2n - log2(n) - 2 LUTs for n a power of two, hand counts otherwise", () => {
  for (let l = 0; l <= 12; l++) assert.equal(popcountTreeLuts(2 ** l), 2 * 2 ** l - l - 2, `n = 2^${l}`);
  assert.equal(popcountTreeLuts(1), 0);
  assert.equal(popcountTreeLuts(3), 1 + 2); // (1+1) -> 2 bits, + the odd bit
  assert.equal(popcountTreeLuts(5), 2 + 2 + 3); // two 1-bit adders, one 2-bit, one 3-bit
});

test("DSP blocks: two 8-bit products per DSP48E2, tiles of 27x18 / 25x18 beyond", () => {
  assert.equal(dspsPerMultiply(8, 8), 0.5);
  assert.equal(dspsPerMultiply(4, 8, "dsp48e2"), 0.5);
  assert.equal(dspsPerMultiply(8, 8, "dsp48e1"), 1);
  assert.equal(dspsPerMultiply(16, 16), 1);
  assert.equal(dspsPerMultiply(27, 18), 1);
  assert.equal(dspsPerMultiply(18, 27), 1);
  assert.equal(dspsPerMultiply(24, 24), 2); // FP32's mantissa
  assert.equal(dspsPerMultiply(32, 32, "dsp48e1"), 4);
  assert.equal(multiplierTarget(8), "lut"); // hls4ml: no DSP below 9-bit weights
  assert.equal(multiplierTarget(9), "dsp");
  assert.equal(multiplierTarget(2, "dsp"), "dsp");
  assert.throws(
    () => dspsPerMultiply(8, 8, "dsp58" as never),
    /dspsPerMultiply device must be one of "dsp48e1", "dsp48e2"; got "dsp58"/,
  );
  assert.throws(() => multiplierTarget(8, "gpu" as never), /multiplier mapping must be one of "auto", "lut", "dsp"/);
});

test("RAMB18 count: the best of UG573's aspect ratios", () => {
  assert.equal(ramb18Count(1024, 18), 1);
  assert.equal(ramb18Count(512, 36), 1);
  assert.equal(ramb18Count(1024, 36), 2);
  assert.equal(ramb18Count(16384, 1), 1);
  assert.equal(ramb18Count(16385, 1), 2); // 2 x 16K x 1 beats 3 x 8K x 2
  assert.equal(ramb18Count(100, 72), 2);
  assert.equal(ramb18Count(2048, 9), 1);
  assert.equal(ramb18Count(0, 8), 0);
  assert.throws(() => ramb18Count(10, 0), /ramb18Count width must be an integer in \[1, 2\^53 - 1\]; got 0/);
});

test("a 4-bit PE 4 x SIMD 8 unit, by hand", () => {
  const r = mvauResources({
    pe: 4,
    simd: 8,
    matrixWidth: 64,
    matrixHeight: 16,
    weight: intOperand(4),
    input: intOperand(4),
  });
  // mult 8 x 24, adder 8 x 15, accumulator 14 bits (alpha = 6 + 4 + 4 - 2 = 12); 300 + 1.1 x 4 x 326.
  assert.equal(r.accumulatorBits, 14);
  assert.equal(r.luts, Math.round(300 + 1.1 * 4 * (192 + 120 + 14)));
  assert.equal(r.dsps, 0);
  assert.equal(r.ffs, 4 * (8 * 8 + 14));
  // 8 x 4 = 32 words of 4 x 8 x 4 = 128 bits: four 512 x 36 blocks.
  assert.equal(r.ramb18, 4);
  assert.equal(r.cycles, 32);
  assert.equal(r.multiplier, "lut");
  assert.equal(r.approximate, false);
});

test("16-bit products go to DSPs; 8-bit ones pack two per DSP when forced", () => {
  const wide = mvauResources({
    pe: 4,
    simd: 4,
    matrixWidth: 64,
    matrixHeight: 64,
    weight: intOperand(16),
    input: intOperand(16),
  });
  assert.equal(wide.multiplier, "dsp");
  assert.equal(wide.dsps, 16);
  assert.equal(wide.luts, Math.round(300 + 1.1 * 4 * (0 + 32 * 7 + wide.accumulatorBits)));
  const packed = mvauResources({
    pe: 4,
    simd: 4,
    matrixWidth: 64,
    matrixHeight: 64,
    weight: intOperand(8),
    input: intOperand(8),
    mapping: "dsp",
  });
  assert.equal(packed.dsps, 8);
  const e1 = mvauResources({
    pe: 3,
    simd: 3,
    matrixWidth: 9,
    matrixHeight: 3,
    weight: intOperand(8),
    input: intOperand(8),
    mapping: "dsp",
    device: "dsp48e1",
  });
  assert.equal(e1.dsps, 9);
});

test("binary lanes are XNOR + popcount, and cost fewer LUTs than 2-bit lanes", () => {
  const bin = mvauResources({
    pe: 2,
    simd: 16,
    matrixWidth: 256,
    matrixHeight: 8,
    weight: BINARY_OPERAND,
    input: BINARY_OPERAND,
  });
  assert.equal(bin.multiplier, "xnor");
  assert.equal(bin.accumulatorBits, 10); // ceil(log2(257) + 1)
  assert.equal(bin.luts, Math.round(300 + 1.1 * 2 * (16 + 26 + 10)));
  const two = mvauResources({
    pe: 2,
    simd: 16,
    matrixWidth: 256,
    matrixHeight: 8,
    weight: intOperand(2),
    input: intOperand(2),
  });
  assert.ok(bin.luts < two.luts && bin.ffs < two.ffs && bin.ramb18 <= two.ramb18);
});

test("float operands: mantissa datapath only, flagged approximate; storage width for training", () => {
  const f = mvauResources({
    pe: 2,
    simd: 2,
    matrixWidth: 16,
    matrixHeight: 2,
    weight: FP32_OPERAND,
    input: FP32_OPERAND,
  });
  assert.equal(f.approximate, true);
  assert.equal(f.accumulatorBits, 32);
  assert.equal(f.dsps, 2 * 2 * 2);
  const master = mvauResources({
    pe: 1,
    simd: 1,
    matrixWidth: 1024,
    matrixHeight: 1,
    weight: intOperand(2),
    input: intOperand(8),
    storageBits: 32,
  });
  assert.equal(master.ramb18, 2); // 1024 words of 32 bits: two blocks (1K x 18 or 512 x 36)
  const none = mvauResources({
    pe: 1,
    simd: 1,
    matrixWidth: 1024,
    matrixHeight: 1,
    weight: intOperand(2),
    input: intOperand(8),
    storageBits: 0,
  });
  assert.equal(none.ramb18, 0);
});

test("bad unit shapes are RangeErrors naming the parameter", () => {
  const base = { pe: 1, simd: 1, matrixWidth: 8, matrixHeight: 8, weight: intOperand(8), input: intOperand(8) };
  assert.throws(
    () => mvauResources({ ...base, pe: 0 }),
    /mvauResources pe must be an integer in \[1, 2\^53 - 1\]; got 0/,
  );
  assert.throws(() => mvauResources({ ...base, simd: 1.5 }), /mvauResources simd must be an integer/);
  assert.throws(
    () => mvauResources({ ...base, accumulatorBits: 0 }),
    /mvauResources accumulatorBits must be an integer in \[1, 128\]/,
  );
  assert.throws(() => mvauResources(null as never), TypeError);
});
