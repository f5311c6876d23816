/**
 * E8M0, the OCP MX scale format (OCP Microscaling Formats v1.0, section 5.4): 8 exponent bits and
 * nothing else, value 2^(code - 127) for codes 0..254 (2^-127 .. 2^127), code 0xFF NaN; no sign,
 * no zero, no infinity. (gfloat's format_info_ocp_e8m0: unsigned, precision 1, bias 127.)
 *
 * Rounding of a number x to E8M0 (lib/quant/rounding.ts, on the linear value): between 2^e and
 * 2^(e+1), nearest goes to the nearer, a tie 1.5 * 2^e to the even code (P3109's and gfloat's
 * rule for precision 1); nearestAway up; zero, floor and down to 2^e, up to 2^(e+1); odd to the
 * odd code; stochastic up with probability (x - 2^e) / 2^e (the fraction's resolution as
 * roundScaled's). Values outside the range saturate: above 2^127 (and +Inf) to 2^127, below
 * 2^-127 (0 included: there is no zero) to 2^-127, as the MX scale rule clamps its exponent.
 * Negative numbers and -Inf have no code: NaN. quantize() of E8M0 runs this reference per
 * element (E8M0 holds scales, a handful per block, not tensors).
 */
import { exponentOf, type FormatKind, roundScaled } from "./format_kind";

export interface E8M0Format {
  readonly kind: "e8m0";
}

export function e8m0(_options: Partial<E8M0Format> = {}): E8M0Format {
  return { kind: "e8m0" };
}

/** The OCP MX shared-scale format. */
export const E8M0 = e8m0();

const EMIN = -127,
  EMAX = 127;

export const e8m0Kind: FormatKind<E8M0Format> = {
  kind: "e8m0",
  create: e8m0,
  label: () => "e8m0",
  bits: () => 8,
  info: () => ({
    bits: 8,
    codes: 256,
    signed: false,
    max: 2 ** EMAX,
    emax: EMAX,
    emin: EMIN,
    minNormal: 2 ** EMIN,
    minSubnormal: 2 ** EMIN,
    epsilon: 1,
    hasInf: false,
    hasNaN: true,
    negativeZero: false,
  }),
  arithmetic: () => ({ kind: "log", bits: 8 }),
  round: (_f, x, rounding, hash, randomBits) => {
    if (Number.isNaN(x) || x < 0) return NaN;
    if (x >= 2 ** (EMAX + 1)) return 2 ** EMAX;
    if (x < 2 ** EMIN) {
      // Below the smallest value, the only neighbour is 2^-127 (no zero): every rounding gives it.
      return 2 ** EMIN;
    }
    const e = exponentOf(x);
    const n = roundScaled(x / 2 ** e, rounding, hash, randomBits, e + 127 - 1); // 1 or 2
    return Math.min(2 ** EMAX, n * 2 ** e);
  },
  nearest: (f, x) => e8m0Kind.round(f, x, "nearest", 0),
  codeOf: (_f, value) => (Number.isNaN(value) ? 0xff : exponentOf(value) + 127),
  valueOf: (_f, code) => (code === 0xff ? NaN : 2 ** (code - 127)),
};
