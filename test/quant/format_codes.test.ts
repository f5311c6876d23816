/**
 * formatInfo, encode and decode of every format kind, against references written here from the
 * definitions: IEEE 754 binary16 and bfloat16 through float32 bit patterns (DataView), brute-force
 * enumeration of every value of small formats, published points; and against the kernels
 * (encode rounds as quantize does; quantizeValue gives the kernels' bits).
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  BF16,
  blockFloatingPoint,
  fixedPoint,
  floatingPoint,
  type Format,
  formatInfo,
  FP16,
  FP8_E4M3,
  FP8_E5M2,
  initBackend,
  powerOfTwo,
  quantize,
  quantizeValue,
} from "lowbit";
import { binary, decode, encode, integer, ternary } from "lowbit/quant";
import { elementHash } from "../../lib/dist/core/random";

/** The float32 whose bit pattern is `bits`. */
function float32FromBits(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits >>> 0);
  return view.getFloat32(0);
}

/**
 * IEEE 754 binary16 code -> value, through the float32 with the same sign, exponent and
 * mantissa (rebiased from 15 to 127, mantissa shifted by 13); subnormals m * 2^-24.
 */
function binary16Value(code: number): number {
  const sign = code >>> 15,
    e = (code >>> 10) & 0x1f,
    m = code & 0x3ff;
  if (e === 0x1f) return float32FromBits((sign << 31) | (0xff << 23) | (m << 13));
  if (e === 0) return (sign ? -1 : 1) * m * 2 ** -24;
  return float32FromBits((sign << 31) | ((e - 15 + 127) << 23) | (m << 13));
}

function sameValue(actual: number, expected: number, what: string): void {
  if (!(Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected)))) {
    assert.fail(`${what}: ${actual}, expected ${expected}`);
  }
}

const hex = (c: number) => `0x${c.toString(16)}`;

/** Every finite value of an IEEE-style float with exp and man bits, from the definition, ascending. */
function floatValues(exp: number, man: number, subnormals: boolean): number[] {
  const bias = 2 ** (exp - 1) - 1,
    values = new Set<number>([0]);
  for (let e = 1 - bias; e <= bias; e++) {
    for (let m = 0; m < 2 ** man; m++) values.add((1 + m / 2 ** man) * 2 ** e);
  }
  if (subnormals) for (let m = 1; m < 2 ** man; m++) values.add(m * 2 ** (1 - bias - man));
  const positive = [...values].sort((a, b) => a - b);
  return [
    ...positive
      .slice(1)
      .map((v) => -v)
      .reverse(),
    ...positive,
  ];
}

/** Floor of log2 of a positive number, by doubling and halving (no Math.log2). */
function floorLog2(v: number): number {
  let e = 0;
  while (2 ** e > v) e--;
  while (2 ** (e + 1) <= v) e++;
  return e;
}

/** The FormatInfo fields that follow from a format's list of finite values. */
function infoFromValues(values: number[]): { max: number; emax: number; minSubnormal: number; signed: boolean } {
  const magnitudes = values.map(Math.abs).filter((v) => v > 0);
  return {
    max: Math.max(...values),
    emax: floorLog2(Math.max(...magnitudes)),
    minSubnormal: Math.min(...magnitudes),
    signed: values.some((v) => v < 0),
  };
}

describe("formatInfo", () => {
  test("binary16: max 65504 (also saturating), minNormal 2^-14, minSubnormal 2^-24, epsilon 2^-10; Inf only when not saturating", () => {
    const half = formatInfo(floatingPoint({ exp: 5, man: 10 }));
    assert.deepEqual(half, {
      bits: 16,
      codes: 65536,
      signed: true,
      max: 65504,
      emax: 15,
      emin: -14,
      minNormal: 2 ** -14,
      minSubnormal: 2 ** -24,
      epsilon: 2 ** -10,
      hasInf: false,
      hasNaN: true,
      negativeZero: true,
    });
    assert.equal(formatInfo(floatingPoint({ exp: 5, man: 10, saturate: false })).hasInf, true);
    assert.equal(formatInfo(floatingPoint({ exp: 5, man: 10, saturate: false })).max, 65504);
  });

  test("float32 and bfloat16 equal the float32 constants; E4M3 / E5M2 the IEEE-style 240 / 57344", () => {
    const f32 = formatInfo(floatingPoint({ exp: 8, man: 23 }));
    assert.equal(f32.max, float32FromBits(0x7f7fffff));
    assert.equal(f32.minNormal, float32FromBits(0x00800000));
    assert.equal(f32.minSubnormal, float32FromBits(0x00000001));
    assert.equal(f32.epsilon, float32FromBits(0x3f800001) - 1);
    assert.equal(formatInfo(BF16).max, float32FromBits(0x7f7f0000));
    assert.equal(formatInfo(FP8_E4M3).max, 240);
    assert.equal(formatInfo(FP8_E5M2).max, 57344);
  });

  test("every float of at most 8 bits: the fields equal those of the enumerated values", () => {
    for (let exp = 2; exp <= 7; exp++) {
      for (let man = 0; exp + man + 1 <= 8; man++) {
        for (const subnormals of [true, false]) {
          const values = floatValues(exp, man, subnormals);
          const info = formatInfo(floatingPoint({ exp, man, subnormals }));
          const from = infoFromValues(values);
          const normal = values.filter((v) => v > 0 && v >= 2 ** (2 - 2 ** (exp - 1)));
          const what = `e${exp}m${man} subnormals ${subnormals}`;
          assert.equal(info.max, from.max, what);
          assert.equal(info.emax, from.emax, what);
          assert.equal(info.minSubnormal, from.minSubnormal, what);
          assert.equal(info.minNormal, Math.min(...normal), what);
          assert.equal(info.emin, floorLog2(Math.min(...normal)), what);
          assert.equal(info.epsilon, values[values.indexOf(1) + 1] - 1, what);
          assert.equal(info.codes, 2 ** (1 + exp + man), what);
          assert.equal(info.hasNaN, man > 0, what);
        }
      }
    }
  });

  test("fixed point, integer, powerOfTwo, binary, ternary, blockFloat: the fields of their enumerated values", () => {
    const range = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
    const cases: [Format, number[], number][] = [];
    for (const bits of [1, 2, 3, 8, 16]) {
      for (const frac of [-3, 0, 5]) {
        cases.push([
          fixedPoint({ bits, frac }),
          range(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1).map((q) => q * 2 ** -frac),
          2 ** -frac,
        ]);
        if (bits > 1) {
          cases.push([
            fixedPoint({ bits, frac, symmetric: true }),
            range(1 - 2 ** (bits - 1), 2 ** (bits - 1) - 1).map((q) => q * 2 ** -frac),
            2 ** -frac,
          ]);
        }
      }
      for (const scale of [0.1, 3, 2 ** -20]) {
        const s = Math.fround(scale);
        // The kernel's values: the float32 product.
        cases.push([
          integer({ bits, scale }),
          range(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1).map((q) => Math.fround(q * s)),
          s,
        ]);
        cases.push([
          integer({ bits, scale, signed: false }),
          range(0, 2 ** bits - 1).map((q) => Math.fround(q * s)),
          s,
        ]);
      }
      if (bits >= 2)
        cases.push([blockFloatingPoint({ bits, blockSize: 4 }), range(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1), 1]);
    }
    for (const bits of [2, 3, 5, 8]) {
      for (const maxExponent of [0, 4, 50]) {
        const exponents = range(maxExponent - 2 ** (bits - 1) + 2, maxExponent);
        cases.push([powerOfTwo({ bits, maxExponent }), [0, ...exponents.flatMap((e) => [2 ** e, -(2 ** e)])], 1]);
      }
    }
    cases.push([binary(), [-1, 1], 2], [ternary(), [-1, 0, 1], 1]);
    for (const [f, values, epsilon] of cases) {
      const info = formatInfo(f),
        from = infoFromValues(values),
        what = JSON.stringify(f);
      assert.equal(info.max, from.max, what);
      assert.equal(info.emax, from.emax, what);
      assert.equal(info.minSubnormal, from.minSubnormal, what);
      assert.equal(info.minNormal, from.minSubnormal, what);
      assert.equal(info.emin, floorLog2(from.minSubnormal), what);
      assert.equal(info.signed, from.signed, what);
      assert.equal(info.epsilon, epsilon, what);
      assert.equal(info.codes, 2 ** info.bits, what);
      assert.equal(info.hasInf || info.hasNaN, false, what);
    }
  });
});

describe("encode / decode", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("binary16: every code decodes as IEEE 754 says; published points", () => {
    const ieee = floatingPoint({ exp: 5, man: 10, saturate: false });
    for (let c = 0; c < 65536; c++) {
      sameValue(decode(ieee, c), binary16Value(c), `binary16 ${hex(c)}`);
      sameValue(decode(FP16, c), binary16Value(c), `FP16 ${hex(c)}`);
    }
    assert.equal(decode(FP16, 0x3c00), 1);
    assert.equal(decode(FP16, 0x7bff), 65504);
    assert.equal(decode(FP16, 0x0001), 2 ** -24);
    assert.equal(decode(FP16, 0x0400), 2 ** -14);
    assert.equal(decode(FP16, 0x7c00), Infinity);
    assert.equal(decode(FP16, 0xfc00), -Infinity);
    assert.ok(Object.is(decode(FP16, 0x8000), -0));
    assert.ok(Number.isNaN(decode(FP16, 0x7e00)));
  });

  test("bfloat16: every code decodes to the float32 of its bits << 16", () => {
    for (let c = 0; c < 65536; c++) sameValue(decode(BF16, c), float32FromBits(c << 16), `bf16 ${hex(c)}`);
  });

  test("every float of at most 8 bits: codes run through the enumerated values in order", () => {
    for (let exp = 2; exp <= 7; exp++) {
      for (let man = 0; exp + man + 1 <= 8; man++) {
        const f = floatingPoint({ exp, man, saturate: false });
        const values = floatValues(exp, man, true).filter((v) => v >= 0);
        const half = 2 ** (exp + man),
          top = (2 ** exp - 1) * 2 ** man;
        // IEEE order: the positive codes below the all-ones exponent are the values ascending.
        for (let c = 0; c < top; c++) {
          sameValue(decode(f, c), values[c], `e${exp}m${man} ${hex(c)}`);
          sameValue(decode(f, half + c), -values[c], `e${exp}m${man} ${hex(half + c)}`);
        }
        assert.equal(decode(f, top), Infinity);
        for (let c = top + 1; c < half; c++) assert.ok(Number.isNaN(decode(f, c)));
      }
    }
  });

  /** The value brute-force nearest rounding gives: the nearest candidate, ties to the even code. */
  function nearestByEnumeration(x: number, candidates: { value: number; code: number }[]): number {
    let best = candidates[0];
    for (const c of candidates) {
      const d = Math.abs(c.value - x),
        bestD = Math.abs(best.value - x);
      if (d < bestD || (d === bestD && c.code % 2 === 0 && best.code % 2 === 1)) best = c;
    }
    return best.code;
  }

  test("every float of at most 8 bits: encode rounds to the nearest value, ties to the even code, with its overflow rule", () => {
    for (let exp = 2; exp <= 7; exp++) {
      for (let man = 1; exp + man + 1 <= 8; man++) {
        for (const saturate of [true, false]) {
          const f = floatingPoint({ exp, man, saturate });
          const positive = floatValues(exp, man, true).filter((v) => v >= 0);
          const candidates = positive.map((value, code) => ({ value, code }));
          const max = positive[positive.length - 1];
          // Past max a non-saturating format reaches Inf where the next binade would start.
          if (!saturate) candidates.push({ value: 2 ** (2 ** (exp - 1)), code: (2 ** exp - 1) * 2 ** man });
          const xs: number[] = [];
          for (let i = 0; i + 1 < positive.length; i++)
            xs.push((positive[i] + positive[i + 1]) / 2, positive[i] * 0.75 + positive[i + 1] * 0.25);
          let s = 7;
          for (let i = 0; i < 300; i++) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            xs.push((s / 2 ** 32) * max * 1.2);
          }
          xs.push(max * 1.5, max * 4, Infinity);
          for (const x of xs) {
            const expected =
              x === Infinity ? candidates[candidates.length - 1].code : nearestByEnumeration(x, candidates);
            const what = `e${exp}m${man} saturate ${saturate} x ${x}`;
            assert.equal(encode(f, x), expected, what);
            assert.equal(encode(f, -x), expected + 2 ** (exp + man), what);
          }
        }
      }
    }
  });

  /** Codes a format's encode never produces (their values round trip to another code). */
  function unusedCode(f: Format, c: number): boolean {
    const info = formatInfo(f);
    switch (f.kind) {
      case "float": {
        const field = Math.floor((c % 2 ** (f.exp + f.man)) / 2 ** f.man);
        return (
          (!f.subnormals && field === 0 && c % 2 ** f.man !== 0) ||
          (f.saturate && field === 2 ** f.exp - 1 && c % 2 ** f.man === 0)
        );
      }
      case "fixed":
        return f.symmetric && c === info.codes / 2;
      case "ternary":
        return c === 0b10;
      default:
        return false;
    }
  }

  const roundTripFormats: Format[] = [
    FP16,
    floatingPoint({ exp: 5, man: 10, saturate: false }),
    BF16,
    floatingPoint({ exp: 8, man: 7, saturate: false }),
    FP8_E4M3,
    FP8_E5M2,
    floatingPoint({ exp: 4, man: 3, subnormals: false }),
    floatingPoint({ exp: 3, man: 0 }),
    ...[1, 2, 4, 8, 16].flatMap((bits) => [fixedPoint({ bits, frac: 3 }), fixedPoint({ bits, frac: -2 })]),
    fixedPoint({ bits: 8, frac: 4, symmetric: true }),
    ...[1, 3, 8, 16].flatMap((bits) => [integer({ bits, scale: 0.1 }), integer({ bits, scale: 3, signed: false })]),
    ...[2, 3, 5, 8].flatMap((bits) => [powerOfTwo({ bits }), powerOfTwo({ bits, maxExponent: 7 })]),
    binary(),
    binary({ stochastic: true }),
    ternary(),
    ...[2, 8, 16].map((bits) => blockFloatingPoint({ bits, axis: 0 })),
  ];

  test("round trip: encode(decode(c)) === c for every used code; NaN codes decode to NaN and NaN encodes canonically", () => {
    for (const f of roundTripFormats) {
      const info = formatInfo(f);
      let nans = 0;
      for (let c = 0; c < info.codes; c++) {
        const v = decode(f, c);
        if (Number.isNaN(v)) {
          nans++;
          continue;
        }
        if (unusedCode(f, c)) continue;
        const back = encode(f, v);
        if (back !== c)
          assert.fail(`${JSON.stringify(f)}: code ${hex(c)} decodes to ${v}, which encodes to ${hex(back)}`);
        assert.ok(Object.is(decode(f, back), v));
      }
      if (f.kind === "float") {
        assert.equal(nans, f.man > 0 ? 2 * (2 ** f.man - 1) : 0, JSON.stringify(f));
        if (info.hasNaN) assert.equal(encode(f, NaN), (2 ** f.exp - 1) * 2 ** f.man + 2 ** (f.man - 1));
      } else {
        assert.equal(nans, 0);
        assert.throws(() => encode(f, NaN), /no NaN code/);
      }
    }
    assert.equal(encode(FP16, NaN), 0x7e00);
    assert.equal(encode(FP16, -0), 0x8000);
    assert.equal(encode(powerOfTwo({ bits: 4 }), -0), 0b1000);
    assert.equal(encode(fixedPoint({ bits: 4, frac: 0 }), -0), 0);
  });

  test("the documented codes of the other kinds", () => {
    assert.deepEqual(
      [0, 1].map((c) => decode(binary(), c)),
      [-1, 1],
    );
    assert.deepEqual(
      [0, 1, 3].map((c) => decode(ternary(), c)),
      [0, 1, -1],
    );
    assert.deepEqual(
      [-3, -0.5, 0.5, 3].map((x) => encode(ternary({ threshold: 0.7 }), x)),
      [0b11, 0, 0, 0b01],
    );
    assert.deepEqual(
      [0, 1, 2, 7, 8, 9, 15].map((c) => decode(powerOfTwo({ bits: 4, maxExponent: 2 }), c)),
      [0, 2 ** -4, 2 ** -3, 4, -0, -(2 ** -4), -4],
    );
    assert.deepEqual(
      [0, 1, 127, 128, 255].map((c) => decode(fixedPoint({ bits: 8, frac: 2 }), c)),
      [0, 0.25, 31.75, -32, -0.25],
    );
    assert.deepEqual(
      [0, 255].map((c) => decode(integer({ bits: 8, scale: 0.5, signed: false }), c)),
      [0, 127.5],
    );
    assert.equal(encode(fixedPoint({ bits: 8, frac: 2 }), 1e9), 127);
    assert.equal(encode(fixedPoint({ bits: 8, frac: 2 }), -Infinity), 128);
    assert.equal(encode(FP16, 1e9), 0x7bff);
    assert.equal(encode(floatingPoint({ exp: 5, man: 10, saturate: false }), 65520), 0x7c00);
    assert.equal(encode(floatingPoint({ exp: 5, man: 10, saturate: false }), 65519.99), 0x7bff);
  });

  test("a stochastic binarizer encodes by the sign, as the deterministic one", () => {
    for (const x of [-2, -0.5, -1e-30, -0, 0, 0.5, 3, Infinity, -Infinity]) {
      assert.equal(encode(binary({ stochastic: true }), x), x >= 0 ? 1 : 0, String(x));
      assert.equal(encode(binary(), x), x >= 0 ? 1 : 0, String(x));
    }
  });

  test("typed errors: code out of range or fractional, a format wider than 16 bits, x not a number", () => {
    assert.throws(
      () => decode(FP16, 65536),
      /decode code must be an integer in \[0, 65535\] for float<e5,m10>; got 65536/,
    );
    assert.throws(() => decode(FP16, -1), RangeError);
    assert.throws(() => decode(binary(), 0.5), /decode code must be an integer in \[0, 1\]/);
    assert.throws(
      () => encode(floatingPoint({ exp: 8, man: 23 }), 1),
      /encode format must have at most 16 bits; got 32/,
    );
    assert.throws(
      () => decode(fixedPoint({ bits: 24, frac: 0 }), 0),
      /decode format must have at most 16 bits; got 24/,
    );
    assert.throws(() => encode(FP16, "1" as unknown as number), TypeError);
  });

  test("encode rounds as quantize does: encode(quantize(x)) === encode(x), random float32 x", () => {
    let s = 3;
    const next = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    // Ternary and block floating point scale by tensor statistics; a stochastic binarizer is random.
    const elementwise = roundTripFormats.filter(
      (f) => f.kind !== "ternary" && f.kind !== "blockFloat" && !(f.kind === "binary" && f.stochastic),
    );
    for (const f of elementwise) {
      const info = formatInfo(f);
      const x = Float32Array.from(
        { length: 4000 },
        (_, i) => (next() < 0.5 ? -1 : 1) * info.max * 2 ** (4 - 24 * next()) * (i % 97 === 0 ? 1e30 : 1),
      );
      x[0] = 0;
      x[1] = -0;
      x[2] = Infinity;
      x[3] = -Infinity;
      if (info.hasNaN) x[4] = NaN;
      const y = quantize(x, f);
      for (let i = 0; i < x.length; i++) {
        if (encode(f, y[i]) !== encode(f, x[i])) assert.fail(`${JSON.stringify(f)} x ${x[i]}: quantize ${y[i]}`);
      }
    }
  });

  test("quantizeValue gives the kernels' bits for every element-wise kind and rounding", () => {
    const formats: Format[] = [
      FP16,
      BF16,
      FP8_E4M3,
      floatingPoint({ exp: 3, man: 0, saturate: false }),
      floatingPoint({ exp: 4, man: 3, subnormals: false }),
      fixedPoint({ bits: 8, frac: 4 }),
      fixedPoint({ bits: 5, frac: -2, symmetric: true }),
      integer({ bits: 6, scale: 0.3 }),
      integer({ bits: 4, scale: 0.1, signed: false }),
      powerOfTwo({ bits: 4 }),
      powerOfTwo({ bits: 6, maxExponent: 3 }),
      binary(),
      binary({ stochastic: true }),
    ];
    let s = 11;
    const next = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const x = Float32Array.from({ length: 5000 }, () => (next() < 0.5 ? -1 : 1) * 2 ** (20 - 50 * next()));
    x.set([0, -0, Infinity, -Infinity, NaN, 1.5, -2.5, 0.3, 65520, 2 ** -25]);
    for (const f of formats) {
      for (const rounding of ["nearest", "stochastic", "zero", "floor"] as const) {
        const y = quantize(x, f, { rounding, seed: 9, stream: 4 });
        for (let i = 0; i < x.length; i++) {
          const expected = quantizeValue(f, x[i], { rounding, hash: elementHash(9, 4, i) });
          // Fixed point and integer have no -0 (the kernel's q * step may give it).
          const same = f.kind === "float" || f.kind === "powerOfTwo" ? Object.is(y[i], expected) : y[i] === expected;
          if (!same && !(Number.isNaN(y[i]) && Number.isNaN(expected))) {
            assert.fail(`${JSON.stringify(f)} ${rounding} x ${x[i]}: kernel ${y[i]}, quantizeValue ${expected}`);
          }
        }
      }
    }
  });
});
