/**
 * Scaled formats (issue 18): the instances named after their sources give the same bits as
 * lowbit's implementations before the construction (scaled_reference.ts, a test-only copy), and
 * the generic rules agree with float64 closed forms.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  blockFloatingPoint, bwnPerChannel, countAbove, dfpQuantizer, initBackend, maxAbsOf, logQuantizer, quantize, twnPerChannel, wageError,
  wageGradient,
} from "lowbit";
import type { Mode } from "./reference";
import {
  bfpAxisRef, bfpRef, bwnRef, DfpRef, logQuantizerRef, twnRef, wageErrorRef, wageGradientRef,
} from "./scaled_reference";

const MODES: Mode[] = ["nearest", "stochastic", "zero", "floor"];

/** Bit-for-bit equality (NaN equal to NaN, -0 distinct from 0). */
function assertBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Object.is(actual[i], expected[i]) || (Number.isNaN(actual[i]) && Number.isNaN(expected[i])))) {
      assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * Test inputs of n values: magnitudes spread over [2^lo, 2^hi], exact powers of two, values on
 * and halfway between grid points of a coarse grid, zeros of both signs, subnormals, and (when
 * `special`) NaN and +-Inf, in shuffled positions.
 */
function inputs(n: number, seed: number, { lo = -30, hi = 30, special = false } = {}): Float32Array {
  const next = generator(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const sign = next() < 0.5 ? -1 : 1;
    const kind = next();
    if (kind < 0.55) x[i] = sign * 2 ** (lo + (hi - lo) * next());
    else if (kind < 0.65) x[i] = sign * 2 ** Math.floor(lo + (hi - lo) * next());
    else if (kind < 0.8) x[i] = sign * (Math.floor(next() * 64) + (next() < 0.5 ? 0.5 : 0)) * 2 ** Math.floor(lo + (hi - lo) * next());
    else if (kind < 0.86) x[i] = sign * 0;
    else if (kind < 0.9) x[i] = sign * 2 ** -149 * Math.floor(1 + next() * 2 ** 20);
    else if (special && kind < 0.93) x[i] = NaN;
    else if (special && kind < 0.96) x[i] = sign * Infinity;
    else x[i] = sign * next();
  }
  return x;
}

/** Input families: wide, narrow, tiny (subnormal maxima), all zero, a single huge value. */
function families(n: number, seed: number, special: boolean): [string, Float32Array][] {
  const huge = inputs(n, seed + 3, { special });
  huge[n >> 1] = 3e38;
  return [
    ["wide", inputs(n, seed, { lo: -60, hi: 60, special })],
    ["narrow", inputs(n, seed + 1, { lo: -4, hi: 2, special })],
    ["subnormal", inputs(n, seed + 2, { lo: -149, hi: -127, special })],
    ["zeros", Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -0 : 0))],
    ["huge", huge],
  ];
}

describe("scaled formats: the instances give today's bits", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  for (const granularity of ["tensor", "channel"] as const) {
    for (const exponent of ["max", "overflow"] as const) {
      test(`dynamic fixed point, ${granularity}, exponent ${exponent}: every rounding, over successive calls`, () => {
        for (const bits of [2, 4, 8, 16, 24]) {
          for (const mode of MODES) {
            for (const updateEvery of exponent === "overflow" ? [1, 2] : [1]) {
              const options = { bits, granularity, exponent, updateEvery, maxOverflowRate: 0.01 };
              const q = dfpQuantizer(options, { rounding: mode, seed: 7 });
              const ref = new DfpRef(options);
              const shape = [24, 6];
              for (const [name, x] of families(144, bits * 31 + updateEvery, true)) {
                for (let call = 0; call < 3; call++) {
                  const t = tf.tensor(x.map((v) => v * 2 ** call), shape);
                  const y = q.apply(t);
                  assertBits(y.dataSync(), ref.quantize(t.dataSync() as Float32Array, shape, mode, 7, q.calls - 1), `${name} bits ${bits} ${mode} call ${call}`);
                  tf.dispose([t, y]);
                }
              }
              assert.deepEqual(q.dfp.history, ref.history);
              assert.deepEqual(q.dfp.frac, ref.frac);
            }
          }
        }
      });
    }
  }

  test("block floating point: blocks along the last axis and whole-axis blocks, every rounding", () => {
    for (const bits of [2, 3, 8, 24]) {
      for (const mode of MODES) {
        for (const [name, x] of families(96, bits * 7, true)) {
          for (const blockSize of [1, 4, 32]) {
            const f = blockFloatingPoint({ bits, blockSize });
            assertBits(quantize(x, f, { rounding: mode, seed: 3, stream: 5 }), bfpRef(x, bits, blockSize, mode, 3, 5), `${name} bits ${bits} block ${blockSize} ${mode}`);
          }
          const t = tf.tensor(x, [4, 6, 4]);
          for (const axis of [0, 1, 2, -1]) {
            const y = quantize(t, blockFloatingPoint({ bits, axis }), { rounding: mode, seed: 3, stream: 5 });
            assertBits(y.dataSync(), bfpAxisRef(t, bits, axis < 0 ? axis + 3 : axis, mode, 3, 5), `${name} bits ${bits} axis ${axis} ${mode}`);
            y.dispose();
          }
          t.dispose();
        }
      }
    }
  });

  test("BWN and TWN per channel: values and scales", () => {
    for (const [name, x] of [...families(120, 5, false), ...families(120, 6, true).map(([n, v]): [string, Float32Array] => [`${n} special`, v])]) {
      for (const channels of [1, 3, 8, 120]) {
        if (!name.endsWith("special")) { // BWN's scale over finite values only: the fix, tested below
          const bwn = bwnPerChannel(x, channels), bwnExpected = bwnRef(x, channels);
          assertBits(bwn.q, bwnExpected.q, `${name} BWN ${channels}`);
          assertBits(bwn.scales, bwnExpected.scales, `${name} BWN scales ${channels}`);
        }
        for (const threshold of [0, 0.7, 1.5]) {
          const twn = twnPerChannel(x, channels, threshold), twnExpected = twnRef(x, channels, threshold);
          assertBits(twn.q, twnExpected.q, `${name} TWN ${channels} ${threshold}`);
          assertBits(twn.scales, twnExpected.scales, `${name} TWN scales ${channels} ${threshold}`);
          assert.equal(twn.delta, twnExpected.delta);
        }
      }
    }
  });

  test("WAGE's E and G quantizers over successive calls (finite inputs)", () => {
    for (const k of [2, 4, 8, 12]) {
      for (const gamma of [1, 2, 8]) {
        const e = wageError(k, { gamma });
        for (const [name, x] of families(200, k + gamma, false)) {
          const t = tf.tensor(x, [10, 20]);
          const y = e.apply(t);
          assertBits(y.dataSync(), wageErrorRef(t, k, gamma), `E${k} gamma ${gamma} ${name}`);
          tf.dispose([t, y]);
        }
      }
      for (const eta of [1, 8, 0.125]) {
        const g = wageGradient(k, { eta, seed: 11 });
        for (const [name, x] of families(200, k * 3, false)) {
          const t = tf.tensor(x, [10, 20]);
          const y = g.apply(t);
          assertBits(y.dataSync(), wageGradientRef(t, k, eta, 11, g.calls - 1), `G${k} eta ${eta} ${name}`);
          tf.dispose([t, y]);
        }
      }
    }
  });

  test("QNN's log quantizer, every rounding (finite inputs)", () => {
    for (const bits of [2, 3, 4, 6, 8]) {
      for (const mode of MODES) {
        const q = logQuantizer(bits, { rounding: mode, seed: 9 });
        for (const [name, x] of families(200, bits, false)) {
          const t = tf.tensor(x);
          const y = q.apply(t);
          assertBits(y.dataSync(), logQuantizerRef(x, bits, mode, 9, q.calls - 1), `log ${bits} ${mode} ${name}`);
          tf.dispose([t, y]);
        }
      }
    }
  });
});

describe("scaled formats: defects fixed (issue 18)", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("maxAbsOf is over the finite values: +-Inf no longer sets the maximum (SIMD lanes and scalar tail)", () => {
    for (const n of [4, 7, 13]) {
      for (let at = 0; at < n; at++) {
        const x = Float32Array.from({ length: n }, (_, i) => (i === at ? -Infinity : i === (at + 1) % n ? NaN : (i % 5) - 2.5));
        const t = tf.tensor(x);
        const finite = Array.from(x).filter(Number.isFinite).map(Math.abs);
        assert.equal(maxAbsOf(t), Math.max(0, ...finite), `n ${n}, Inf at ${at}`);
        assert.equal(countAbove(t, 2), 1 + finite.filter((v) => v > 2).length, "countAbove counts the Inf");
        t.dispose();
      }
    }
    const only = tf.tensor([Infinity, -Infinity, NaN]);
    assert.equal(maxAbsOf(only), 0);
    only.dispose();
  });

  test("WAGE's E and G and the log quantizer: an Inf saturates; the other values keep the finite max's scale", () => {
    const x = [3, -0.3, 0.1, Infinity, -Infinity, NaN];
    const finite = [3, -0.3, 0.1];
    const e = wageError(8), t = tf.tensor(x), tf8 = tf.tensor(finite);
    const y = e.apply(t).dataSync(), yFinite = e.apply(tf8).dataSync();
    // Shift(3) = 4: the finite values as without the Infs; +-Inf saturate to +-(1 - sigma(8)).
    assertBits(y, [...yFinite, 1 - 2 ** -7, -(1 - 2 ** -7), NaN], "wage E");
    const g = wageGradient(8, { seed: 1 });
    const dW = g.apply(t).dataSync();
    assert.ok(dW.slice(0, 3).some((v) => v !== 0), "finite gradients are not zeroed by an Inf");
    assert.equal(dW[3], (2 ** 23 - 1) * 2 ** -7);
    const log = logQuantizer(4);
    const z = log.apply(t).dataSync();
    // e_max = ceil(log2 3) = 2 (the old code's Inf max gave e_max = 0): levels 2^-4 .. 2^2.
    assertBits(z, [4, -0.25, 0.125, 4, -4, NaN], "log quantizer");
    tf.dispose([t, tf8]);
  });

  test("BWN per channel: a channel holding Inf or NaN gets the mean |W| of its finite values, not Inf or NaN", () => {
    const w = Float32Array.from([1, Infinity, 2, NaN, -3, 0.5]); // channels 0: 1, 2, -3; channel 1: Inf, NaN, 0.5
    const { q, scales } = bwnPerChannel(w, 2);
    assertBits(scales, [2, 0.5], "scales");
    assertBits(q, [2, 0.5, 2, NaN, -2, 0.5], "values");
  });
});
