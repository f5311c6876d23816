/**
 * OCP MX and NVFP4 quantization against independent float64 implementations of the
 * specifications written here (OCP Microscaling Formats v1.0 section 6.3: shared exponent
 * floor(log2 max|V|) - emax_elem clamped to E8M0's range, elements rounded to nearest even by
 * brute force over the element's values and clamped; NaN/Inf blocks NaN; and NVIDIA's NVFP4
 * two-level scales), bit for bit, on random tensors with outliers, zeros, float32 subnormals,
 * Inf and NaN; the spec's worked properties; 1-D blocks along any axis and 2-D tiles; the
 * kernel path and the general path; stochastic rounding reproducible and unbiased.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { elementHash } from "../../lib/dist/core/random";
import {
  checkFormat,
  floatingPoint,
  E8M0,
  formatBits,
  formatLabel,
  FP4_E2M1,
  type Format,
  formatInfo,
  mx,
  MXFP4,
  MXFP6_E2M3,
  MXFP6_E3M2,
  MXFP8_E4M3,
  MXFP8_E5M2,
  MXINT8,
  NVFP4,
  nvfp4,
  OCP_E4M3,
  quantize,
  quantizeValue,
  scaledQuantizer,
  type ScaledFormat,
} from "lowbit/quant";

/** Nonnegative finite values of a float element from its definition (exp, man, bias, largest value). */
function elementValues(exp: number, man: number, bias: number, max: number): number[] {
  const values: number[] = [];
  for (let field = 0; field < 2 ** exp; field++) {
    for (let m = 0; m < 2 ** man; m++) {
      const v = field === 0 ? m * 2 ** (1 - bias - man) : (1 + m / 2 ** man) * 2 ** (field - bias);
      if (v <= max) values.push(v);
    }
  }
  return values;
}

/** Nearest value, ties to the even index (the even code), saturating at the largest. */
function nearestIn(values: number[], x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  let q: number;
  if (a >= values[values.length - 1]) q = values[values.length - 1];
  else {
    let i = 0;
    while (values[i + 1] <= a) i++;
    const lo = values[i],
      hi = values[i + 1];
    q = a - lo < hi - a ? lo : hi - a < a - lo ? hi : i % 2 === 0 ? lo : hi;
  }
  return x < 0 || Object.is(x, -0) ? -q : q;
}

interface ElementSpec {
  values: number[];
  emax: number;
  max: number;
}
const E4M3 = { values: elementValues(4, 3, 7, 448), emax: 8, max: 448 };
/** An E4M3 with a large bias, whose tiny blocks take the kernels' float64 path. */
const E4M3_TINY_BIAS = floatingPoint({ exp: 4, man: 3, encoding: "fn", bias: 14 });
const ELEMENTS: [string, ScaledFormat, ElementSpec | "int8"][] = [
  ["MXFP8_E4M3", MXFP8_E4M3, E4M3],
  ["MXFP8_E5M2", MXFP8_E5M2, { values: elementValues(5, 2, 15, 57344), emax: 15, max: 57344 }],
  ["MXFP6_E2M3", MXFP6_E2M3, { values: elementValues(2, 3, 1, 7.5), emax: 2, max: 7.5 }],
  ["MXFP6_E3M2", MXFP6_E3M2, { values: elementValues(3, 2, 3, 28), emax: 4, max: 28 }],
  ["MXFP4", MXFP4, { values: elementValues(2, 1, 1, 6), emax: 2, max: 6 }],
  ["MXINT8", MXINT8, "int8"],
];

/** floor(log2 m) of a positive finite m, exactly. */
function floorLog2(m: number): number {
  let e = Math.floor(Math.log2(m));
  if (2 ** e > m) e--;
  else if (2 ** (e + 1) <= m) e++;
  return e;
}

/** The OCP MX conversion of one block (float64, then the result as float32). */
function mxBlockReference(block: number[], el: ElementSpec | "int8", rounding: "floor" | "ceil"): number[] {
  if (block.some((v) => !Number.isFinite(v))) return block.map(() => NaN);
  const m = Math.max(...block.map(Math.abs));
  const emax = el === "int8" ? 0 : el.emax;
  const max = el === "int8" ? 127 / 64 : el.max;
  let X: number;
  if (m === 0) X = -127;
  else if (rounding === "floor") X = floorLog2(m) - emax;
  else {
    X = floorLog2(m / max);
    if (m / max > 2 ** X) X++;
  }
  X = Math.min(127, Math.max(-127, X));
  return block.map((v) => {
    const z = v / 2 ** X; // exact: a power of two
    let p: number;
    if (el === "int8") {
      const w = z * 64;
      const f = Math.floor(w);
      const r = w - f > 0.5 || (w - f === 0.5 && f % 2 !== 0) ? f + 1 : f;
      p = Math.min(127, Math.max(-127, r)) / 64;
      if (p === 0 && (v < 0 || Object.is(v, -0))) p = -0;
    } else p = nearestIn(el.values, z);
    return Math.fround(p * 2 ** X);
  });
}

/** Blocks of `size` along the last axis of a [rows, cols] array. */
function byBlocks(x: Float32Array, cols: number, size: number, f: (block: number[]) => number[]): Float32Array {
  const y = new Float32Array(x.length);
  for (let start = 0; start < x.length; start += size) {
    const out = f(Array.from(x.subarray(start, Math.min(start + size, start - (start % cols) + cols))));
    y.set(out, start);
  }
  return y;
}

/** Data with every hard case: outliers, zeros, all-zero blocks, float32 subnormals, Inf, NaN, tiny and huge blocks. */
function hardData(rows: number, cols: number, seed: number): Float32Array {
  let s = seed;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < x.length; i++) {
    const block = Math.floor(i / 32);
    const kind = block % 9;
    const g = (rand() - 0.5) * 4;
    x[i] =
      kind === 0
        ? 0
        : kind === 1
          ? g * 2 ** -140 // float32 subnormals: the fallback path of tiny blocks
          : kind === 2
            ? g * 2 ** 120 // near float32's top
            : kind === 3
              ? (rand() < 0.05 ? 1000 : 1) * g // outliers
              : kind === 4
                ? g * 2 ** -120
                : g * 2 ** Math.floor(rand() * 20 - 10);
  }
  x[9 * 32 + 3] = NaN;
  x[10 * 32 + 5] = Infinity;
  x[11 * 32 + 7] = -Infinity;
  x[12 * 32] = -0;
  return x;
}

function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i],
      e = expected[i];
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) {
      assert.fail(`${what}: element ${i} is ${a}, expected ${e}`);
    }
  }
}

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

describe("MX: bit for bit with the OCP MX v1.0 reference", () => {
  const rows = 24,
    cols = 64;
  const x = hardData(rows, cols, 1);
  for (const [name, format, el] of ELEMENTS) {
    test(name, () => {
      const expected = byBlocks(x, cols, 32, (b) => mxBlockReference(b, el, "floor"));
      assertSameBits(quantize(x, format), expected, `${name} Float32Array`);
      const t = tf.tensor(x, [rows, cols]);
      const q = quantize(t, format);
      assertSameBits(q.dataSync(), expected, `${name} tensor`);
      tf.dispose([t, q]);
    });
  }
  test("scaleRounding ceil: the scale rounded up, no element clips", () => {
    for (const [name, format, el] of ELEMENTS.slice(0, 5)) {
      const f = mx({ element: format.element, scaleRounding: "ceil" });
      const expected = byBlocks(x, cols, 32, (b) => mxBlockReference(b, el, "ceil"));
      assertSameBits(quantize(x, f), expected, `${name} ceil`);
    }
  });
  test("blocks along the first axis equal blocks of the transposed tensor", () => {
    const t = tf.tensor(x, [rows * 2, cols / 2]); // 48 x 32: blocks of 16 down the columns
    const f = mx({ element: FP4_E2M1, blockSize: 16, axis: 0 });
    const q = quantize(t, f);
    const tT = t.transpose();
    const ref = byBlocks(tT.dataSync() as Float32Array, 48, 16, (b) => mxBlockReference(b, ELEMENTS[4][2], "floor"));
    const refT = tf.tensor(ref, [32, 48]).transpose();
    assertSameBits(q.dataSync(), refT.dataSync(), "axis 0");
    tf.dispose([t, q, tT, refT]);
  });
  test("blocks along a middle axis (no transposition) equal the transposed tensor's blocks, stochastic bits included", () => {
    const y = hardData(4, 96, 4).map((v, i) => (i % 7 === 0 ? v * 3 : v));
    for (const shape of [
      [4, 8, 12],
      [4, 16, 6],
    ]) {
      const t = tf.tensor(y, shape);
      for (const [element, options] of [
        [FP4_E2M1, { rounding: "stochastic", seed: 6, stream: 1 }],
        [OCP_E4M3, { rounding: "odd" }],
        [MXINT8.element, { rounding: "stochastic", seed: 2, randomBits: 3 }],
        [E4M3_TINY_BIAS, { rounding: "up" }],
      ] as const) {
        const f = mx({ element, blockSize: 4, axis: 1 });
        const direct = quantize(t, f, options);
        const moved = t.transpose([0, 2, 1]);
        const viaLast = quantize(moved, mx({ element, blockSize: 4 }), options).transpose([0, 2, 1]);
        assertSameBits(direct.dataSync(), viaLast.dataSync(), `${shape} ${JSON.stringify(options)}`);
        tf.dispose([direct, moved, viaLast]);
      }
      t.dispose();
    }
  });
  test("blocks along a middle axis wider than the kernel's scratch (4096 positions) take it a chunk at a time", () => {
    // 4101 positions: a full chunk, then 5 (not a multiple of the kernel's 4 lanes); hard data
    // across the chunk boundary, Inf and NaN among them.
    const shape = [2, 8, 4101];
    const t = tf.tensor(
      hardData(8, 8202, 9).map((v, i) => (i % 11 === 0 ? v * 7 : v)),
      shape,
    );
    for (const [element, options] of [
      [FP4_E2M1, { rounding: "stochastic", seed: 4, stream: 2 }],
      [OCP_E4M3, { rounding: "nearest" }],
    ] as const) {
      const direct = quantize(t, mx({ element, blockSize: 4, axis: 1 }), options);
      const moved = t.transpose([0, 2, 1]);
      const viaLast = quantize(moved, mx({ element, blockSize: 4 }), options).transpose([0, 2, 1]);
      assertSameBits(
        direct.dataSync(),
        viaLast.dataSync(),
        `${element === FP4_E2M1 ? "FP4_E2M1" : "OCP_E4M3"} ${options.rounding}`,
      );
      tf.dispose([direct, moved, viaLast]);
    }
    t.dispose();
  });
  test("2-D tiles 16 x 16: each tile one block", () => {
    const t = tf.tensor(x.subarray(0, 32 * 48), [32, 48]);
    const f = mx({ element: OCP_E4M3, blockSize: [16, 16] });
    const q = quantize(t, f).dataSync();
    const data = t.dataSync();
    for (let tr = 0; tr < 2; tr++) {
      for (let tc = 0; tc < 3; tc++) {
        const idx: number[] = [];
        for (let r = 0; r < 16; r++) for (let c = 0; c < 16; c++) idx.push((tr * 16 + r) * 48 + tc * 16 + c);
        const ref = mxBlockReference(
          idx.map((i) => data[i]),
          E4M3,
          "floor",
        );
        assertSameBits(
          idx.map((i) => q[i]),
          ref,
          `tile ${tr},${tc}`,
        );
      }
    }
    t.dispose();
  });
  test("the spec's worked properties", () => {
    const zeros = quantize(new Float32Array(32), MXFP4);
    assert.ok(
      zeros.every((v) => v === 0),
      "an all-zero block stays zero",
    );
    const withNaN = Float32Array.from({ length: 64 }, (_, i) => (i === 3 ? NaN : i));
    const q = quantize(withNaN, MXFP8_E4M3);
    assert.ok(q.subarray(0, 32).every(Number.isNaN), "a block with NaN is all NaN");
    assert.ok(q.subarray(32).every(Number.isFinite), "its neighbour block is not");
    // Clipping: max 7.9 gives X = 2^(2 - 2) = 1 for E2M1 (emax 2): 7.9 clips to 6, not to 8.
    const clip = quantize(Float32Array.of(7.9, 1, ...new Array(30).fill(0)), MXFP4);
    assert.equal(clip[0], 6);
    assert.equal(
      quantize(Float32Array.of(7.9, ...new Array(31).fill(0)), mx({ element: FP4_E2M1, scaleRounding: "ceil" }))[0],
      8,
    );
    // Subnormal elements: 0.25 * 2^X of an E2M1 block with max 4 (X = 0) rounds to the subnormal 0.5 or 0.
    const sub = quantize(Float32Array.of(4, 0.5, 0.25, 0.26, 0.75, ...new Array(27).fill(0)), MXFP4);
    assert.deepEqual(Array.from(sub.subarray(0, 5)), [4, 0.5, 0, 0.5, 1]);
  });
  test("the general path (ScaledQuantizer) agrees with the kernel away from float32 underflow", () => {
    const y = hardData(8, 64, 3).map((v, i) => (Math.floor(i / 32) % 9 === 1 ? v * 2 ** 100 : v));
    for (const [name, format] of ELEMENTS) {
      const viaKernel = quantize(y, format);
      const viaGeneral = scaledQuantizer(format).quantize(y);
      assertSameBits(viaGeneral, viaKernel, name);
    }
  });
  test("stochastic rounding: the element's reference with elementHash, every block; reproducible; unbiased", () => {
    const y = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i * 0.37) * 2 ** ((i % 11) - 5));
    for (const randomBits of [undefined, 4]) {
      const q = quantize(y, MXFP4, { rounding: "stochastic", seed: 5, stream: 2, randomBits });
      const t = tf.tensor(y);
      const qt = quantize(t, MXFP4, { rounding: "stochastic", seed: 5, stream: 2, randomBits });
      assertSameBits(qt.dataSync(), q, "tensor = array");
      tf.dispose([t, qt]);
      for (let b = 0; b < 8; b++) {
        const block = Array.from(y.subarray(32 * b, 32 * b + 32));
        const X = floorLog2(Math.max(...block.map(Math.abs))) - 2;
        block.forEach((v, j) => {
          const i = 32 * b + j;
          const p = quantizeValue(FP4_E2M1, v / 2 ** X, {
            rounding: "stochastic",
            hash: elementHash(5, 2, i),
            randomBits,
          });
          assert.equal(q[i], Math.fround(p * 2 ** X), `r=${randomBits} at ${i}`);
        });
      }
    }
    const n = 1 << 15;
    const z = new Float32Array(n).map((_, i) => (i % 32 === 0 ? 4 : 1.3));
    const q = quantize(z, MXFP4, { rounding: "stochastic", seed: 1 });
    let sum = 0;
    for (let i = 0; i < n; i++) if (i % 32 !== 0) sum += q[i];
    const mean = sum / (n - n / 32);
    assert.ok(Math.abs(mean - 1.3) < 0.01, `mean ${mean}`);
  });
  test("no tensor leaks; formatInfo is the element's", () => {
    const t = tf.tensor(hardData(4, 64, 2), [4, 64]);
    const before = tf.memory().numTensors;
    for (const f of [
      MXFP4,
      mx({ element: OCP_E4M3, axis: 0, blockSize: 4 }),
      mx({ element: OCP_E4M3, blockSize: [2, 32] }),
      NVFP4,
    ]) {
      quantize(t, f).dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    t.dispose();
    assert.equal(formatInfo(MXFP4).max, 6);
    assert.equal(formatInfo(MXFP8_E4M3).max, 448);
  });
});

/**
 * NVIDIA's NVFP4 as the paper's appendix and Transformer Engine's reference quantizer compute it,
 * in float64 with each float32 rounding explicit.
 */
function nvfp4Reference(x: Float32Array, cols: number, size: number): Float32Array {
  const e2m1 = elementValues(2, 1, 1, 6);
  const f = Math.fround;
  let M = 0;
  for (const v of x) if (Number.isFinite(v)) M = Math.max(M, Math.abs(v));
  let G = Math.min(f(2688 / M), 3.4028234663852886e38);
  if (G === 0) G = 1;
  const multiplier = f(G * f(1 / 6));
  const globalDecode = f(1 / G);
  return byBlocks(x, cols, size, (block) => {
    let m = 0;
    for (const v of block) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    const sb = nearestIn(E4M3.values, f(m * multiplier)); // saturates at 448
    const d = f(sb * globalDecode);
    const e = Math.min(f(1 / d), 3.4028234663852886e38);
    return block.map((v) => f(d * nearestIn(e2m1, f(v * e))));
  });
}

test("block formats are plain JSON values: checkFormat of the parsed value equals them, and quantizes alike", () => {
  const x = hardData(32, 32, 9);
  for (const f of [
    MXFP4,
    MXINT8,
    mx({ element: OCP_E4M3, blockSize: [16, 16], scaleRounding: "ceil" }),
    NVFP4,
    nvfp4({ blockSize: [16, 16] }),
  ]) {
    const parsed = JSON.parse(JSON.stringify(f));
    assert.deepEqual(checkFormat("f", parsed), f);
    const t = tf.tensor(x, [32, 32]);
    const [a, b] = [quantize(t, f), quantize(t, parsed)];
    assertSameBits(a.dataSync(), b.dataSync(), formatLabel(f));
    tf.dispose([t, a, b]);
  }
  assert.equal(formatLabel(MXFP4), "float<e2,m1>finite x max/e8m0 block 32@-1");
  assert.equal(
    formatLabel(nvfp4({ blockSize: [16, 16] })),
    "float<e2,m1>finite x max/float<e4,m3>fn x max/f32 tile 16x16",
  );
  assert.equal(formatBits(MXFP4), 4);
  assert.throws(() => mx({ element: E8M0 }), /mx element must be a floating-point or fixed-point format; got e8m0/);
  assert.throws(
    () => mx({ element: FP4_E2M1, scaleRounding: "nearest" as never }),
    /mx scaleRounding must be one of "floor", "ceil"/,
  );
  assert.throws(() => quantize(tf.zeros([4, 24]), MXFP4), /blockSize must divide the last axis \(24\); got 32/);
  assert.throws(
    () => quantize(tf.zeros([4, 24]), nvfp4({ blockSize: [16, 16] })),
    /tile 16x16 needs a tensor of rank >= 2 whose last two axes are multiples of it/,
  );
});

test("the same bits on the cpu backend as on wasm, every block format and rounding", () => {
  const x = hardData(8, 64, 5);
  const cases: [Format, object][] = [
    [MXFP4, { rounding: "stochastic", seed: 3 }],
    [MXFP8_E4M3, { rounding: "stochastic", seed: 3, randomBits: 5 }],
    [MXINT8, { rounding: "odd" }],
    [mx({ element: OCP_E4M3, axis: 0, blockSize: 4 }), { rounding: "nearestAway" }],
    [NVFP4, { rounding: "stochastic", seed: 4 }],
    [nvfp4({ blockSize: [8, 16] }), { rounding: "up" }],
  ];
  for (const [format, options] of cases) {
    const t = tf.tensor(x, [8, 64]);
    const onWasm = quantize(t, format, options);
    const expected = onWasm.dataSync().slice();
    tf.dispose([t, onWasm]);
    tf.setBackend("cpu");
    try {
      const tc = tf.tensor(x, [8, 64]);
      const onCpu = quantize(tc, format, options);
      assertSameBits(onCpu.dataSync(), expected, `cpu ${JSON.stringify(options)}`);
      tf.dispose([tc, onCpu]);
    } finally {
      tf.setBackend("wasm");
    }
  }
});

describe("NVFP4: bit for bit with NVIDIA's two-level scaling", () => {
  test("blocks of 16 along the last axis, tensors and arrays, hard data", () => {
    for (const seed of [1, 2, 3]) {
      const x = hardData(8, 64, seed).map((v, i) => (Math.floor(i / 32) % 9 === 2 ? v * 2 ** -100 : v));
      const expected = nvfp4Reference(x, 64, 16);
      assertSameBits(quantize(x, NVFP4), expected, `seed ${seed} array`);
      const t = tf.tensor(x, [8, 64]);
      const q = quantize(t, NVFP4);
      assertSameBits(q.dataSync(), expected, `seed ${seed} tensor`);
      // The general path (a ScaledQuantizer) rounds its scales in another order: a block's decode
      // scale can differ in its last bit, the elements then by as much (rarely an E2M1 tie flips).
      const general = scaledQuantizer(NVFP4).quantize(x);
      const close = general.filter((v, i) => {
        const e = expected[i];
        return (Number.isNaN(v) && Number.isNaN(e)) || Math.abs(v - e) <= 2 ** -22 * Math.abs(e);
      });
      assert.ok(close.length >= 0.99 * x.length, `general path: ${close.length} of ${x.length} within 2^-22`);
      tf.dispose([t, q]);
    }
  });
  test("an all-zero tensor gives zeros; 16 x 16 tiles", () => {
    assert.ok(quantize(new Float32Array(64), NVFP4).every((v) => v === 0));
    const x = hardData(32, 32, 7).map((v) => (Number.isFinite(v) ? v : 1));
    const t = tf.tensor(x, [32, 32]);
    const q = quantize(t, nvfp4({ blockSize: [16, 16] })).dataSync();
    // Reference: gather each tile into a row of 256, run the 1-D reference with the same tensor scale.
    const tiles = new Float32Array(1024);
    for (let tr = 0; tr < 2; tr++)
      for (let tc = 0; tc < 2; tc++)
        for (let r = 0; r < 16; r++)
          for (let c = 0; c < 16; c++) tiles[(tr * 2 + tc) * 256 + r * 16 + c] = x[(tr * 16 + r) * 32 + tc * 16 + c];
    const refTiles = nvfp4Reference(tiles, 256, 256);
    for (let tr = 0; tr < 2; tr++)
      for (let tc = 0; tc < 2; tc++)
        for (let r = 0; r < 16; r++)
          for (let c = 0; c < 16; c++) {
            const a = q[(tr * 16 + r) * 32 + tc * 16 + c],
              e = refTiles[(tr * 2 + tc) * 256 + r * 16 + c];
            assert.ok(Object.is(a, e), `tile ${tr},${tc} (${r},${c}): ${a} vs ${e}`);
          }
    t.dispose();
  });
  test("tiles read in place equal the tiles transposed into blocks, stochastic bits included", () => {
    // [2, 16, 32] with 8 x 16 tiles: each tile, laid out as a row of 128, is one 1-D block.
    const x = hardData(32, 32, 11).map((v) => (Number.isFinite(v) ? v : 3));
    const t = tf.tensor(x, [2, 16, 32]);
    const asBlocks = t.reshape([2, 2, 8, 2, 16]).transpose([0, 1, 3, 2, 4]).reshape([2, 2, 2, 128]);
    for (const options of [{}, { rounding: "stochastic", seed: 8, stream: 3 }, { rounding: "odd" }] as const) {
      const q = quantize(t, nvfp4({ blockSize: [8, 16] }), options);
      const qb = quantize(asBlocks, nvfp4({ blockSize: 128 }), options);
      const back = qb.reshape([2, 2, 2, 8, 16]).transpose([0, 1, 3, 2, 4]).reshape([2, 16, 32]);
      assertSameBits(q.dataSync(), back.dataSync(), `tiles ${JSON.stringify(options)}`);
      tf.dispose([q, qb, back]);
    }
    tf.dispose([t, asBlocks]);
  });
  test("NVFP4 is E2M1 under an E4M3 scale per 16 and an FP32 scale per tensor", () => {
    const f = NVFP4 as ScaledFormat;
    assert.deepEqual(f.element, FP4_E2M1);
    assert.deepEqual(f.granularity, { kind: "block", axis: -1, size: 16 });
    const inner = (f.scaleFormat as { format: Format }).format as ScaledFormat;
    assert.deepEqual(inner.element, OCP_E4M3);
    assert.deepEqual(inner.scaleFormat, { kind: "float32" });
  });
});
