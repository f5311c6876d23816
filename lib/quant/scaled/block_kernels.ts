/**
 * The scaled formats that lowbit's block-scaled kernels (lib/wasm/quantize_block_scaled.ts) run
 * in one pass, without the general path's statistics in JavaScript:
 *
 *   MX shape     blocks of consecutive elements, the max rule, a power-of-two or exponent-only
 *                scale, a float or fixed-point element (OCP MX and its scale-rounding variants);
 *   NVFP4 shape  blocks of consecutive elements, the max rule with the element's largest value
 *                as target, a scale format that is itself a float per tensor under a float32
 *                scale (E4M3 under FP32), emptyScale 0.
 *
 * The MX shape computes what the general path (quantize_scaled.ts) defines: the scale from the
 * block's largest finite |x| (NaN and Inf never set it; with nanGroups a block holding one is all
 * NaN), elements y = s * Q(x / s), with x / 2^X exact (the general path's float32 quotient can
 * flush below 2^-126: elements far below the block's grid, which only directed and stochastic
 * roundings tell apart). The NVFP4 shape follows NVIDIA's float32 arithmetic instead
 * (block_formats.ts): elements are multiplied by an encode scale 1 / d rather than divided by
 * d, so the general path (a ScaledQuantizer) can differ from it in the last bit of a scaled value.
 */
import { checkHeldInFloat32 } from "../formats/held_in_float32";
import { fixedPointRange } from "../formats/fixed_point";
import { floatEncoding, floatingPointRange, type FloatingPointFormat } from "../formats/floating_point";
import type { Format } from "../formats/registry";
import { scaleExponentRange, type ScaledFormat, type ScaleRounding } from "../formats/scaled";
import type { KernelFormat } from "../kernels/elementwise";
import type { GroupLayout } from "./group_statistics";
import { roundLog2 } from "./scale_rounding";

/** A float element the kernels round like the float kind: saturating, without propagated Inf, with -0. */
function plainFloat(f: Format): f is FloatingPointFormat {
  if (f.kind !== "float" || f.exp > 8 || f.man > 23 || !f.saturate || f.propagateInfinity) return false;
  const e = floatEncoding(f);
  return e === "ieee" || e === "fn" || e === "finite";
}

function largest(f: Format): number | undefined {
  if (f.kind === "float") return floatingPointRange(f).maxFinite;
  if (f.kind === "fixed") return fixedPointRange(f).max;
  return undefined;
}

/**
 * The block kernel format of a scaled format (blocks already along the last axis, `layout`
 * their layout), or undefined when it has neither shape. `tensorMax` gives the tensor's largest
 * finite |x| (read only for the NVFP4 shape).
 */
export function blockKernelFormat(
  f: ScaledFormat,
  layout: GroupLayout,
  tensorMax: () => number,
): KernelFormat | undefined {
  if (f.granularity.kind !== "block" || f.scale.rule !== "max") return undefined;
  const element = f.element;
  const top = largest(element);
  if (top === undefined) return undefined;
  checkHeldInFloat32("quantize scaled element", element);
  const target = f.scale.target ?? top;
  const range = scaleExponentRange(f.scaleFormat);
  if (range !== undefined && f.emptyScale > 0) {
    if (element.kind === "float" && (element.exp > 8 || element.man > 23)) return undefined;
    const scaleRounding = (f.scaleFormat as { rounding: ScaleRounding }).rounding;
    return {
      kind: "mxBlocks",
      blockSize: layout.inner,
      element: element as MxElement,
      target,
      scaleRounding,
      minExp: range.min,
      maxExp: range.max,
      emptyExp: Math.min(range.max, Math.max(range.min, roundLog2(f.emptyScale, scaleRounding))),
      poison: f.nanGroups === true,
    };
  }
  const sf = f.scaleFormat;
  if (sf.kind !== "format" || sf.format.kind !== "scaled" || f.emptyScale !== 0 || f.nanGroups) return undefined;
  const inner = sf.format;
  if (
    !plainFloat(element) ||
    target !== top ||
    Math.fround(target) !== target ||
    inner.granularity.kind !== "tensor" ||
    inner.scale.rule !== "max" ||
    inner.scaleFormat.kind !== "float32" ||
    inner.nanGroups ||
    !plainFloat(inner.element)
  ) {
    return undefined;
  }
  // NVIDIA's tensor-level factors (Transformer Engine's reference quantizer): the global encode
  // scale G = float32(448 * 6 / amax) (the largest float32 for an all-zero tensor), its inverse,
  // and G / 6 as float32(G * float32(1 / 6)).
  const innerTarget = inner.scale.target ?? floatingPointRange(inner.element).maxFinite;
  let encode = Math.min(Math.fround(Math.fround(innerTarget * target) / tensorMax()), FLOAT32_MAX);
  if (encode === 0) encode = 1;
  return {
    kind: "nvfp4Blocks",
    blockSize: layout.inner,
    element,
    scaleFormat: inner.element,
    encodeMultiplier: Math.fround(encode * Math.fround(1 / target)),
    globalDecode: Math.fround(1 / encode),
  };
}

const FLOAT32_MAX = 3.4028234663852886e38;

type MxElement = Extract<KernelFormat, { kind: "mxBlocks" }>["element"];
