/**
 * The OCP FP8/FP6/FP4, fnuz, P3109 and E8M0 formats against references written here from the
 * specifications, independent of lowbit's float kind: a decoder from each format's table of
 * parameters (bias, where NaN/Inf are, -0 or not), the published extreme values, and rounding by
 * brute force over every code (nearest by exact float64 distance, ties to the even code; the
 * directed modes and round-to-odd by their definitions), compared with quantizeValue and with the
 * wasm kernels (tensors and Float32Arrays) bit for bit; stochastic rounding with randomBits
 * against its exact distribution over all 2^r draws.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { elementHash } from "../../lib/dist/core/random";
import {
  decode,
  E8M0,
  encode,
  FP4_E2M1,
  FP6_E2M3,
  FP6_E3M2,
  FP8_E4M3,
  FP8_E4M3FNUZ,
  FP8_E5M2,
  FP8_E5M2FNUZ,
  floatingPoint,
  type Format,
  formatInfo,
  OCP_E4M3,
  OCP_E5M2,
  p3109,
  quantize,
  quantizeValue,
  type Rounding,
  ROUNDINGS,
} from "lowbit/quant";

/** A format described as the specifications do (OCP OFP8 and MX tables, P3109, gfloat's parameters). */
interface Spec {
  name: string;
  format: Format;
  exp: number;
  man: number;
  bias: number;
  /** Top magnitude codes that are not numbers: "ieee" all-ones exponent, "fn" all-ones only, "inf" all-ones is Inf. */
  top: "ieee" | "fn" | "inf" | "none";
  /** The -0 pattern is NaN (fnuz, P3109). */
  nanAtNegativeZero: boolean;
  saturate: boolean;
  propagateInfinity?: boolean;
  published: { max: number; minSubnormal: number; minNormal: number };
}

const SPECS: Spec[] = [
  {
    name: "OCP E4M3",
    format: OCP_E4M3,
    exp: 4,
    man: 3,
    bias: 7,
    top: "fn",
    nanAtNegativeZero: false,
    saturate: true,
    published: { max: 448, minSubnormal: 2 ** -9, minNormal: 2 ** -6 },
  },
  {
    name: "OCP E5M2",
    format: OCP_E5M2,
    exp: 5,
    man: 2,
    bias: 15,
    top: "ieee",
    nanAtNegativeZero: false,
    saturate: true,
    published: { max: 57344, minSubnormal: 2 ** -16, minNormal: 2 ** -14 },
  },
  {
    name: "FP6 E2M3",
    format: FP6_E2M3,
    exp: 2,
    man: 3,
    bias: 1,
    top: "none",
    nanAtNegativeZero: false,
    saturate: true,
    published: { max: 7.5, minSubnormal: 0.125, minNormal: 1 },
  },
  {
    name: "FP6 E3M2",
    format: FP6_E3M2,
    exp: 3,
    man: 2,
    bias: 3,
    top: "none",
    nanAtNegativeZero: false,
    saturate: true,
    published: { max: 28, minSubnormal: 0.0625, minNormal: 0.25 },
  },
  {
    name: "FP4 E2M1",
    format: FP4_E2M1,
    exp: 2,
    man: 1,
    bias: 1,
    top: "none",
    nanAtNegativeZero: false,
    saturate: true,
    published: { max: 6, minSubnormal: 0.5, minNormal: 1 },
  },
  {
    name: "E4M3FNUZ",
    format: FP8_E4M3FNUZ,
    exp: 4,
    man: 3,
    bias: 8,
    top: "none",
    nanAtNegativeZero: true,
    saturate: true,
    published: { max: 240, minSubnormal: 2 ** -10, minNormal: 2 ** -7 },
  },
  {
    name: "E5M2FNUZ",
    format: FP8_E5M2FNUZ,
    exp: 5,
    man: 2,
    bias: 16,
    top: "none",
    nanAtNegativeZero: true,
    saturate: true,
    published: { max: 57344, minSubnormal: 2 ** -17, minNormal: 2 ** -15 },
  },
  {
    name: "P3109 binary8p3 SatNone",
    format: p3109({ bits: 8, precision: 3, saturation: "none" }),
    exp: 5,
    man: 2,
    bias: 16,
    top: "inf",
    nanAtNegativeZero: true,
    saturate: false,
    published: { max: 49152, minSubnormal: 2 ** -17, minNormal: 2 ** -15 },
  },
  {
    name: "P3109 binary8p4 SatFinite",
    format: p3109({ bits: 8, precision: 4 }),
    exp: 4,
    man: 3,
    bias: 8,
    top: "inf",
    nanAtNegativeZero: true,
    saturate: true,
    published: { max: 224, minSubnormal: 2 ** -10, minNormal: 2 ** -7 },
  },
  {
    name: "P3109 binary8p1 SatPropagate",
    format: p3109({ bits: 8, precision: 1, saturation: "propagate" }),
    exp: 7,
    man: 0,
    bias: 64,
    top: "inf",
    nanAtNegativeZero: true,
    saturate: true,
    propagateInfinity: true,
    published: { max: 2 ** 62, minSubnormal: 2 ** -63, minNormal: 2 ** -63 },
  },
  {
    name: "P3109 binary8p6 finite domain",
    format: p3109({ bits: 8, precision: 6, domain: "finite" }),
    exp: 2,
    man: 5,
    bias: 2,
    top: "none",
    nanAtNegativeZero: true,
    saturate: true,
    published: { max: 3.9375, minSubnormal: 2 ** -6, minNormal: 0.5 },
  },
  {
    name: "P3109 binary8p7 SatNone",
    format: p3109({ bits: 8, precision: 7, saturation: "none" }),
    exp: 1,
    man: 6,
    bias: 1,
    top: "inf",
    nanAtNegativeZero: true,
    saturate: false,
    published: { max: 1.96875, minSubnormal: 2 ** -6, minNormal: 1 },
  },
  {
    name: "OCP E4M3 non-saturating",
    format: floatingPoint({ exp: 4, man: 3, encoding: "fn", saturate: false }),
    exp: 4,
    man: 3,
    bias: 7,
    top: "fn",
    nanAtNegativeZero: false,
    saturate: false,
    published: { max: 448, minSubnormal: 2 ** -9, minNormal: 2 ** -6 },
  },
  {
    name: "IEEE-style E4M3 (not OCP)",
    format: FP8_E4M3,
    exp: 4,
    man: 3,
    bias: 7,
    top: "ieee",
    nanAtNegativeZero: false,
    saturate: true,
    published: { max: 240, minSubnormal: 2 ** -9, minNormal: 2 ** -6 },
  },
];

/** The value of a code from the spec's parameters. */
function specValue(s: Spec, code: number): number {
  const magnitudeBits = s.exp + s.man;
  const negative = code >> magnitudeBits === 1;
  const m = code & ((1 << magnitudeBits) - 1);
  const field = m >> s.man,
    mantissa = m & ((1 << s.man) - 1);
  const allOnes = (1 << magnitudeBits) - 1;
  if (s.nanAtNegativeZero && negative && m === 0) return NaN;
  if (s.top === "ieee" && field === (1 << s.exp) - 1) return mantissa === 0 ? (negative ? -Infinity : Infinity) : NaN;
  if (s.top === "fn" && m === allOnes) return NaN;
  if (s.top === "inf" && m === allOnes) return negative ? -Infinity : Infinity;
  const v = field === 0 ? mantissa * 2 ** (1 - s.bias - s.man) : (1 + mantissa / 2 ** s.man) * 2 ** (field - s.bias);
  return negative ? -v : v;
}

/** The nonnegative finite values with their codes, ascending. */
function finiteTable(s: Spec): { value: number; code: number }[] {
  const rows: { value: number; code: number }[] = [];
  for (let c = 0; c < 1 << (s.exp + s.man); c++) {
    const v = specValue(s, c);
    if (Number.isFinite(v)) rows.push({ value: v, code: c });
  }
  return rows.sort((a, b) => a.value - b.value);
}

/**
 * x rounded by brute force over the table (deterministic modes). The magnitude is rounded between
 * its two bracketing table entries; past the largest finite value the next "virtual" value is
 * max + ulp(max), whose choice means overflow.
 */
function bruteRound(s: Spec, table: { value: number; code: number }[], x: number, mode: Rounding): number {
  if (Number.isNaN(x)) return NaN;
  const hasInf = s.top === "ieee" || s.top === "inf";
  const max = table[table.length - 1].value;
  const negative = x < 0 || Object.is(x, -0);
  const overflowValue = s.saturate ? max : hasInf ? Infinity : NaN;
  const sign = (v: number) => (negative ? (v === 0 && s.nanAtNegativeZero ? 0 : -v) : v);
  const a = Math.abs(x);
  if (a === Infinity) return sign(s.saturate && !s.propagateInfinity ? max : hasInf ? Infinity : NaN);
  const ulpMax = 2 ** (Math.floor(Math.log2(max)) - s.man);
  const virtual = { value: max + ulpMax, code: -1 };
  const ext = [...table, virtual];
  // Directed modes as magnitude rules.
  const inward = mode === "zero" || (negative ? mode === "up" : mode === "floor" || mode === "down");
  const outward = negative ? mode === "floor" || mode === "down" : mode === "up";
  let lo = ext[0],
    hi = ext[0];
  if (a >= virtual.value) {
    lo = hi = virtual;
    if (a > virtual.value) hi = { value: Infinity, code: -2 };
  } else {
    for (let i = 0; i < ext.length; i++) {
      if (ext[i].value <= a) lo = ext[i];
      if (ext[i].value >= a) {
        hi = ext[i];
        break;
      }
    }
  }
  let pick: { value: number; code: number };
  if (lo.value === a) pick = lo;
  else if (inward) pick = lo;
  else if (outward) pick = hi;
  else if (mode === "odd") pick = (lo.code & 1) === 1 ? lo : hi.code === -1 ? hi : (hi.code & 1) === 1 ? hi : lo;
  else {
    const dLo = a - lo.value,
      dHi = hi.value - a;
    if (dLo < dHi) pick = lo;
    else if (dHi < dLo) pick = hi;
    else if (mode === "nearestAway") pick = hi;
    else {
      // Ties to the even code; the virtual value continues the code sequence (max's code + 1).
      const hiCode = hi.code === -1 ? table[table.length - 1].code + 1 : hi.code;
      pick = (lo.code & 1) === 0 ? lo : (hiCode & 1) === 0 ? hi : lo;
    }
  }
  if (pick.code === -1 || pick.code === -2) return sign(inward ? max : overflowValue);
  return sign(pick.value);
}

/** Values to round: every code's value, midpoints, quarter points, just off ties, past max, tiny. */
function probeValues(table: { value: number }[]): number[] {
  const xs: number[] = [];
  const max = table[table.length - 1].value;
  for (let i = 0; i < table.length; i++) {
    const v = table[i].value;
    xs.push(v);
    const next = i + 1 < table.length ? table[i + 1].value : max * 1.25;
    const mid = (v + next) / 2;
    xs.push(mid, (v + mid) / 2, (mid + next) / 2, Math.fround(mid * (1 + 2 ** -20)), Math.fround(mid * (1 - 2 ** -20)));
  }
  xs.push(max * 1.5, max * 4, 1e30, 3.4e38, 2 ** -149, 2 ** -130, 1e-30);
  const out = xs.map((x) => Math.fround(x)).filter((x) => Number.isFinite(x));
  return [...out, ...out.map((x) => -x), 0, -0, Infinity, -Infinity, NaN];
}

function sameValue(actual: number, expected: number, what: string): void {
  if (!(Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected)))) {
    assert.fail(`${what}: got ${actual}, expected ${expected}`);
  }
}

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

describe("formatInfo: the published values", () => {
  for (const s of SPECS) {
    test(s.name, () => {
      const info = formatInfo(s.format);
      assert.equal(info.max, s.published.max);
      assert.equal(info.minSubnormal, s.published.minSubnormal);
      assert.equal(info.minNormal, s.published.minNormal);
      assert.equal(info.emax, Math.floor(Math.log2(s.published.max)));
      assert.equal(info.emin, 1 - s.bias);
      assert.equal(info.codes, 2 ** (1 + s.exp + s.man));
      assert.equal(info.negativeZero, !s.nanAtNegativeZero);
      assert.equal(info.hasNaN, s.top === "fn" || s.nanAtNegativeZero || (s.top === "ieee" && s.man > 0));
      assert.equal(info.hasInf, (s.top === "ieee" || s.top === "inf") && (!s.saturate || s.propagateInfinity === true));
    });
  }
  test("E8M0: 2^-127 .. 2^127, NaN at 0xFF, unsigned, no zero", () => {
    const info = formatInfo(E8M0);
    assert.deepEqual(
      [info.max, info.minNormal, info.minSubnormal, info.emax, info.emin, info.signed, info.hasNaN, info.hasInf],
      [2 ** 127, 2 ** -127, 2 ** -127, 127, -127, false, true, false],
    );
  });
  test("FP8_E4M3 stays the IEEE-style format (max 240) and OCP_E5M2 is FP8_E5M2", () => {
    assert.equal(formatInfo(FP8_E4M3).max, 240);
    assert.deepEqual(OCP_E5M2, FP8_E5M2);
    assert.deepEqual(FP8_E4M3, { kind: "float", exp: 4, man: 3, subnormals: true, saturate: true });
  });
});

describe("decode and encode: every code", () => {
  for (const s of SPECS) {
    test(s.name, () => {
      for (let c = 0; c < 2 ** (1 + s.exp + s.man); c++) {
        const expected = specValue(s, c);
        sameValue(decode(s.format, c), expected, `${s.name} decode 0x${c.toString(16)}`);
        if (Number.isNaN(expected)) {
          assert.ok(Number.isNaN(decode(s.format, encode(s.format, NaN))));
        } else if (Number.isFinite(expected) || !s.saturate || s.propagateInfinity) {
          assert.equal(encode(s.format, expected), c, `${s.name} encode(decode(0x${c.toString(16)}))`);
        }
      }
    });
  }
  test("canonical NaN codes: E4M3FN 0x7F, fnuz and P3109 0x80; E8M0 0xFF; FP4 has none", () => {
    assert.equal(encode(OCP_E4M3, NaN), 0x7f);
    assert.equal(encode(FP8_E4M3FNUZ, NaN), 0x80);
    assert.equal(encode(p3109({ bits: 8, precision: 4 }), NaN), 0x80);
    assert.equal(encode(E8M0, NaN), 0xff);
    assert.throws(() => encode(FP4_E2M1, NaN), /no NaN code/);
    assert.equal(encode(FP8_E4M3FNUZ, -0), 0);
    assert.equal(encode(OCP_E4M3, -0), 0x80);
  });
  test("P3109 infinities: 0x7F / 0xFF, saturated to 0x7E / 0xFE by SatFinite", () => {
    assert.equal(encode(p3109({ bits: 8, precision: 3, saturation: "none" }), Infinity), 0x7f);
    assert.equal(encode(p3109({ bits: 8, precision: 3, saturation: "propagate" }), -Infinity), 0xff);
    assert.equal(encode(p3109({ bits: 8, precision: 3, saturation: "propagate" }), 1e9), 0x7e);
    assert.equal(encode(p3109({ bits: 8, precision: 3 }), Infinity), 0x7e);
    assert.equal(encode(p3109({ bits: 8, precision: 3, saturation: "none" }), 1e9), 0x7f);
    assert.ok(Number.isNaN(quantizeValue(p3109({ bits: 8, precision: 3, domain: "finite", saturation: "none" }), 1e9)));
  });
  test("E8M0: every code round-trips; rounding ties to the even code", () => {
    for (let c = 0; c < 255; c++) {
      assert.equal(decode(E8M0, c), 2 ** (c - 127));
      assert.equal(encode(E8M0, 2 ** (c - 127)), c);
    }
    assert.ok(Number.isNaN(decode(E8M0, 255)));
    assert.equal(quantizeValue(E8M0, 1.5), 2); // codes 127 (odd) and 128 (even)
    assert.equal(quantizeValue(E8M0, 3), 2); // codes 128 (even) and 129
    assert.equal(quantizeValue(E8M0, 3.0001), 4);
    assert.equal(quantizeValue(E8M0, 3, { rounding: "nearestAway" }), 4);
    assert.equal(quantizeValue(E8M0, 3, { rounding: "odd" }), 4);
    assert.equal(quantizeValue(E8M0, 0), 2 ** -127);
    assert.equal(quantizeValue(E8M0, 1e300), 2 ** 127);
    assert.ok(Number.isNaN(quantizeValue(E8M0, -1)));
    const x = Float32Array.of(1.5, 3, 0.7, 1e-39);
    assert.deepEqual(Array.from(quantize(x, E8M0)), [2, 2, 0.5, 2 ** -127].map(Math.fround));
  });
  test("regression: a float without mantissa bits rounds ties to the even code in the reference as in the kernel", () => {
    const f = floatingPoint({ exp: 4, man: 0 });
    // 3 lies between 2 (exponent field 8) and 4 (field 9): the even code is 2's.
    assert.equal(quantizeValue(f, 3), 2);
    assert.equal(quantizeValue(f, 1.5), 2);
    assert.deepEqual(Array.from(quantize(Float32Array.of(3, 1.5, 6, 12), f)), [2, 2, 8, 8]);
  });
});

const DETERMINISTIC: Rounding[] = ROUNDINGS.filter((r) => r !== "stochastic");

describe("rounding: brute force over the codes, quantizeValue and the kernels", () => {
  for (const s of SPECS) {
    test(s.name, () => {
      const table = finiteTable(s);
      const xs = probeValues(table);
      const x = Float32Array.from(xs);
      const t = tf.tensor(x);
      for (const mode of DETERMINISTIC) {
        const expected = xs.map((v) => Math.fround(bruteRound(s, table, v, mode)));
        xs.forEach((v, i) =>
          sameValue(
            quantizeValue(s.format, v, { rounding: mode }),
            expected[i],
            `${s.name} ${mode} quantizeValue(${v})`,
          ),
        );
        const onArray = quantize(x, s.format, { rounding: mode });
        const onTensor = quantize(t, s.format, { rounding: mode });
        const tensorValues = onTensor.dataSync();
        onTensor.dispose();
        xs.forEach((v, i) => {
          sameValue(onArray[i], expected[i], `${s.name} ${mode} kernel(${v})`);
          sameValue(tensorValues[i], expected[i], `${s.name} ${mode} tensor kernel(${v})`);
        });
        if (mode === "nearest") {
          xs.forEach((v, i) => {
            if (!Number.isNaN(expected[i]) && Number.isFinite(v)) {
              sameValue(decode(s.format, encode(s.format, v)), expected[i], `${s.name} encode(${v})`);
            }
          });
        }
      }
      t.dispose();
    });
  }
});

describe("stochastic rounding: kernels equal the reference bit for bit; randomBits' exact distribution", () => {
  for (const s of SPECS.slice(0, 8)) {
    test(s.name, () => {
      const table = finiteTable(s);
      const xs = probeValues(table);
      const all = Float32Array.from(Array.from({ length: 40 }, () => xs).flat());
      for (const randomBits of [undefined, 1, 3, 8, 24]) {
        const options = { rounding: "stochastic" as const, seed: 7, stream: 3, randomBits };
        const onArray = quantize(all, s.format, options);
        const t = tf.tensor(all);
        const onTensor = quantize(t, s.format, options);
        const tensorValues = onTensor.dataSync();
        tf.dispose([t, onTensor]);
        for (let i = 0; i < all.length; i++) {
          const expected = Math.fround(
            quantizeValue(s.format, all[i], { rounding: "stochastic", hash: elementHash(7, 3, i), randomBits }),
          );
          sameValue(onArray[i], expected, `${s.name} r=${randomBits} kernel(${all[i]}) at ${i}`);
          sameValue(tensorValues[i], expected, `${s.name} r=${randomBits} tensor(${all[i]}) at ${i}`);
        }
      }
    });
  }
  test("randomBits r: over the 2^r draws R, exactly floor(frac * 2^r) round away (MPTorch's rbits)", () => {
    const f = OCP_E4M3;
    for (const r of [1, 2, 3, 5, 8]) {
      for (const x of [1.0625 + 2 ** -10, 1.1, 1.12, 0.013, -1.2, 300, 2 ** -9 * 0.37]) {
        const table = finiteTable(SPECS[0]);
        const a = Math.abs(Math.fround(x));
        let lo = 0;
        for (const row of table) if (row.value <= a) lo = row.value;
        const hi = table.find((row) => row.value > a)!.value;
        const frac = (a - lo) / (hi - lo);
        let away = 0;
        for (let R = 0; R < 2 ** r; R++) {
          const q = quantizeValue(f, Math.fround(x), {
            rounding: "stochastic",
            hash: R * 2 ** (32 - r),
            randomBits: r,
          });
          if (Math.abs(q) === hi) away++;
          else assert.equal(Math.abs(q), lo);
        }
        assert.equal(away, Math.floor(frac * 2 ** r), `x=${x} r=${r}`);
      }
    }
  });
  test("randomBits: the mean error is within -2^-r steps and 0 (biased toward zero by less than its resolution)", () => {
    const n = 1 << 16;
    const x = new Float32Array(n).fill(1.1);
    for (const r of [2, 4, 8]) {
      const q = quantize(x, OCP_E4M3, { rounding: "stochastic", seed: 11, randomBits: r });
      const mean = q.reduce((a, b) => a + b, 0) / n;
      const step = 0.125;
      const frac = (Math.fround(1.1) - 1) / step;
      const expected = 1 + (Math.floor(frac * 2 ** r) / 2 ** r) * step;
      assert.ok(Math.abs(mean - expected) < 4 * step * Math.sqrt(0.25 / n), `r=${r}: ${mean} vs ${expected}`);
      assert.ok(expected <= Math.fround(1.1) && expected > Math.fround(1.1) - step * 2 ** -r);
    }
  });
  test("bad options: randomBits out of range or without stochastic rounding; a rounding a kind has no kernel for", () => {
    const x = new Float32Array(4);
    assert.throws(
      () => quantize(x, OCP_E4M3, { rounding: "stochastic", randomBits: 0 }),
      /randomBits must be an integer in \[1, 24\]; got 0/,
    );
    assert.throws(
      () => quantize(x, OCP_E4M3, { rounding: "nearest", randomBits: 4 }),
      /randomBits applies to rounding "stochastic"/,
    );
    assert.throws(() => quantizeValue(OCP_E4M3, 1, { rounding: "odd", randomBits: 4 }), RangeError);
    assert.throws(
      () => quantize(x, { kind: "powerOfTwo", bits: 4, maxExponent: 0 }, { rounding: "odd" }),
      /rounding "odd" is implemented for floating-point and fixed-point formats; powerOfTwo takes/,
    );
    assert.throws(() => p3109({ bits: 8, precision: 8 }), /p3109 precision must be an integer in \[1, 7\]; got 8/);
    assert.throws(
      () => floatingPoint({ exp: 2, man: 1, encoding: "finite", saturate: false }),
      /saturate must be true/,
    );
    // fnuz's bias 2^(exp-1) = 128 at exp 8 puts the smallest normal at 2^-127, below float32's normals.
    assert.throws(
      () => quantize(x, floatingPoint({ exp: 8, man: 7, encoding: "fnuz" })),
      /quantize floatingPoint exp 8 with encoding "fnuz" spans binades 2\^-127 to 2\^127, more than float32's normals/,
    );
    assert.throws(
      () => quantize(x, floatingPoint({ exp: 8, man: 3, bias: 130 })),
      /quantize floatingPoint bias \(values are held in float32: .*\) must be an integer in \[127, 127\]; got 130/,
    );
    assert.throws(
      () => quantize(x, floatingPoint({ exp: 7, man: 3, bias: -2 })),
      /bias .* must be an integer in \[-1, 127\]; got -2/,
    );
  });
});
