/**
 * Formats are plain JSON data: a format read back from JSON is accepted wherever the format is
 * (quantize, formatQuantizer, operandOf) and gives the same results; values that are not formats
 * give typed errors naming the argument and the field.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import {
  BF16,
  blockFloatingPoint,
  checkFormat,
  fixedPoint,
  floatingPoint,
  type Format,
  formatLabel,
  formatQuantizer,
  FP16,
  FP8_E4M3,
  initBackend,
  powerOfTwo,
  quantize,
  scaled,
} from "lowbit";
import {
  binary,
  E8M0,
  exponentScale,
  FORMAT_KINDS,
  formatArithmetic,
  formatBits,
  FP8_E5M2FNUZ,
  integer,
  OCP_E4M3,
  p3109,
  ternary,
} from "lowbit/quant";
import { operandOf } from "lowbit/hw";

const FORMATS: Format[] = [
  fixedPoint({ bits: 8, frac: 4 }),
  fixedPoint({ bits: 6, frac: -2, symmetric: true }),
  FP16,
  BF16,
  FP8_E4M3,
  floatingPoint({ exp: 4, man: 2, subnormals: false, saturate: false }),
  integer({ bits: 5, scale: 0.1, signed: false }),
  powerOfTwo({ bits: 5, maxExponent: 3 }),
  binary(),
  binary({ stochastic: true }),
  ternary({ threshold: 0.5 }),
  blockFloatingPoint({ bits: 8, blockSize: 4 }),
  blockFloatingPoint({ bits: 6, axis: 1 }),
  E8M0,
  OCP_E4M3,
  FP8_E5M2FNUZ,
  p3109({ bits: 8, precision: 3, saturation: "propagate" }),
  scaled({
    element: fixedPoint({ bits: 8, frac: 0 }),
    scale: { rule: "max", target: 64 },
    scaleFormat: exponentScale({ bits: 8 }),
    granularity: { kind: "block", axis: -1, size: 4 },
  }),
];

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

test("every kind is in FORMAT_KINDS, and checkFormat(JSON round trip) equals the format", () => {
  assert.deepEqual(new Set(FORMATS.map((f) => f.kind)), new Set(FORMAT_KINDS));
  for (const f of FORMATS) assert.deepEqual(checkFormat("f", JSON.parse(JSON.stringify(f))), f);
});

test("a format read back from JSON gives the same bits in quantize and formatQuantizer, the same label and operand", () => {
  const x = tf.tensor2d(
    Float32Array.from({ length: 32 }, (_, i) => Math.sin(i * 1.7) * 3),
    [4, 8],
  );
  for (const f of FORMATS) {
    const parsed = JSON.parse(JSON.stringify(f)) as Format;
    const options = { rounding: "stochastic" as const, seed: 5 };
    assert.deepEqual(quantize(x, parsed, options).dataSync(), quantize(x, f, options).dataSync(), JSON.stringify(f));
    const [a, b] = [formatQuantizer(parsed, options), formatQuantizer(f, options)];
    assert.deepEqual(a.apply(x).dataSync(), b.apply(x).dataSync());
    assert.equal(a.label, b.label);
    assert.equal(a.bits, b.bits);
    assert.deepEqual(operandOf("weight", parsed), operandOf("weight", f));
  }
  x.dispose();
});

test("labels, bits and arithmetic of each kind (the layers' summaries and lib/hw read these)", () => {
  assert.deepEqual(FORMATS.map(formatLabel), [
    "fixed<8,4>",
    "fixed<6,-2>",
    "float<e5,m10>",
    "float<e8,m7>",
    "float<e4,m3>",
    "float<e4,m2>",
    "int5",
    "pow2<5>",
    "binary",
    "binary",
    "ternary",
    "bfp<8>",
    "bfp<6>",
    "e8m0",
    "float<e4,m3>fn",
    "float<e5,m2>fnuz",
    "float<e5,m2>p3109",
    "fixed<8,0> x max/e8m0 block 4@-1",
  ]);
  // A scaled format stores its element's bits per value (the scales are stored once per group).
  assert.deepEqual(FORMATS.map(formatBits), [8, 6, 16, 16, 8, 7, 5, 5, 1, 1, 2, 8, 6, 8, 8, 8, 8, 8]);
  assert.deepEqual(formatArithmetic(FP16), { kind: "float", exp: 5, man: 10 });
  assert.deepEqual(formatArithmetic(integer({ bits: 5, scale: 1 })), { kind: "int", bits: 5 });
  assert.deepEqual(formatArithmetic(blockFloatingPoint({ bits: 8, blockSize: 2 })), { kind: "int", bits: 8 });
  assert.deepEqual(formatArithmetic(powerOfTwo({ bits: 4 })), { kind: "log", bits: 4 });
  assert.deepEqual(formatArithmetic(ternary()), { kind: "ternary" });
  assert.deepEqual(formatArithmetic(FORMATS[FORMATS.length - 1]), { kind: "int", bits: 8 });
  assert.deepEqual(operandOf("w", powerOfTwo({ bits: 6 })), { kind: "log", bits: 6 });
  // An Operand float stays an Operand: wider than any float Format (an FP64 accumulator).
  assert.deepEqual(operandOf("acc", { kind: "float", exp: 11, man: 52 }), { kind: "float", exp: 11, man: 52 });
});

test("checkFormat fills defaults of a hand-written format", () => {
  assert.deepEqual(checkFormat("f", { kind: "float", exp: 5, man: 10 }), FP16);
  assert.deepEqual(checkFormat("f", { kind: "fixed", bits: 8, frac: 0 }), fixedPoint({ bits: 8, frac: 0 }));
  assert.deepEqual(checkFormat("f", { kind: "binary" }), binary());
});

test("values that are not formats: typed errors naming the argument, the kind list, the field", () => {
  const x = new Float32Array(4);
  assert.throws(
    () => quantize(x, { kind: "fixd", bits: 8, frac: 0 } as never),
    (e: Error) =>
      e instanceof TypeError &&
      /quantize format kind must be one of "fixed", "float", "integer", "powerOfTwo", "binary", "ternary", "blockFloat", "e8m0", "scaled"; got "fixd"/.test(
        e.message,
      ),
  );
  assert.throws(() => quantize(x, null as never), /quantize format must be a format value/);
  assert.throws(() => quantize(x, "FP16" as never), TypeError);
  assert.throws(
    () => quantize(x, { kind: "fixed", bits: 99, frac: 0 } as never),
    /quantize format: fixedPoint bits must be an integer in \[1, 64\]; got 99/,
  );
  // A valid fixed-point format wider than float32 holds: quantize names its own limit.
  assert.throws(() => quantize(x, { kind: "fixed", bits: 32, frac: 0 } as never), /quantize.*24/);
  assert.throws(() => quantize(x, { kind: "fixed", bits: "8", frac: 0 } as never), RangeError);
  assert.throws(() => quantize(x, { kind: "fixed", bits: 8, frac: 0, symetric: true } as never), /got also "symetric"/);
  // A default the factory leaves out of the value (overflow "saturate") may still be written out.
  assert.deepEqual(
    checkFormat("f", { kind: "fixed", bits: 8, frac: 0, symmetric: false, overflow: "saturate" }),
    fixedPoint({ bits: 8, frac: 0 }),
  );
  assert.throws(
    () => quantize(x, { kind: "float", exp: 5, man: 10, saturate: "no" } as never),
    (e: Error) =>
      e instanceof TypeError &&
      /quantize format: floatingPoint saturate must be true or false; got "no"/.test(e.message),
  );
  assert.throws(
    () => quantize(x, { kind: "integer", bits: 8, scale: "0.1" } as never),
    /quantize format: integer scale must be/,
  );
  assert.throws(() => quantize(x, { kind: "ternary", threshold: -1 } as never), /ternary threshold/);
  assert.throws(() => quantize(x, { kind: "blockFloat", bits: 8 } as never), /exactly one of blockSize and axis/);
  assert.throws(
    () => formatQuantizer({ kind: "powerOfTwo", bits: 12 } as never),
    /formatQuantizer format: powerOfTwo bits must be an integer in \[2, 8\]/,
  );
  assert.throws(
    () => operandOf("hwConfig weight", { kind: "fixed", bits: 0, frac: 0 } as never),
    /hwConfig weight: fixedPoint bits/,
  );
  assert.throws(
    () => operandOf("hwConfig weight", { kind: "binary", stochastic: 1 } as never),
    /hwConfig weight: binary stochastic must be true or false/,
  );
  assert.throws(() => binary({ stochastic: "yes" as never }), TypeError);
});
