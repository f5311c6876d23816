/**
 * The formats whose values a float32 can hold exactly, which is what lowbit's quantizer kernels
 * and the products of the accumulator emulator store: floating point with at most 8 exponent
 * and 23 mantissa bits, fixed point with at most 24 bits (float32's significand) that saturates
 * (the kernels clamp; wrap-around is emulated only by the accumulators). The wider formats
 * describe accumulators (float64 is { exp: 11, man: 52 }, a 32-bit integer register
 * fixedPoint({ bits: 32, frac: 0, overflow: "wrap" })).
 */
import { checkInteger } from "../../core/checks";
import { floatingPointRange } from "./floating_point";
import type { Format } from "./registry";

/** Throws a RangeError naming the field and float32's limit unless float32 holds `f`'s values. */
export function checkHeldInFloat32(what: string, f: Format): void {
  if (f.kind === "float") {
    checkInteger(`${what} floatingPoint exp (values are held in float32: 8 exponent bits)`, f.exp, 1, 8);
    checkInteger(`${what} floatingPoint man (values are held in float32: 23 mantissa bits)`, f.man, 0, 23);
    // A custom bias (or fnuz's 2^(exp-1)) can move the range past float32's normals.
    const r = floatingPointRange(f);
    if (r.emax + r.bias - 127 > 127) {
      throw new RangeError(
        `lowbit: ${what} floatingPoint exp ${f.exp} with encoding "${f.encoding ?? "ieee"}" spans binades 2^${r.emin} to 2^${r.emax}, more than float32's normals (2^-126 to 2^127) for any bias`,
      );
    }
    checkInteger(
      `${what} floatingPoint bias (values are held in float32: the smallest normal 2^(1 - bias) at least 2^-126, the largest value below 2^128)`,
      r.bias,
      r.emax + r.bias - 127,
      127,
    );
  } else if (f.kind === "scaled") {
    checkHeldInFloat32(`${what} scaled element`, f.element);
    if (f.scaleFormat.kind === "format") checkHeldInFloat32(`${what} scaled scaleFormat`, f.scaleFormat.format);
  } else if (f.kind === "fixed") {
    checkInteger(`${what} fixedPoint bits (values are held in float32: 24 significant bits)`, f.bits, 1, 24);
    if (f.overflow === "wrap") {
      throw new RangeError(
        `lowbit: ${what} fixedPoint overflow must be "saturate" (its kernels clamp; wrap-around is emulated by the accumulators of accumulate() and lowPrecisionMatMul()); got "wrap"`,
      );
    }
  }
}
