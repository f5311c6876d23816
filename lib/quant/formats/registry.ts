/**
 * The format kinds lowbit knows, and the functions that work on any format through its kind.
 * Adding a kind: its file (definition, factory, FormatKind value; see format_kind.ts), its type in
 * the Format union and its value in FORMAT_KIND_TABLE; quantize() then needs its kernel (quantize.ts).
 */
import { checkInteger, checkOneOf } from "../../core/checks";
import { MAX_RANDOM_BITS, ROUNDINGS, type Rounding } from "../rounding";
import { binaryKind, type BinaryFormat } from "./binary";
import { blockFloatingPointKind, type BlockFloatingPointFormat } from "./block_floating_point";
import { e8m0Kind, type E8M0Format } from "./e8m0";
import { fixedPointKind, type FixedPointFormat } from "./fixed_point";
import { floatingPointKind, type FloatingPointFormat } from "./floating_point";
import type { FormatArithmetic, FormatInfo, FormatKind } from "./format_kind";
import { integerKind, type IntegerFormat } from "./integer";
import { powerOfTwoKind, type PowerOfTwoFormat } from "./power_of_two";
import { checkedScaled, type ScaledFormat, scaledKind, type ScaledOptions } from "./scaled";
import { ternaryKind, type TernaryFormat } from "./ternary";

/** A number format: a plain JSON-serializable value of one of the registered kinds. */
export type Format =
  | FixedPointFormat
  | FloatingPointFormat
  | IntegerFormat
  | PowerOfTwoFormat
  | BinaryFormat
  | TernaryFormat
  | BlockFloatingPointFormat
  | E8M0Format
  | ScaledFormat;

// The scaled kind works through its element's kind, so it gets this registry's lookups.
const FORMAT_KIND_TABLE: readonly { readonly kind: Format["kind"] }[] = [
  fixedPointKind,
  floatingPointKind,
  integerKind,
  powerOfTwoKind,
  binaryKind,
  ternaryKind,
  blockFloatingPointKind,
  e8m0Kind,
  scaledKind(
    (what, f) => checkFormat(what, f),
    (f) => kindOf(f),
  ),
];

/** The `kind` of every registered format kind. */
export const FORMAT_KINDS: readonly Format["kind"][] = FORMAT_KIND_TABLE.map((k) => k.kind);

function kindOf(f: Format): FormatKind<Format> {
  return FORMAT_KIND_TABLE.find((k) => k.kind === f.kind) as unknown as FormatKind<Format>;
}

/**
 * Validates anything claiming to be a format (a factory's value, one read back from JSON, one
 * written by hand) through its kind's own factory, and returns the normalized format (defaults
 * filled in). `what` names the argument in the error: an unknown kind lists the known ones; a
 * field the kind does not have, or a field out of range, is named.
 */
export function checkFormat(what: string, value: unknown): Format {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `lowbit: ${what} must be a format value (fixedPoint(...), FP16, ...); got ${JSON.stringify(value)}`,
    );
  }
  const kind = (value as { kind?: unknown }).kind;
  if (!(FORMAT_KINDS as readonly unknown[]).includes(kind)) {
    // A TypeError: the value is not a format at all.
    throw new TypeError(
      `lowbit: ${what} kind must be one of ${FORMAT_KINDS.map((k) => `"${k}"`).join(", ")}; got ${JSON.stringify(kind)}`,
    );
  }
  const k = kindOf(value as Format);
  let format: Format;
  try {
    format = k.create(value as Format);
  } catch (e) {
    // Say which argument held the bad field: "quantize format: fixedPoint bits must be ...".
    if (e instanceof RangeError || e instanceof TypeError) {
      throw new (e.constructor as ErrorConstructor)(`lowbit: ${what}: ${e.message.replace(/^lowbit: /, "")}`);
    }
    throw e;
  }
  const omitted = k.omittedDefaults ?? [];
  const unknown = Object.keys(value).filter((key) => !(key in format) && !omitted.includes(key));
  if (unknown.length > 0) {
    throw new RangeError(
      `lowbit: ${what} (kind "${kind}") has fields ${Object.keys(format)
        .map((f) => `"${f}"`)
        .join(", ")}; got also ${unknown.map((f) => `"${f}"`).join(", ")}`,
    );
  }
  return format;
}

/** A scaled format: element x scale rule x scale format x granularity (scaled.ts). */
export function scaled(options: ScaledOptions): ScaledFormat {
  return checkedScaled(options, (f) => checkFormat("scaled format", f));
}

/** The format's numbers (format_kind.ts defines each field for every kind). */
export function formatInfo(format: Format): FormatInfo {
  const f = checkFormat("formatInfo format", format);
  return kindOf(f).info(f);
}

/** A short name for summaries: "fixed<8,4>", "float<e5,m10>", "int8", "pow2<4>", "binary", "ternary", "bfp<8>". */
export function formatLabel(format: Format): string {
  const f = checkFormat("formatLabel format", format);
  return kindOf(f).label(f);
}

/** Bits of one stored value: 1 + exp + man for floats, 1 for binary, 2 for ternary, else `bits`. */
export function formatBits(format: Format): number {
  const f = checkFormat("formatBits format", format);
  return kindOf(f).bits(f);
}

/** The arithmetic the format's operands need in hardware (lib/hw reads it). */
export function formatArithmetic(format: Format): FormatArithmetic {
  const f = checkFormat("formatArithmetic format", format);
  return kindOf(f).arithmetic(f);
}

/**
 * quantize() of one number, computed in float64 from the format's definition: the reference the
 * kernels are tested against. `hash` is the 32-bit word stochastic rounding draws from
 * (elementHash(seed, stream, i) for element i of a quantize call), `randomBits` how many of its
 * top bits it uses (quantize's option of that name). Kinds with a scale taken from
 * the tensor (ternary, block floating point) round x given in units of that scale (their files
 * say which).
 */
export function quantizeValue(
  format: Format,
  x: number,
  options: { rounding?: Rounding; hash?: number; randomBits?: number } = {},
): number {
  const f = checkFormat("quantizeValue format", format);
  const { rounding = "nearest", hash = 0, randomBits } = options;
  checkOneOf("quantizeValue rounding", rounding, ROUNDINGS);
  if (randomBits !== undefined) {
    checkInteger("quantizeValue randomBits", randomBits, 1, MAX_RANDOM_BITS);
    if (rounding !== "stochastic") {
      throw new RangeError(`lowbit: quantizeValue randomBits applies to rounding "stochastic"; got "${rounding}"`);
    }
  }
  if (!(Number.isInteger(hash) && hash >= 0 && hash < 2 ** 32)) {
    throw new RangeError(`lowbit: quantizeValue hash must be an integer in [0, 2^32 - 1]; got ${hash}`);
  }
  if (typeof x !== "number") throw new TypeError(`lowbit: quantizeValue x must be a number; got ${JSON.stringify(x)}`);
  return kindOf(f).round(f, x, rounding, hash, randomBits);
}

/** The widest format encode and decode take: their codes are what conformance tests iterate over. */
export const MAX_CODE_BITS = 16;

function codedFormat(what: string, format: Format): { f: Format; kind: FormatKind<Format>; info: FormatInfo } {
  const f = checkFormat(`${what} format`, format);
  const kind = kindOf(f),
    info = kind.info(f);
  if (info.bits > MAX_CODE_BITS) {
    throw new RangeError(
      `lowbit: ${what} format must have at most ${MAX_CODE_BITS} bits; got ${info.bits} (${kind.label(f)})`,
    );
  }
  return { f, kind, info };
}

/**
 * The code (bit pattern, an integer in [0, 2^bits)) of x in a format of at most 16 bits: x is
 * first rounded to nearest, ties to even, with the format's own overflow rule (exactly as
 * quantizeValue with rounding "nearest", and binary by the sign: fixed point and integer saturate, floats saturate or
 * give Inf as `saturate` says), then encoded as the kind's file states. -0 keeps its sign where
 * the encoding has -0 (float, powerOfTwo); NaN gives the canonical NaN code, or a RangeError in
 * a format without a NaN code.
 */
export function encode(format: Format, x: number): number {
  const { f, kind, info } = codedFormat("encode", format);
  if (typeof x !== "number") throw new TypeError(`lowbit: encode x must be a number; got ${JSON.stringify(x)}`);
  if (Number.isNaN(x) && !info.hasNaN) {
    throw new RangeError(`lowbit: encode x must not be NaN for ${kind.label(f)}, which has no NaN code`);
  }
  return kind.codeOf(f, kind.nearest(f, x));
}

/** The value of a code (an integer in [0, 2^bits)) of a format of at most 16 bits. */
export function decode(format: Format, code: number): number {
  const { f, kind, info } = codedFormat("decode", format);
  if (!(Number.isInteger(code) && code >= 0 && code < info.codes)) {
    throw new RangeError(
      `lowbit: decode code must be an integer in [0, ${info.codes - 1}] for ${kind.label(f)}; got ${code}`,
    );
  }
  return kind.valueOf(f, code);
}
