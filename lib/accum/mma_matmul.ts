/**
 * C = A B as a matrix unit computes it: every element C_ij is mmaDot(row i of A, column j of B)
 * with the preset's unit and promotion, bit for bit (the same fused_dot_add.ts steps in the same
 * order). Operands must be values of the preset's input format, or, with inputs: "round", are
 * rounded to it first (nearest-even, saturating at its largest finite value, as scaled FP8
 * casts with satfinite do; NaN stays NaN).
 *
 * Speed: the operand exponents are computed once per matrix, B is transposed so that a column is
 * contiguous, and a plain (not block-scaled) fused unit runs on the wasm kernel
 * (fused_dot_wasm.ts) when the operands are finite; otherwise each element is the JavaScript
 * reference's presetDot.
 */
import { checkOneOf } from "../core/checks";
import { roundFloat32Array } from "./float_value";
import { type ChainOperand, operandExponents, type Promotion } from "./fused_dot_add";
import { fusedMatMulWasm } from "./fused_dot_wasm";
import { checkInUnitFormat, presetDot } from "./mma_dot";
import type { MmaPreset } from "./mma_presets";
import { checkedFloatAccumulator } from "./wide_accumulator";

export const MMA_INPUT_HANDLING = ["check", "round"] as const;
/** "check": operands must already be values of the input format; "round": they are rounded to it. */
export type MmaInputHandling = (typeof MMA_INPUT_HANDLING)[number];

/** x rounded to the preset's input format (nearest-even, saturating), or x itself after the check. */
function prepared(what: string, x: Float32Array, p: MmaPreset, inputs: MmaInputHandling): Float32Array {
  checkOneOf(`${what} inputs`, inputs, MMA_INPUT_HANDLING);
  const f = p.input;
  if (inputs === "check") {
    checkInUnitFormat(what, x, f);
    return x;
  }
  return roundFloat32Array(x, f.man, f.emin, f.maxFinite);
}

/**
 * The preset's C = A B (row-major [M, K] times [K, N]) into out [M, N]; promotion as in mmaDot.
 * Block-scaled presets need their scales and are refused here (mmaDot takes them).
 */
export function mmaMatMul(
  aValues: Float32Array,
  bValues: Float32Array,
  M: number,
  K: number,
  N: number,
  p: MmaPreset,
  promotion: Promotion | undefined,
  inputs: MmaInputHandling,
  out: Float32Array,
): void {
  if (p.unit.kind === "fused" && p.unit.blockSum !== undefined)
    throw new TypeError(
      `lowbit: lowPrecisionMatMul takes no block-scaled preset ("${p.name}" needs block scales): use mmaDot with scalesA and scalesB`,
    );
  const a = prepared("lowPrecisionMatMul a", aValues, p, inputs);
  const b = prepared("lowPrecisionMatMul b", bValues, p, inputs);
  const bt = new Float32Array(K * N);
  for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) bt[j * K + k] = b[k * N + j];
  const A: ChainOperand = { values: a, exponents: operandExponents(a, p.input.emin), offset: 0 };
  const B: ChainOperand = { values: bt, exponents: operandExponents(bt, p.input.emin), offset: 0 };
  if (
    p.unit.kind === "fused" &&
    fusedMatMulWasm(p.unit, p.input, a, A.exponents, bt, B.exponents, M, K, N, promotion, out)
  )
    return;
  const fma =
    p.unit.kind === "fma" ? checkedFloatAccumulator("preset unit accumulator", p.unit.accumulator) : undefined;
  for (let i = 0; i < M; i++) {
    A.offset = i * K;
    for (let j = 0; j < N; j++) {
      B.offset = j * K;
      out[i * N + j] = presetDot(p, A, B, K, promotion, fma);
    }
  }
}
