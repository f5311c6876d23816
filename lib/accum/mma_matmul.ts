/**
 * C = A B as a matrix unit computes it: every element C_ij is mmaDot(row i of A, column j of B)
 * with the preset's unit and promotion, bit for bit (the same fused_dot_add.ts steps in the same
 * order). Operands must be values of the preset's input format, or, with inputs: "round", are
 * rounded to it first (nearest-even, saturating at its largest finite value, as scaled FP8
 * casts with satfinite do; NaN stays NaN).
 *
 * Speed: the operand exponents are computed once per matrix, B is transposed so that a column is
 * contiguous, and the fused steps of a plain (not block-scaled) unit run inline over four output
 * columns at a time (fusedRow4), sharing the row's loads.
 */
import { checkOneOf } from "../core/checks";
import { roundToGrid } from "./float_value";
import {
  type ChainOperand,
  type FusedDotAddUnit,
  operandExponent,
  operandExponents,
  type Promotion,
} from "./fused_dot_add";
import { checkInUnitFormat, presetDot } from "./mma_dot";
import type { MmaPreset } from "./mma_presets";
import { addRounded } from "./wide_accumulator";

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
  return x.map((v) => roundToGrid(v, f.man, f.emin, "nearest", f.maxFinite, f.maxFinite));
}

const POW2_BIAS = 1400;
const POW2 = Float64Array.from({ length: 2 * POW2_BIAS + 1 }, (_, i) => 2 ** (i - POW2_BIAS));

/**
 * Four fused chains at once: C_i(j..j+3) for a plain fused unit that truncates. The same
 * arithmetic as fusedStep (alignment to E over the group and the addend, truncated terms, exact
 * sum, normalisation) and fusedDot's promotion, written out so that V8 keeps the four sums in
 * registers. Returns false (and writes nothing) if a step meets a special value; the caller then
 * takes the general path.
 */
function fusedRow4(
  u: FusedDotAddUnit,
  a: Float32Array,
  ea: Int32Array,
  ia: number,
  bt: Float32Array,
  eb: Int32Array,
  jb: number,
  K: number,
  promotion: Promotion | undefined,
  out: Float32Array,
  o: number,
): boolean {
  const every = promotion === undefined ? K : promotion.every;
  const g = u.group,
    F = u.fractionalBits,
    man = u.output.man,
    emin = u.output.emin,
    max = u.output.maxFinite,
    outRounding = u.output.rounding;
  const b0 = jb,
    b1 = jb + K,
    b2 = jb + 2 * K,
    b3 = jb + 3 * K;
  let d0 = 0,
    d1 = 0,
    d2 = 0,
    d3 = 0,
    t0 = 0,
    t1 = 0,
    t2 = 0,
    t3 = 0;
  for (let k = 0; k < K; k += g) {
    if (promotion !== undefined && k > 0 && k % every === 0) {
      const f = promotion.format;
      t0 = addRounded(f, t0, d0);
      t1 = addRounded(f, t1, d1);
      t2 = addRounded(f, t2, d2);
      t3 = addRounded(f, t3, d3);
      d0 = d1 = d2 = d3 = 0;
    }
    const end = Math.min(K, k + g);
    let E0 = operandExponent(d0, emin),
      E1 = operandExponent(d1, emin),
      E2 = operandExponent(d2, emin),
      E3 = operandExponent(d3, emin);
    for (let i = k; i < end; i++) {
      const e = ea[ia + i];
      const x0 = e + eb[b0 + i],
        x1 = e + eb[b1 + i],
        x2 = e + eb[b2 + i],
        x3 = e + eb[b3 + i];
      if (x0 > E0) E0 = x0;
      if (x1 > E1) E1 = x1;
      if (x2 > E2) E2 = x2;
      if (x3 > E3) E3 = x3;
    }
    const s0 = POW2[F - E0 + POW2_BIAS],
      s1 = POW2[F - E1 + POW2_BIAS],
      s2 = POW2[F - E2 + POW2_BIAS],
      s3 = POW2[F - E3 + POW2_BIAS];
    let S0 = Math.trunc(d0 * s0),
      S1 = Math.trunc(d1 * s1),
      S2 = Math.trunc(d2 * s2),
      S3 = Math.trunc(d3 * s3);
    for (let i = k; i < end; i++) {
      const x = a[ia + i];
      S0 += Math.trunc(x * bt[b0 + i] * s0);
      S1 += Math.trunc(x * bt[b1 + i] * s1);
      S2 += Math.trunc(x * bt[b2 + i] * s2);
      S3 += Math.trunc(x * bt[b3 + i] * s3);
    }
    if (!(Number.isFinite(S0) && Number.isFinite(S1) && Number.isFinite(S2) && Number.isFinite(S3))) return false;
    d0 = roundToGrid(S0 * POW2[E0 - F + POW2_BIAS], man, emin, outRounding, max, Infinity);
    d1 = roundToGrid(S1 * POW2[E1 - F + POW2_BIAS], man, emin, outRounding, max, Infinity);
    d2 = roundToGrid(S2 * POW2[E2 - F + POW2_BIAS], man, emin, outRounding, max, Infinity);
    d3 = roundToGrid(S3 * POW2[E3 - F + POW2_BIAS], man, emin, outRounding, max, Infinity);
  }
  if (promotion !== undefined) {
    const f = promotion.format;
    d0 = addRounded(f, t0, d0);
    d1 = addRounded(f, t1, d1);
    d2 = addRounded(f, t2, d2);
    d3 = addRounded(f, t3, d3);
  }
  out[o] = d0;
  out[o + 1] = d1;
  out[o + 2] = d2;
  out[o + 3] = d3;
  return true;
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
  const unit = p.unit;
  const fast = unit.kind === "fused" && unit.alignment === "zero";
  for (let i = 0; i < M; i++) {
    A.offset = i * K;
    let j = 0;
    if (fast) {
      for (; j + 4 <= N; j += 4) {
        if (
          !fusedRow4(
            unit as FusedDotAddUnit,
            a,
            A.exponents,
            i * K,
            bt,
            B.exponents,
            j * K,
            K,
            promotion,
            out,
            i * N + j,
          )
        )
          break;
      }
    }
    for (; j < N; j++) {
      B.offset = j * K;
      out[i * N + j] = presetDot(p, A, B, K, promotion);
    }
  }
}
