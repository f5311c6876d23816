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
import { blockScaledOperand } from "./block_scales";
import {
  type ChainOperand,
  type FusedDotAddUnit,
  operandExponents,
  type Promotion,
  type UnitFormat,
} from "./fused_dot_add";
import { fusedMatMulWasm } from "./fused_dot_wasm";
import { checkInUnitFormat, presetDot } from "./mma_dot";
import type { MmaPreset } from "./mma_presets";
import { checkedFloatAccumulator } from "./wide_accumulator";

export const MMA_INPUT_HANDLING = ["check", "round"] as const;
/** "check": operands must already be values of the input format; "round": they are rounded to it. */
export type MmaInputHandling = (typeof MMA_INPUT_HANDLING)[number];

/** x rounded to the preset's input format (nearest-even, saturating), or x itself after the check. */
function prepared(what: string, x: Float32Array, p: MmaPreset, inputs: MmaInputHandling): Float32Array {
  const f = p.input;
  if (inputs === "check") {
    checkInUnitFormat(what, x, f);
    return x;
  }
  return roundFloat32Array(x, f.man, f.emin, f.maxFinite);
}

/** Explicit block scales of a block-scaled preset's operands (lowPrecisionMatMul's scalesA, scalesB). */
export interface MmaScales {
  /** a's scales, [M, ceil(K / blockSize)] row-major. */
  a?: Float32Array;
  /** b's scales, [ceil(K / blockSize), N] row-major. */
  b?: Float32Array;
}

/**
 * A block-scaled preset's C = A B: each element the chain of blockScaledStep over its row's
 * and column's elements and scales (the JavaScript reference; no wasm kernel). With inputs:
 * "round" the elements and scales come from the float32 operands by the scale rule of the
 * preset's scale format (block_scales.ts); with "check" they are the operands and `scales`.
 */
function blockScaledMatMul(
  aValues: Float32Array,
  bValues: Float32Array,
  M: number,
  K: number,
  N: number,
  p: MmaPreset & { unit: FusedDotAddUnit },
  promotion: Promotion | undefined,
  inputs: MmaInputHandling,
  scales: MmaScales,
  out: Float32Array,
): void {
  const unit = p.unit,
    scale = unit.scale as UnitFormat,
    nb = Math.ceil(K / (unit.blockSize as number));
  let a: Float32Array, sa: Float32Array, bt: Float32Array, sbt: Float32Array;
  const transpose = (x: Float32Array, rows: number, cols: number) => {
    const t = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
    return t;
  };
  if (inputs === "round") {
    if (scales.a !== undefined || scales.b !== undefined)
      throw new TypeError(
        'lowbit: lowPrecisionMatMul scalesA and scalesB go with inputs "check"; inputs "round" computes the block scales',
      );
    const A = blockScaledOperand("lowPrecisionMatMul a", aValues, M, K, unit, p.input);
    const B = blockScaledOperand("lowPrecisionMatMul b", transpose(bValues, K, N), N, K, unit, p.input);
    [a, sa, bt, sbt] = [A.elements, A.scales, B.elements, B.scales];
  } else {
    for (const [name, s, count] of [
      ["scalesA", scales.a, M * nb],
      ["scalesB", scales.b, nb * N],
    ] as const) {
      if (!(s instanceof Float32Array) || s.length !== count)
        throw new TypeError(
          `lowbit: lowPrecisionMatMul ${name} must be a Float32Array of ${count} block scales for preset "${p.name}" (or use inputs "round")`,
        );
      checkInUnitFormat(`lowPrecisionMatMul ${name}`, s, scale, true);
    }
    checkInUnitFormat("lowPrecisionMatMul a", aValues, p.input);
    checkInUnitFormat("lowPrecisionMatMul b", bValues, p.input);
    [a, sa, bt, sbt] = [
      aValues,
      scales.a as Float32Array,
      transpose(bValues, K, N),
      transpose(scales.b as Float32Array, nb, N),
    ];
  }
  const A: ChainOperand = {
    values: a,
    exponents: operandExponents(a, p.input.emin),
    offset: 0,
    scales: sa,
    scaleExponents: operandExponents(sa, scale.emin),
  };
  const B: ChainOperand = {
    values: bt,
    exponents: operandExponents(bt, p.input.emin),
    offset: 0,
    scales: sbt,
    scaleExponents: operandExponents(sbt, scale.emin),
  };
  for (let i = 0; i < M; i++) {
    A.offset = i * K;
    A.scaleOffset = i * nb;
    for (let j = 0; j < N; j++) {
      B.offset = j * K;
      B.scaleOffset = j * nb;
      out[i * N + j] = presetDot(p, A, B, K, promotion);
    }
  }
}

/** The preset's C = A B (row-major [M, K] times [K, N]) into out [M, N]; promotion as in mmaDot. */
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
  scales: MmaScales = {},
): void {
  checkOneOf("lowPrecisionMatMul inputs", inputs, MMA_INPUT_HANDLING);
  if (p.unit.kind === "fused" && p.unit.blockSum !== undefined) {
    blockScaledMatMul(
      aValues,
      bValues,
      M,
      K,
      N,
      p as MmaPreset & { unit: FusedDotAddUnit },
      promotion,
      inputs,
      scales,
      out,
    );
    return;
  }
  if (scales.a !== undefined || scales.b !== undefined)
    throw new TypeError(
      `lowbit: lowPrecisionMatMul scalesA and scalesB are for block-scaled presets; "${p.name}" has none`,
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
