/**
 * What the hardware sees of a number format: the arithmetic its operands need. lowbit's quant
 * formats (lib/quant/formats) map onto five kinds:
 *   int      fixed point, integer, block floating point and dynamic fixed point: a two's
 *            complement integer of `bits` bits (the scale or shared exponent costs nothing per MAC)
 *   float    `exp` exponent and `man` mantissa bits
 *   binary   +-1, one bit: a product with it is a sign flip; with another binary, an XNOR
 *   ternary  -1, 0, +1 in two bits: a sign flip and a zeroing gate
 *   log      a power of two (sign + exponent code of `bits` bits): a product with it is a shift
 * A scaled format ({ kind: "scaled", element, ... }: an element format times a per-tensor,
 * per-channel or per-block scale) is its element's operand: the scale applies once per output.
 * Widths go up to 128 bits: accumulators and FP32 master weights are operands too.
 */
import { checkInteger } from "../core/checks";
import { checkFormat, type Format, FORMAT_KINDS, formatArithmetic } from "../quant/formats";

export type Operand =
  | { readonly kind: "int"; readonly bits: number }
  | { readonly kind: "float"; readonly exp: number; readonly man: number }
  | { readonly kind: "binary" }
  | { readonly kind: "ternary" }
  | { readonly kind: "log"; readonly bits: number };

export function intOperand(bits: number): Operand {
  checkInteger("intOperand bits", bits, 1, 128);
  return { kind: "int", bits };
}

export function floatOperand(exp: number, man: number): Operand {
  checkInteger("floatOperand exp", exp, 1, 15);
  checkInteger("floatOperand man", man, 0, 112);
  return { kind: "float", exp, man };
}

export function logOperand(bits: number): Operand {
  checkInteger("logOperand bits", bits, 2, 16);
  return { kind: "log", bits };
}

export const BINARY_OPERAND: Operand = { kind: "binary" };
export const TERNARY_OPERAND: Operand = { kind: "ternary" };
export const FP32_OPERAND = floatOperand(8, 23);
export const FP16_OPERAND = floatOperand(5, 10);

/** Bits one value of the operand occupies in memory. */
export function operandBits(op: Operand): number {
  switch (op.kind) {
    case "int":
    case "log":
      return op.bits;
    case "float":
      return 1 + op.exp + op.man;
    case "binary":
      return 1;
    case "ternary":
      return 2;
  }
}

/** A short name: "int8", "fp32", "fp16", "bf16", "e4m3", "binary", "ternary", "log6". */
export function operandName(op: Operand): string {
  switch (op.kind) {
    case "int":
      return `int${op.bits}`;
    case "log":
      return `log${op.bits}`;
    case "binary":
    case "ternary":
      return op.kind;
    case "float":
      if (op.exp === 8 && op.man === 23) return "fp32";
      if (op.exp === 5 && op.man === 10) return "fp16";
      if (op.exp === 8 && op.man === 7) return "bf16";
      return `e${op.exp}m${op.man}`;
  }
}

const OPERAND_KINDS: readonly string[] = ["int", "float", "binary", "ternary", "log"];
const OPERAND_FIELDS: readonly string[] = ["kind", "bits", "exp", "man"];

/**
 * An Operand as is, or the operand of a lowbit quant Format (also one read back from JSON),
 * through the format kind's own arithmetic (lib/quant/formats): no list of format kinds here.
 */
export function operandOf(what: string, value: Operand | Format): Operand {
  if (typeof value !== "object" || value === null || typeof (value as { kind?: unknown }).kind !== "string") {
    throw new TypeError(
      `lowbit: ${what} must be an Operand (intOperand(8), FP32_OPERAND, ...) or a quant Format (fixedPoint(...), FP16, ...)`,
    );
  }
  if (!OPERAND_KINDS.includes(value.kind) && !(FORMAT_KINDS as readonly string[]).includes(value.kind)) {
    throw new RangeError(
      `lowbit: ${what} kind must be one of ${[...new Set([...OPERAND_KINDS, ...FORMAT_KINDS])].map((k) => `"${k}"`).join(", ")}; got ${JSON.stringify(value.kind)}`,
    );
  }
  // "float", "binary" and "ternary" are kinds of both, with the same arithmetic. A value with an
  // Operand's fields only is an Operand (an Operand float may be wider: FP64 accumulators); one
  // with a Format's fields (saturate, stochastic, threshold) is checked as a Format.
  const isOperand =
    OPERAND_KINDS.includes(value.kind) && Object.keys(value).every((key) => OPERAND_FIELDS.includes(key));
  const op = isOperand ? (value as Operand) : formatArithmetic(checkFormat(what, value));
  switch (op.kind) {
    case "int":
      return intOperand(op.bits);
    case "float":
      return floatOperand(op.exp, op.man);
    case "binary":
      return BINARY_OPERAND;
    case "ternary":
      return TERNARY_OPERAND;
    case "log":
      return logOperand(op.bits);
  }
}
