/**
 * Linear integer quantization with any step `scale` (QNN's LinearQuant, DoReFa's k-bit grid):
 * value = q * scale, q = round(x / scale) clamped to [-2^(bits-1), 2^(bits-1) - 1] when
 * signed, [0, 2^bits - 1] when not (e.g. DoReFa activations in [0, 1]: bits k,
 * scale 1 / (2^k - 1), unsigned).
 */
import { checkInteger } from "../../core/checks";

export interface IntegerFormat {
  readonly kind: "integer";
  readonly bits: number;
  readonly scale: number;
  readonly signed: boolean;
}

export interface IntegerOptions {
  /** Bits of q: an integer in [1, 24]. */
  bits: number;
  /** The step between codes: a positive finite number. */
  scale: number;
  signed?: boolean;
}

export function integer({ bits, scale, signed = true }: IntegerOptions): IntegerFormat {
  checkInteger("integer bits", bits, 1, 24);
  if (!(scale > 0 && Number.isFinite(scale) && Math.fround(scale) > 0)) {
    throw new RangeError(`lowbit: integer scale must be a positive finite number (a nonzero float32); got ${scale}`);
  }
  return { kind: "integer", bits, scale, signed };
}

export function integerRange(f: IntegerFormat): { qmin: number; qmax: number } {
  return f.signed ? { qmin: -(2 ** (f.bits - 1)), qmax: 2 ** (f.bits - 1) - 1 } : { qmin: 0, qmax: 2 ** f.bits - 1 };
}
