/**
 * Runs lowbit's quantizer kernels (lib/wasm) for a format: the one place that turns a format
 * value into kernel arguments.
 */
import type { LowbitWasm } from "../../backend/lowbit_wasm";
import { fixedPointRange, FixedPointFormat } from "../formats/fixed_point";
import { floatingPointRange, FloatingPointFormat } from "../formats/floating_point";
import { integerRange, IntegerFormat } from "../formats/integer";
import { powerOfTwoRange, PowerOfTwoFormat } from "../formats/power_of_two";
import type { BinaryFormat } from "../formats/binary";

/**
 * Fixed point with one step per group: element i is in group floor(i / inner) % groups, with
 * scale 2^frac = scales[g] and step 2^-frac = steps[g] (dynamic fixed point per channel,
 * block floating point).
 */
export interface GroupedFixedPoint {
  readonly kind: "groupedFixed";
  readonly bits: number;
  readonly inner: number;
  readonly scales: Float32Array;
  readonly steps: Float32Array;
}

/** The formats a kernel rounds to element by element. */
export type KernelFormat =
  | FixedPointFormat | FloatingPointFormat | IntegerFormat | PowerOfTwoFormat | BinaryFormat
  | GroupedFixedPoint;

/** What a kernel needs besides the data: the format, the rounding code, the hash key words. */
export interface QuantizeAttrs {
  format: KernelFormat;
  mode: number;
  a: number;
  b: number;
}

/** Puts the per-group arrays where the kernel can read them; returns their byte offsets. */
export type PlaceArrays = (arrays: Float32Array[]) => number[];

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function float32Bits(v: number): number {
  f32[0] = v;
  return u32[0];
}

export function runQuantizeKernel(
  k: LowbitWasm, src: number, dst: number, n: number, attrs: QuantizeAttrs, place: PlaceArrays,
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
      // quantum = 2^-s; 1 / quantum = 2^s can exceed float32 (s up to 149): two factors.
      const s = f.subnormals ? f.man - r.emin : -r.emin;
      k.quantizeFloat(src, dst, n, f.man, float32Bits(r.minNormal), float32Bits(r.maxFinite),
        f.saturate ? 1 : 0, 2 ** -s, 2 ** Math.ceil(s / 2), 2 ** Math.floor(s / 2), mode, a, b);
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
      const [scales, steps] = place([f.scales, f.steps]);
      const qmax = 2 ** (f.bits - 1) - 1;
      k.quantizeFixedGrouped(src, dst, n, f.inner, f.scales.length, scales, steps, -qmax - 1, qmax, mode, a, b);
      return;
    }
  }
}
