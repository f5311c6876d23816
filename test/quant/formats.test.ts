/**
 * The formats beyond plain fixed and floating point: linear integer, power of two, binary,
 * ternary (TWN), block floating point and dynamic fixed point, each against a float64 reference
 * written from its definition.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { blockFloatingPoint, dynamicFixedPoint, initBackend, powerOfTwo, quantize } from "lowbit";
import { binary, fracFromMax, integer, ternary } from "lowbit/quant";
import { countAbove, maxAbsOf } from "../../lib/dist/quant/kernels/statistics";
import { elementHash } from "../../lib/dist/core/random";
import { fixedRef, integerRef, type Mode } from "./reference";

const MODES: Mode[] = ["nearest", "stochastic", "zero", "floor"];

/** Element-wise equality with NaN equal to NaN and -0 equal to 0. */
function assertValues(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ""): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!(actual[i] === expected[i] || (Number.isNaN(actual[i]) && Number.isNaN(expected[i])))) {
      assert.fail(`${what} element ${i}: ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

function spread(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Float32Array.from({ length: n }, () => (next() < 0.5 ? -1 : 1) * 2 ** (lo + (hi - lo) * next()));
}

describe("more formats", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  for (const signed of [true, false]) {
    for (const mode of MODES) {
      test(`integer 4 bits, scale 0.1, ${signed ? "signed" : "unsigned"}, ${mode}: the exact quotient rounded`, () => {
        const x = Float32Array.from([...spread(5000, 1, -6, 1), 0.05, 0.15, -0.25, 0.35, 2, -2, NaN]);
        const expected = integerRef(x, 4, 0.1, signed, mode, 4);
        const y = quantize(x, integer({ bits: 4, scale: 0.1, signed }), { rounding: mode, seed: 4 });
        assertValues(y, expected);
        assertValues(
          quantize(tf.tensor(x), integer({ bits: 4, scale: 0.1, signed }), { rounding: mode, seed: 4 }).dataSync(),
          expected,
        );
      });
    }
  }

  test("integer rounds the exact quotient x / scale, not its float32 rounding (issue 16)", () => {
    // float32(0.35) / float32(0.1) = 3.4999999..., float32(1.45) / float32(0.1) = 14.500000...;
    // float32 division rounds both to ties, which ties-to-even sent to 4 and 14.
    const s = Math.fround(0.1);
    assert.deepEqual(
      [...quantize(Float32Array.of(0.35, 1.45), integer({ bits: 8, scale: 0.1 }))],
      [3 * s, 15 * s].map(Math.fround),
    );
    assert.deepEqual(
      [...quantize(tf.tensor([0.35, 1.45]), integer({ bits: 8, scale: 0.1 })).dataSync()],
      [3 * s, 15 * s].map(Math.fround),
    );
  });

  test("integer equals the exact rational reference over wide ranges, ties, subnormals and every rounding, on every path", () => {
    // Scales: decimal fractions (never exact in binary), exact ones (ties occur), a power of two,
    // a subnormal and a huge one; values from 2^-149 to 2^30 times the scale, exact ties
    // (k + 1/2) * scale and their float32 neighbours, zeros, saturation, specials.
    for (const scale of [0.1, 0.3, 0.75, 1 / 3, 2 ** -10, 1e-40, 3e30, 7]) {
      const s = Math.fround(scale);
      const values: number[] = [...spread(3000, 9, -20, 30)].map((v) => v * s);
      for (let k = -20; k <= 20; k++) {
        const tie = Math.fround((k + 0.5) * s);
        values.push(tie, tie * (1 + 2 ** -23), tie * (1 - 2 ** -24), k * s);
      }
      values.push(0, -0, 1e-45, -1e-45, 2 ** -126, 1e38, -1e38, Infinity, -Infinity, NaN);
      const x = Float32Array.from(values);
      for (const bits of [1, 4, 8, 24]) {
        for (const signed of [true, false]) {
          for (const mode of MODES) {
            const f = integer({ bits, scale: s, signed });
            const expected = integerRef(x, bits, s, signed, mode, 3, 5);
            const what = `scale ${s} bits ${bits} ${signed ? "signed" : "unsigned"} ${mode}`;
            const options = { rounding: mode, seed: 3, stream: 5 };
            assertValues(quantize(x, f, options), expected, what);
            if (bits === 8) {
              for (const backend of ["wasm", "cpu"]) {
                tf.setBackend(backend);
                const t = tf.tensor(x);
                assertValues(quantize(t, f, options).dataSync(), expected, `${what} ${backend}`);
                t.dispose();
              }
              tf.setBackend("wasm");
            }
          }
        }
      }
    }
  });

  for (const mode of MODES) {
    test(`powerOfTwo 4 bits (exponents -6..0), ${mode}`, () => {
      const x = Float32Array.from([...spread(20000, 2, -10, 2), 0, -0, 1, 2 ** -6, 2 ** -7, 1e30, NaN, Infinity]);
      const [minE, maxE] = [-6, 0];
      const expected = x.map((v, i) => {
        if (Number.isNaN(v)) return NaN;
        const a = Math.abs(v),
          s = v < 0 || Object.is(v, -0) ? -1 : 1,
          h = elementHash(5, 0, i);
        const away = mode === "floor" && s < 0;
        let m: number;
        if (a >= 2 ** minE) {
          const e = Math.min(127, Math.floor(Math.log2(a)));
          const e0 = 2 ** e > a ? e - 1 : e;
          const frac = a / 2 ** e0 - 1;
          let up = false;
          if (mode === "nearest") up = a > Math.SQRT2 * 2 ** e0;
          else if (mode === "stochastic") up = (h >>> 9) + frac * 2 ** 23 >= 2 ** 23;
          else if (away) up = frac > 0;
          m = Math.min(2 ** maxE, 2 ** (e0 + (up ? 1 : 0)));
        } else {
          const ratio = a / 2 ** minE;
          let up = false;
          if (mode === "nearest") up = ratio > Math.SQRT1_2;
          else if (mode === "stochastic") up = (h >>> 8) * 2 ** -24 < ratio;
          else if (away) up = a > 0;
          m = up ? 2 ** minE : 0;
        }
        return s * m;
      });
      assertValues(quantize(x, powerOfTwo({ bits: 4 }), { rounding: mode, seed: 5 }), expected);
    });
  }

  test("powerOfTwo stochastic rounding is unbiased in the linear domain", () => {
    const y = quantize(new Float32Array(1_000_000).fill(0.3), powerOfTwo({ bits: 4 }), {
      rounding: "stochastic",
      seed: 1,
    });
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    // between 0.25 and 0.5: p(up) = 0.2, sd of one draw 0.25 * 0.4
    assert.ok(Math.abs(mean - Math.fround(0.3)) < (4 * 0.1) / 1000, `mean ${mean}`);
  });

  test("binary: deterministic sign with +1 at 0 and -0; stochastic with probability hard_sigmoid", () => {
    assert.deepEqual([...quantize(Float32Array.from([-2, -0.1, -0, 0, 0.1, 3]), binary())], [-1, -1, 1, 1, 1, 1]);
    assert.ok(Number.isNaN(quantize(Float32Array.from([NaN]), binary())[0]));
    const n = 1_000_000;
    for (const v of [-1.5, -0.6, 0, 0.5, 0.9, 2]) {
      const y = quantize(new Float32Array(n).fill(v), binary({ stochastic: true }), { seed: 3 });
      const p = Math.min(1, Math.max(0, (Math.fround(v) + 1) / 2));
      const ones = y.reduce((c, b) => c + (b === 1 ? 1 : 0), 0) / n;
      assert.ok(Math.abs(ones - p) <= 4 * Math.sqrt((p * (1 - p)) / n), `v ${v}: ${ones} vs ${p}`);
    }
  });

  test("ternary: NaN stays NaN, Inf takes its sign's level, the statistics use finite values (issue 16)", () => {
    const finite = [0.1, -0.5, 0.9, -0.05, 0.3];
    const a = Math.fround((0.5 + 0.9 + Math.fround(0.3)) / 3);
    const x = Float32Array.from([...finite, NaN, Infinity, -Infinity]);
    const expected = [0, -a, a, 0, a, NaN, a, -a];
    assertValues(quantize(x, ternary()), expected);
    for (const backend of ["wasm", "cpu"]) {
      tf.setBackend(backend);
      assertValues(quantize(tf.tensor(x), ternary()).dataSync(), expected, backend);
    }
    tf.setBackend("wasm");
    assertValues(quantize(Float32Array.of(NaN, Infinity, 0), ternary()), [NaN, 0, 0]); // no finite value kept: a = 0
  });

  test("ternary (TWN): Delta = 0.7 mean|x|, scale = mean of the kept magnitudes", () => {
    const x = Float32Array.from([0.1, -0.5, 0.9, -0.05, 0.3]);
    const a = Math.fround((0.5 + 0.9 + Math.fround(0.3)) / 3);
    assert.deepEqual([...quantize(x, ternary())], [0, -a, a, 0, a].map(Math.fround));
    assert.deepEqual([...quantize(tf.tensor(x, [5, 1]), ternary()).dataSync()], [0, -a, a, 0, a].map(Math.fround));
    assert.deepEqual(
      [...quantize(x, ternary({ threshold: 0 }))].map((v) => Math.sign(v)),
      [1, -1, 1, -1, 1],
    );
  });

  /**
   * Block floating point by its definition, in float64 (exact here): the exponent of the block's
   * largest finite magnitude; NaN stays NaN, +-Inf saturate. Element i of the whole array draws
   * elementHash(seed, stream, i).
   */
  function bfpRef(
    x: Float32Array,
    bits: number,
    block: number,
    mode: Mode = "nearest",
    seed = 0,
    stream = 0,
  ): Float32Array {
    const y = new Float32Array(x.length);
    for (let b = 0; b < x.length; b += block) {
      let m = 0;
      for (let i = b; i < b + block; i++) if (Number.isFinite(x[i])) m = Math.max(m, Math.abs(x[i]));
      let e = m > 0 ? Math.floor(Math.log2(m)) : 0;
      if (m > 0 && 2 ** e > m) e--; // guard log2 rounding up below a power of two
      const frac = Math.min(149, bits - 2 - e);
      y.set(fixedRef(x.subarray(b, b + block), bits, frac, mode, seed, stream, false, b), b);
    }
    return y;
  }

  test("block floating point: blocks of tiny and subnormal values keep their zeros and values (issue 16)", () => {
    // Largest magnitude 1e-37 < 2^(8-129): the step 2^-frac needs frac > 127, past float32.
    const tiny = Float32Array.of(1e-37, 0, -5e-38, 2e-38);
    const y = quantize(tiny, blockFloatingPoint({ bits: 8, blockSize: 4 }));
    assert.ok(
      y.every((v) => Number.isFinite(v)),
      `no NaN: ${[...y]}`,
    );
    assertValues(y, bfpRef(tiny, 8, 4));
    assert.equal(y[1], 0);
    // Subnormal blocks are exact at enough bits, and round on the 2^-149 grid at few.
    const sub = Float32Array.of(3e-45, -1e-45, 0, 2e-45, 1e-40, -3e-41, 7e-42, 0);
    assertValues(quantize(sub, blockFloatingPoint({ bits: 24, blockSize: 4 })), sub);
    assertValues(quantize(sub, blockFloatingPoint({ bits: 3, blockSize: 4 })), bfpRef(sub, 3, 4));
  });

  test("block floating point: Inf saturates and NaN stays NaN in its own element; finite values and other blocks are untouched (issue 16)", () => {
    const x = Float32Array.of(
      1000,
      Infinity,
      3,
      -7,
      1.5,
      -2.25,
      0.5,
      1,
      NaN,
      8,
      -1,
      0.25,
      -Infinity,
      0,
      0,
      0,
      NaN,
      NaN,
      Infinity,
      0,
    );
    const y = quantize(x, blockFloatingPoint({ bits: 8, blockSize: 4 }));
    // The first block's exponent is that of 1000 (E = 9, step 8): Inf -> 127 * 8.
    assertValues(y.subarray(0, 4), [1000, 1016, 0, -8]);
    assertValues(y.subarray(4, 8), x.subarray(4, 8)); // exact at 8 bits
    assertValues(y.subarray(8, 12), [NaN, 8, -1, 0.25]);
    // Without a finite nonzero value the block uses E = 0 (step 2^-6), like an all-zero block.
    assertValues(y.subarray(12, 20), [-2, 0, 0, 0, NaN, NaN, 127 / 64, 0]);
    assertValues(y, bfpRef(x, 8, 4));
  });

  for (const mode of MODES) {
    test(`block floating point equals its float64 reference over every float32 magnitude, ${mode}, on every path`, () => {
      // Blocks of 8 whose magnitudes spread over 2^-149 .. 2^127 (within a block over 2^12),
      // with specials, zeros and subnormal blocks.
      const x = new Float32Array(8 * 400);
      const r = spread(x.length, 21, 0, 12);
      for (let b = 0; b < 400; b++) {
        const base = 2 ** (-149 + (276 * b) / 399);
        for (let i = 0; i < 8; i++) x[b * 8 + i] = r[b * 8 + i] * base;
      }
      x[13] = Infinity;
      x[30] = NaN;
      x[41] = -Infinity;
      x.fill(0, 64, 72);
      for (const bits of [2, 5, 8, 24]) {
        const f = blockFloatingPoint({ bits, blockSize: 8 });
        const options = { rounding: mode, seed: 6, stream: 2 };
        const expected = bfpRef(x, bits, 8, mode, 6, 2);
        assertValues(quantize(x, f, options), expected, `bits ${bits} Float32Array`);
        for (const backend of ["wasm", "cpu"]) {
          tf.setBackend(backend);
          const t = tf.tensor(x, [400, 8]);
          assertValues(quantize(t, f, options).dataSync(), expected, `bits ${bits} ${backend}`);
          t.dispose();
        }
        tf.setBackend("wasm");
      }
    });
  }

  test("block floating point: a shared exponent per block of 16, the largest value fits", () => {
    const x = spread(64 * 16, 7, -12, 4);
    x.fill(0, 32, 48); // an all-zero block
    const y = quantize(x, blockFloatingPoint({ bits: 8, blockSize: 16 }));
    assertValues(y, bfpRef(x, 8, 16));
    for (let b = 0; b < x.length; b += 16) {
      const m = Math.max(...x.subarray(b, b + 16).map(Math.abs));
      assert.ok(Math.abs(Math.max(...y.subarray(b, b + 16).map(Math.abs)) - m) <= m / 64, "block maximum fits");
    }
    assertValues(quantize(tf.tensor(x, [64, 16]), blockFloatingPoint({ bits: 8, blockSize: 16 })).dataSync(), y);
  });

  test("block floating point along an axis: one exponent per row of [M, K] with axis 1, per column with axis 0", () => {
    const x = spread(6 * 10, 8, -8, 3);
    const rows = quantize(tf.tensor(x, [6, 10]), blockFloatingPoint({ bits: 6, axis: 1 })).dataSync();
    assertValues(rows, bfpRef(x, 6, 10));
    const cols = quantize(tf.tensor(x, [6, 10]), blockFloatingPoint({ bits: 6, axis: 0 }));
    const xT = tf.tensor(x, [6, 10]).transpose().dataSync() as Float32Array;
    assertValues(cols.transpose().dataSync(), bfpRef(xT, 6, 6));
    assert.throws(
      () => quantize(tf.tensor(x, [6, 10]), blockFloatingPoint({ bits: 6, blockSize: 4 })),
      /blockSize must divide the last axis \(10\); got 4/,
    );
  });

  test("dynamic fixed point, max rule, per tensor and per channel", () => {
    const x = tf.tensor([
      [0.5, -3.2],
      [1.1, 0.01],
      [-0.7, 0.02],
    ]);
    const perTensor = dynamicFixedPoint({ bits: 8 });
    const y = perTensor.quantize(x);
    assert.deepEqual(perTensor.frac, [8 - 2 - 1]); // floor(log2 3.2) = 1
    assertValues(y.dataSync(), fixedRef(x.dataSync() as Float32Array, 8, 5, "nearest"));
    const perChannel = dynamicFixedPoint({ bits: 8, granularity: "channel" });
    const z = perChannel.quantize(x).dataSync();
    assert.deepEqual(perChannel.frac, [7 - 1, 7 - 2]); // channel maxima 1.1 and 3.2
    const xs = x.dataSync() as Float32Array;
    for (let i = 0; i < xs.length; i++) {
      assert.equal(z[i], fixedRef(Float32Array.of(xs[i]), 8, perChannel.frac![i % 2], "nearest")[0]);
    }
    assert.throws(() => perChannel.quantize(tf.zeros([2, 3])), /set up for 2 channel\(s\), got a tensor with 3/);
  });

  test("dynamic fixed point, max rule: a maximum that is a power of two fits, not saturates (issue 16)", () => {
    // 4 = 2^2 needs 3 integer bits: frac = 8 - 2 - 2 = 4 (range up to 127/16), and 4 stays 4.
    const x = tf.tensor([4, -1, 0.3, -4]);
    const dfp = dynamicFixedPoint({ bits: 8 });
    const y = dfp.quantize(x).dataSync();
    assert.deepEqual(dfp.frac, [4]);
    assertValues(y, fixedRef(x.dataSync() as Float32Array, 8, 4, "nearest"));
    assert.equal(y[0], 4);
    assert.equal(y[3], -4);
    for (const [m, frac] of [
      [1, 6],
      [0.5, 7],
      [2 ** -126, 132 - 6],
      [0.99999994, 7],
      [1.0000001, 6],
      [3e38, 8 - 2 - 127],
    ] as const) {
      assert.equal(fracFromMax(8, m), Math.max(8 - 128, Math.min(126, frac)), `fracFromMax(8, ${m})`);
    }
    const perChannel = dynamicFixedPoint({ bits: 6, granularity: "channel" });
    const z = perChannel
      .quantize(
        tf.tensor([
          [2, 0.25],
          [-1, -0.125],
        ]),
      )
      .dataSync();
    assert.deepEqual(perChannel.frac, [3, 6]);
    assertValues(z, [2, 0.25, -1, -0.125]);
  });

  test("dynamic fixed point: a NaN or Inf does not move the exponent of the finite values", () => {
    const x = tf.tensor([
      [0.5, -3.2],
      [Infinity, 0.01],
      [-0.7, NaN],
      [0.1, -Infinity],
    ]);
    const perTensor = dynamicFixedPoint({ bits: 8 });
    const y = perTensor.quantize(x).dataSync();
    assert.deepEqual(perTensor.frac, [5]); // from 3.2, as without the specials
    assertValues(y, fixedRef(x.dataSync() as Float32Array, 8, 5, "nearest"));
    assertValues([y[2], y[5], y[7]], [127 / 32, NaN, -4]);
    const perChannel = dynamicFixedPoint({ bits: 8, granularity: "channel" });
    perChannel.quantize(x).dispose();
    assert.deepEqual(perChannel.frac, [8 - 2 + 1, 8 - 2 - 1]); // maxima 0.7 and 3.2
  });

  test("dynamic fixed point, overflow rule: one bit per update toward the tolerated rate", () => {
    // 1% of the values are 100x larger than the rest.
    const values = Float32Array.from({ length: 10000 }, (_, i) => (i % 100 === 0 ? 50 : 0.5) * (i % 2 ? 1 : -1));
    const x = tf.tensor(values);
    const dfp = dynamicFixedPoint({ bits: 8, exponent: "overflow", maxOverflowRate: 0.02, updateEvery: 2 });
    for (let i = 0; i < 20; i++) dfp.quantize(x).dispose();
    assert.equal(dfp.history.length, 10);
    const fracs = dfp.history.map((r) => r.frac[0]);
    // Starts where 50 fits (frac 1), then takes one bit less integer range per update while the
    // 1% of large values stays within the 2% tolerance, until 0.5 would saturate too.
    assert.equal(fracs[0], 8 - 1 - Math.ceil(Math.log2(50)) + 1);
    for (let i = 1; i < fracs.length; i++) assert.ok(Math.abs(fracs[i] - fracs[i - 1]) <= 1);
    assert.equal(fracs[fracs.length - 1], 7); // 0.5 fits (127/128 >= 0.5), 50 saturates: rate 1%
    assert.ok(Math.abs(dfp.history[dfp.history.length - 1].overflowRate - 0.01) < 1e-9);
  });

  test("bad input names the parameter", () => {
    assert.throws(() => integer({ bits: 4, scale: 0 }), /integer scale must be a positive finite number/);
    assert.throws(() => integer({ bits: 25, scale: 1 }), /integer bits must be an integer in \[1, 24\]/);
    assert.throws(() => powerOfTwo({ bits: 9 }), /powerOfTwo bits must be an integer in \[2, 8\]/);
    assert.throws(() => blockFloatingPoint({ bits: 8 }), /exactly one of blockSize and axis/);
    assert.throws(() => ternary({ threshold: -1 }), /ternary threshold must be a finite number >= 0/);
    assert.throws(() => dynamicFixedPoint({ bits: 8, maxOverflowRate: 1 }), /maxOverflowRate must be in \[0, 1\)/);
    assert.throws(
      () => dynamicFixedPoint({ bits: 8, exponent: "mean" as never }),
      /dynamicFixedPoint exponent must be one of "max", "overflow"/,
    );
  });
});

describe("one-pass statistics", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("maxAbsOf and countAbove equal brute force on every backend, NaN ignored", () => {
    for (const n of [1, 3, 4, 7, 1001]) {
      const x = spread(n, n, -4, 4);
      if (n > 3) x[2] = NaN;
      const finite = [...x].filter((v) => !Number.isNaN(v)).map(Math.abs);
      const limit = 2 ** 0.5;
      for (const backend of ["wasm", "cpu"]) {
        tf.setBackend(backend);
        const t = tf.tensor(x);
        assert.equal(maxAbsOf(t), Math.max(...finite), `${backend} n ${n}`);
        assert.equal(countAbove(t, limit), finite.filter((v) => v > Math.fround(limit)).length, `${backend} n ${n}`);
        t.dispose();
      }
      tf.setBackend("wasm");
    }
  });
});
