/**
 * quantize() with fixed- and floating-point formats against the float64 references of
 * ./reference.ts: bit-exact for every rounding, exhaustive where the format is small, IEEE
 * binary16 on a million values, stochastic rounding unbiased, seeds reproducible across runs
 * and backends, errors that name the parameter.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import {
  BF16,
  blockFloatingPoint,
  FP16,
  FP8_E4M3,
  FP8_E5M2,
  fixedPoint,
  floatingPoint,
  type Format,
  initBackend,
  powerOfTwo,
  quantize,
  ste,
} from "lowbit";
import { floatingPointRange, integer, quantizeGradient, setQuantizationSeed, sigma, shift, wageQ } from "lowbit/quant";
import { elementHash } from "../../lib/dist/core/random";
import { binary16, fixedRef, floatRef, type Mode } from "./reference";

const MODES: Mode[] = ["nearest", "stochastic", "zero", "floor"];

/** Compares bit patterns (so that NaN equals NaN and -0 differs from 0). */
function assertSameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    const bothNaN = Number.isNaN(actual[i]) && Number.isNaN(expected[i]);
    if (a[i] !== e[i] && !bothNaN && !(actual[i] === 0 && expected[i] === 0)) {
      assert.fail(`${what}: element ${i}: x -> ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/** Values around every code of a grid of `step` between lo and hi: codes, midpoints (ties), in-between. */
function gridProbe(lo: number, hi: number, step: number): Float32Array {
  const out: number[] = [];
  for (let v = lo - 3 * step; v <= hi + 3 * step; v += step) {
    out.push(v, v + step / 2, v + step / 4, v + (3 * step) / 4, v + step / 3);
  }
  return Float32Array.from(out);
}

function randomSpread(n: number, seed: number, minExp: number, maxExp: number): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = (next() < 0.5 ? -1 : 1) * 2 ** (minExp + (maxExp - minExp) * next()) * (1 + next());
  }
  return out;
}

describe("quantize", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("wageQ([-1, 0.2, 0.6], 2) = [-0.5, 0, 0.5]; sigma and shift", () => {
    assert.deepEqual([...wageQ(new Float32Array([-1, 0.2, 0.6]), 2)], [-0.5, 0, 0.5]);
    assert.deepEqual([...wageQ(tf.tensor([-1, 0.2, 0.6]), 2).dataSync()], [-0.5, 0, 0.5]);
    assert.equal(sigma(8), 1 / 128);
    assert.equal(shift(0.3), 0.25);
    assert.equal(shift(3), 4);
    assert.throws(() => shift(0), /shift x must be a positive finite number/);
  });

  for (const [bits, frac] of [
    [8, 4],
    [4, 0],
    [2, 1],
    [1, 0],
    [12, 10],
    [24, 0],
  ]) {
    for (const mode of MODES) {
      test(`fixedPoint(${bits}, ${frac}) ${mode}: every code, tie and saturation`, () => {
        const step = 2 ** -frac;
        const x = gridProbe(
          -(2 ** (bits - 1)) * step,
          (2 ** (bits - 1) - 1) * step,
          bits > 12 ? step * 2 ** (bits - 10) : step,
        );
        const extra = Float32Array.from([NaN, Infinity, -Infinity, 1e30, -1e30, 0, -0]);
        const all = Float32Array.from([...x, ...extra]);
        const f = fixedPoint({ bits, frac });
        assertSameBits(
          quantize(all, f, { rounding: mode, seed: 7 }),
          fixedRef(all, bits, frac, mode, 7),
          "Float32Array",
        );
        assertSameBits(
          quantize(tf.tensor(all), f, { rounding: mode, seed: 7 }).dataSync() as Float32Array,
          fixedRef(all, bits, frac, mode, 7),
          "wasm tensor",
        );
      });
    }
  }

  test("symmetric fixed point drops the most negative code", () => {
    const x = Float32Array.from([-5, -1, -0.9, 0.9, 5]);
    assertSameBits(
      quantize(x, fixedPoint({ bits: 3, frac: 1, symmetric: true })),
      fixedRef(x, 3, 1, "nearest", 0, 0, true),
      "symmetric",
    );
  });

  test("floatingPoint({exp: 5, man: 10, saturate: false}) is IEEE binary16 on 10^6 values", () => {
    const x = randomSpread(1_000_000, 11, -27, 17);
    const y = quantize(x, floatingPoint({ exp: 5, man: 10, saturate: false }));
    assertSameBits(y, x.map(binary16), "binary16");
  });

  test("every binary16 code round-trips, NaN stays NaN, Inf stays Inf without saturation", () => {
    const codes = new Float32Array(65536);
    for (let c = 0; c < 65536; c++) {
      const s = c & 0x8000 ? -1 : 1,
        e = (c >> 10) & 0x1f,
        m = c & 0x3ff;
      codes[c] = e === 31 ? (m ? NaN : s * Infinity) : e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
    }
    assertSameBits(quantize(codes, floatingPoint({ exp: 5, man: 10, saturate: false })), codes, "round trip");
  });

  for (const [name, spec, exp, man] of [
    ["E4M3", FP8_E4M3, 4, 3],
    ["E5M2", FP8_E5M2, 5, 2],
  ] as const) {
    test(`every FP8 ${name} code round-trips under every rounding`, () => {
      const bias = 2 ** (exp - 1) - 1,
        codes: number[] = [];
      for (let c = 0; c < 256; c++) {
        const s = c & 0x80 ? -1 : 1,
          e = (c >> man) & (2 ** exp - 1),
          m = c & (2 ** man - 1);
        if (e === 2 ** exp - 1) continue; // Inf / NaN codes
        codes.push(e === 0 ? s * m * 2 ** (1 - bias - man) : s * (1 + m / 2 ** man) * 2 ** (e - bias));
      }
      const x = Float32Array.from(codes);
      for (const mode of MODES) assertSameBits(quantize(x, spec, { rounding: mode, seed: 1 }), x, mode);
    });
  }

  for (const spec of [
    FP16,
    BF16,
    FP8_E4M3,
    FP8_E5M2,
    floatingPoint({ exp: 3, man: 2, subnormals: false }),
    floatingPoint({ exp: 8, man: 0, saturate: false }),
  ]) {
    for (const mode of MODES) {
      test(`floatingPoint(${JSON.stringify(spec)}) ${mode} equals the float64 reference`, () => {
        const r = floatingPointRange(spec);
        const x = Float32Array.from([
          ...randomSpread(20000, 3, Math.log2(r.minSubnormal) - 2, Math.log2(r.maxFinite) + 1),
          NaN,
          Infinity,
          -Infinity,
          0,
          -0,
          r.maxFinite,
          -r.maxFinite,
          r.minNormal,
          r.minSubnormal / 2,
        ]);
        assertSameBits(
          quantize(x, spec, { rounding: mode, seed: 3, stream: 9 }),
          floatRef(x, spec, mode, 3, 9),
          "Float32Array",
        );
      });
    }
  }

  test("FP8 E4M3 / E5M2 largest finite values are 240 and 57344", () => {
    assert.equal(floatingPointRange(FP8_E4M3).maxFinite, 240);
    assert.equal(floatingPointRange(FP8_E5M2).maxFinite, 57344);
    assert.deepEqual([...quantize(Float32Array.from([1e9, -1e9]), FP8_E4M3)], [240, -240]);
  });

  test("stochastic rounding is unbiased and rounds up with probability equal to the fraction", () => {
    const n = 1_000_000;
    const cases: [string, Parameters<typeof quantize>[1], number, number][] = [];
    for (const frac of [0.5, 0.25, 0.1, 0.01, 0.9, 0.001953125]) {
      cases.push(["fixed", fixedPoint({ bits: 8, frac: 0 }), 3 + frac, 3]);
      cases.push(["float", BF16, 1 + frac * 2 ** -7, 1]); // between 1 and 1 + ulp(1)
    }
    for (const [kind, format, v, lower] of cases) {
      const y = quantize(new Float32Array(n).fill(v), format, { rounding: "stochastic", seed: 42 });
      const step = kind === "fixed" ? 1 : 2 ** -7;
      const p = Math.fround(v - lower) / step;
      let up = 0;
      for (let i = 0; i < n; i++) if (y[i] !== lower) up++;
      const se = Math.sqrt((p * (1 - p)) / n);
      assert.ok(Math.abs(up / n - p) < 4 * se, `${kind} ${v}: rounded up ${up / n}, expected ${p} (4 SE = ${4 * se})`);
      let meanError = 0;
      for (let i = 0; i < n; i++) meanError += (y[i] - Math.fround(v)) / n;
      assert.ok(Math.abs(meanError) < 4 * step * se, `${kind} ${v}: mean error ${meanError}`);
    }
  });

  describe("the exact resolution of stochastic rounding: up iff k * 2^-24 < frac, k = elementHash >>> 8 (issue 16)", () => {
    const seed = 12,
      stream = 3,
      n = 4099; // SIMD blocks of 16 and a scalar tail
    const hashK = (i: number) => elementHash(seed, stream, i) >>> 8;

    /**
     * For each k (an element's own u = k * 2^-24), a fraction of a step in (0, 1) that sits
     * exactly on u, or halfway to the grid point below or above it, and whether it must round
     * up: P(up) = ceil(frac * 2^24) / 2^24, i.e. up iff k < ceil(frac * 2^24).
     * Positive values get fractions below 1/2 (k < 2^23), where a float32 holds the 2^-25 grid;
     * `negative` ones fractions above 1/2 (k > 2^23), since a negative value's fraction is
     * 1 - r with r = |x| - floor|x| < 1/2 there.
     */
    function crafted(ks: number[], negative: boolean): { frac: number[]; up: boolean[] } {
      const frac: number[] = [],
        up: boolean[] = [];
      ks.forEach((k, i) => {
        const fine = negative ? k > 2 ** 23 : k < 2 ** 23 && k > 0;
        const u = k * 2 ** -24;
        const choice = fine ? i % 3 : 0;
        if (k === 0) {
          frac.push(2 ** -25);
          up.push(true);
        } else {
          frac.push(choice === 0 ? u : choice === 1 ? u + 2 ** -25 : u - 2 ** -25);
          up.push(choice === 1);
        }
      });
      return { frac, up };
    }

    test("fixed point (SIMD lanes and the scalar tail), positive and negative values", () => {
      const f = fixedPoint({ bits: 8, frac: 0 });
      const ks = Array.from({ length: n }, (_, i) => hashK(i));
      for (const negative of [false, true]) {
        const { frac, up } = crafted(ks, negative);
        // positive: x = frac (floor 0); negative: x = -(1 - frac) (floor -1)
        const x = Float32Array.from(frac, (v) => (negative ? -(1 - v) : v));
        for (let i = 0; i < n; i++) assert.equal(negative ? x[i] + 1 : x[i], frac[i], `crafting element ${i}`);
        const y = quantize(x, f, { rounding: "stochastic", seed, stream });
        const t = quantize(tf.tensor(x), f, { rounding: "stochastic", seed, stream }).dataSync();
        for (let i = 0; i < n; i++) {
          const expected = negative ? (up[i] ? 0 : -1) : up[i] ? 1 : 0;
          if (y[i] !== expected || t[i] !== expected) {
            assert.fail(
              `${negative ? "negative" : "positive"} element ${i}: k = ${ks[i]}, frac = ${frac[i]}: got ${y[i]} / ${t[i]}, expected ${expected}`,
            );
          }
        }
      }
    });

    test("integer, float subnormals, powers of two below the smallest, block floating point: the same rule", () => {
      const ks = Array.from({ length: n }, (_, i) => hashK(i));
      const { frac, up } = crafted(ks, false);
      const cases: [string, Format, (f: number) => number, (u: boolean) => number][] = [
        ["integer scale 2^-5", integer({ bits: 8, scale: 2 ** -5 }), (v) => v * 2 ** -5, (u) => (u ? 2 ** -5 : 0)],
        ["integer scale 1", integer({ bits: 8, scale: 1 }), (v) => v, (u) => (u ? 1 : 0)],
        ["float E5M10 subnormal (by magnitude)", FP16, (v) => -v * 2 ** -24, (u) => (u ? -(2 ** -24) : 0)],
        ["powerOfTwo below 2^-6", powerOfTwo({ bits: 4 }), (v) => v * 2 ** -6, (u) => (u ? 2 ** -6 : 0)],
      ];
      for (const [what, format, input, output] of cases) {
        const x = Float32Array.from(frac, input);
        const y = quantize(x, format, { rounding: "stochastic", seed, stream });
        for (let i = 0; i < n; i++) {
          if (y[i] !== output(up[i]))
            assert.fail(
              `${what} element ${i}: k = ${ks[i]}, frac = ${frac[i]}: got ${y[i]}, expected ${output(up[i])}`,
            );
        }
      }
      // Block floating point, blocks [x, 1.5] at 2 bits: the exponent of 1.5 gives step 1.
      const evenKs = Array.from({ length: n }, (_, j) => hashK(2 * j));
      const even = crafted(evenKs, false);
      const x = new Float32Array(2 * n).fill(1.5);
      even.frac.forEach((v, j) => (x[2 * j] = v));
      const y = quantize(x, blockFloatingPoint({ bits: 2, blockSize: 2 }), { rounding: "stochastic", seed, stream });
      for (let j = 0; j < n; j++) {
        if (y[2 * j] !== (even.up[j] ? 1 : 0))
          assert.fail(
            `block floating point element ${2 * j}: k = ${evenKs[j]}, frac = ${even.frac[j]}: got ${y[2 * j]}`,
          );
      }
    });

    test("a fraction of a step in (0, 2^-24] rounds up exactly when k = 0 (probability 2^-24, not 0)", () => {
      // Find a call with an element whose k is 0 (one in 2^24), then check every element.
      let found = -1,
        at = -1;
      for (let s = 0; found < 0; s++) {
        for (let i = 0; i < 20; i++) {
          if (elementHash(seed, s, i) >>> 8 === 0) [found, at] = [s, i];
        }
      }
      const x = new Float32Array(20).fill(2 ** -30);
      // Powers of two from 2^127 only: |x| / 2^127 = 2^-157 is below float32's range, not below 2^-24.
      const cases = [
        [fixedPoint({ bits: 8, frac: 0 }), 1],
        [integer({ bits: 8, scale: 1 }), 1],
        [powerOfTwo({ bits: 2, maxExponent: 127 }), 2 ** 127],
      ] as const;
      for (const [format, one] of cases) {
        const y = quantize(x, format, { rounding: "stochastic", seed, stream: found });
        for (let i = 0; i < 20; i++)
          assert.equal(y[i], elementHash(seed, found, i) >>> 8 === 0 ? one : 0, `${format.kind} element ${i}`);
        assert.equal(y[at], one);
      }
    });
  });

  test("fixed point with a step above 1: floor and stochastic rounding of values whose scaled product underflows (issue 16)", () => {
    // x * 2^-20 underflows float32 for |x| < 2^-129: floor of a negative one is still -1 step.
    const f = fixedPoint({ bits: 8, frac: -20 });
    const x = new Float32Array(20).fill(-1e-40);
    x[3] = 1e-40;
    x[18] = -3e-45;
    const y = quantize(x, f, { rounding: "floor" });
    const t = quantize(tf.tensor(x), f, { rounding: "floor" }).dataSync();
    for (let i = 0; i < 20; i++) {
      const expected = x[i] < 0 ? -(2 ** 20) : 0;
      assert.equal(y[i], expected, `Float32Array element ${i}`);
      assert.equal(t[i], expected, `tensor element ${i}`);
    }
    assertSameBits(
      quantize(x, f, { rounding: "stochastic", seed: 2 }),
      fixedRef(x, 8, -20, "stochastic", 2),
      "stochastic",
    );
  });

  test("same seed: bit-identical across calls and between the cpu and wasm backends; other seeds differ", () => {
    const x = randomSpread(100_000, 5, -10, 3);
    for (const format of [fixedPoint({ bits: 8, frac: 6 }), FP8_E5M2]) {
      const a = quantize(x, format, { rounding: "stochastic", seed: 1 });
      assertSameBits(quantize(x, format, { rounding: "stochastic", seed: 1 }), a, "same seed");
      assertSameBits(
        quantize(tf.tensor(x), format, { rounding: "stochastic", seed: 1 }).dataSync() as Float32Array,
        a,
        "wasm",
      );
      tf.setBackend("cpu");
      try {
        assertSameBits(
          quantize(tf.tensor(x), format, { rounding: "stochastic", seed: 1 }).dataSync() as Float32Array,
          a,
          "cpu",
        );
      } finally {
        tf.setBackend("wasm");
      }
      const b = quantize(x, format, { rounding: "stochastic", seed: 2 });
      assert.ok(
        a.some((v, i) => v !== b[i]),
        "another seed gives other bits",
      );
      assert.ok(
        a.some((v, i) => v !== quantize(x, format, { rounding: "stochastic", seed: 1, stream: 1 })[i]),
        "another stream too",
      );
    }
  });

  test("without a seed: successive calls differ, and setQuantizationSeed replays them", () => {
    const x = new Float32Array(1000).fill(0.5);
    const f = fixedPoint({ bits: 4, frac: 0 });
    setQuantizationSeed(9);
    const first = quantize(x, f, { rounding: "stochastic" }),
      second = quantize(x, f, { rounding: "stochastic" });
    assert.ok(first.some((v, i) => v !== second[i]));
    setQuantizationSeed(9);
    assertSameBits(quantize(x, f, { rounding: "stochastic" }), first, "replay");
  });

  test("bad input: RangeError or TypeError naming the parameter and the allowed range", () => {
    const x = new Float32Array(4);
    // The formats go to 64-bit fixed point and float64 (they describe accumulators, issue 18);
    // quantize() holds values in float32 and refuses what float32 cannot hold, naming why.
    assert.throws(() => fixedPoint({ bits: 0, frac: 0 }), /fixedPoint bits must be an integer in \[1, 64\]; got 0/);
    assert.throws(() => fixedPoint({ bits: 65, frac: 0 }), /fixedPoint bits must be an integer in \[1, 64\]; got 65/);
    assert.throws(
      () => quantize(x, fixedPoint({ bits: 33, frac: 0 })),
      /quantize fixedPoint bits \(values are held in float32: 24 significant bits\) must be an integer in \[1, 24\]; got 33/,
    );
    assert.throws(() => quantize(x, fixedPoint({ bits: 25, frac: 0 })), /\[1, 24\]; got 25/);
    assert.throws(
      () => quantize(x, fixedPoint({ bits: 8, frac: 0, overflow: "wrap" })),
      /quantize fixedPoint overflow must be "saturate" .*; got "wrap"/,
    );
    assert.throws(
      () => fixedPoint({ bits: 8, frac: 0, overflow: "modular" as never }),
      /fixedPoint overflow must be one of "saturate", "wrap"; got "modular"/,
    );
    assert.throws(
      () => fixedPoint({ bits: 8, frac: 0, symmetric: true, overflow: "wrap" }),
      /overflow "wrap" needs symmetric false/,
    );
    assert.throws(() => fixedPoint({ bits: 1.5, frac: 0 }), /fixedPoint bits/);
    assert.throws(
      () => fixedPoint({ bits: 8, frac: 200 }),
      /fixedPoint frac must be an integer in \[-120, 126\]; got 200/,
    );
    assert.throws(
      () => floatingPoint({ exp: 12, man: 3 }),
      /floatingPoint exp must be an integer in \[1, 11\]; got 12/,
    );
    assert.throws(
      () => floatingPoint({ exp: 4, man: 53 }),
      /floatingPoint man must be an integer in \[0, 52\]; got 53/,
    );
    assert.throws(
      () => floatingPoint({ exp: 4, man: NaN }),
      /floatingPoint man must be an integer in \[0, 52\]; got NaN/,
    );
    assert.throws(
      () => quantize(x, floatingPoint({ exp: 9, man: 3 })),
      /quantize floatingPoint exp \(values are held in float32: 8 exponent bits\) must be an integer in \[1, 8\]; got 9/,
    );
    assert.throws(() => quantize(x, floatingPoint({ exp: 11, man: 52 })), /exp .* \[1, 8\]; got 11/);
    assert.throws(
      () => quantize(tf.tensor([1]), floatingPoint({ exp: 8, man: 24 })),
      /quantize floatingPoint man \(values are held in float32: 23 mantissa bits\) must be an integer in \[0, 23\]; got 24/,
    );
    assert.throws(
      () => quantize(x, FP16, { rounding: "upward" as never }),
      /quantize rounding must be one of "nearest", "stochastic", "zero", "floor", "nearestAway", "up", "down", "odd"; got "upward"/,
    );
    assert.throws(() => quantize(x, { kind: "fixed", bits: 40, frac: 0, symmetric: false }), /fixedPoint bits/);
    assert.throws(() => quantize(x, { kind: "posit" } as never), TypeError);
    assert.throws(() => quantize(tf.tensor([1, 2], undefined, "int32"), FP16), /float32 tensor; got int32/);
    assert.throws(
      () => quantize(x, FP16, { rounding: "stochastic", seed: -1 }),
      /quantize seed must be an integer in \[0, 2\^32 - 1\]/,
    );
  });

  test("no tensor or wasm-buffer leaks", () => {
    const x = tf.tensor(randomSpread(4096, 1, -5, 5));
    quantize(x, FP16).dispose();
    const tensors = tf.memory().numTensors,
      buffers = tf.engine().backend.numDataIds();
    for (let i = 0; i < 10; i++) quantize(x, fixedPoint({ bits: 8, frac: 3 }), { rounding: "stochastic" }).dispose();
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(tf.engine().backend.numDataIds(), buffers);
    x.dispose();
  });
});

describe("ste and quantizeGradient", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("ste passes the gradient straight through, or only inside the clip range", () => {
    const x = tf.tensor([-2, -1, -0.3, 0.3, 1, 2]);
    const q = (t: tf.Tensor) => quantize(t, fixedPoint({ bits: 2, frac: 0 }));
    assert.deepEqual([...ste(q)(x).dataSync()], [-2, -1, -0, 0, 1, 1]);
    assert.deepEqual([...tf.grad(ste(q))(x).dataSync()], [1, 1, 1, 1, 1, 1]);
    assert.deepEqual(
      [
        ...tf
          .grad(ste(q, { clip: 1 }))(x)
          .dataSync(),
      ],
      [0, 1, 1, 1, 1, 0],
    );
    assert.deepEqual(
      [
        ...tf
          .grad(ste(q, { clip: [0, 5] }))(x)
          .dataSync(),
      ],
      [0, 0, 0, 1, 1, 1],
    );
    assert.throws(() => ste(q, { clip: [1, -1] }), /ste clip must be a range/);
  });

  test("quantizeGradient is the identity forward and quantizes the gradient backward", () => {
    const x = tf.tensor([0.1, 0.2, 0.3]);
    const w = tf.tensor([0.3, 0.61, -0.12]);
    const f = (t: tf.Tensor) =>
      quantizeGradient(t, fixedPoint({ bits: 8, frac: 2 }))
        .mul(w)
        .sum();
    assert.deepEqual([...quantizeGradient(x, FP16).dataSync()], [...x.dataSync()]);
    assert.deepEqual([...tf.grad(f)(x).dataSync()], [0.25, 0.5, -0]);
  });
});
