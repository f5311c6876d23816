/**
 * Scaled formats (issue 18): the instances named after their sources give the same bits as
 * lowbit's implementations before the construction (scaled_reference.ts, a test-only copy), and
 * the generic rules agree with float64 closed forms.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import {
  blockFloatingPoint,
  checkFormat,
  dfpQuantizer,
  fixedPoint,
  floatingPoint,
  initBackend,
  quantize,
  scaled,
  scaledQuantizer,
} from "lowbit";
import {
  bwnFormat,
  bwnPerChannel,
  dynamicFixedPointFormat,
  exponentScale,
  type Granularity,
  integer,
  logQuantizerFormat,
  powerOfTwoScale,
  type ScaledQuantizer,
  SCALE_ROUNDINGS,
  setQuantizationSeed,
  twnFormat,
  twnPerChannel,
  wageErrorFormat,
  wageGradientFormat,
} from "lowbit/quant";
import { logQuantizer, wageError, wageGradient } from "lowbit/layers";
import { blockFloatingPointAsScaled } from "../../lib/dist/quant/scaled/instances";
import { countAbove, maxAbsOf } from "../../lib/dist/quant/kernels/statistics";
import { quantizeScaled, scaledElements } from "../../lib/dist/quant/scaled/quantize_scaled";
import { fixedRef, floatRef, integerRef, type Mode } from "./reference";
import {
  bfpAxisRef,
  bfpRef,
  bwnRef,
  DfpRef,
  logQuantizerRef,
  twnRef,
  wageErrorRef,
  wageGradientRef,
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
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
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
    else if (kind < 0.8)
      x[i] = sign * (Math.floor(next() * 64) + (next() < 0.5 ? 0.5 : 0)) * 2 ** Math.floor(lo + (hi - lo) * next());
    // oxlint-disable-next-line oxc/erasing-op -- a signed zero: -0 when sign is -1
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
                  const t = tf.tensor(
                    x.map((v) => v * 2 ** call),
                    shape,
                  );
                  const y = q.apply(t);
                  assertBits(
                    y.dataSync(),
                    ref.quantize(t.dataSync() as Float32Array, shape, mode, 7, q.calls - 1),
                    `${name} bits ${bits} ${mode} call ${call}`,
                  );
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
            assertBits(
              quantize(x, f, { rounding: mode, seed: 3, stream: 5 }),
              bfpRef(x, bits, blockSize, mode, 3, 5),
              `${name} bits ${bits} block ${blockSize} ${mode}`,
            );
          }
          const t = tf.tensor(x, [4, 6, 4]);
          for (const axis of [0, 1, 2, -1]) {
            const y = quantize(t, blockFloatingPoint({ bits, axis }), { rounding: mode, seed: 3, stream: 5 });
            assertBits(
              y.dataSync(),
              bfpAxisRef(t, bits, axis < 0 ? axis + 3 : axis, mode, 3, 5),
              `${name} bits ${bits} axis ${axis} ${mode}`,
            );
            y.dispose();
          }
          t.dispose();
        }
      }
    }
  });

  test("BWN and TWN per channel: values and scales", () => {
    for (const [name, x] of [
      ...families(120, 5, false),
      ...families(120, 6, true).map(([n, v]): [string, Float32Array] => [`${n} special`, v]),
    ]) {
      for (const channels of [1, 3, 8, 120]) {
        if (!name.endsWith("special")) {
          // BWN's scale over finite values only: the fix, tested below
          const bwn = bwnPerChannel(x, channels),
            bwnExpected = bwnRef(x, channels);
          assertBits(bwn.q, bwnExpected.q, `${name} BWN ${channels}`);
          assertBits(bwn.scales, bwnExpected.scales, `${name} BWN scales ${channels}`);
        }
        for (const threshold of [0, 0.7, 1.5]) {
          const twn = twnPerChannel(x, channels, threshold),
            twnExpected = twnRef(x, channels, threshold);
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
        const x = Float32Array.from({ length: n }, (_, i) =>
          i === at ? -Infinity : i === (at + 1) % n ? NaN : (i % 5) - 2.5,
        );
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
    const e = wageError(8),
      t = tf.tensor(x),
      tf8 = tf.tensor(finite);
    const y = e.apply(t).dataSync(),
      yFinite = e.apply(tf8).dataSync();
    // Shift(3) = 4: the finite values as without the Infs; +-Inf saturate to +-(1 - sigma(8)).
    assertBits(y, [...yFinite, 1 - 2 ** -7, -(1 - 2 ** -7), NaN], "wage E");
    const g = wageGradient(8, { seed: 1 });
    const dW = g.apply(t).dataSync();
    assert.ok(
      dW.slice(0, 3).some((v) => v !== 0),
      "finite gradients are not zeroed by an Inf",
    );
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

/** floor, ceil or nearest (in the log domain) power-of-two exponent of r > 0, by search. */
function exponentBySearch(r: number, rounding: "floor" | "ceil" | "nearest"): number {
  let f = -1100;
  while (2 ** (f + 1) <= r) f++;
  const c = 2 ** f === r ? f : f + 1;
  if (rounding === "floor") return f;
  if (rounding === "ceil") return c;
  return r / 2 ** f < 2 ** c / r ? f : c; // both ratios >= 1: the nearer in log2
}

/** The groups of a [rows, cols] matrix: per tensor, per column (channel axis 1), per row, blocks of b along rows. */
function groupIds(rows: number, cols: number, g: Granularity): number[] {
  return Array.from({ length: rows * cols }, (_, j) => {
    const r = Math.floor(j / cols),
      c = j % cols;
    if (g.kind === "tensor") return 0;
    if (g.kind === "channel") return g.axis === 0 ? r : c;
    if (g.kind === "tile") throw new Error("tiles: see block_formats.test.ts");
    const size = g.size ?? cols;
    return r * (cols / size) + Math.floor(c / size);
  });
}

/** Float64 closed forms of the statistics over the finite values of each group. */
function statistics(x: Float32Array, ids: number[], rule: "max" | "meanAbs" | "meanAbsDeviation"): Map<number, number> {
  const byGroup = new Map<number, number[]>();
  x.forEach((v, j) => {
    if (Number.isFinite(v)) byGroup.set(ids[j], [...(byGroup.get(ids[j]) ?? []), v]);
  });
  const out = new Map<number, number>();
  for (const [g, v] of byGroup) {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    out.set(
      g,
      rule === "max"
        ? Math.max(...v.map(Math.abs))
        : rule === "meanAbs"
          ? v.reduce((a, b) => a + Math.abs(b), 0) / v.length
          : v.reduce((a, b) => a + Math.abs(b - mean), 0) / v.length,
    );
  }
  return out;
}

describe("scaled formats: the generic construction against float64 references", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  const ROWS = 6,
    COLS = 16;
  const GRANULARITIES: Granularity[] = [
    { kind: "tensor" },
    { kind: "channel", axis: 1 },
    { kind: "channel", axis: 0 },
    { kind: "block", axis: -1, size: 4 },
  ];

  for (const rule of ["max", "meanAbs", "meanAbsDeviation"] as const) {
    test(`rule ${rule}, float32 scale, FP8 E4M3 element: y = s * Q(float32(x / s)), every granularity and rounding`, () => {
      const spec = { exp: 4, man: 3 };
      const element = floatingPoint(spec);
      for (const granularity of GRANULARITIES) {
        for (const mode of MODES) {
          const x = inputs(ROWS * COLS, 17, { lo: -20, hi: 8, special: true });
          const f = scaled({
            element,
            scale: { rule, target: rule === "max" ? undefined : 2 },
            granularity,
            emptyScale: 1,
          });
          const ids = groupIds(ROWS, COLS, granularity);
          const stats = statistics(x, ids, rule);
          const target = rule === "max" ? 240 : 2;
          const s = ids.map((g) => ((stats.get(g) ?? 0) > 0 ? Math.fround(stats.get(g)! / target) : 1));
          const q = floatRef(
            Float32Array.from(x, (v, j) => v / s[j]),
            spec,
            mode,
            5,
            6,
          );
          const expected = Float32Array.from(q, (v, j) => s[j] * v);
          const t = tf.tensor(x, [ROWS, COLS]);
          const y = quantize(t, f, { rounding: mode, seed: 5, stream: 6 });
          assertBits(y.dataSync(), expected, `${JSON.stringify(granularity)} ${mode}`);
          tf.dispose([t, y]);
        }
      }
    });
  }

  test("power-of-two scales (floor, ceil, nearest) on a fixed-point element: exact y = 2^e * Q(x / 2^e), no rounding of x / 2^e", () => {
    for (const rounding of SCALE_ROUNDINGS) {
      for (const granularity of GRANULARITIES) {
        for (const mode of MODES) {
          const x = inputs(ROWS * COLS, 23, { lo: -140, hi: 100, special: true });
          const element = fixedPoint({ bits: 6, frac: 2, symmetric: true });
          const f = scaled({
            element,
            scale: { rule: "max", target: 3 },
            scaleFormat: powerOfTwoScale({ rounding }),
            granularity,
          });
          const ids = groupIds(ROWS, COLS, granularity);
          const stats = statistics(x, ids, "max");
          const e = ids.map((g) =>
            (stats.get(g) ?? 0) > 0 ? Math.min(127, Math.max(-149, exponentBySearch(stats.get(g)! / 3, rounding))) : 0,
          );
          const expected = Float32Array.from(x, (v, j) => {
            const y = fixedRef(Float32Array.of(v), 6, 2 - e[j], mode, 8, 9, true, j)[0];
            return y === 0 && (v < 0 || Object.is(v, -0)) ? -0 : y;
          });
          if (granularity.kind === "tensor") {
            // a Float32Array: one axis
            assertBits(quantize(x, f, { rounding: mode, seed: 8, stream: 9 }), expected, `${rounding} ${mode} array`);
          }
          const t = tf.tensor(x, [ROWS, COLS]);
          const yt = quantize(t, f, { rounding: mode, seed: 8, stream: 9 });
          assertBits(yt.dataSync(), expected, `${rounding} ${JSON.stringify(granularity)} ${mode}`);
          tf.dispose([t, yt]);
        }
      }
    }
  });

  test("log2 rounding of scales is exact at powers of two and around 2^(n + 1/2)", () => {
    const values = [
      1,
      2 ** -149,
      2 ** 127,
      3e38,
      Math.SQRT2,
      // float32 neighbours of sqrt(2) and 1/sqrt(2), where log2 rounds either way
      // oxlint-disable-next-line oxc/approx-constant -- a float32 below sqrt(2), on purpose
      1.4142135,
      1.4142137,
      0.70710677,
      // oxlint-disable-next-line oxc/approx-constant -- a float32 above 1/sqrt(2), on purpose
      0.7071068,
      1 - 2 ** -24,
      1 + 2 ** -23,
    ];
    for (let k = -140; k < 127; k += 7) values.push(Math.fround(Math.SQRT2 * 2 ** k), 2 ** k * (1 - 2 ** -24), 2 ** k);
    for (const rounding of SCALE_ROUNDINGS) {
      const q = scaledQuantizer(
        scaled({
          element: fixedPoint({ bits: 8, frac: 0 }),
          scale: { rule: "max", target: 1 },
          scaleFormat: powerOfTwoScale({ rounding, minExponent: -300, maxExponent: 300 }),
        }),
      );
      for (const m of values) {
        q.quantize(Float32Array.of(Math.fround(m)));
        assert.equal(q.scales!.exponents![0], exponentBySearch(Math.fround(m), rounding), `${rounding} of ${m}`);
      }
    }
  });

  test("an exponent-only scale (E8M0) saturates at 2^-127 and 2^127; a two-level scale (E4M3 under a per-tensor scale)", () => {
    const f = scaled({
      element: fixedPoint({ bits: 8, frac: 0 }),
      scale: { rule: "max", target: 1 / 64 },
      scaleFormat: exponentScale({ bits: 8 }),
      granularity: { kind: "block", axis: -1, size: 2 },
    });
    const q = scaledQuantizer(f);
    q.quantize(Float32Array.of(2 ** -140, 2 ** -141, 3e38, 1, 100, -50));
    assert.deepEqual(Array.from(q.scales!.exponents!), [-127, 127, 12]); // -140 + 6 -> -127; 127 + 6 -> 127; 6 + 6
    // NVFP4-like: per-block max / 3 (lowbit's IEEE-style E2M1 tops at 3) in E4M3 under one FP32 scale per tensor.
    const e2m1 = { exp: 2, man: 1 },
      e4m3 = { exp: 4, man: 3 };
    const twoLevel = scaled({
      element: floatingPoint(e2m1),
      scale: { rule: "max" },
      granularity: { kind: "block", axis: -1, size: 16 },
      scaleFormat: { kind: "format", format: scaled({ element: floatingPoint(e4m3), scale: { rule: "max" } }) },
    });
    const x = inputs(64, 29, { lo: -12, hi: 6 });
    const blockScale = Array.from({ length: 4 }, (_, b) =>
      Math.fround(Math.max(...Array.from(x.subarray(16 * b, 16 * b + 16), Math.abs)) / 3),
    );
    const perTensor = Math.fround(Math.max(...blockScale) / 240);
    const sb = floatRef(
      Float32Array.from(blockScale, (v) => v / perTensor),
      e4m3,
      "nearest",
    ).map((v) => v * perTensor);
    const expected = Float32Array.from(
      floatRef(
        Float32Array.from(x, (v, j) => v / sb[j >> 4]),
        e2m1,
        "nearest",
      ),
      (v, j) => sb[j >> 4] * v,
    );
    assertBits(quantize(x, twoLevel), expected, "two-level");
  });

  test("fixed and learned scales; the learned one's current value per call", () => {
    const element = integer({ bits: 4, scale: 1 });
    const x = Float32Array.of(0.3, -1.7, 2.2, 9, -9, NaN);
    const fixed = scaled({ element, scale: { rule: "fixed", value: 0.25 } });
    assertBits(
      quantize(x, fixed),
      Float32Array.from(
        integerRef(
          Float32Array.from(x, (v) => v / 0.25),
          4,
          1,
          true,
          "nearest",
        ),
        (v) => 0.25 * v,
      ),
      "fixed",
    );
    const learned = scaled({
      element,
      scale: { rule: "learned", init: 0.5 },
      granularity: { kind: "channel", axis: 0 },
    });
    assertBits(
      quantize(x, learned),
      Float32Array.from(
        integerRef(
          Float32Array.from(x, (v) => v / 0.5),
          4,
          1,
          true,
          "nearest",
        ),
        (v) => 0.5 * v,
      ),
      "init",
    );
    const perGroup = Float32Array.of(1, 2, 0.5, 0.125, 4, 1);
    const y = quantizeScaled(x, learned, { learnedScale: perGroup });
    assertBits(
      y,
      Float32Array.from(
        x,
        (v, j) => perGroup[j] * integerRef(Float32Array.of(v / perGroup[j]), 4, 1, true, "nearest")[0],
      ),
      "learned",
    );
    assert.throws(
      () => quantizeScaled(x, learned, { learnedScale: [1, 2] }),
      /learnedScale must have one value per group \(6\); got 2/,
    );
  });

  test("a ScaledQuantizer keeps its scales between updates; saveState / loadState resume it exactly", () => {
    const f = scaled({
      element: fixedPoint({ bits: 6, frac: 0 }),
      scale: { rule: "overflow", maxOverflowRate: 0.05 },
      scaleFormat: powerOfTwoScale({ rounding: "floor" }),
      granularity: { kind: "channel", axis: -1 },
    });
    const run = (q: ScaledQuantizer, from: number, to: number) => {
      const out: number[][] = [];
      for (let call = from; call < to; call++) {
        const t = tf.tensor(inputs(48, call, { lo: -3 - call, hi: 2 + call }), [12, 4]);
        const y = q.quantize(t, { rounding: "stochastic", seed: 2, stream: call });
        out.push(Array.from(y.dataSync()));
        tf.dispose([t, y]);
      }
      return out;
    };
    const whole = scaledQuantizer(f, { updateEvery: 2 });
    const all = run(whole, 0, 6);
    const first = scaledQuantizer(f, { updateEvery: 2 });
    run(first, 0, 3);
    const resumed = scaledQuantizer(JSON.parse(JSON.stringify(f)), { updateEvery: 2 });
    resumed.loadState(JSON.parse(JSON.stringify(first.saveState())));
    assert.deepEqual(run(resumed, 3, 6), all.slice(3));
    assert.deepEqual(resumed.history, whole.history);
    assert.equal(whole.history.length, 3);
  });

  test("formats survive JSON: JSON.parse(JSON.stringify(f)) is accepted and gives the same bits", () => {
    const formats = [
      dynamicFixedPointFormat({ bits: 8, exponent: "overflow", maxOverflowRate: 0.01, granularity: "channel" }),
      bwnFormat(),
      twnFormat({ threshold: 0.5 }),
      wageErrorFormat(8, 2),
      wageGradientFormat(8),
      logQuantizerFormat(5),
      scaled({
        element: floatingPoint({ exp: 5, man: 2 }),
        scale: { rule: "max" },
        scaleFormat: exponentScale({ bits: 8 }),
        granularity: { kind: "block", axis: 0, size: 3 },
      }),
    ];
    const t = tf.tensor(inputs(6 * 8, 31, { special: true }), [6, 8]);
    for (const f of formats) {
      const copy = JSON.parse(JSON.stringify(f));
      assert.deepEqual(checkFormat("copy", copy), f);
      const a = quantize(t, f, { rounding: "stochastic", seed: 1 }),
        b = quantize(t, copy, { rounding: "stochastic", seed: 1 });
      assertBits(a.dataSync(), b.dataSync(), JSON.stringify(f));
      tf.dispose([a, b]);
    }
    t.dispose();
  });

  test("bad formats: errors name the parameter and its allowed range", () => {
    const element = fixedPoint({ bits: 8, frac: 0 });
    assert.throws(() => scaled({ element, scale: { rule: "median" } as never }), /scaled scale.rule must be one of/);
    assert.throws(
      () => scaled({ element, scale: { rule: "fixed", value: 0 } }),
      /scaled scale.value must be a positive finite float32 number; got 0/,
    );
    assert.throws(
      () => scaled({ element, scale: { rule: "overflow", maxOverflowRate: 1 } }),
      /maxOverflowRate must be in \[0, 1\); got 1/,
    );
    assert.throws(
      () => scaled({ element, scale: { rule: "overflow", maxOverflowRate: 0 } }),
      /overflow moves the scale by powers of two/,
    );
    assert.throws(() => scaled({ element, scale: { rule: "meanAbsKept" } }), /meanAbsKept needs a ternary element/);
    assert.throws(
      () => scaled({ element, scale: { rule: "max" }, granularity: { kind: "block", axis: -1, size: 0 } }),
      /granularity.size must be an integer in \[1,/,
    );
    assert.throws(() => powerOfTwoScale({ rounding: "up" as never }), /powerOfTwoScale rounding must be one of/);
    assert.throws(() => exponentScale({ bits: 9 }), /exponentScale bits must be an integer in \[2, 8\]; got 9/);
    assert.throws(
      () => scaled({ element: blockFloatingPoint({ bits: 8, blockSize: 4 }), scale: { rule: "max" } }),
      /element must be an element-wise format/,
    );
    const f = scaled({ element, scale: { rule: "max" }, granularity: { kind: "channel", axis: 2 } });
    assert.throws(
      () => quantize(tf.zeros([2, 2]), f),
      /granularity.axis must be in \[-2, 1\] for a rank-2 input; got 2/,
    );
    assert.throws(() => wageError(8, { gamma: 3 }), /wageError gamma must be a power of two/);
  });

  test("same seed: the same bits on the wasm and cpu backends and for a Float32Array; one random draw per call", () => {
    const x = inputs(8 * 32, 41, { special: true });
    const formats = [
      dynamicFixedPointFormat({ bits: 8, granularity: "channel" }),
      blockFloatingPointAsScaled(blockFloatingPoint({ bits: 5, axis: 0 })),
      logQuantizerFormat(4),
      scaled({
        element: floatingPoint({ exp: 4, man: 3 }),
        scale: { rule: "meanAbs" },
        granularity: { kind: "block", axis: -1, size: 8 },
      }),
    ];
    for (const f of formats) {
      const t = tf.tensor(x, [8, 32]);
      const onWasm = quantize(t, f, { rounding: "stochastic", seed: 3, stream: 4 });
      tf.setBackend("cpu");
      try {
        const tc = tf.tensor(x, [8, 32]);
        const onCpu = quantize(tc, f, { rounding: "stochastic", seed: 3, stream: 4 });
        assertBits(onCpu.dataSync(), onWasm.dataSync(), `cpu ${JSON.stringify(f.scale)}`);
        tf.dispose([tc, onCpu]);
      } finally {
        tf.setBackend("wasm");
      }
      if (f.granularity.kind !== "channel" && !(f.granularity.kind === "block" && f.granularity.axis === 0)) {
        assertBits(quantize(x, f, { rounding: "stochastic", seed: 3, stream: 4 }), onWasm.dataSync(), "array");
      }
      // Without a seed: exactly one stream of the global sequence per call.
      setQuantizationSeed(9);
      const first = quantize(t, f, { rounding: "stochastic" });
      setQuantizationSeed(9);
      quantize(t, f, { rounding: "stochastic" }).dispose();
      const second = quantize(t, f, { rounding: "stochastic", seed: 9, stream: 1 });
      const replay = quantize(t, f, { rounding: "stochastic" });
      assertBits(replay.dataSync(), second.dataSync(), "stream 1 of seed 9");
      tf.dispose([t, onWasm, first, second, replay]);
    }
  });

  test("no tensor leaks, on every path", () => {
    const t = tf.tensor(inputs(6 * 8, 37, { special: true }), [6, 8]);
    const formats = [
      dynamicFixedPointFormat({ bits: 8 }),
      blockFloatingPointAsScaled(blockFloatingPoint({ bits: 4, axis: 0 })),
      bwnFormat(),
      twnFormat(),
      logQuantizerFormat(4),
      scaled({
        element: floatingPoint({ exp: 4, man: 3 }),
        scale: { rule: "meanAbsDeviation" },
        granularity: { kind: "block", axis: 0, size: 2 },
      }),
    ];
    for (const f of formats) quantize(t, f).dispose(); // warm-up
    const before = tf.memory().numTensors;
    for (const f of formats) {
      quantize(t, f).dispose();
      scaledElements(t, f).dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    t.dispose();
  });
});
