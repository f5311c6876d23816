/**
 * MMA_PRESETS: named models of real matrix units, each the fused dot-add of fused_dot_add.ts
 * with the parameters MMA-Sim (Xie et al., arXiv 2511.10909, 2025) measured for one instruction,
 * or a CPU baseline. The figures (fractional bits F, output normalisation, group size = the
 * instruction's k, split-k) are those of the paper's NVIDIA models and of its reference
 * implementation (microsoft/MMA-Sim, mmasim/simulator/nv_ptx.py, MIT licence), re-implemented here:
 *
 *   Volta                 F = 23, mma.m8n8k4: groups of 4
 *   Turing                F = 24, mma.m16n8k8: groups of 8
 *   Ampere                F = 24, mma.m16n8k16 split into two fused steps of 8 (split-k)
 *   Ada Lovelace FP8      F = 13, e8m13 output, mma.m16n8k32 split into two steps of 16
 *   Hopper FP16 / BF16    F = 25, wgmma k = 16
 *   Hopper FP8            F = 13, e8m13 output (float32 truncated to 13 fractional bits), wgmma k = 32
 *   Blackwell FP16 / FP8  F = 25, tcgen05.mma k = 16 / 32 (kind::f8f6f4: F = 25, not 13)
 *   Blackwell MXFP4/NVFP4 F = 35, tcgen05.mma kind::mxf4nvf4 k = 64: runs of 16 exact
 *                         products, each times its two block scales, fused with the addend
 *
 * Every unit truncates the aligned terms and truncates (RZ) its float32 / e8m13 output. The
 * accumulator register is float32 (the .f32 variants of the instructions). "fp32-sequential" is
 * the CPU baseline: one IEEE 754 fusedMultiplyAdd per term in float32, in k order.
 * The FP8 operand formats are OCP's (E4M3: max 448, no Inf; E5M2: IEEE-like), E2M1 and the
 * scale formats UE8M0 (2^-127 .. 2^127, code 0xFF NaN) and UE4M3 follow OCP MX v1.0.
 */
import { FP32, type FloatingPointFormat } from "../quant/formats";
import type { FusedDotAddUnit, UnitFormat, UnitOutput } from "./fused_dot_add";

const f32Max = (2 - 2 ** -23) * 2 ** 127;

/** IEEE binary16. */
export const UNIT_FP16: UnitFormat = {
  name: "fp16",
  man: 10,
  emin: -14,
  maxFinite: 65504,
  infinities: true,
  nan: true,
};
/** bfloat16. */
export const UNIT_BF16: UnitFormat = {
  name: "bf16",
  man: 7,
  emin: -126,
  maxFinite: (2 - 2 ** -7) * 2 ** 127,
  infinities: true,
  nan: true,
};
/** OCP FP8 E4M3 ("e4m3fn"): bias 7, max 448, no Inf, NaN at S.1111.111. */
export const UNIT_E4M3: UnitFormat = { name: "e4m3", man: 3, emin: -6, maxFinite: 448, infinities: false, nan: true };
/** OCP FP8 E5M2: IEEE-like, max 57344. */
export const UNIT_E5M2: UnitFormat = { name: "e5m2", man: 2, emin: -14, maxFinite: 57344, infinities: true, nan: true };
/** OCP FP4 E2M1: 0, 0.5, 1, 1.5, 2, 3, 4, 6 and negatives; no Inf, no NaN. */
export const UNIT_E2M1: UnitFormat = { name: "e2m1", man: 1, emin: 0, maxFinite: 6, infinities: false, nan: false };
/** OCP E8M0 scale: 2^(code - 127) for codes 0 .. 254 (no sign, no zero), code 255 NaN. */
export const UNIT_UE8M0: UnitFormat = {
  name: "ue8m0",
  man: 0,
  emin: -127,
  maxFinite: 2 ** 127,
  infinities: false,
  nan: true,
};
/** Unsigned E4M3 scale (NVFP4): the non-negative values of E4M3. */
export const UNIT_UE4M3: UnitFormat = { name: "ue4m3", man: 3, emin: -6, maxFinite: 448, infinities: false, nan: true };
/** float32 (the CPU baseline's operands). */
export const UNIT_FP32: UnitFormat = {
  name: "fp32",
  man: 23,
  emin: -126,
  maxFinite: f32Max,
  infinities: true,
  nan: true,
};

/** float32 register, exact sum truncated (RZ) to 23 fractional bits. */
export const OUTPUT_FP32: UnitOutput = { name: "fp32", man: 23, emin: -126, maxFinite: f32Max, rounding: "zero" };
/** float32 register holding e8m13: the exact sum truncated (RZ) to 13 fractional bits. */
export const OUTPUT_E8M13: UnitOutput = {
  name: "e8m13",
  man: 13,
  emin: -126,
  maxFinite: (2 - 2 ** -13) * 2 ** 127,
  rounding: "zero",
};

/** The CPU baseline: one fused multiply-add per term, rounded to nearest in `accumulator`. */
export interface FmaUnit {
  readonly kind: "fma";
  readonly accumulator: FloatingPointFormat;
}

export interface MmaPreset {
  readonly name: string;
  /** What it models, in a line. */
  readonly description: string;
  /** Where its parameters come from (paper, section or table, reference code). */
  readonly source: string;
  /** The format of both operands. */
  readonly input: UnitFormat;
  readonly unit: FusedDotAddUnit | FmaUnit;
}

const MMA_SIM =
  "MMA-Sim (Xie et al., arXiv 2511.10909, 2025), NVIDIA models; reference code mmasim/simulator/nv_ptx.py";

function fused(group: number, fractionalBits: number, output: UnitOutput): FusedDotAddUnit {
  return { kind: "fused", group, fractionalBits, alignment: "zero", output };
}

function preset(name: string, description: string, source: string, input: UnitFormat, unit: MmaPreset["unit"]) {
  return { name, description, source, input, unit } satisfies MmaPreset;
}

/** The presets by name. See the file comment for the figures and their sources. */
export const MMA_PRESETS = {
  "volta-fp16": preset(
    "volta-fp16",
    "V100 tensor core, mma.m8n8k4.f32.f16.f16.f32: fused groups of 4, 23 fractional bits, float32 RZ",
    `${MMA_SIM} (Volta: 23 fractional bits, k = 4)`,
    UNIT_FP16,
    fused(4, 23, OUTPUT_FP32),
  ),
  "turing-fp16": preset(
    "turing-fp16",
    "T4 / RTX 20 tensor core, mma.m16n8k8.f32.f16.f16.f32: fused groups of 8, 24 fractional bits, float32 RZ",
    `${MMA_SIM} (Turing: 24 fractional bits, k = 8)`,
    UNIT_FP16,
    fused(8, 24, OUTPUT_FP32),
  ),
  "ampere-fp16": preset(
    "ampere-fp16",
    "A100 tensor core, mma.m16n8k16.f32.f16.f16.f32: two fused steps of 8 (split-k), 24 fractional bits, float32 RZ",
    `${MMA_SIM} (Ampere: 24 fractional bits; k = 16 runs as two steps of 8)`,
    UNIT_FP16,
    fused(8, 24, OUTPUT_FP32),
  ),
  "ampere-bf16": preset(
    "ampere-bf16",
    "A100 tensor core, mma.m16n8k16.f32.bf16.bf16.f32: two fused steps of 8 (split-k), 24 fractional bits, float32 RZ",
    `${MMA_SIM} (Ampere: 24 fractional bits; k = 16 runs as two steps of 8)`,
    UNIT_BF16,
    fused(8, 24, OUTPUT_FP32),
  ),
  "ada-fp8": preset(
    "ada-fp8",
    "RTX 40 / L40 tensor core, mma.m16n8k32.f32.e4m3.e4m3.f32: two fused steps of 16, 13 fractional bits, e8m13 output",
    `${MMA_SIM} (Ada Lovelace FP8: 13 fractional bits, f32_e8m13 output; k = 32 runs as two steps of 16)`,
    UNIT_E4M3,
    fused(16, 13, OUTPUT_E8M13),
  ),
  "hopper-fp16": preset(
    "hopper-fp16",
    "H100 tensor core, wgmma k = 16 f32.f16.f16: fused groups of 16, 25 fractional bits, float32 RZ",
    `${MMA_SIM} (Hopper: 25 fractional bits, wgmma k = 16)`,
    UNIT_FP16,
    fused(16, 25, OUTPUT_FP32),
  ),
  "hopper-bf16": preset(
    "hopper-bf16",
    "H100 tensor core, wgmma k = 16 f32.bf16.bf16: fused groups of 16, 25 fractional bits, float32 RZ",
    `${MMA_SIM} (Hopper: 25 fractional bits, wgmma k = 16)`,
    UNIT_BF16,
    fused(16, 25, OUTPUT_FP32),
  ),
  "hopper-fp8": preset(
    "hopper-fp8",
    "H100 tensor core, wgmma k = 32 f32.e4m3.e4m3: fused groups of 32, 13 fractional bits, e8m13 output (the ~14 bits DeepSeek-V3 measured)",
    `${MMA_SIM} (Hopper FP8: 13 fractional bits, f32_e8m13 output, wgmma k = 32); DeepSeek-V3 (arXiv 2412.19437) section 3.3.2`,
    UNIT_E4M3,
    fused(32, 13, OUTPUT_E8M13),
  ),
  "blackwell-fp16": preset(
    "blackwell-fp16",
    "B200 tensor core, tcgen05.mma kind::f16 k = 16: fused groups of 16, 25 fractional bits, float32 RZ",
    `${MMA_SIM} (Blackwell: 25 fractional bits, tcgen05.mma k = 16)`,
    UNIT_FP16,
    fused(16, 25, OUTPUT_FP32),
  ),
  "blackwell-fp8": preset(
    "blackwell-fp8",
    "B200 tensor core, tcgen05.mma kind::f8f6f4 k = 32 e4m3: fused groups of 32, 25 fractional bits, float32 RZ",
    `${MMA_SIM} (Blackwell: 25 fractional bits for FP8 too, tcgen05.mma k = 32)`,
    UNIT_E4M3,
    fused(32, 25, OUTPUT_FP32),
  ),
  "blackwell-mxfp4": preset(
    "blackwell-mxfp4",
    "B200 tensor core, tcgen05.mma kind::mxf4nvf4 block32 ue8m0, k = 64: exact runs of 16 products times block scales, 35 fractional bits, float32 RZ",
    `${MMA_SIM} (Blackwell block scale: 35 fractional bits for k = 64, 16-element partial sums); OCP MX v1.0 (E2M1, E8M0 scales per 32)`,
    UNIT_E2M1,
    { ...fused(64, 35, OUTPUT_FP32), blockSum: 16, blockSize: 32, scale: UNIT_UE8M0 },
  ),
  "blackwell-nvfp4": preset(
    "blackwell-nvfp4",
    "B200 tensor core, tcgen05.mma kind::mxf4nvf4 block16 ue4m3, k = 64: exact runs of 16 products times block scales, 35 fractional bits, float32 RZ",
    `${MMA_SIM} (Blackwell block scale: 35 fractional bits for k = 64); NVFP4 (arXiv 2509.25149: E2M1, E4M3 scales per 16)`,
    UNIT_E2M1,
    { ...fused(64, 35, OUTPUT_FP32), blockSum: 16, blockSize: 16, scale: UNIT_UE4M3 },
  ),
  "fp32-sequential": preset(
    "fp32-sequential",
    "CPU baseline: s <- fma(a_k, b_k, s) in float32 with rounding to nearest, k = 0, 1, ... in order",
    "IEEE 754-2008 fusedMultiplyAdd (section 5.4.1), binary32, round to nearest even",
    UNIT_FP32,
    { kind: "fma", accumulator: FP32 },
  ),
} as const satisfies Record<string, MmaPreset>;

export type MmaPresetName = keyof typeof MMA_PRESETS;
