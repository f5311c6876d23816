/**
 * lowPrecisionMatMul(a, b, { product, accumulator, rounding, chunk, seed, stream }): C = A B as
 * low-precision hardware computes it. Every product a_ik b_kj (exact in float64: two 24-bit
 * significands make at most 48 bits) is rounded once, to nearest even, to the floating-point
 * format `product`; each output C_ij = accumulate([p_i0j, p_i1j, ..., p_i(K-1)j], accumulator),
 * the products in k order, so an element is bit-identical to accumulate() on its own product
 * list, then stored as float32 (exact for float accumulators; a fixed-point accumulator wider
 * than 24 bits is rounded to nearest). `accumulator` is a format (floatingPoint or fixedPoint),
 * with rounding, chunk, seed and stream beside it, or accumulate()'s options object { mantissaBits,
 * ... } that holds them. Stochastic rounding gives element (i, j) the stream
 * (stream + i N + j) mod 2^32 of the accumulator's seed. A product overflowing to Inf (a
 * non-saturating format) makes its element's sum non-finite.
 *
 * Why a typed-array kernel and four output elements at once: each accumulator step
 * s <- RN(s + p) is a chain of dependent flops that waits on the previous rounding; four
 * independent chains (C_ij .. C_i(j+3)) fill that wait, which is what makes the emulation run
 * at about the rate of a plain float64 dot product (bench/accum.ts).
 *
 * lowPrecisionDense(x, w, options): the same product as a differentiable op for training, each
 * of its three GEMMs (forward, backward error, weight gradient) emulated or float32 by choice.
 */
import * as tf from "../backend/tf";
import { checkOneOf } from "../core/checks";
import { hashKey } from "../core/random";
import { floatingPoint, floatingPointRange, type FloatingPointFormat } from "../quant/formats";
import { checkHeldInFloat32 } from "../quant/formats/held_in_float32";
import {
  type Accumulator,
  type AccumulatorFormat,
  type AccumulatorOptions,
  checkAccumulator,
  type FixedAccumulator,
  type FloatAccumulator,
  nearestSum,
  nonFiniteSum,
} from "./accumulate";
import { matMulExactWasm } from "./exact_wasm";
import { checkPromotion, resolvePreset } from "./mma_dot";
import { type MmaInputHandling, mmaMatMul } from "./mma_matmul";
import type { MmaPreset, MmaPresetName } from "./mma_presets";
import { fixedGrid, sumFixed } from "./fixed_accumulator";
import { exactFormat, lanes, nearestSplitter, streamKey, sumLanes } from "./rounding";

/** Columns whose exact-path sums run interleaved. */
const COLUMN_GROUP = 8;

export interface LowPrecisionMatMulOptions {
  /**
   * Format every product is rounded to (nearest, ties to even): a lowbit floatingPoint format
   * with exp <= 8 and man <= 23 (products are held as float32 values). Required unless the
   * accumulator is a matrix-unit preset (whose products are exact).
   */
  product?: FloatingPointFormat;
  /**
   * The accumulator of every output element: a format (floatingPoint({ exp, man }) or
   * fixedPoint({ bits, frac, overflow })) with the settings below, accumulate()'s options
   * ({ mantissaBits, exponentBits?, rounding?, chunk?, seed?, stream? } or { accumulator, ... }),
   * or a matrix unit: a name of MMA_PRESETS or a preset value (each element is then mmaDot of
   * its row and column, with promoteEvery / promoteTo / inputs below).
   */
  accumulator: AccumulatorFormat | AccumulatorOptions | MmaPresetName | MmaPreset;
  /** With a preset: promotion every N terms (a multiple of the unit's group), as mmaDot. */
  promoteEvery?: number;
  /** With a preset and promoteEvery: the wider accumulator (default FP32). */
  promoteTo?: FloatingPointFormat;
  /**
   * With a preset: "check" (default) refuses operands that are not values of the preset's input
   * format; "round" rounds them to it first (nearest-even, saturating).
   */
  inputs?: MmaInputHandling;
  /**
   * With a block-scaled preset ("blackwell-mxfp4", "blackwell-nvfp4") and inputs "check": a's
   * block scales, [M, ceil(K / blockSize)] row-major, values of the preset's scale format.
   * With inputs "round" they are computed (OCP MX rule for ue8m0, NVFP4's for ue4m3).
   */
  scalesA?: Float32Array;
  /** b's block scales along K, [ceil(K / blockSize), N] row-major (see scalesA). */
  scalesB?: Float32Array;
  /** With a format as accumulator: accumulate()'s rounding, chunk, seed and stream. */
  rounding?: AccumulatorOptions["rounding"];
  chunk?: number;
  seed?: number;
  stream?: number;
}

/** A matrix as a row-major Float32Array with its shape [rows, columns]. */
export interface MatrixArray {
  values: Float32Array;
  shape: [number, number];
}

/** Rounding of an exact float64 product to a floatingPoint format, round to nearest even. */
export interface ProductRounder {
  /** Veltkamp's splitter of the normal-range step RN_p(x) = g - (g - x), g = x K (see rounding.ts). */
  K: number;
  /** Below minNormal the grid is fixed: RN(x) = fl(x + C) - C with C = 1.5 * 2^52 * step. */
  minNormal: number;
  C: number;
  maxFinite: number;
  /** What replaces a rounded value above maxFinite: maxFinite when saturating, else Inf. */
  overflow: number;
}

export function productRounder(format: FloatingPointFormat): ProductRounder {
  const f = floatingPoint(format);
  const r = floatingPointRange(f);
  const step = f.subnormals ? 2 ** (r.emin - f.man) : r.minNormal;
  return {
    K: nearestSplitter(f.man),
    minNormal: r.minNormal,
    C: 1.5 * 2 ** 52 * step,
    maxFinite: r.maxFinite,
    overflow: f.saturate ? r.maxFinite : Infinity,
  };
}

/**
 * The function rounding p to the product format (p finite, |p| > 2^-900 or 0: any product of
 * float32s). A closure over local constants, so the kernels' hot loops read no object fields.
 */
export function productRounding(q: ProductRounder): (p: number) => number {
  const { K, minNormal, C, maxFinite, overflow } = q;
  // Veltkamp's step for normals, the fixed-grid magic number C below minNormal, then the clamp
  // to the format's range.
  return (p: number): number => {
    let r: number;
    const magnitude = Math.abs(p);
    if (magnitude < minNormal) r = p + C - C;
    else if (magnitude === Infinity)
      r = p; // an infinite operand: overflow below, as quantize
    else {
      const g = p * K;
      r = g - (g - p);
    }
    return r > maxFinite ? overflow : r < -maxFinite ? -overflow : r;
  };
}

/** Whether x is { values: Float32Array, shape: [rows, columns] } with rows * columns = values.length. */
export function isMatrixArray(x: unknown): x is MatrixArray {
  const m = x as MatrixArray;
  return (
    typeof x === "object" &&
    x !== null &&
    m.values instanceof Float32Array &&
    Array.isArray(m.shape) &&
    m.shape.length === 2 &&
    m.shape.every((d) => Number.isInteger(d) && d >= 0) &&
    m.shape[0] * m.shape[1] === m.values.length
  );
}

function toMatrix(what: string, x: tf.Tensor | MatrixArray): MatrixArray {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2 || x.dtype !== "float32") {
      throw new TypeError(
        `lowbit: lowPrecisionMatMul ${what} must be a 2-D float32 tensor; got rank ${x.rank}, ${x.dtype}`,
      );
    }
    return { values: x.dataSync() as Float32Array, shape: x.shape as [number, number] };
  }
  if (!isMatrixArray(x))
    throw new TypeError(
      `lowbit: lowPrecisionMatMul ${what} must be a 2-D float32 tensor or { values: Float32Array, shape: [rows, columns] } with rows * columns = values.length`,
    );
  return x;
}

/** True when the accumulator names or is a matrix-unit preset (a preset value has a `unit`). */
export function isPresetAccumulator(accumulator: unknown): accumulator is MmaPresetName | MmaPreset {
  return (
    typeof accumulator === "string" ||
    (typeof accumulator === "object" && accumulator !== null && "unit" in accumulator)
  );
}

/** The names of the options in `settings` that are set (not undefined), to refuse them by name. */
function setOptions(settings: Record<string, unknown>): string[] {
  return Object.keys(settings).filter((key) => settings[key] !== undefined);
}

/** The preset and promotion of options whose accumulator is a preset, checked; settings of the other accumulators are refused. */
export function checkPresetOptions(what: string, options: LowPrecisionMatMulOptions) {
  const preset = resolvePreset(what, options.accumulator);
  const { product, rounding, chunk, seed, stream } = options;
  const beside = setOptions({ product, rounding, chunk, seed, stream });
  if (beside.length > 0)
    throw new TypeError(
      `lowbit: ${what} ${beside.join(", ")} do not apply to a matrix-unit preset accumulator (its products are exact and its rounding fixed); use promoteEvery, promoteTo, inputs`,
    );
  return { preset, promotion: checkPromotion(what, preset, options.promoteEvery, options.promoteTo) };
}

/**
 * The accumulator of lowPrecisionMatMul's options as accumulate() takes it: a format gets the
 * settings beside it; an options object holds its own, and settings beside it are refused (one
 * of the two would be ignored).
 */
export function accumulatorOptions(what: string, options: LowPrecisionMatMulOptions): AccumulatorOptions {
  const { accumulator, rounding, chunk, seed, stream } = options;
  if (typeof accumulator !== "object" || accumulator === null || isPresetAccumulator(accumulator)) {
    throw new TypeError(
      `lowbit: ${what} accumulator must be a floatingPoint or fixedPoint format or accumulate()'s options { mantissaBits, ... } (or a matrix-unit preset, a name of MMA_PRESETS); got ${JSON.stringify(accumulator)}`,
    );
  }
  if ("kind" in accumulator) return { accumulator, rounding, chunk, seed, stream };
  const beside = setOptions({ rounding, chunk, seed, stream });
  if (beside.length > 0) {
    throw new TypeError(
      `lowbit: ${what} ${beside.join(", ")} go inside accumulator when it is an options object (beside it only when accumulator is a format)`,
    );
  }
  return accumulator;
}

/** The product format, checked: a floatingPoint format whose values float32 holds. */
export function checkProductFormat(what: string, product: unknown): FloatingPointFormat {
  if (typeof product !== "object" || product === null || (product as { kind?: unknown }).kind !== "float") {
    throw new TypeError(
      `lowbit: ${what} product must be a lowbit floatingPoint format, e.g. floatingPoint({ exp: 5, man: 5 })`,
    );
  }
  const f = floatingPoint(product as FloatingPointFormat);
  checkHeldInFloat32(`${what} product`, f);
  return f;
}

function checkOptions(options: LowPrecisionMatMulOptions, k: number): { q: ProductRounder; acc: Accumulator } {
  const { promoteEvery, promoteTo, inputs, scalesA, scalesB } = options;
  const beside = setOptions({ promoteEvery, promoteTo, inputs, scalesA, scalesB });
  if (beside.length > 0)
    throw new TypeError(
      `lowbit: lowPrecisionMatMul ${beside.join(", ")} need a matrix-unit preset as accumulator (a name of MMA_PRESETS)`,
    );
  const product = checkProductFormat("lowPrecisionMatMul options", options.product);
  const accumulator = accumulatorOptions("lowPrecisionMatMul", options);
  return { q: productRounder(product), acc: checkAccumulator("lowPrecisionMatMul accumulator", accumulator, k) };
}

/** The product C = A B of the emulated hardware, as a row-major Float32Array [M, N]. */
export function lowPrecisionMatMulArray(
  a: MatrixArray,
  b: MatrixArray,
  options: LowPrecisionMatMulOptions,
): Float32Array {
  const A = toMatrix("a", a),
    B = toMatrix("b", b);
  const [M, K] = A.shape,
    [K2, N] = B.shape;
  if (K !== K2)
    throw new RangeError(
      `lowbit: lowPrecisionMatMul inner dimensions must agree: a is [${M}, ${K}], b is [${K2}, ${N}]`,
    );
  if (typeof options !== "object" || options === null) {
    throw new TypeError("lowbit: lowPrecisionMatMul options must be an object { product, accumulator, ... }");
  }
  const out = new Float32Array(M * N);
  if (isPresetAccumulator(options.accumulator)) {
    const { preset, promotion } = checkPresetOptions("lowPrecisionMatMul", options);
    mmaMatMul(A.values, B.values, M, K, N, preset, promotion, options.inputs ?? "check", out, {
      a: options.scalesA,
      b: options.scalesB,
    });
    return out;
  }
  const { q, acc } = checkOptions(options, K);
  if (K === 0) return out;
  // B transposed: the four columns of a step become four contiguous rows.
  const bt = new Float32Array(K * N);
  for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) bt[j * K + k] = B.values[k * N + j];
  if (acc.kind === "fixed") fixedKernel(A.values, bt, M, K, N, q, acc, out);
  else if (acc.rounding === "nearest" && acc.exponentBits === undefined) {
    nearestKernel(A.values, bt, M, K, N, q, acc, out);
    // The fast step turns an Inf product into NaN; redo those elements by IEEE rules.
    const round = productRounding(q),
      products = new Float64Array(K);
    for (let o = 0; o < M * N; o++) {
      if (!Number.isNaN(out[o])) continue;
      const i = Math.floor(o / N),
        j = o % N;
      for (let k = 0; k < K; k++) products[k] = round(A.values[i * K + k] * bt[j * K + k]);
      out[o] = nonFiniteSum(products);
    }
  } else {
    const f = exactFormat(acc.mantissaBits, acc.exponentBits, acc.rounding);
    const rounding = { ...q, inRange: productsInNormalRange(A.values, bt, q) };
    matMulExactWasm(
      A.values,
      bt,
      M,
      K,
      N,
      rounding,
      f,
      acc.chunk,
      COLUMN_GROUP,
      (stream) => streamKey(f, acc.seed, stream),
      acc.stream,
      out,
    );
  }
  return out;
}

export function lowPrecisionMatMul(
  a: tf.Tensor | MatrixArray,
  b: tf.Tensor | MatrixArray,
  options: LowPrecisionMatMulOptions,
): tf.Tensor2D {
  const A = toMatrix("a", a),
    B = toMatrix("b", b);
  return tf.tensor2d(lowPrecisionMatMulArray(A, B, options), [A.shape[0], B.shape[1]]);
}

/** Smallest non-zero and largest |x|. */
function absRange(x: Float32Array): [number, number] {
  let lo = Infinity,
    hi = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (v > hi) hi = v;
    if (v !== 0 && v < lo) lo = v;
  }
  return [lo, hi];
}

/**
 * True when every product is 0 or a normal of the product format: min|a| min|b| >= minNormal and
 * max|a| max|b| <= maxFinite (products of float32s are exact in float64, and RN cannot round a
 * value at most maxFinite above it). Then rounding is the bare step p K - p S, no range checks:
 * the common case, about three times faster than the checked rounding.
 */
function productsInNormalRange(a: Float32Array, bt: Float32Array, q: ProductRounder): boolean {
  const [aLo, aHi] = absRange(a),
    [bLo, bHi] = absRange(bt);
  return aLo * bLo >= q.minNormal && aHi * bHi <= q.maxFinite;
}

/**
 * Round to nearest, unbounded exponent: the branch-free step of accumulate()'s fast path,
 * which is exact for float32 terms, and the products are float32 values (their format has at
 * most 8 exponent and 23 mantissa bits). Chunk sums are added to the total in order.
 */
function nearestKernel(
  a: Float32Array,
  bt: Float32Array,
  M: number,
  K: number,
  N: number,
  q: ProductRounder,
  acc: FloatAccumulator,
  out: Float32Array,
): void {
  const AK = nearestSplitter(acc.mantissaBits);
  const round = productRounding(q);
  const PK = q.K;
  const inRange = productsInNormalRange(a, bt, q);
  const c = acc.chunk;
  for (let i = 0; i < M; i++) {
    const ai = i * K;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const b0 = j * K,
        b1 = b0 + K,
        b2 = b1 + K,
        b3 = b2 + K;
      let t0 = 0,
        t1 = 0,
        t2 = 0,
        t3 = 0;
      for (let begin = 0; begin < K; begin += c) {
        const end = Math.min(K, begin + c);
        let s0 = 0,
          s1 = 0,
          s2 = 0,
          s3 = 0;
        if (inRange) {
          for (let k = begin; k < end; k++) {
            const x = a[ai + k];
            const p0 = x * bt[b0 + k],
              p1 = x * bt[b1 + k],
              p2 = x * bt[b2 + k],
              p3 = x * bt[b3 + k];
            const g0 = p0 * PK,
              g1 = p1 * PK,
              g2 = p2 * PK,
              g3 = p3 * PK;
            let y = nearestSum(s0, g0 - (g0 - p0)),
              z = y * AK;
            s0 = z - (z - y);
            y = nearestSum(s1, g1 - (g1 - p1));
            z = y * AK;
            s1 = z - (z - y);
            y = nearestSum(s2, g2 - (g2 - p2));
            z = y * AK;
            s2 = z - (z - y);
            y = nearestSum(s3, g3 - (g3 - p3));
            z = y * AK;
            s3 = z - (z - y);
          }
        } else {
          for (let k = begin; k < end; k++) {
            const x = a[ai + k];
            let y = nearestSum(s0, round(x * bt[b0 + k])),
              z = y * AK;
            s0 = z - (z - y);
            y = nearestSum(s1, round(x * bt[b1 + k]));
            z = y * AK;
            s1 = z - (z - y);
            y = nearestSum(s2, round(x * bt[b2 + k]));
            z = y * AK;
            s2 = z - (z - y);
            y = nearestSum(s3, round(x * bt[b3 + k]));
            z = y * AK;
            s3 = z - (z - y);
          }
        }
        let y = nearestSum(t0, s0),
          z = y * AK;
        t0 = z - (z - y);
        y = nearestSum(t1, s1);
        z = y * AK;
        t1 = z - (z - y);
        y = nearestSum(t2, s2);
        z = y * AK;
        t2 = z - (z - y);
        y = nearestSum(t3, s3);
        z = y * AK;
        t3 = z - (z - y);
      }
      const o = i * N + j;
      out[o] = t0;
      out[o + 1] = t1;
      out[o + 2] = t2;
      out[o + 3] = t3;
    }
    for (; j < N; j++) {
      const bj = j * K;
      let t = 0;
      for (let begin = 0; begin < K; begin += c) {
        const end = Math.min(K, begin + c);
        let s = 0;
        for (let k = begin; k < end; k++) {
          const y = nearestSum(s, round(a[ai + k] * bt[bj + k])),
            z = y * AK;
          s = z - (z - y);
        }
        const y = nearestSum(t, s),
          z = y * AK;
        t = z - (z - y);
      }
      out[i * N + j] = t;
    }
  }
}

/**
 * Truncation, stochastic rounding or a bounded exponent: accumulate()'s exact path per element.
 * lowPrecisionMatMulArray runs the same on wasm (matMulExactWasm); this JavaScript version is
 * the reference the tests hold the kernel to, bit for bit.
 * For each row and group of up to COLUMN_GROUP columns the rounded products are laid out column
 * by column, and every (column, chunk) pair is a lane of sumLanes: independent dependency chains
 * that run interleaved. Then each column's chunk sums are added in order.
 */
export function exactKernelReference(
  a: Float32Array,
  bt: Float32Array,
  M: number,
  K: number,
  N: number,
  q: ProductRounder,
  acc: FloatAccumulator,
  out: Float32Array,
): void {
  const round = productRounding(q);
  const inRange = productsInNormalRange(a, bt, q),
    PK = q.K;
  const f = exactFormat(acc.mantissaBits, acc.exponentBits, acc.rounding);
  const c = acc.chunk;
  const full = Math.floor(K / c),
    last = K - full * c,
    chunks = full + (last > 0 ? 1 : 0);
  const products = new Float64Array(COLUMN_GROUP * K);
  const chunkSums = new Float64Array(COLUMN_GROUP * chunks),
    totals = new Float64Array(COLUMN_GROUP);
  const L = lanes(COLUMN_GROUP * chunks);
  for (let i = 0; i < M; i++) {
    const ai = i * K;
    for (let j = 0; j < N; j += COLUMN_GROUP) {
      const G = Math.min(COLUMN_GROUP, N - j);
      for (let l = 0; l < G; l++) {
        const bj = (j + l) * K,
          pl = l * K;
        if (inRange) {
          for (let k = 0; k < K; k++) {
            const p = a[ai + k] * bt[bj + k],
              g = p * PK;
            products[pl + k] = g - (g - p);
          }
        } else for (let k = 0; k < K; k++) products[pl + k] = round(a[ai + k] * bt[bj + k]);
      }
      // Lane h G + l: chunk h of column l.
      for (let h = 0; h < chunks; h++) {
        for (let l = 0; l < G; l++) {
          const lane = h * G + l,
            [ka, kb] = streamKey(f, acc.seed, (acc.stream + i * N + j + l) >>> 0);
          L.base[lane] = l * K + h * c;
          L.counter0[lane] = h * c;
          L.keyA[lane] = ka;
          L.keyB[lane] = kb;
        }
      }
      chunkSums.fill(0);
      sumLanes(f, products, L.base, 1, L.counter0, L.keyA, L.keyB, full * G, c, chunkSums);
      if (last > 0) {
        const at = full * G;
        sumLanes(
          f,
          products,
          L.base.subarray(at),
          1,
          L.counter0.subarray(at),
          L.keyA.subarray(at),
          L.keyB.subarray(at),
          G,
          last,
          chunkSums.subarray(at),
        );
      }
      if (chunks === 1) {
        for (let l = 0; l < G; l++) out[i * N + j + l] = chunkSums[l];
        continue;
      }
      for (let l = 0; l < G; l++) {
        L.base[l] = l;
        L.counter0[l] = K;
      }
      totals.fill(0);
      sumLanes(f, chunkSums, L.base, G, L.counter0, L.keyA, L.keyB, G, chunks, totals);
      for (let l = 0; l < G; l++) out[i * N + j + l] = totals[l];
    }
  }
}

/**
 * A fixed-point accumulator: each element's rounded products summed by sumFixed, the stream
 * (stream + i N + j) mod 2^32, as accumulate() would on the element's product list. JavaScript
 * BigInt steps: exact, not fast (fixed_accumulator.ts).
 */
function fixedKernel(
  a: Float32Array,
  bt: Float32Array,
  M: number,
  K: number,
  N: number,
  q: ProductRounder,
  acc: FixedAccumulator,
  out: Float32Array,
): void {
  const round = productRounding(q),
    grid = fixedGrid(acc.format, acc.rounding);
  const products = new Float64Array(K);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      for (let k = 0; k < K; k++) products[k] = round(a[i * K + k] * bt[j * K + k]);
      const [ka, kb] = acc.rounding === "stochastic" ? hashKey(acc.seed, (acc.stream + i * N + j) >>> 0) : [0, 0];
      out[i * N + j] = sumFixed(grid, products, K, acc.chunk, ka, kb);
    }
  }
}

// tf.customGrad types its function's parameters as a union of tensors and the save function.
type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

/** The three GEMMs of a layer's training step, named as in Sakr et al. and accumulationTable. */
export const GEMMS = ["FWD", "BWD", "GRAD"] as const;
export type Gemm = (typeof GEMMS)[number];

/** lowPrecisionMatMul's options plus which of a layer's GEMMs go through the emulator. */
export interface EmulatedAccumulation extends LowPrecisionMatMulOptions {
  /** Default all three: FWD (y = x w), BWD (dx = dy w^T), GRAD (dw = x^T dy); the rest run in float32. */
  gemms?: readonly Gemm[];
  /**
   * The accumulator of one GEMM, in place of `accumulator` for it: the three sum over
   * different lengths, so Sakr et al. (ICLR 2019) size each one apart (accumulationTable's
   * fwdMAcc, bwdMAcc, gradMAcc).
   */
  accumulators?: Partial<Record<Gemm, LowPrecisionMatMulOptions["accumulator"]>>;
}

/** The options of one of the layer's GEMMs: its own accumulator when `accumulators` names one. */
export function gemmOptions(options: EmulatedAccumulation, which: Gemm): LowPrecisionMatMulOptions {
  const own = options.accumulators?.[which];
  return own === undefined ? options : { ...options, accumulator: own };
}

/** Validated EmulatedAccumulation: the set of emulated GEMMs. */
export function emulatedGemms(options: EmulatedAccumulation): Set<Gemm> {
  const gemms = options.gemms ?? GEMMS;
  for (const g of gemms) checkOneOf("emulated accumulation gemms", g, GEMMS);
  return new Set(gemms);
}

/**
 * Checks an EmulatedAccumulation where it is given (a layer's constructor), before any GEMM
 * runs: its product format, its accumulator (chunk against no particular length: each GEMM
 * clamps it to its own) and its gemms.
 */
export function checkEmulatedAccumulation(what: string, options: EmulatedAccumulation): void {
  if (typeof options !== "object" || options === null)
    throw new TypeError(`lowbit: ${what} must be an object { product, accumulator, ... }`);
  if (isPresetAccumulator(options.accumulator)) {
    checkPresetOptions(what, options);
    emulatedGemms(options);
    return;
  }
  checkProductFormat(what, options.product);
  checkAccumulator(`${what} accumulator`, accumulatorOptions(what, options), Number.MAX_SAFE_INTEGER);
  emulatedGemms(options);
  const own = options.accumulators;
  if (own === undefined) return;
  if (typeof own !== "object" || own === null)
    throw new TypeError(`lowbit: ${what} accumulators must be an object { FWD?, BWD?, GRAD? }`);
  for (const [g, acc] of Object.entries(own)) {
    checkOneOf(`${what} accumulators key`, g, GEMMS);
    if (acc === undefined) continue;
    const one = gemmOptions(options, g);
    checkAccumulator(
      `${what} accumulators.${g}`,
      accumulatorOptions(`${what} accumulators.${g}`, one),
      Number.MAX_SAFE_INTEGER,
    );
  }
}

/**
 * a b through the emulator when `on`, else in float32. A chunk longer than this GEMM's
 * accumulation length (the layer's three GEMMs sum over different lengths) means no chunking.
 */
export function gemm(a: tf.Tensor2D, b: tf.Tensor2D, options: LowPrecisionMatMulOptions, on: boolean): tf.Tensor2D {
  if (!on) return tf.matMul(a, b);
  if (isPresetAccumulator(options.accumulator)) return lowPrecisionMatMul(a, b, options);
  const length = a.shape[1],
    accumulator = accumulatorOptions("emulated accumulation", options);
  const chunk = accumulator.chunk !== undefined && accumulator.chunk > length ? undefined : accumulator.chunk;
  return lowPrecisionMatMul(a, b, { product: options.product, accumulator: { ...accumulator, chunk } });
}

/**
 * x [batch, in] times w [in, out] with the chosen GEMMs through lowPrecisionMatMul: FWD
 * y = x w (accumulation length in), BWD dx = dy w^T (length out), GRAD dw = x^T dy (length
 * batch). A GEMM left out runs in float32, so gemms: ["FWD"] is the straight-through variant
 * (the optimiser sees the float gradient). For use inside a layer's call or a training step.
 */
export function lowPrecisionDense(x: tf.Tensor, w: tf.Tensor, options: EmulatedAccumulation): tf.Tensor2D {
  const on = emulatedGemms(options);
  const f = tf.customGrad(((xs: tf.Tensor2D, ws: tf.Tensor2D, save: (t: tf.Tensor[]) => void) => {
    save([xs, ws]);
    return {
      value: gemm(xs, ws, gemmOptions(options, "FWD"), on.has("FWD")),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dy2 = dy as tf.Tensor2D;
        return tf.tidy(() => [
          gemm(dy2, sw.transpose(), gemmOptions(options, "BWD"), on.has("BWD")),
          gemm(sx.transpose(), dy2, gemmOptions(options, "GRAD"), on.has("GRAD")),
        ]);
      },
    };
  }) as unknown as CustomGradientFunc) as unknown as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor2D;
  return f(x, w);
}
