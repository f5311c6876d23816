/**
 * mmaDot(a, b, { preset, promoteEvery?, promoteTo?, scalesA?, scalesB? }): what a matrix unit
 * outputs for the dot product of a and b, operands already in the preset's input format. The
 * unit runs its fused dot-add steps over groups of its k in order, each step's output being the
 * next step's addend, from 0 (fused_dot_add.ts); "fp32-sequential" runs float32 FMAs (fma.ts).
 * With promoteEvery = N (a multiple of the unit's group), each run of N terms is such a chain
 * from 0 and is added to a wider accumulator, promoteTo (default FP32), rounded to nearest:
 * DeepSeek-V3's promotion (arXiv 2412.19437, section 3.3.2, N_C = 128).
 * Block-scaled presets take the operands' E2M1 elements in a and b and their block scales in
 * scalesA and scalesB (one per blockSize elements, the last block possibly shorter).
 */
import { checkInteger } from "../core/checks";
import { FP32, type FloatingPointFormat } from "../quant/formats";
import { checkDotOperands } from "./dot_operands";
import { fmaChain } from "./fma";
import { exponentOfValue } from "./float_value";
import {
  type ChainOperand,
  type FusedDotAddUnit,
  fusedDot,
  operandExponents,
  type Promotion,
  type UnitFormat,
} from "./fused_dot_add";
import { MMA_PRESETS, type MmaPreset, type MmaPresetName } from "./mma_presets";
import type { ExactFormat } from "./rounding";
import { addRounded, checkedFloatAccumulator } from "./wide_accumulator";

export interface MmaDotOptions {
  /** A name of MMA_PRESETS or a preset value (e.g. one of them with other parameters). */
  preset: MmaPresetName | MmaPreset;
  /** Promotion run length N: a multiple of the unit's group, in [group, 2^31]. */
  promoteEvery?: number;
  /** The wider accumulator of promotion: a floatingPoint format (default FP32), rounding to nearest. */
  promoteTo?: FloatingPointFormat;
  /** Block-scaled presets: the scales of a's blocks (values of the preset's scale format). */
  scalesA?: Float32Array;
  /** Block-scaled presets: the scales of b's blocks. */
  scalesB?: Float32Array;
}

/** True when x is a value of the format (finite on its grid and within range, or a special it has). */
export function inUnitFormat(x: number, f: UnitFormat): boolean {
  if (Number.isNaN(x)) return f.nan;
  if (!Number.isFinite(x)) return f.infinities;
  const m = Math.abs(x);
  if (m > f.maxFinite) return false;
  if (m === 0) return true;
  return Number.isInteger(m / 2 ** (Math.max(exponentOfValue(m), f.emin) - f.man));
}

/** Unsigned scale formats (ue8m0, ue4m3) hold no negative values. */
function inScaleFormat(x: number, f: UnitFormat): boolean {
  return !(x < 0) && !Object.is(x, -0) && inUnitFormat(x, f) && (f.name !== "ue8m0" || x !== 0);
}

/**
 * True for every element of a Float32Array holding values of f with a float32 exponent of at
 * least f's emin: their float32 mantissa bits below f's man bits are zero and |x| <= maxFinite.
 * Other elements (zeros, subnormals of f, specials) get the general test.
 */
function inUnitFormatFast(x: Float32Array, i: number, bits: Uint32Array, f: UnitFormat, lowMask: number): boolean {
  const b = bits[i],
    field = (b >>> 23) & 0xff;
  if (field === 0 || field === 0xff || field - 127 < f.emin) return inUnitFormat(x[i], f);
  return (b & lowMask) === 0 && Math.abs(x[i]) <= f.maxFinite;
}

/** Throws a RangeError naming the first element of x that is not a value of f. */
export function checkInUnitFormat(what: string, x: ArrayLike<number>, f: UnitFormat, scale = false): void {
  const fast = !scale && x instanceof Float32Array;
  const bits = fast ? new Uint32Array(x.buffer, x.byteOffset, x.length) : new Uint32Array(0);
  const lowMask = 2 ** (23 - f.man) - 1;
  for (let i = 0; i < x.length; i++) {
    const ok = fast
      ? inUnitFormatFast(x as Float32Array, i, bits, f, lowMask)
      : scale
        ? inScaleFormat(x[i], f)
        : inUnitFormat(x[i], f);
    if (!ok) {
      const range = `${f.infinities ? "" : "finite "}${scale ? "non-negative " : ""}values of ${f.name} (${f.man} mantissa bits, emin ${f.emin}, max ${f.maxFinite})`;
      throw new RangeError(
        `lowbit: ${what}[${i}] must be one of the ${range}; got ${x[i]} (round the operands to the preset's input format first)`,
      );
    }
  }
}

function checkUnitFormat(what: string, f: unknown): asserts f is UnitFormat {
  const u = f as UnitFormat;
  if (typeof f !== "object" || f === null || typeof u.name !== "string")
    throw new TypeError(`lowbit: ${what} must be a unit format { name, man, emin, maxFinite, infinities, nan }`);
  checkInteger(`${what} man`, u.man, 0, 23);
  checkInteger(`${what} emin`, u.emin, -149, 0);
  if (!(u.maxFinite > 0 && u.maxFinite <= 2 ** 128))
    throw new RangeError(`lowbit: ${what} maxFinite must be a number in (0, 2^128]; got ${u.maxFinite}`);
  if (typeof u.infinities !== "boolean" || typeof u.nan !== "boolean")
    throw new TypeError(`lowbit: ${what} infinities and nan must be true or false`);
}

/**
 * Checks a fused unit's parameters, including the exactness bound of its float64 sum: g + 1 terms
 * below 2^(F + 2) (block-scaled: runs of products below 2^(F + 2) times the largest run sum).
 */
function checkFusedUnit(what: string, u: FusedDotAddUnit, input: UnitFormat): void {
  checkInteger(`${what} group`, u.group, 1, 1024);
  checkInteger(`${what} fractionalBits`, u.fractionalBits, 0, 48);
  if (u.alignment !== "zero" && u.alignment !== "nearest")
    throw new RangeError(`lowbit: ${what} alignment must be "zero" or "nearest"; got ${JSON.stringify(u.alignment)}`);
  const o = u.output;
  if (typeof o !== "object" || o === null) throw new TypeError(`lowbit: ${what} output must be a unit output`);
  checkInteger(`${what} output man`, o.man, 1, 23);
  checkInteger(`${what} output emin`, o.emin, -126, 0);
  if (o.rounding !== "zero" && o.rounding !== "nearest")
    throw new RangeError(
      `lowbit: ${what} output rounding must be "zero" or "nearest"; got ${JSON.stringify(o.rounding)}`,
    );
  let termBits = u.fractionalBits + 2;
  let terms = u.group + 1;
  if (u.blockSum !== undefined) {
    checkInteger(`${what} blockSum`, u.blockSum, 1, u.group);
    checkInteger(`${what} blockSize`, u.blockSize as number, u.blockSum, 2 ** 20);
    if ((u.blockSize as number) % u.blockSum !== 0)
      throw new RangeError(`lowbit: ${what} blockSize must be a multiple of blockSum (a run lies inside one block)`);
    checkUnitFormat(`${what} scale`, u.scale);
    termBits += Math.ceil(Math.log2(u.blockSum * input.maxFinite * input.maxFinite)) + 1;
    terms = Math.ceil(u.group / u.blockSum) + 1;
  }
  if (termBits + Math.ceil(Math.log2(terms)) > 53)
    throw new RangeError(
      `lowbit: ${what} fractionalBits ${u.fractionalBits} with group ${u.group} exceeds the exact float64 sum (fractionalBits + 2 + log2(terms) <= 53)`,
    );
}

/** The preset of a name or a preset value, checked. */
export function resolvePreset(what: string, preset: unknown): MmaPreset {
  if (typeof preset === "string") {
    if (!(preset in MMA_PRESETS))
      throw new RangeError(
        `lowbit: ${what} preset must be one of ${Object.keys(MMA_PRESETS)
          .map((k) => `"${k}"`)
          .join(", ")} or a preset value; got ${JSON.stringify(preset)}`,
      );
    return MMA_PRESETS[preset as MmaPresetName];
  }
  const p = preset as MmaPreset;
  if (typeof preset !== "object" || preset === null || typeof p.unit !== "object" || p.unit === null)
    throw new TypeError(
      `lowbit: ${what} preset must be a name of MMA_PRESETS or a preset value { name, input, unit, ... }`,
    );
  checkUnitFormat(`${what} preset input`, p.input);
  if (p.unit.kind === "fused") checkFusedUnit(`${what} preset unit`, p.unit, p.input);
  else if (p.unit.kind === "fma") checkedFloatAccumulator(`${what} preset unit accumulator`, p.unit.accumulator);
  else
    throw new RangeError(
      `lowbit: ${what} preset unit kind must be "fused" or "fma"; got ${JSON.stringify((p.unit as { kind: unknown }).kind)}`,
    );
  return p;
}

/** The products per step of a preset's unit (1 for FMA). */
export function presetGroup(p: MmaPreset): number {
  return p.unit.kind === "fused" ? p.unit.group : 1;
}

/** Checked promotion settings; undefined without promoteEvery. */
export function checkPromotion(
  what: string,
  p: MmaPreset,
  promoteEvery: number | undefined,
  promoteTo: FloatingPointFormat | undefined,
): Promotion | undefined {
  if (promoteEvery === undefined) {
    if (promoteTo !== undefined) throw new TypeError(`lowbit: ${what} promoteTo needs promoteEvery`);
    return undefined;
  }
  const g = presetGroup(p);
  checkInteger(`${what} promoteEvery (a multiple of the unit's group ${g})`, promoteEvery, g, 2 ** 31);
  if (promoteEvery % g !== 0)
    throw new RangeError(
      `lowbit: ${what} promoteEvery must be a multiple of the unit's group ${g} (the unit adds whole groups); got ${promoteEvery}`,
    );
  return { every: promoteEvery, format: checkedFloatAccumulator(`${what} promoteTo`, promoteTo ?? FP32) };
}

/** The number of scales a block-scaled operand of n elements has. */
export function scaleCount(unit: FusedDotAddUnit, n: number): number {
  return Math.ceil(n / (unit.blockSize as number));
}

/** A chain operand over x (values, exponents) with optional scales. */
export function chainOperand(
  x: ArrayLike<number>,
  input: UnitFormat,
  unit: MmaPreset["unit"],
  scales?: ArrayLike<number>,
): ChainOperand {
  const op: ChainOperand = { values: x, exponents: operandExponents(x, input.emin), offset: 0 };
  if (unit.kind === "fused" && unit.scale !== undefined && scales !== undefined) {
    op.scales = scales;
    op.scaleExponents = operandExponents(scales, unit.scale.emin);
  }
  return op;
}

/** The dot product of prepared operands (a[0 .. length), b[0 .. length) from their offsets). */
export function presetDot(
  p: MmaPreset,
  a: ChainOperand,
  b: ChainOperand,
  length: number,
  promotion: Promotion | undefined,
  fma: ExactFormat | undefined = undefined,
): number {
  if (p.unit.kind === "fused") return fusedDot(p.unit, a, b, length, promotion);
  // The FMA unit's accumulator, prepared once by callers that run many dot products.
  const f = fma ?? checkedFloatAccumulator("preset unit accumulator", p.unit.accumulator);
  if (promotion === undefined) return fmaChain(f, a.values, a.offset, b.values, b.offset, length, 0);
  let acc = 0;
  for (let k = 0; k < length; k += promotion.every) {
    const run = Math.min(promotion.every, length - k);
    acc = addRounded(promotion.format, acc, fmaChain(f, a.values, a.offset + k, b.values, b.offset + k, run, 0));
  }
  return acc;
}

export function mmaDot(a: Float32Array, b: Float32Array, options: MmaDotOptions): number {
  checkDotOperands("mmaDot", a, b);
  if (typeof options !== "object" || options === null)
    throw new TypeError("lowbit: mmaDot options must be an object { preset, promoteEvery?, promoteTo? }");
  const p = resolvePreset("mmaDot", options.preset);
  checkInUnitFormat("mmaDot a", a, p.input);
  checkInUnitFormat("mmaDot b", b, p.input);
  const promotion = checkPromotion("mmaDot", p, options.promoteEvery, options.promoteTo);
  const unit = p.unit;
  if (unit.kind === "fused" && unit.scale !== undefined) {
    const count = scaleCount(unit, a.length);
    for (const [name, s] of [
      ["scalesA", options.scalesA],
      ["scalesB", options.scalesB],
    ] as const) {
      if (!(s instanceof Float32Array) || s.length !== count)
        throw new TypeError(
          `lowbit: mmaDot ${name} must be a Float32Array of ${count} block scales (one per ${unit.blockSize} elements) for preset "${p.name}"`,
        );
      checkInUnitFormat(`mmaDot ${name}`, s, unit.scale, true);
    }
  } else if (options.scalesA !== undefined || options.scalesB !== undefined) {
    throw new TypeError(`lowbit: mmaDot scalesA and scalesB are for block-scaled presets; "${p.name}" has none`);
  }
  const A = chainOperand(a, p.input, unit, options.scalesA),
    B = chainOperand(b, p.input, unit, options.scalesB);
  return presetDot(p, A, B, a.length, promotion);
}
