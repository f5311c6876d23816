/**
 * Linear integer quantization with any step `scale` (QNN's LinearQuant, DoReFa's k-bit grid):
 * value = q * scale, q = round(x / scale) clamped to [-2^(bits-1), 2^(bits-1) - 1] when
 * signed, [0, 2^bits - 1] when not (e.g. DoReFa activations in [0, 1]: bits k,
 * scale 1 / (2^k - 1), unsigned).
 */
import { checkBoolean, checkInteger } from "../../core/checks";
import type { Rounding } from "../rounding";
import {
  exponentOf,
  type FormatKind,
  gridInfo,
  twosComplementCode,
  twosComplementValue,
  unsupportedRounding,
} from "./format_kind";

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
  checkBoolean("integer signed", signed);
  if (!(scale > 0 && Number.isFinite(scale) && Math.fround(scale) > 0)) {
    throw new RangeError(`lowbit: integer scale must be a positive finite number (a nonzero float32); got ${scale}`);
  }
  return { kind: "integer", bits, scale, signed };
}

export function integerRange(f: IntegerFormat): { qmin: number; qmax: number } {
  return f.signed ? { qmin: -(2 ** (f.bits - 1)), qmax: 2 ** (f.bits - 1) - 1 } : { qmin: 0, qmax: 2 ** f.bits - 1 };
}

/** v = mantissa * 2^exponent with an integer mantissa, exactly, for a finite v. */
function exactParts(v: number): { mantissa: bigint; exponent: number } {
  if (v === 0) return { mantissa: 0n, exponent: 0 };
  const exponent = Math.max(-1074, exponentOf(Math.abs(v)) - 52);
  return { mantissa: BigInt(v / 2 ** exponent), exponent }; // exact: below 2^53 in magnitude
}

/** The exact quotient x / s rounded to an integer by `rounding` (stochastic as roundScaled: u < fraction). */
function roundQuotient(x: number, s: number, rounding: Rounding, hash: number): bigint {
  const a = exactParts(x),
    b = exactParts(s);
  const shift = a.exponent - b.exponent;
  const num = shift >= 0 ? a.mantissa << BigInt(shift) : a.mantissa;
  const den = shift >= 0 ? b.mantissa : b.mantissa << BigInt(-shift);
  let floor = num / den; // truncates toward zero
  if (num % den !== 0n && num < 0n) floor -= 1n;
  const r = num - floor * den; // in [0, den)
  switch (rounding) {
    case "floor":
      return floor;
    case "zero":
      return num < 0n && r > 0n ? floor + 1n : floor;
    case "nearest":
      return 2n * r > den || (2n * r === den && floor % 2n !== 0n) ? floor + 1n : floor;
    case "stochastic":
      return BigInt(hash >>> 8) * den < r * 2n ** 24n ? floor + 1n : floor;
    default:
      throw unsupportedRounding("integer", rounding);
  }
}

/**
 * The integer kind. Values are float32(q * s) with s = float32(scale): the kernel
 * (lib/wasm/quantize_linear.ts) multiplies in float32. Encoding: the `bits`-bit two's complement pattern of q, or q
 * itself when unsigned. formatInfo: max = float32(qmax * s), epsilon = minNormal = minSubnormal = s,
 * emin = floor(log2 s), emax = floor(log2) of the largest magnitude (signed: 2^(bits-1) * s).
 * Rounding: q = the exact quotient x / s rounded (not its float rounding), clamped to
 * [qmin, qmax]; +-Inf saturate.
 */
export const integerKind: FormatKind<IntegerFormat> = {
  kind: "integer",
  create: integer,
  label: (f) => `int${f.bits}`,
  bits: (f) => f.bits,
  info: (f) => {
    const r = integerRange(f),
      s = Math.fround(f.scale);
    return { ...gridInfo(f.bits, r.qmin, r.qmax, s), max: Math.fround(r.qmax * s) };
  },
  arithmetic: (f) => ({ kind: "int", bits: f.bits }),
  round: (f, x, rounding, hash, randomBits) => {
    if (randomBits !== undefined) throw unsupportedRounding("integer", "stochastic with randomBits");
    if (Number.isNaN(x)) return NaN;
    const r = integerRange(f),
      s = Math.fround(f.scale);
    if (!Number.isFinite(x)) return Math.fround((x > 0 ? r.qmax : r.qmin) * s);
    const q = roundQuotient(x, s, rounding, hash);
    return Math.fround(Number(q < BigInt(r.qmin) ? BigInt(r.qmin) : q > BigInt(r.qmax) ? BigInt(r.qmax) : q) * s);
  },
  nearest: (f, x) => integerKind.round(f, x, "nearest", 0),
  // value = float32(q * s) is within 2^-24 * |q| steps of q * s: below half a step for codes of
  // at most 16 bits (encode's limit).
  codeOf: (f, value) => {
    const q = Math.round(value / Math.fround(f.scale));
    return f.signed ? twosComplementCode(q, f.bits) : Math.abs(q);
  },
  valueOf: (f, code) => Math.fround((f.signed ? twosComplementValue(code, f.bits) : code) * Math.fround(f.scale)),
};
