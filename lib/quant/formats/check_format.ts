/**
 * checkFormat(format): validates a format value (also one written by hand or read from JSON)
 * by rebuilding it with its kind's constructor; and scaled(), the scaled formats' constructor,
 * which validates the formats inside it with checkFormat (here rather than in scaled.ts, so that
 * the kinds' files do not import each other in a cycle).
 */
import { binary } from "./binary";
import { blockFloatingPoint } from "./block_floating_point";
import { fixedPoint } from "./fixed_point";
import { floatingPoint } from "./floating_point";
import type { Format } from "./index";
import { integer } from "./integer";
import { powerOfTwo } from "./power_of_two";
import { checkedScaled, type ScaledFormat, type ScaledOptions } from "./scaled";
import { ternary } from "./ternary";

export function checkFormat(format: Format): Format {
  switch (format?.kind) {
    case "fixed": return fixedPoint(format);
    case "float": return floatingPoint(format);
    case "integer": return integer(format);
    case "powerOfTwo": return powerOfTwo(format);
    case "binary": return binary(format);
    case "ternary": return ternary(format);
    case "blockFloat": return blockFloatingPoint(format);
    case "scaled": return checkedScaled(format, checkFormat);
    default: throw new TypeError(`lowbit: quantize format must be a lowbit format; got ${JSON.stringify(format)}`);
  }
}

/** A scaled format: element x scale rule x scale format x granularity (formats/scaled.ts). */
export function scaled(options: ScaledOptions): ScaledFormat {
  return checkedScaled(options, checkFormat);
}
