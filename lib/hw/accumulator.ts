/**
 * The accumulator a dot product of n products needs. For integer operands lowbit uses the
 * no-overflow width of FINN-R (Blott et al., ACM TRETS 2018):
 *
 *   alpha = log2(n) + W + A - 1 - signed,   bits = ceil(alpha + log2(1 + 2^-alpha) + 1)
 *
 * with W and A the operands' bits and signed = 1 for signed operands: exactly the bits of the
 * largest possible |sum| plus a sign, so no accumulation can overflow (n = 1024, W = A = 8:
 * 26 bits, since 1024 x 128^2 = 2^24). For binary (+-1) operands W = A = 1 gives
 * ceil(log2(n + 1) + 1), the bits of a popcount difference in [-n, n].
 * A product with a float operand accumulates in that float format (the wider one of two), as
 * an FP16 or FP32 unit does; a config can instead name any accumulator (the mixed-precision FP32
 * accumulator, or notebook 05's predicted float width).
 */
import { checkInteger } from "../core/checks";
import type { Format } from "../quant/formats";
import { intOperand, type Operand, operandBits, operandOf } from "./operand";

/** "exact": the no-overflow integer width (or the operands' float format); else a fixed operand. */
export type AccumulatorSpec = Operand | Format | "exact";

/** FINN-R's accumulator width for n products of a W-bit and an A-bit operand. */
export function finnAccumulatorBits(n: number, weightBits: number, inputBits: number, signed = true): number {
  checkInteger("finnAccumulatorBits n", n, 1);
  checkInteger("finnAccumulatorBits weightBits", weightBits, 1, 64);
  checkInteger("finnAccumulatorBits inputBits", inputBits, 1, 64);
  const alpha = Math.log2(n) + weightBits + inputBits - 1 - (signed ? 1 : 0);
  return Math.ceil(alpha + Math.log2(1 + 2 ** -alpha) + 1);
}

/** Integer bits of an operand's values: a power of two with k-bit codes spans 2^(k-1) + 1 bits. */
function valueBits(op: Operand): number {
  return op.kind === "log" ? 2 ** (op.bits - 1) + 1 : operandBits(op);
}

/** The accumulator of n products of a and b under `spec`. */
export function accumulatorFor(a: Operand, b: Operand, n: number, spec: AccumulatorSpec): Operand {
  if (spec !== "exact") {
    const acc = operandOf("accumulator", spec);
    if (acc.kind !== "int" && acc.kind !== "float")
      throw new RangeError(`lowbit: accumulator must be an integer or float operand; got ${acc.kind}`);
    return acc;
  }
  const floats = [a, b].filter((o) => o.kind === "float");
  if (floats.length > 0) return floats.reduce((x, y) => (operandBits(y) > operandBits(x) ? y : x));
  return intOperand(Math.min(128, finnAccumulatorBits(n, valueBits(a), valueBits(b))));
}
