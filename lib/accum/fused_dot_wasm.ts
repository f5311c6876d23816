/**
 * The fused dot-add unit's C = A B on lowbit's wasm kernel (lib/wasm/fused_dot.ts), on lowbit's
 * own memory so that every tfjs backend gets the same bits: the operations of fusedStep and
 * fusedDot (fused_dot_add.ts, the JavaScript reference) in the same order, four products per
 * SIMD step. It applies when the kernel covers the case: a unit that is not block-scaled, every
 * operand finite (Inf and NaN take the reference's IEEE path) and no promotion or promotion to
 * float32 itself (the kernel's float32 rounding); fusedMatMulWasm returns false otherwise.
 */
import { wasmRegions } from "../xnor/wasm_regions";
import type { FusedDotAddUnit, Promotion, UnitFormat } from "./fused_dot_add";

function allFinite(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] - x[i] !== 0) return false;
  return true;
}

/** True for promotion to float32 with lowbit's accumulator semantics (subnormals, saturation). */
function promotesToFloat32(p: Promotion): boolean {
  return p.format.mantissaBits === 23 && p.format.emin === -126 && p.format.maxFinite === (2 - 2 ** -23) * 2 ** 127;
}

/**
 * How much of the kernel may run in float32 lanes exactly (lib/wasm/fused_dot.ts): 2 when
 * products of two operands with man + 1 significant bits fit float32's 24 and its range (no
 * overflow: bfloat16's products do not) and so does the sum of g + 1 integer terms below
 * 2^(F + 2); 1 when only the products (and so each term) fit; else 0.
 */
function float32Lanes(unit: FusedDotAddUnit, input: UnitFormat): number {
  if (2 * (input.man + 1) > 24 || input.maxFinite * input.maxFinite >= 2 ** 128) return 0;
  return unit.fractionalBits + 2 + Math.ceil(Math.log2(unit.group + 1)) <= 24 ? 2 : 1;
}

/**
 * C = A B (a [M, K], bt = B^T [N, K], exponents ea, eb; operands of the format `input`) into
 * out; false if the kernel does not apply.
 */
export function fusedMatMulWasm(
  unit: FusedDotAddUnit,
  input: UnitFormat,
  a: Float32Array,
  ea: Int32Array,
  bt: Float32Array,
  eb: Int32Array,
  M: number,
  K: number,
  N: number,
  promotion: Promotion | undefined,
  out: Float32Array,
): boolean {
  if (unit.blockSum !== undefined || (promotion !== undefined && !promotesToFloat32(promotion))) return false;
  if (!allFinite(a) || !allFinite(bt)) return false;
  const { kernels, buffer, offsets } = wasmRegions([4 * M * K, 4 * M * K, 4 * N * K, 4 * N * K, 4 * M * N]);
  const [A, EA, B, EB, C] = offsets;
  new Float32Array(buffer, A, M * K).set(a);
  new Int32Array(buffer, EA, M * K).set(ea);
  new Float32Array(buffer, B, N * K).set(bt);
  new Int32Array(buffer, EB, N * K).set(eb);
  const o = unit.output;
  kernels.fusedMatMul(
    A,
    EA,
    B,
    EB,
    M,
    K,
    N,
    unit.group,
    unit.fractionalBits,
    unit.alignment === "nearest" ? 1 : 0,
    o.man,
    o.emin,
    o.maxFinite,
    o.rounding === "nearest" ? 1 : 0,
    promotion === undefined ? 0 : promotion.every,
    float32Lanes(unit, input),
    C,
  );
  out.set(new Float32Array(buffer, C, M * N));
  return true;
}
