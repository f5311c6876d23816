/**
 * Block-scaled formats of current accelerators, as scaled formats (element x scale rule x scale
 * format x granularity, formats/scaled.ts):
 *
 *   mx({ element, blockSize = 32, axis = -1, scaleRounding = "floor" })
 *     OCP Microscaling Formats (MX) v1.0 (2023), section 6.3: per block of blockSize elements
 *     along `axis` (or per 2-D tile when blockSize is [rows, cols], over the last two axes),
 *     X = 2^(floor(log2 max|V|) - emax_elem), emax_elem = floor(log2) of the element's largest
 *     value, the exponent clamped to E8M0's [-127, 127]; elements P_i = element(V_i / X), rounded
 *     (nearest even by default) and saturated to the element's largest value; a block holding
 *     NaN or +-Inf gets a NaN scale (every element NaN); an all-zero block X = 2^-127.
 *     scaleRounding "ceil": X = 2^ceil(log2(max|V| / max_elem)), the scale rounded up so that no
 *     element clips (torchao's RCEIL; Mishra et al., arXiv 2506.08027, report that the floor
 *     rule can make MXFP8 pre-training diverge and rounding up fixes it).
 *   MXFP8_E4M3, MXFP8_E5M2, MXFP6_E2M3, MXFP6_E3M2, MXFP4, MXINT8   the spec's six formats
 *     (MXINT8's element: 8-bit two's complement times 2^-6, symmetric [-127/64, 127/64] as the
 *     reference implementation microxcaling clamps).
 *   nvfp4({ blockSize = 16, axis = -1 }), NVFP4
 *     NVIDIA's NVFP4 ("Pretraining Large Language Models with NVFP4", arXiv 2509.25149, appendix;
 *     Transformer Engine's reference quantizer NVFP4QuantizerRef): E2M1 elements in blocks of
 *     16, an FP8 E4M3 scale per block and an FP32 scale per tensor. In float32 arithmetic, with
 *     M the tensor's largest finite |x| and m_b the block's:
 *       G   = float32(448 * 6 / M)  (the largest float32 when M = 0)   global encode scale
 *       s_b = E4M3(float32(m_b * float32(G * float32(1/6))))          stored block scale
 *       d_b = float32(s_b * float32(1 / G)),  e_b = float32(1 / d_b)   block decode / encode
 *       y   = float32(d_b * E2M1(float32(x * e_b)))                    (E2M1 saturates at 6)
 *     NaN stays NaN (NVIDIA's reference casts it to 0). blockSize [16, 16]: the paper's 2-D
 *     weight tiles. As a scaled format it is E2M1 x max/E4M3-per-tensor-FP32 x blocks of 16,
 *     which quantize() runs with this arithmetic (the general path of a ScaledQuantizer divides
 *     by d_b instead: the last bit of a scaled value can differ).
 */
import { checkInteger, checkOneOf } from "../../core/checks";
import { fixedPoint } from "../formats/fixed_point";
import { FP4_E2M1, FP6_E2M3, FP6_E3M2, floatingPointRange, OCP_E4M3, OCP_E5M2 } from "../formats/floating_point";
import { exponentOf } from "../formats/format_kind";
import { checkFormat, type Format, scaled } from "../formats/registry";
import { exponentScale, type Granularity, type ScaledFormat } from "../formats/scaled";

/** Block sizes: a number (1-D blocks along `axis`) or [rows, cols] (2-D tiles over the last two axes). */
export type BlockSize = number | readonly [number, number];

function blockGranularity(what: string, blockSize: BlockSize, axis: number): Granularity {
  if (typeof blockSize === "number") {
    checkInteger(`${what} blockSize`, blockSize, 1);
    checkInteger(`${what} axis`, axis, -8, 7);
    return { kind: "block", axis, size: blockSize };
  }
  if (!Array.isArray(blockSize) || blockSize.length !== 2) {
    throw new TypeError(`lowbit: ${what} blockSize must be a number or [rows, cols]; got ${JSON.stringify(blockSize)}`);
  }
  checkInteger(`${what} blockSize rows`, blockSize[0], 1);
  checkInteger(`${what} blockSize cols`, blockSize[1], 1);
  return { kind: "tile", rows: blockSize[0], cols: blockSize[1] };
}

export const MX_SCALE_ROUNDINGS = ["floor", "ceil"] as const;

export interface MxOptions {
  /** A float element (OCP_E4M3, OCP_E5M2, FP6_E2M3, FP6_E3M2, FP4_E2M1, ...) or a fixed-point one (MXINT8's). */
  element: Format;
  /** Default 32 (the spec's k); [rows, cols] for 2-D tiles. */
  blockSize?: BlockSize;
  /** The axis blocks run along (default -1, the last). */
  axis?: number;
  /** "floor" (default, the OCP rule) or "ceil" (round the scale up: no clipping). */
  scaleRounding?: (typeof MX_SCALE_ROUNDINGS)[number];
}

export function mx({ element, blockSize = 32, axis = -1, scaleRounding = "floor" }: MxOptions): ScaledFormat {
  const e = checkFormat("mx element", element);
  if (e.kind !== "float" && e.kind !== "fixed") {
    throw new TypeError(`lowbit: mx element must be a floating-point or fixed-point format; got ${e.kind}`);
  }
  checkOneOf("mx scaleRounding", scaleRounding, MX_SCALE_ROUNDINGS);
  const top = e.kind === "float" ? floatingPointRange(e).maxFinite : 2 ** (e.bits - 1 - e.frac) - 2 ** -e.frac;
  return scaled({
    element: e,
    scale: { rule: "max", target: scaleRounding === "floor" ? 2 ** exponentOf(top) : top },
    scaleFormat: exponentScale({ bits: 8, rounding: scaleRounding }),
    granularity: blockGranularity("mx", blockSize, axis),
    emptyScale: 2 ** -127,
    nanGroups: true,
  });
}

export const MXFP8_E4M3 = mx({ element: OCP_E4M3 });
export const MXFP8_E5M2 = mx({ element: OCP_E5M2 });
export const MXFP6_E2M3 = mx({ element: FP6_E2M3 });
export const MXFP6_E3M2 = mx({ element: FP6_E3M2 });
export const MXFP4 = mx({ element: FP4_E2M1 });
export const MXINT8 = mx({ element: fixedPoint({ bits: 8, frac: 6, symmetric: true }) });

export function nvfp4({ blockSize = 16, axis = -1 }: { blockSize?: BlockSize; axis?: number } = {}): ScaledFormat {
  return scaled({
    element: FP4_E2M1,
    scale: { rule: "max" },
    scaleFormat: { kind: "format", format: scaled({ element: OCP_E4M3, scale: { rule: "max" } }) },
    granularity: blockGranularity("nvfp4", blockSize, axis),
    emptyScale: 0,
  });
}

export const NVFP4 = nvfp4();
