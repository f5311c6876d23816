/**
 * Scaled formats: an element format times a scale that follows the data,
 *
 *   y = s_g * Q_element(x / s_g)      for every element x of group g,
 *
 * built from four parts (the decomposition of Brevitas and of gfloat's block formats):
 *   element      any element-wise lowbit format (fixed point or integer on a unit grid, binary,
 *                ternary, power of two, floating point, ...), or a scaled format itself;
 *   scale rule   the statistic of each group that sets its raw scale r_g = statistic / target:
 *                  max              largest finite |x| (target: the element's largest value, or
 *                                   any number, e.g. 2^emax of the element as OCP MX does);
 *                  meanAbs          mean |x| over the finite values (BWN's a = mean |W|);
 *                  meanAbsDeviation mean |x - mean x| over the finite values;
 *                  meanAbsKept      mean |x| over the finite values the element does not round
 *                                   to zero (TWN's a: the element's pattern comes first);
 *                  fixed            a constant;
 *                  learned          a layer's variable, `init` its initial value;
 *                  overflow         dynamic fixed point's rule: starting from "max", move the
 *                                   scale one power of two up when more than maxOverflowRate of
 *                                   the group would saturate, down when one less would still not
 *                                   (stateful: lib/quant/scaled/scaled_quantizer.ts keeps it);
 *   scale format how r_g is stored: float32; a power of two 2^e with e = floor, ceil or nearest
 *                of log2 r_g, clamped to [minExponent, maxExponent] (default [-149, 127], the
 *                float32 powers of two); an exponent-only format of
 *                `bits` bits (E8M0 for 8: e in [-127, 127], bias 127; its all-ones NaN code is
 *                never produced, because the statistics use finite values only, and an exponent
 *                out of range saturates); or any lowbit format (E4M3 for NVFP4, and a scaled
 *                format for a two-level scale: NVFP4's E4M3 block scales under one FP32 scale per
 *                tensor; the raw scales are rounded to float32 first, then to that format);
 *   granularity  one scale per tensor, per channel (an index of `axis`: statistics over all the
 *                other axes), per block of `size` consecutive elements along `axis` (the
 *                whole axis when `size` is omitted), or per 2-D tile of rows x cols over the
 *                last two axes (NVFP4's 16 x 16 weight tiles).
 *
 * A group without a finite nonzero value has no statistic: it takes `emptyScale` (default 1;
 * its elements are zeros, NaN or +-Inf, whose result is the element's: NaN stays NaN, +-Inf
 * saturate). Special values never set a scale (lowbit's rule for every format: one overflowing
 * value must not erase its neighbours), unless `nanGroups`: then a group holding NaN or +-Inf
 * is all NaN (OCP MX v1.0: such a block's scale is NaN; microxcaling does the same).
 *
 * Sources of the instances: lib/quant/scaled/instances.ts.
 */
import { checkBoolean, checkInteger, checkOneOf } from "../../core/checks";
import type { FormatKind } from "./format_kind";
import type { Format } from "./registry";

/**
 * r_g = statistic / target; target defaults to the element's largest finite value for "max" and
 * "overflow" (the max lands on it) and to 1 for the means.
 */
export type ScaleRule =
  | { readonly rule: "max"; readonly target?: number }
  | { readonly rule: "meanAbs"; readonly target?: number }
  | { readonly rule: "meanAbsDeviation"; readonly target?: number }
  | { readonly rule: "meanAbsKept"; readonly target?: number }
  | { readonly rule: "fixed"; readonly value: number }
  | { readonly rule: "learned"; readonly init: number }
  | { readonly rule: "overflow"; readonly maxOverflowRate: number; readonly target?: number };

export const SCALE_RULES = [
  "max",
  "meanAbs",
  "meanAbsDeviation",
  "meanAbsKept",
  "fixed",
  "learned",
  "overflow",
] as const;

/** How log2 of a power-of-two scale is rounded. */
export const SCALE_ROUNDINGS = ["floor", "ceil", "nearest"] as const;
export type ScaleRounding = (typeof SCALE_ROUNDINGS)[number];

export type ScaleFormat =
  | { readonly kind: "float32" }
  | {
      readonly kind: "powerOfTwo";
      readonly rounding: ScaleRounding;
      readonly minExponent: number;
      readonly maxExponent: number;
    }
  | { readonly kind: "exponent"; readonly bits: number; readonly rounding: ScaleRounding }
  | { readonly kind: "format"; readonly format: Format };

export type Granularity =
  | { readonly kind: "tensor" }
  | { readonly kind: "channel"; readonly axis: number }
  | { readonly kind: "block"; readonly axis: number; readonly size?: number }
  | { readonly kind: "tile"; readonly rows: number; readonly cols: number };

/**
 * Bits and arithmetic are the element's: a multiply-accumulate runs on elements, and the scales
 * (one per group: e.g. 8 / 32 = 0.25 bits per element for E8M0 over blocks of 32) apply once
 * per group's partial sum.
 */
export interface ScaledFormat {
  readonly kind: "scaled";
  readonly element: Format;
  readonly scale: ScaleRule;
  readonly scaleFormat: ScaleFormat;
  readonly granularity: Granularity;
  /** The scale of a group without a finite nonzero value (default 1; 0: the group's values become zeros). */
  readonly emptyScale: number;
  /** A group holding NaN or +-Inf is all NaN (OCP MX); omitted when false. */
  readonly nanGroups?: boolean;
}

export interface ScaledOptions {
  element: Format;
  scale: ScaleRule;
  /** Default float32. */
  scaleFormat?: ScaleFormat;
  /** Default one scale per tensor. */
  granularity?: Granularity;
  emptyScale?: number;
  /** Default false. */
  nanGroups?: boolean;
}

function checkPositive(what: string, v: number): void {
  if (!(v > 0 && Number.isFinite(v) && Math.fround(v) > 0 && Math.fround(v) !== Infinity)) {
    throw new RangeError(`lowbit: ${what} must be a positive finite float32 number; got ${v}`);
  }
}

function checkedRule(s: ScaleRule): ScaleRule {
  checkOneOf("scaled scale.rule", s?.rule, SCALE_RULES);
  switch (s.rule) {
    case "fixed":
      checkPositive("scaled scale.value", s.value);
      return { rule: "fixed", value: s.value };
    case "learned":
      checkPositive("scaled scale.init", s.init);
      return { rule: "learned", init: s.init };
    case "overflow":
      if (!(s.maxOverflowRate >= 0 && s.maxOverflowRate < 1)) {
        throw new RangeError(`lowbit: scaled scale.maxOverflowRate must be in [0, 1); got ${s.maxOverflowRate}`);
      }
      if (s.target !== undefined) checkPositive("scaled scale.target", s.target);
      return s.target === undefined ? { rule: "overflow", maxOverflowRate: s.maxOverflowRate } : { ...s };
    default:
      if (s.target !== undefined) checkPositive("scaled scale.target", s.target);
      return s.target === undefined ? { rule: s.rule } : { rule: s.rule, target: s.target };
  }
}

/** A power-of-two scale 2^e, e = rounding(log2 r) clamped to [minExponent, maxExponent]. */
export function powerOfTwoScale({
  rounding,
  minExponent = -149,
  maxExponent = 127,
}: {
  rounding: ScaleRounding;
  minExponent?: number;
  maxExponent?: number;
}): ScaleFormat {
  checkOneOf("powerOfTwoScale rounding", rounding, SCALE_ROUNDINGS);
  // Beyond float32's powers of two for scales that only divide (WAGE's shift of a huge gradient).
  checkInteger("powerOfTwoScale minExponent", minExponent, -300, 300);
  checkInteger("powerOfTwoScale maxExponent", maxExponent, minExponent, 300);
  return { kind: "powerOfTwo", rounding, minExponent, maxExponent };
}

/** An exponent-only scale format of `bits` bits (E8M0 for 8), bias 2^(bits-1) - 1. */
export function exponentScale({ bits, rounding = "floor" }: { bits: number; rounding?: ScaleRounding }): ScaleFormat {
  checkInteger("exponentScale bits", bits, 2, 8);
  checkOneOf("exponentScale rounding", rounding, SCALE_ROUNDINGS);
  return { kind: "exponent", bits, rounding };
}

/** The exponent range [min, max] of a power-of-two or exponent-only scale format. */
export function scaleExponentRange(f: ScaleFormat): { min: number; max: number } | undefined {
  if (f.kind === "powerOfTwo") return { min: f.minExponent, max: f.maxExponent };
  if (f.kind === "exponent") {
    const bias = 2 ** (f.bits - 1) - 1;
    return { min: -bias, max: bias };
  }
  return undefined;
}

function checkedScaleFormat(f: ScaleFormat, checkFormat: (f: Format) => Format): ScaleFormat {
  switch (f?.kind) {
    case "float32":
      return { kind: "float32" };
    case "powerOfTwo":
      return powerOfTwoScale(f);
    case "exponent":
      return exponentScale(f);
    case "format":
      return { kind: "format", format: checkFormat(f.format) };
    default:
      throw new TypeError(
        `lowbit: scaled scaleFormat must be float32, powerOfTwo, exponent or format; got ${JSON.stringify(f)}`,
      );
  }
}

function checkedGranularity(g: Granularity): Granularity {
  switch (g?.kind) {
    case "tensor":
      return { kind: "tensor" };
    case "channel":
      checkInteger("scaled granularity.axis", g.axis, -8, 7);
      return { kind: "channel", axis: g.axis };
    case "block":
      checkInteger("scaled granularity.axis", g.axis, -8, 7);
      if (g.size === undefined) return { kind: "block", axis: g.axis };
      checkInteger("scaled granularity.size", g.size, 1);
      return { kind: "block", axis: g.axis, size: g.size };
    case "tile":
      checkInteger("scaled granularity.rows", g.rows, 1);
      checkInteger("scaled granularity.cols", g.cols, 1);
      return { kind: "tile", rows: g.rows, cols: g.cols };
    default:
      throw new TypeError(
        `lowbit: scaled granularity must be tensor, channel, block or tile; got ${JSON.stringify(g)}`,
      );
  }
}

/**
 * Builds (and validates) a scaled format. `checkFormat` validates the element and a format
 * scale: quantize.ts passes its own (the registry of format kinds), which avoids an import cycle.
 */
export function checkedScaled(o: ScaledOptions, checkFormat: (f: Format) => Format): ScaledFormat {
  const element = checkFormat(o.element);
  if (element.kind === "blockFloat")
    throw new TypeError(
      "lowbit: scaled element must be an element-wise format or a scaled one; got blockFloat (itself a scaled format: use scaled())",
    );
  const scale = checkedRule(o.scale);
  const scaleFormat = checkedScaleFormat(o.scaleFormat ?? { kind: "float32" }, checkFormat);
  if (scale.rule === "overflow" && scaleExponentRange(scaleFormat) === undefined) {
    throw new RangeError(
      "lowbit: scaled scale rule overflow moves the scale by powers of two: its scaleFormat must be powerOfTwo or exponent",
    );
  }
  if (scale.rule === "meanAbsKept" && element.kind !== "ternary") {
    throw new RangeError(
      `lowbit: scaled scale rule meanAbsKept needs a ternary element (the kept values are its nonzero ones); got ${element.kind}`,
    );
  }
  const emptyScale = o.emptyScale ?? 1;
  if (emptyScale !== 0 || scale.rule === "overflow") checkPositive("scaled emptyScale", emptyScale);
  const nanGroups = o.nanGroups ?? false;
  checkBoolean("scaled nanGroups", nanGroups);
  return {
    kind: "scaled",
    element,
    scale,
    scaleFormat,
    granularity: checkedGranularity(o.granularity ?? { kind: "tensor" }),
    emptyScale,
    ...(nanGroups ? { nanGroups } : {}),
  };
}

/** A short label, e.g. "fixed<8,0> x max/2^floor block 32@-1". */
export function scaledLabel(f: ScaledFormat, elementLabel: (f: Format) => string): string {
  const s = f.scale;
  const rule = s.rule === "fixed" ? `${s.value}` : s.rule === "learned" ? "learned" : s.rule;
  const sf = f.scaleFormat;
  const format =
    sf.kind === "float32"
      ? "f32"
      : sf.kind === "powerOfTwo"
        ? `2^${sf.rounding}`
        : sf.kind === "exponent"
          ? `e${sf.bits}m0`
          : elementLabel(sf.format);
  const g = f.granularity;
  const where =
    g.kind === "tensor"
      ? ""
      : g.kind === "channel"
        ? ` channel ${g.axis}`
        : g.kind === "tile"
          ? ` tile ${g.rows}x${g.cols}`
          : ` block ${g.size ?? "all"}@${g.axis}`;
  return `${elementLabel(f.element)} x ${rule}/${format}${where}`;
}

/**
 * The scaled kind, for its element: bits, formatInfo, encoding, hardware arithmetic and reference
 * rounding are the element's, in units of the group's scale s_g (what is stored per element; the
 * scales are stored once per group, and a multiply-accumulate runs on elements). Made by the
 * registry, which passes the lookup of the element's kind (a kind file does not import the
 * registry: that would be an import cycle).
 */
export function scaledKind(
  check: (what: string, f: unknown) => Format,
  kindOf: (f: Format) => FormatKind<Format>,
): FormatKind<ScaledFormat> {
  const element = (f: ScaledFormat) => kindOf(f.element);
  const kind: FormatKind<ScaledFormat> = {
    kind: "scaled",
    create: (o) => checkedScaled(o, (f) => check("scaled format", f)),
    omittedDefaults: ["nanGroups"],
    label: (f) => scaledLabel(f, (e) => kindOf(e).label(e)),
    bits: (f) => element(f).bits(f.element),
    info: (f) => element(f).info(f.element),
    arithmetic: (f) => element(f).arithmetic(f.element),
    round: (f, x, rounding, hash, randomBits) => element(f).round(f.element, x, rounding, hash, randomBits),
    nearest: (f, x) => element(f).nearest(f.element, x),
    codeOf: (f, value) => element(f).codeOf(f.element, value),
    valueOf: (f, code) => element(f).valueOf(f.element, code),
  };
  return kind;
}
