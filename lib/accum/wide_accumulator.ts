/**
 * A floating-point accumulator format for the dot-product models (FMA, Kahan, pairwise order,
 * promotion): a lowbit floatingPoint format with up to 52 mantissa bits (float64 itself is
 * { exp: 11, man: 52 }), validated by the format registry and turned into the exact path's
 * rounding tables (rounding.ts). Like accumulate(), it keeps subnormals and saturates a finite
 * overflow, so those two settings must be true.
 */
import { checkInteger } from "../core/checks";
import { checkFormat, type FloatingPointFormat } from "../quant/formats";
import { type AccumulatorRounding, type ExactFormat, exactFormat, generalStep } from "./rounding";

export function checkedFloatAccumulator(
  what: string,
  value: unknown,
  rounding: AccumulatorRounding = "nearest",
): ExactFormat {
  const kind = typeof value === "object" && value !== null ? (value as { kind?: unknown }).kind : undefined;
  if (kind !== "float")
    throw new TypeError(
      `lowbit: ${what} must be a floatingPoint format (e.g. FP32 or floatingPoint({ exp: 8, man: 23 })); got ${JSON.stringify(value)}`,
    );
  const f = checkFormat(what, value) as FloatingPointFormat;
  checkInteger(`${what} man`, f.man, 1, 52);
  if (!f.subnormals || !f.saturate)
    throw new RangeError(
      `lowbit: ${what} must keep subnormals and saturate (subnormals: true, saturate: true, the accumulators' semantics); got ${JSON.stringify(f)}`,
    );
  return exactFormat(f.man, f.exp, rounding);
}

/**
 * round(s + v) in f, the exact sum rounded once (f's rounding mode; stochastic rounding is not
 * used by these models, so no draw). s + v is formed in float64 and corrected by TwoSum inside
 * generalStep, so any two float64 values work.
 */
export function addRounded(f: ExactFormat, s: number, v: number): number {
  return generalStep(f, s, v, s + v, 0, 0, 0);
}
