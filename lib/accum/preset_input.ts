/**
 * toPresetInput(x, preset): x rounded to a matrix-unit preset's input format, nearest-even,
 * saturating at its largest finite value (NaN stays NaN): what lowPrecisionMatMul's
 * inputs: "round" does to the operands (mma_matmul.ts), returned so that the caller holds the
 * operands the unit reads (e.g. for an exact reference, gemm_errors.ts). Block-scaled presets
 * need block scales as well and are refused.
 */
import { roundFloat32Array } from "./float_value";
import { resolvePreset } from "./mma_dot";
import type { MmaPreset, MmaPresetName } from "./mma_presets";

export function toPresetInput(x: Float32Array, preset: MmaPresetName | MmaPreset): Float32Array {
  if (!(x instanceof Float32Array)) throw new TypeError("lowbit: toPresetInput x must be a Float32Array");
  const p = resolvePreset("toPresetInput", preset);
  if (p.unit.kind === "fused" && p.unit.blockSum !== undefined)
    throw new TypeError(
      `lowbit: toPresetInput takes no block-scaled preset ("${p.name}"): its operands need block scales (lowPrecisionMatMul inputs: "round")`,
    );
  return roundFloat32Array(x, p.input.man, p.input.emin, p.input.maxFinite);
}
