/**
 * Binary values +-1 (QNN): deterministic sign(x) with +1 for x >= 0, or stochastic: +1 with
 * probability hard_sigmoid(x) = clip((x + 1) / 2, 0, 1).
 */
import { checkBoolean } from "../../core/checks";
import type { FormatKind } from "./format_kind";

export interface BinaryFormat {
  readonly kind: "binary";
  readonly stochastic: boolean;
}

export function binary({ stochastic = false }: { stochastic?: boolean } = {}): BinaryFormat {
  checkBoolean("binary stochastic", stochastic);
  return { kind: "binary", stochastic };
}

/**
 * The binary kind. Encoding: one bit, 1 for +1 and 0 for -1 (the bit xnorMatMul's packing sets
 * for x >= 0). formatInfo: max 1, emax = emin = 0, minNormal = minSubnormal = 1, epsilon 2 (from
 * -1 to 1). Rounding (lib/wasm/binary.ts) ignores the rounding mode: deterministic +1 iff
 * x >= 0 (-0 included); stochastic +1 iff u < p with u = (hash >>> 8) * 2^-24 and
 * p = clip(float32(float32(x + 1) * 0.5), 0, 1), the kernel's float32 arithmetic.
 */
export const binaryKind: FormatKind<BinaryFormat> = {
  kind: "binary",
  create: binary,
  label: () => "binary",
  bits: () => 1,
  info: () => ({
    bits: 1,
    codes: 2,
    signed: true,
    max: 1,
    emax: 0,
    emin: 0,
    minNormal: 1,
    minSubnormal: 1,
    epsilon: 2,
    hasInf: false,
    hasNaN: false,
    negativeZero: false,
  }),
  arithmetic: () => ({ kind: "binary" }),
  round: (f, x, _rounding, hash) => {
    if (Number.isNaN(x)) return NaN;
    if (!f.stochastic) return x >= 0 ? 1 : -1;
    const p = Math.min(1, Math.max(0, Math.fround(Math.fround(x + 1) * 0.5)));
    return (hash >>> 8) * 2 ** -24 < p ? 1 : -1;
  },
  nearest: (_f, x) => (Number.isNaN(x) ? NaN : x >= 0 ? 1 : -1),
  codeOf: (_f, value) => (value > 0 ? 1 : 0),
  valueOf: (_f, code) => (code === 1 ? 1 : -1),
};
