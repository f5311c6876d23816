/**
 * The multi-term fused dot-add of a matrix unit, as MMA-Sim describes NVIDIA's tensor cores
 * (Xie, Wang, Yang, Yang, "MMA-Sim: Bit-Accurate Reference Model of Tensor Cores and Matrix
 * Cores", arXiv 2511.10909, 2025; its reference model microsoft/MMA-Sim, MIT licence, re-implemented
 * here from the description). One step d = FDA(a[0..g-1], b[0..g-1], c) of a unit with group
 * size g and F fractional bits:
 *
 *   1. every operand x != 0 is s 2^e with e = max(floor(log2 |x|), emin of its format) (so a
 *      subnormal has s < 1); a zero has e = ZERO_EXPONENT = -126 (the reference model's
 *      convention, float32's emin); product i has exponent e_i = e(a_i) + e(b_i) and the exact
 *      value p_i = a_i b_i; the addend c (the output register) has e_c in the register's format;
 *   2. E = max(e_c, e_0, ..., e_(g-1)): every term is aligned to 2^E and keeps F fractional bits,
 *      t_i = R(p_i 2^(F - E)) with R truncation toward zero (MMA-Sim's units) or nearest-even;
 *   3. the terms are summed exactly: S = (t_c + sum t_i) 2^(E - F);
 *   4. S is normalised to the output register: rounded toward zero to 23 fractional bits (float32),
 *      13 (e8m13, FP8 on Hopper and Ada) or to nearest-even with 10 (float16), float32's or
 *      float16's subnormals, overflow to Inf.
 * Special values: if a product or c is NaN or infinite, d is the IEEE sum of the exact products
 * and c (NaN for Inf * 0, Inf - Inf or a NaN operand).
 *
 * Block-scaled units (MXFP4 / NVFP4 on Blackwell, tcgen05.mma kind::mxf4nvf4): the products are
 * first summed exactly in runs of `blockSum` = 16 (the runs lie inside one scale block), and the
 * run sum r_j times the two scales is a term of exponent e(scaleA) + e(scaleB): t_j =
 * R(r_j sa sb 2^(F - E)), E the largest of those exponents and e_c.
 *
 * A dot product longer than g runs as a chain: d_0 = 0, d_(j+1) = FDA(group j, d_j), the last
 * group zero-padded. With promotion every N terms (DeepSeek-V3, arXiv 2412.19437, section 3.3.2:
 * N_C = 128 on H800), each run of N terms is a chain from 0 and its result is added to a wider
 * accumulator with one rounding to nearest (a floatingPoint format, float32 by default).
 *
 * Exactness: |p_i| 2^(F - E) < 4 2^F, so t_i is an integer below 2^(F + 2) and S a sum of g + 1
 * of them; checkFusedUnit keeps that sum below 2^53, where float64 adds integers exactly.
 */
import { exponentOfValue, roundToGrid, type ValueRounding } from "./float_value";
import { type ExactFormat, generalStep } from "./rounding";

/** A binary floating-point format as a matrix unit reads or writes it. */
export interface UnitFormat {
  /** Its name, e.g. "fp16", "e4m3" (OCP FP8 E4M3, max 448, no Inf), "e2m1", "ue8m0". */
  readonly name: string;
  /** Explicit mantissa (fractional) bits. */
  readonly man: number;
  /** Smallest normal exponent; values below are subnormals on the grid 2^(emin - man). */
  readonly emin: number;
  /** Largest finite magnitude. */
  readonly maxFinite: number;
  /** True when ±Inf is a value of the format. */
  readonly infinities: boolean;
  /** True when NaN is a value of the format. */
  readonly nan: boolean;
}

/** The output register of a unit: its grid and how the exact sum is rounded to it. */
export interface UnitOutput {
  /** "fp32", "e8m13" or "fp16". */
  readonly name: string;
  readonly man: number;
  readonly emin: number;
  readonly maxFinite: number;
  readonly rounding: ValueRounding;
}

export interface FusedDotAddUnit {
  readonly kind: "fused";
  /** Products per fused step (the instruction's k, or k / 2 where the unit splits k). */
  readonly group: number;
  /** Fractional bits F each aligned term keeps below 2^E. */
  readonly fractionalBits: number;
  /** Rounding of each aligned term to 2^(E - F): "zero" (truncation, every MMA-Sim NVIDIA unit) or "nearest". */
  readonly alignment: ValueRounding;
  readonly output: UnitOutput;
  /** Block-scaled units: products summed exactly in runs of this many before scaling. */
  readonly blockSum?: number;
  /** Block-scaled units: elements per scale. */
  readonly blockSize?: number;
  /** Block-scaled units: the scales' format. */
  readonly scale?: UnitFormat;
}

/** The exponent MMA-Sim's reference model gives a zero operand (float32's emin). */
export const ZERO_EXPONENT = -126;
/** The exponent given to Inf and NaN: the largest, so the step falls through to IEEE rules. */
const SPECIAL_EXPONENT = 1100;

/** e(x) of step 1 for x in a format of smallest normal exponent emin. */
export function operandExponent(x: number, emin: number): number {
  if (x === 0) return ZERO_EXPONENT;
  if (!Number.isFinite(x)) return SPECIAL_EXPONENT;
  return Math.max(exponentOfValue(x), emin);
}

/**
 * The operand exponents of every element of x. For a Float32Array they are read from the
 * float32 exponent fields (a normal's field - 127, clamped to emin), the general route only for
 * zeros, float32 subnormals and specials.
 */
export function operandExponents(x: ArrayLike<number>, emin: number): Int32Array {
  const e = new Int32Array(x.length);
  if (x instanceof Float32Array) {
    const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
    for (let i = 0; i < x.length; i++) {
      const field = (bits[i] >>> 23) & 0xff;
      e[i] = field === 0 || field === 0xff ? operandExponent(x[i], emin) : Math.max(field - 127, emin);
    }
    return e;
  }
  for (let i = 0; i < x.length; i++) e[i] = operandExponent(x[i], emin);
  return e;
}

/** 2^k for k in [-POW2_BIAS, POW2_BIAS]: a table read instead of V8's slow 2 ** k. */
const POW2_BIAS = 1400;
const POW2 = Float64Array.from({ length: 2 * POW2_BIAS + 1 }, (_, i) => 2 ** (i - POW2_BIAS));

function roundAligned(v: number, alignment: ValueRounding): number {
  if (alignment === "zero") return Math.trunc(v);
  const down = Math.floor(v),
    rest = v - down;
  return rest > 0.5 || (rest === 0.5 && down % 2 !== 0) ? down + 1 : down;
}

/** The IEEE sum of exact products and c, for a step with a NaN or infinite product or addend. */
function specialStep(a: ArrayLike<number>, ia: number, b: ArrayLike<number>, ib: number, count: number, c: number) {
  let s = c;
  for (let i = 0; i < count; i++) s += a[ia + i] * b[ib + i];
  return s;
}

/**
 * One fused step over a[ia .. ia + count - 1] and b[ib ..] (count <= group; the rest of the
 * group is zeros, which change nothing) with addend c; ea and eb hold the operand exponents.
 */
export function fusedStep(
  unit: FusedDotAddUnit,
  a: ArrayLike<number>,
  ea: Int32Array,
  ia: number,
  b: ArrayLike<number>,
  eb: Int32Array,
  ib: number,
  count: number,
  c: number,
): number {
  const out = unit.output;
  let E = operandExponent(c, out.emin);
  for (let i = 0; i < count; i++) {
    const e = ea[ia + i] + eb[ib + i];
    if (e > E) E = e;
  }
  const F = unit.fractionalBits;
  const scale = POW2[F - E + POW2_BIAS];
  // From +0: a zero sum is +0 whatever the signs of its zero terms (the reference model's sum).
  let S = 0;
  if (unit.alignment === "zero") {
    S += Math.trunc(c * scale);
    for (let i = 0; i < count; i++) S += Math.trunc(a[ia + i] * b[ib + i] * scale);
  } else {
    S += roundAligned(c * scale, "nearest");
    for (let i = 0; i < count; i++) S += roundAligned(a[ia + i] * b[ib + i] * scale, "nearest");
  }
  if (!Number.isFinite(S)) return specialStep(a, ia, b, ib, count, c);
  return roundToGrid(S * POW2[E - F + POW2_BIAS], out.man, out.emin, out.rounding, out.maxFinite, Infinity);
}

/**
 * One block-scaled step over `count` elements from ia / ib (the group starting at element k0 of
 * the dot product), with scales sa[oa + floor((k0 + i) / blockSize)] and sb[ob + ...] of
 * exponents esa, esb.
 */
export function blockScaledStep(
  unit: FusedDotAddUnit,
  a: ArrayLike<number>,
  ia: number,
  sa: ArrayLike<number>,
  esa: Int32Array,
  oa: number,
  b: ArrayLike<number>,
  ib: number,
  sb: ArrayLike<number>,
  esb: Int32Array,
  ob: number,
  k0: number,
  count: number,
  c: number,
): number {
  const out = unit.output,
    run = unit.blockSum as number,
    size = unit.blockSize as number;
  let E = operandExponent(c, out.emin);
  for (let i = 0; i < count; i += run) {
    const block = Math.floor((k0 + i) / size);
    const e = esa[oa + block] + esb[ob + block];
    if (e > E) E = e;
  }
  const F = unit.fractionalBits;
  const scale = POW2[F - E + POW2_BIAS];
  let S = 0 + roundAligned(c * scale, unit.alignment);
  let exact = c;
  for (let i = 0; i < count; i += run) {
    const end = Math.min(count, i + run),
      block = Math.floor((k0 + i) / size);
    let r = 0; // exact: a run of products of small formats (e2m1: multiples of 1/4 below 2^10)
    for (let k = i; k < end; k++) r += a[ia + k] * b[ib + k];
    const term = r * sa[oa + block] * sb[ob + block];
    exact += term;
    S += roundAligned(term * scale, unit.alignment);
  }
  // A NaN scale (ue8m0 code 0xFF) or a NaN / infinite addend: IEEE rules on the exact terms.
  if (!Number.isFinite(exact) || !Number.isFinite(S)) return exact;
  return roundToGrid(S * POW2[E - F + POW2_BIAS], out.man, out.emin, out.rounding, out.maxFinite, Infinity);
}

/** A dot product's operands prepared for the chain: values, exponents, optional block scales. */
export interface ChainOperand {
  values: ArrayLike<number>;
  exponents: Int32Array;
  /** Offset of the first element. */
  offset: number;
  scales?: ArrayLike<number>;
  scaleExponents?: Int32Array;
  /** Index of the operand's first scale. */
  scaleOffset?: number;
}

/** Promotion to a wider accumulator every `every` terms (a multiple of the unit's group). */
export interface Promotion {
  every: number;
  /** The wider accumulator's exact-path format (rounding to nearest). */
  format: ExactFormat;
}

/** The chain of fused steps over `length` terms, from addend 0. */
function chain(unit: FusedDotAddUnit, a: ChainOperand, b: ChainOperand, from: number, length: number): number {
  const g = unit.group;
  let d = 0;
  for (let k = 0; k < length; k += g) {
    const count = Math.min(g, length - k),
      ia = a.offset + from + k,
      ib = b.offset + from + k;
    d =
      unit.blockSum === undefined
        ? fusedStep(unit, a.values, a.exponents, ia, b.values, b.exponents, ib, count, d)
        : blockScaledStep(
            unit,
            a.values,
            ia,
            a.scales as ArrayLike<number>,
            a.scaleExponents as Int32Array,
            a.scaleOffset ?? 0,
            b.values,
            ib,
            b.scales as ArrayLike<number>,
            b.scaleExponents as Int32Array,
            b.scaleOffset ?? 0,
            from + k,
            count,
            d,
          );
  }
  return d;
}

/**
 * The unit's dot product of `length` terms: one chain, or with promotion a chain per run of
 * `every` terms, each added to the wider accumulator (from 0) with one rounding to nearest.
 */
export function fusedDot(
  unit: FusedDotAddUnit,
  a: ChainOperand,
  b: ChainOperand,
  length: number,
  promotion: Promotion | undefined,
): number {
  if (promotion === undefined) return chain(unit, a, b, 0, length);
  let acc = 0;
  for (let k = 0; k < length; k += promotion.every) {
    const partial = chain(unit, a, b, k, Math.min(promotion.every, length - k));
    acc = generalStep(promotion.format, acc, partial, acc + partial, 0, 0, 0);
  }
  return acc;
}
