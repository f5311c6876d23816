/**
 * Runs lowbit's quantizer kernels (lib/wasm) for a format: the one place that turns a format
 * value into kernel arguments.
 */
import type { LowbitWasm } from "../../backend/lowbit_wasm";
import { fixedPointRange, type FixedPointFormat } from "../formats/fixed_point";
import { floatEncoding, floatingPointRange, type FloatingPointFormat } from "../formats/floating_point";
import { integerRange, type IntegerFormat } from "../formats/integer";
import { powerOfTwoRange, type PowerOfTwoFormat } from "../formats/power_of_two";
import type { BinaryFormat } from "../formats/binary";

/**
 * Fixed point with one step per group: element i is in group floor(i / inner) % groups, whose
 * step is 2^-fracs[g] (dynamic fixed point per channel, block floating point). The fracs are
 * integers (not float32 scales) because a block of float32 subnormals needs 2^149.
 */
export interface GroupedFixedPoint {
  readonly kind: "groupedFixed";
  readonly bits: number;
  /** The most negative code: -2^(bits-1), or -(2^(bits-1) - 1) for a symmetric grid. */
  readonly qmin: number;
  readonly inner: number;
  readonly fracs: Int32Array;
}

/** QNN's AP2, sign(x) * 2^round(log2 |x|) (lib/wasm/power_of_two.ts): a kernel without a format. */
export interface Ap2 {
  readonly kind: "ap2";
}

/**
 * OCP MX blocks of consecutive elements (lib/wasm/quantize_block_scaled.ts): a float or fixed
 * element, the block scale 2^X with X = scaleRounding(log2(max / target)) in [minExp, maxExp]
 * (emptyExp for a block without a finite nonzero value), and with `poison` a block holding NaN
 * or +-Inf all NaN.
 */
export interface MxBlocks {
  readonly kind: "mxBlocks";
  readonly blockSize: number;
  readonly element: FloatingPointFormat | FixedPointFormat;
  readonly target: number;
  readonly scaleRounding: "floor" | "ceil" | "nearest";
  readonly minExp: number;
  readonly maxExp: number;
  readonly emptyExp: number;
  readonly poison: boolean;
  /** Blocks along a middle axis of data [outer, axisLength, inner] (else consecutive elements). */
  readonly strided?: { readonly outer: number; readonly axisLength: number; readonly inner: number };
}

/**
 * NVFP4 blocks: float elements under a float block scale (E4M3) under a float32 tensor scale,
 * in NVIDIA's arithmetic: the stored scale E4M3(float32(max * encodeMultiplier)), decoded times
 * globalDecode (lib/quant/scaled/block_formats.ts).
 */
export interface Nvfp4Blocks {
  readonly kind: "nvfp4Blocks";
  readonly blockSize: number;
  readonly element: FloatingPointFormat;
  readonly scaleFormat: FloatingPointFormat;
  readonly encodeMultiplier: number;
  readonly globalDecode: number;
  /** Blocks that are tiles of rows x cols of a row-major matrix `width` wide (else consecutive elements). */
  readonly tile?: { readonly rows: number; readonly cols: number; readonly width: number };
}

/** The formats a kernel rounds to element by element (or block by block). */
export type KernelFormat =
  | MxBlocks
  | Nvfp4Blocks
  | FixedPointFormat
  | FloatingPointFormat
  | IntegerFormat
  | PowerOfTwoFormat
  | BinaryFormat
  | GroupedFixedPoint
  | Ap2;

/** What a kernel needs besides the data: the format, the rounding code, the hash key words. */
export interface QuantizeAttrs {
  format: KernelFormat;
  mode: number;
  a: number;
  b: number;
}

/** Puts a per-group array (or scratch) where the kernel can read it; returns its byte offset. */
export type PlaceArray = (array: Int32Array) => number;

/**
 * Scratch of the strided MX kernel, in rows of one word per inner position: the positions'
 * running largest magnitudes and their block grids (lib/wasm/quantize_block_scaled.ts,
 * stridedRows), at most STRIDED_SCRATCH_WIDTH positions at a time (112 KiB: in L2 beside the
 * rows it reads, however wide the tensor).
 */
const STRIDED_SCRATCH_ROWS = 7;
const STRIDED_SCRATCH_WIDTH = 4096;

function stridedScratchWidth(inner: number): number {
  return Math.min(inner, STRIDED_SCRATCH_WIDTH);
}

/** The int32 words runQuantizeKernel places for a format (a per-group array, or scratch). */
export function placedWords(f: KernelFormat): number {
  if (f.kind === "groupedFixed") return f.fracs.length;
  if (f.kind === "mxBlocks" && f.strided !== undefined)
    return STRIDED_SCRATCH_ROWS * stridedScratchWidth(f.strided.inner);
  return 0;
}

const INF_BITS = 0x7f800000;
const NAN_BITS = 0x7fc00000;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
export function float32Bits(v: number): number {
  f32[0] = v;
  return u32[0];
}

export function runQuantizeKernel(
  k: LowbitWasm,
  src: number,
  dst: number,
  n: number,
  attrs: QuantizeAttrs,
  place: PlaceArray,
): void {
  const { format: f, mode, a, b } = attrs;
  switch (f.kind) {
    case "fixed": {
      const r = fixedPointRange(f);
      k.quantizeFixed(src, dst, n, 2 ** f.frac, r.step, r.qmin, r.qmax, mode, a, b);
      return;
    }
    case "float": {
      const r = floatingPointRange(f);
      const encoding = floatEncoding(f);
      const hasInfCode = encoding === "ieee" || encoding === "p3109";
      const maxBits = float32Bits(r.maxFinite);
      const overflowBits = f.saturate ? maxBits : hasInfCode ? INF_BITS : NAN_BITS;
      const infBits = f.saturate && !f.propagateInfinity ? maxBits : hasInfCode ? INF_BITS : NAN_BITS;
      const noNegativeZero = encoding === "fnuz" || encoding === "p3109" ? 1 : 0;
      // quantum = 2^-s; 1 / quantum = 2^s can exceed float32 (s up to 149): two factors.
      const s = f.subnormals ? f.man - r.emin : -r.emin;
      k.quantizeFloat(
        src,
        dst,
        n,
        f.man,
        float32Bits(r.minNormal),
        maxBits,
        overflowBits,
        infBits,
        noNegativeZero,
        f.man === 0 ? (127 - r.bias) & 1 : 0,
        2 ** -s,
        2 ** Math.ceil(s / 2),
        2 ** Math.floor(s / 2),
        mode,
        a,
        b,
      );
      return;
    }
    case "integer": {
      const r = integerRange(f);
      k.quantizeLinear(src, dst, n, f.scale, r.qmin, r.qmax, mode, a, b);
      return;
    }
    case "powerOfTwo": {
      const r = powerOfTwoRange(f);
      k.quantizePowerOfTwo(src, dst, n, r.minExponent, r.maxExponent, mode, a, b);
      return;
    }
    case "binary":
      k.binarize(src, dst, n, f.stochastic ? 1 : 0, a, b);
      return;
    case "groupedFixed": {
      const qmax = 2 ** (f.bits - 1) - 1;
      k.quantizeFixedGrouped(src, dst, n, f.inner, f.fracs.length, place(f.fracs), f.qmin, qmax, mode, a, b);
      return;
    }
    case "ap2":
      k.ap2(src, dst, n);
      return;
    case "mxBlocks": {
      const e = f.element;
      const isFloat = e.kind === "float";
      const r = isFloat ? floatingPointRange(e) : undefined;
      const grid = isFloat ? undefined : fixedPointRange(e);
      const encoding = isFloat ? floatEncoding(e) : "finite";
      const params = [
        f.blockSize,
        isFloat ? 1 : 0,
        isFloat ? e.man : 0,
        r?.bias ?? 0,
        r?.maxFinite ?? 0,
        isFloat && e.saturate ? 1 : 0,
        isFloat && e.propagateInfinity ? 1 : 0,
        encoding === "ieee" || encoding === "p3109" ? 1 : 0,
        encoding === "fnuz" || encoding === "p3109" ? 1 : 0,
        e.kind === "fixed" ? e.frac : 0,
        grid?.qmin ?? 0,
        grid?.qmax ?? 0,
        f.target,
        ["floor", "ceil", "nearest"].indexOf(f.scaleRounding),
        f.minExp,
        f.maxExp,
        f.emptyExp,
        f.poison ? 1 : 0,
        mode,
        a,
        b,
      ] as const;
      if (f.strided === undefined) k.quantizeMx(src, dst, n, ...params);
      else {
        const { outer, axisLength, inner } = f.strided;
        const width = stridedScratchWidth(inner);
        const scratch = place(new Int32Array(STRIDED_SCRATCH_ROWS * width));
        k.quantizeMxStrided(src, dst, outer, axisLength, inner, ...params, scratch, width);
      }
      return;
    }
    case "nvfp4Blocks": {
      const r = floatingPointRange(f.element),
        sr = floatingPointRange(f.scaleFormat);
      const tile = f.tile ?? { rows: 1, cols: f.blockSize, width: n };
      k.quantizeNvfp4(
        src,
        dst,
        n,
        tile.rows,
        tile.cols,
        tile.width,
        f.encodeMultiplier,
        f.globalDecode,
        r.maxFinite,
        f.element.man,
        r.bias,
        f.scaleFormat.man,
        sr.bias,
        sr.maxFinite,
        mode,
        a,
        b,
      );
      return;
    }
  }
}
