/**
 * Runs lowbit's element-wise quantizer kernels (lib/wasm/quantize.ts) for a format: the one
 * place that turns a format value into kernel arguments.
 */
import type { LowbitWasm } from "../../backend/lowbit_wasm";
import { fixedPointRange } from "../formats/fixed_point";
import { floatingPointRange } from "../formats/floating_point";
import type { Format } from "../formats";

/** What a kernel needs besides the data: the format, the rounding code, the hash key words. */
export interface QuantizeAttrs {
  format: Format;
  mode: number;
  a: number;
  b: number;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function float32Bits(v: number): number {
  f32[0] = v;
  return u32[0];
}

export function runQuantizeKernel(k: LowbitWasm, src: number, dst: number, n: number, attrs: QuantizeAttrs): void {
  const { format: f, mode, a, b } = attrs;
  if (f.kind === "fixed") {
    const r = fixedPointRange(f);
    k.quantizeFixed(src, dst, n, 2 ** f.frac, r.step, r.qmin, r.qmax, mode, a, b);
  } else {
    const r = floatingPointRange(f);
    // quantum = 2^-s; 1 / quantum = 2^s can exceed float32 (s up to 149): two factors.
    const s = f.subnormals ? f.man - r.emin : -r.emin;
    k.quantizeFloat(src, dst, n, f.man, float32Bits(r.minNormal), float32Bits(r.maxFinite),
      f.saturate ? 1 : 0, 2 ** -s, 2 ** Math.ceil(s / 2), 2 ** Math.floor(s / 2), mode, a, b);
  }
}
