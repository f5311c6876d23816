/**
 * Operands of a block-scaled matrix unit (MXFP4 / NVFP4) from float32 values: each row of x
 * [rows, K] is cut into blocks of the unit's blockSize along K (the last possibly shorter), and
 * each block gets one scale s and elements e_i with x_i ~ s e_i:
 *
 *   ue8m0 (OCP MX v1.0, section 6.3): s = 2^(floor(log2 amax) - emax_elem), emax_elem the
 *         exponent of the element format's largest normal (2 for E2M1), the exponent clamped to
 *         E8M0's [-127, 127]; an all-zero block gets s = 1
 *   ue4m3 (NVFP4, arXiv 2509.25149): s = amax / max_elem (6 for E2M1) rounded to nearest-even
 *         UE4M3 (saturating at 448); a block whose s rounds to 0 gets s = 1 and zero elements
 *         from the rounding below (lowbit leaves out NVFP4's per-tensor float32 scale)
 *
 * then e_i = x_i / s rounded to nearest-even on the element grid, saturating at its largest
 * value (OCP's conversion; x_i / s is exact, s a power of two, or rounded once in float64 for
 * UE4M3 scales, which the element rounding then sees). NaN and Inf operands are refused.
 */
import { exponentOfValue, roundToGrid } from "./float_value";
import type { FusedDotAddUnit, UnitFormat } from "./fused_dot_add";

export interface BlockScaled {
  /** The elements, [rows, K] row-major. */
  elements: Float32Array;
  /** The scales, [rows, ceil(K / blockSize)] row-major. */
  scales: Float32Array;
}

export function blockScaledOperand(
  what: string,
  x: Float32Array,
  rows: number,
  K: number,
  unit: FusedDotAddUnit,
  element: UnitFormat,
): BlockScaled {
  const size = unit.blockSize as number,
    scaleFormat = unit.scale as UnitFormat;
  const blocks = Math.ceil(K / size);
  const elements = new Float32Array(rows * K),
    scales = new Float32Array(rows * blocks);
  const emaxElem = exponentOfValue(element.maxFinite);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < blocks; j++) {
      const begin = r * K + j * size,
        end = r * K + Math.min(K, (j + 1) * size);
      let amax = 0;
      for (let i = begin; i < end; i++) {
        const v = Math.abs(x[i]);
        if (!Number.isFinite(v))
          throw new RangeError(`lowbit: ${what}[${i}] must be finite to be block-scaled; got ${x[i]}`);
        if (v > amax) amax = v;
      }
      let s = 1;
      if (amax > 0) {
        if (scaleFormat.name === "ue8m0") s = 2 ** Math.min(127, Math.max(-127, exponentOfValue(amax) - emaxElem));
        else {
          const f = scaleFormat;
          s = roundToGrid(amax / element.maxFinite, f.man, f.emin, "nearest", f.maxFinite, f.maxFinite);
          if (s === 0) s = 1;
        }
      }
      scales[r * blocks + j] = s;
      for (let i = begin; i < end; i++)
        elements[i] = roundToGrid(x[i] / s, element.man, element.emin, "nearest", element.maxFinite, element.maxFinite);
    }
  }
  return { elements, scales };
}
