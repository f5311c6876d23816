/**
 * lowbit's data-scaled formats as instances of the one construction (formats/scaled.ts), each
 * named after its source:
 *
 *   dynamicFixedPointFormat   Courbariaux et al. 2014 (the design Su et al. 2020 build on):
 *     b-bit integers q (two's complement) times 2^-frac, frac = b - 2 - floor(log2 max|x|): the
 *     max rule with target 2^(b-2) and a floor power-of-two scale 2^-frac in [2^-126, 2^(128-b)]
 *     (fixed point's frac range), or the overflow rule; an all-zero tensor keeps frac = b - 1.
 *   blockFloatingPointAsScaled  block floating point: the same element and rule per block, the
 *     scale 2^(E + 2 - b) down to 2^-149 (every float32 block, subnormals included); an all-zero
 *     block uses E = 0.
 *   bwnFormat      BWN (Rastegari et al. 2016) per output channel: sign(x) times mean |x|.
 *   twnFormat      TWN (Li & Liu 2016): ternary pattern with Delta = 0.7 mean |W| over the layer,
 *     scale = mean of the kept |W| (per channel or per tensor): the ternary element's pattern
 *     comes first, then the scale rule meanAbsKept.
 *   wageErrorFormat / wageGradientFormat  WAGE (Wu et al. 2018): E: Q(gamma e / Shift(max|e|), kE),
 *     G: integers of eta g / Shift(max|g|) with stochastic rounding; Shift(m) = 2^round(log2 m):
 *     the max rule with target gamma (eta) and a nearest power-of-two scale; WAGE passes the
 *     elements on without the scale (scaledElements).
 *   logQuantizerFormat  QNN's log quantizer (Hubara et al. 2017, rule lowbit's): powers of two
 *     with e_max = ceil(log2 max|x|): a powerOfTwo element of largest exponent 0 under a ceil
 *     power-of-two scale.
 * OCP MX v1.0 (blocks of 32, an E8M0 scale 2^(floor(log2 max) - emax_elem): element, the max rule
 * with target 2^emax_elem, exponentScale({ bits: 8, rounding: "floor" }), block granularity) and
 * NVFP4 (E2M1 blocks of 16 with E4M3 scales under a per-tensor FP32 scale: a scaleFormat that is
 * itself a scaled format) are expressible with the same parts; their OCP element formats (E2M1
 * and E4M3 without Inf) are not lowbit formats yet, so they are left to the modern-formats work.
 */
import { checkInteger, checkOneOf } from "../../core/checks";
import { binary } from "../formats/binary";
import type { BlockFloatingPointFormat } from "../formats/block_floating_point";
import { scaled } from "../formats/registry";
import { fixedPoint } from "../formats/fixed_point";
import { powerOfTwo } from "../formats/power_of_two";
import { type Granularity, powerOfTwoScale, type ScaledFormat } from "../formats/scaled";
import { ternary } from "../formats/ternary";

/** Checks that v is a power of two 2^k (k an integer in [-126, 127]); returns k. */
export function checkPowerOfTwo(what: string, v: number): number {
  const k = Math.log2(v);
  if (!(Number.isInteger(k) && k >= -126 && k <= 127))
    throw new RangeError(`lowbit: ${what} must be a power of two in [2^-126, 2^127]; got ${v}`);
  return k;
}

export function dynamicFixedPointFormat({
  bits,
  granularity = "tensor",
  exponent = "max",
  maxOverflowRate = 1e-4,
}: {
  bits: number;
  granularity?: "tensor" | "channel";
  exponent?: "max" | "overflow";
  maxOverflowRate?: number;
}): ScaledFormat {
  checkInteger("dynamicFixedPoint bits", bits, 2, 24);
  checkOneOf("dynamicFixedPoint granularity", granularity, ["tensor", "channel"] as const);
  checkOneOf("dynamicFixedPoint exponent", exponent, ["max", "overflow"] as const);
  if (!(maxOverflowRate >= 0 && maxOverflowRate < 1)) {
    throw new RangeError(`lowbit: dynamicFixedPoint maxOverflowRate must be in [0, 1); got ${maxOverflowRate}`);
  }
  const target = 2 ** (bits - 2);
  return scaled({
    element: fixedPoint({ bits, frac: 0 }),
    scale: exponent === "max" ? { rule: "max", target } : { rule: "overflow", maxOverflowRate, target },
    scaleFormat: powerOfTwoScale({ rounding: "floor", minExponent: -126, maxExponent: 128 - bits }),
    granularity: granularity === "tensor" ? { kind: "tensor" } : { kind: "channel", axis: -1 },
    emptyScale: 2 ** (1 - bits),
  });
}

export function blockFloatingPointAsScaled(f: BlockFloatingPointFormat): ScaledFormat {
  return scaled({
    element: fixedPoint({ bits: f.bits, frac: 0 }),
    scale: { rule: "max", target: 2 ** (f.bits - 2) },
    scaleFormat: powerOfTwoScale({ rounding: "floor", minExponent: -149, maxExponent: 127 }),
    granularity:
      f.blockSize !== undefined ? { kind: "block", axis: -1, size: f.blockSize } : { kind: "block", axis: f.axis! },
    emptyScale: 2 ** (2 - f.bits),
  });
}

export function bwnFormat(granularity: Granularity = { kind: "channel", axis: -1 }): ScaledFormat {
  return scaled({ element: binary(), scale: { rule: "meanAbs" }, granularity, emptyScale: 0 });
}

export function twnFormat({
  threshold = 0.7,
  granularity = { kind: "channel", axis: -1 },
}: {
  threshold?: number;
  granularity?: Granularity;
} = {}): ScaledFormat {
  return scaled({ element: ternary({ threshold }), scale: { rule: "meanAbsKept" }, granularity, emptyScale: 0 });
}

/** A power-of-two scale wide enough for any float32 statistic over a power-of-two target. */
const SHIFT = powerOfTwoScale({ rounding: "nearest", minExponent: -300, maxExponent: 300 });

export function wageErrorFormat(k: number, gamma = 1): ScaledFormat {
  checkPowerOfTwo("wageError gamma", gamma);
  return scaled({
    element: fixedPoint({ bits: k, frac: k - 1, symmetric: true }),
    scale: { rule: "max", target: gamma },
    scaleFormat: SHIFT,
  });
}

/** WAGE's G before its sigma(kG): integers up to 2^23 (the scaled gradient is at most eta * sqrt(2)). */
export function wageGradientFormat(eta: number): ScaledFormat {
  checkPowerOfTwo("wageGradient eta", eta);
  return scaled({
    element: fixedPoint({ bits: 24, frac: 0 }),
    scale: { rule: "max", target: eta },
    scaleFormat: SHIFT,
  });
}

export function logQuantizerFormat(bits: number): ScaledFormat {
  checkInteger("logQuantizer bits", bits, 2, 8);
  return scaled({
    element: powerOfTwo({ bits, maxExponent: 0 }),
    scale: { rule: "max", target: 1 },
    scaleFormat: powerOfTwoScale({ rounding: "ceil", minExponent: -126 + 2 ** (bits - 1) - 2, maxExponent: 127 }),
  });
}
