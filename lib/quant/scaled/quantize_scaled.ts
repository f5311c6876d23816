/**
 * quantizeScaled(x, scaledFormat, options): y = s_g * Q_element(x / s_g) per group g
 * (lib/quant/formats/scaled.ts defines the format). How it is computed:
 *
 *   fixed-point elements under power-of-two scales fold the scale into the grid (q * 2^-frac with
 *   frac = element frac - e_g) and run lowbit's fixed-point kernels (one frac per tensor, or per
 *   group: lib/wasm/quantize_grouped.ts): x / s_g is then exact, never rounded;
 *   power-of-two elements under one power-of-two scale per tensor fold it into maxExponent;
 *   ternary elements take TWN's pattern on x itself (Delta = threshold * mean |x| over the finite
 *   values of the whole tensor) and give y = +-s_g or 0;
 *   any other element: z = float32(x / s_g) (as hardware that divides in FP32), Q_element(z) by
 *   its kernel, y = float32(s_g * Q); a group whose scale is 0 keeps x undivided (y = 0 * Q(x):
 *   zeros of x's sign, NaN stays NaN).
 * Stochastic rounding draws elementHash(seed, stream, i) for element i of the tensor (of its
 * transposition for blocks along an axis other than the last, whose blocks the kernels need
 * consecutive, as block floating point always did). No tensors leak.
 */
import * as tf from "../../backend/tf";
import { checkKernelSize } from "../../core/checks";
import { fixedPoint, type Format, powerOfTwo } from "../formats";
import { scaleExponentRange, type ScaledFormat } from "../formats/scaled";
import { floatingPointRange } from "../formats/floating_point";
import { fixedPointRange } from "../formats/fixed_point";
import { integerRange } from "../formats/integer";
import { twnThreshold } from "../formats/twn_threshold";
import { countAbove, maxAbsOf } from "../kernels/statistics";
import type { QuantizeOptions } from "../quantize";
import type { KernelFormat } from "../kernels/elementwise";
import { quantizeWith } from "../quantize_with";
import { blockKernelFormat } from "./block_kernels";
import {
  groupCountAbove,
  groupHasNonFinite,
  type GroupLayout,
  groupMaxAbs,
  groupMean,
  groupMeanAbs,
} from "./group_statistics";
import { type GroupScales, roundScales } from "./scale_rounding";

export interface ScaledQuantizeOptions extends QuantizeOptions {
  /** The current value of a learned scale (one number, or one per group); default its init. */
  learnedScale?: number | ArrayLike<number>;
}

/** The largest finite value of an element format: the "max" rule's default target. */
export function elementMax(f: Format): number {
  switch (f.kind) {
    case "fixed":
      return fixedPointRange(f).max;
    case "integer":
      return integerRange(f).qmax * Math.fround(f.scale);
    case "float":
      return floatingPointRange(f).maxFinite;
    case "powerOfTwo":
      return 2 ** f.maxExponent;
    case "binary":
    case "ternary":
      return 1;
    case "blockFloat":
      return 2 ** (f.bits - 1) - 1;
    case "e8m0":
      return 2 ** 127;
    case "scaled":
      return elementMax(f.element);
  }
}

/** The group layout of a flat tensor of `shape` (blocks: along the last axis, consecutive). */
export function groupLayout(shape: readonly number[], f: ScaledFormat): GroupLayout {
  const n = shape.reduce((a, b) => a * b, 1);
  const g = f.granularity;
  if (g.kind === "tensor") return { inner: Math.max(1, n), groups: 1 };
  if (g.kind === "tile") {
    throw new RangeError("lowbit: scaled granularity tile needs a tensor of rank >= 2 (a Float32Array has no rows)");
  }
  const rank = shape.length;
  const axis = g.axis < 0 ? g.axis + rank : g.axis;
  if (axis < 0 || axis >= rank) {
    throw new RangeError(
      `lowbit: scaled granularity.axis must be in [${-rank}, ${rank - 1}] for a rank-${rank} input; got ${g.axis}`,
    );
  }
  if (g.kind === "channel") {
    return {
      inner: Math.max(
        1,
        shape.slice(axis + 1).reduce((a, b) => a * b, 1),
      ),
      groups: Math.max(1, shape[axis]),
    };
  }
  const last = shape[rank - 1];
  const size = g.size ?? last;
  if (last % size !== 0) {
    // (Blocks along another axis reach here with that axis moved last.)
    throw new RangeError(
      `lowbit: scaled granularity.size, the blockSize must divide the last axis (${last}); got ${size}`,
    );
  }
  return { inner: size, groups: Math.max(1, n / size) };
}

/** The statistics' input: the tensor's values, and the tensor itself for the wasm reductions. */
export interface ScaledInput {
  readonly values: () => Float32Array;
  readonly tensor?: tf.Tensor;
  readonly layout: GroupLayout;
}

/** Raw scales (statistic / target; 0: no statistic) of a stateless rule. */
export function rawScales(input: ScaledInput, f: ScaledFormat, options: ScaledQuantizeOptions): Float64Array {
  const { layout } = input;
  const s = f.scale;
  const perGroup = (v: number) => new Float64Array(layout.groups).fill(v);
  switch (s.rule) {
    case "fixed":
      return perGroup(s.value);
    case "learned": {
      const v = options.learnedScale ?? s.init;
      if (typeof v === "number") return perGroup(v);
      if (v.length !== layout.groups)
        throw new RangeError(
          `lowbit: scaled learnedScale must have one value per group (${layout.groups}); got ${v.length}`,
        );
      return Float64Array.from(v);
    }
    case "max":
    case "overflow": {
      // One group of a tensor: lowbit's one-pass wasm reduction, without copying the data out.
      const m =
        layout.groups === 1 && input.tensor !== undefined
          ? Float64Array.of(maxAbsOf(input.tensor))
          : groupMaxAbs(input.values(), layout);
      return divided(m, s.target ?? elementMax(f.element));
    }
    case "meanAbs":
      return divided(groupMeanAbs(input.values(), layout), s.target ?? 1);
    case "meanAbsDeviation": {
      const x = input.values();
      return divided(groupMeanAbs(x, layout, groupMean(x, layout)), s.target ?? 1);
    }
    case "meanAbsKept": {
      const x = input.values();
      const delta = ternaryDelta(x, f.element);
      return divided(
        groupMeanAbs(x, layout, undefined, (v) => v > delta || v < -delta),
        s.target ?? 1,
      );
    }
  }
}

/** statistic / target in place (a loop: typed arrays' map with a callback is slow in V8). */
function divided(statistics: Float64Array, target: number): Float64Array {
  for (let g = 0; g < statistics.length; g++) statistics[g] /= target;
  return statistics;
}

function ternaryDelta(x: Float32Array, element: Format): number {
  return element.kind === "ternary" ? twnThreshold(x, element.threshold) : 0;
}

/** The group scales of a stateless evaluation (the overflow rule: its first step from "max"). */
export function groupScales(
  input: ScaledInput,
  f: ScaledFormat,
  options: ScaledQuantizeOptions,
  previous?: Int32Array,
): GroupScales {
  if (f.scale.rule === "overflow" && previous !== undefined) return overflowStep(input, f, previous);
  const scales = roundScales(rawScales(input, f, options), f.scaleFormat, f.emptyScale, quantizeScaleVector);
  return f.scale.rule === "overflow" ? overflowStep(input, f, scales.exponents!) : scales;
}

/**
 * Elements, and scales stored in a lowbit format, are rounded by quantize() itself, which
 * registers here when it loads: a scaled format may hold any format, a scaled one included, and
 * this way quantize.ts imports this file but not the other way round (no import cycle).
 */
type Quantize = <T extends tf.Tensor | Float32Array>(x: T, format: Format, options: QuantizeOptions) => T;
let quantizeArrayTo: Quantize = () => {
  throw new Error("lowbit: quantize() has not registered with scaled formats");
};
export function registerElementQuantizer(q: Quantize): void {
  quantizeArrayTo = q;
}
const quantizeScaleVector = (s: Float32Array, format: Format) => quantizeArrayTo(s, format, { rounding: "nearest" });

/**
 * Counts of |x| above the element's largest value times scales[g], per group: Inf counts
 * (it saturates).
 */
export function saturatingCounts(
  input: ScaledInput,
  f: ScaledFormat,
  scales: ArrayLike<number>,
): { above: Float64Array; size: Float64Array } {
  const top = elementMax(f.element);
  const limits = Array.from(scales, (s) => top * s);
  if (input.layout.groups === 1 && input.tensor !== undefined && Math.fround(limits[0]) === limits[0]) {
    return { above: Float64Array.of(countAbove(input.tensor, limits[0])), size: Float64Array.of(input.tensor.size) };
  }
  return groupCountAbove(input.values(), input.layout, limits);
}

/**
 * Dynamic fixed point's overflow rule, one step from `exponents`: a group where more than
 * maxOverflowRate of the values would saturate gets one more power of two; one where even one
 * power less would stay within the rate gets one less; both clamped to the scale's range.
 */
function overflowStep(input: ScaledInput, f: ScaledFormat, exponents: Int32Array): GroupScales {
  const rate = (f.scale as { maxOverflowRate: number }).maxOverflowRate;
  const range = scaleExponentRange(f.scaleFormat)!;
  const now = saturatingCounts(
    input,
    f,
    Array.from(exponents, (e) => 2 ** e),
  );
  const oneLess = saturatingCounts(
    input,
    f,
    Array.from(exponents, (e) => 2 ** (e - 1)),
  );
  const next = exponents.map((e, g) => {
    if (now.above[g] / now.size[g] > rate) return Math.min(range.max, e + 1);
    if (oneLess.above[g] / oneLess.size[g] <= rate) return Math.max(range.min, e - 1);
    return e;
  });
  return { scales: Float64Array.from(next, (e) => 2 ** e), exponents: next };
}

/** Elements x / s rounded to the element format, and (unless `elementsOnly`) times s again. */
function applyScales<T extends tf.Tensor | Float32Array>(
  x: T,
  input: ScaledInput,
  f: ScaledFormat,
  scales: GroupScales,
  options: QuantizeOptions,
  elementsOnly: boolean,
): T {
  const el = f.element;
  const { layout } = input;
  const e = scales.exponents;
  if (!elementsOnly && e !== undefined && el.kind === "fixed") {
    const grid = fixedPointRange(el);
    const fracs = new Int32Array(e.length);
    for (let g = 0; g < e.length; g++) fracs[g] = el.frac - e[g];
    if (f.granularity.kind === "tensor" && fracs[0] >= el.bits - 128 && fracs[0] <= 126) {
      return quantizeWith(x, fixedPoint({ bits: el.bits, frac: fracs[0], symmetric: el.symmetric }), options);
    }
    return quantizeWith(
      x,
      { kind: "groupedFixed", bits: el.bits, qmin: grid.qmin, inner: layout.inner, fracs },
      options,
    );
  }
  if (!elementsOnly && e !== undefined && el.kind === "powerOfTwo" && f.granularity.kind === "tensor") {
    const top = el.maxExponent + e[0];
    if (top <= 127 && top - 2 ** (el.bits - 1) + 2 >= -126)
      return quantizeWith(x, powerOfTwo({ bits: el.bits, maxExponent: top }), options);
  }
  if (
    elementsOnly &&
    e !== undefined &&
    layout.groups === 1 &&
    !(x instanceof Float32Array) &&
    e[0] >= -127 &&
    e[0] <= 149
  ) {
    // One power-of-two scale: float32(x / 2^e) is tfjs's float32 product x * 2^-e (a float32).
    return tf.tidy(() => quantizeArrayTo((x as tf.Tensor).mul(tf.scalar(2 ** -e[0])), el, options)) as T;
  }
  const v = input.values();
  const y = new Float32Array(v.length);
  const s = scales.scales;
  let g = 0,
    left = layout.inner;
  const next = () => {
    if (--left === 0) {
      left = layout.inner;
      if (++g === layout.groups) g = 0;
    }
  };
  if (el.kind === "binary" && !el.stochastic) {
    // sign(x / s) is sign(x), even where x / s would underflow to a zero of the wrong sign.
    for (let j = 0; j < v.length; j++, next()) {
      const a = elementsOnly ? 1 : Math.fround(s[g]),
        w = v[j];
      y[j] = w >= 0 ? a : w < 0 ? -a : NaN;
    }
  } else if (el.kind === "ternary") {
    const delta = twnThreshold(v, el.threshold);
    for (let j = 0; j < v.length; j++, next()) {
      const a = elementsOnly ? 1 : Math.fround(s[g]),
        w = v[j];
      y[j] = w > delta ? a : w < -delta ? -a : Number.isNaN(w) ? NaN : 0;
    }
  } else {
    const z = new Float32Array(v.length);
    for (let j = 0; j < v.length; j++, next()) z[j] = s[g] > 0 ? v[j] / s[g] : v[j];
    const q = quantizeArrayTo(z, el, options);
    g = 0;
    left = layout.inner;
    for (let j = 0; j < v.length; j++, next()) y[j] = elementsOnly ? q[j] : s[g] * q[j];
  }
  return (x instanceof Float32Array ? y : tf.tensor(y, (x as tf.Tensor).shape, "float32")) as T;
}

/** Where the group scales come from: stateless (quantize) or a ScaledQuantizer's state. */
export type ScalesOf = (input: ScaledInput) => GroupScales;

/**
 * The scaled quantization of x with scales from `scalesOf` (a Float32Array is one axis, or has
 * `arrayShape`; blocks of an array run along its last axis).
 */
export function quantizeScaledWith<T extends tf.Tensor | Float32Array>(
  x: T,
  f: ScaledFormat,
  options: QuantizeOptions,
  scalesOf: ScalesOf,
  elementsOnly = false,
  arrayShape?: readonly number[],
  kernel = false,
): T {
  const g = f.granularity;
  if (x instanceof Float32Array) {
    checkKernelSize("quantize x", x.length);
    const shape = arrayShape ?? [x.length];
    const layout = groupLayout(shape, f);
    const blocks = kernel
      ? blockKernelFormat(f, layout, () => groupMaxAbs(x, { inner: x.length, groups: 1 })[0])
      : undefined;
    if (blocks !== undefined) return quantizeWith(x, blocks, options);
    const input = { values: () => x, layout };
    return withNanGroups(applyScales(x, input, f, scalesOf(input), options, elementsOnly), input, f);
  }
  const t = x as tf.Tensor;
  if (g.kind === "tile") {
    const tiled = kernel ? tileBlockKernel(t, f) : undefined;
    if (tiled !== undefined) return quantizeWith(x, tiled, options);
    return quantizeTiles(t, f, (y, h) =>
      quantizeScaledWith(y, h, options, scalesOf, elementsOnly, undefined, kernel),
    ) as T;
  }
  if (g.kind === "block") {
    const axis = g.axis < 0 ? g.axis + t.rank : g.axis;
    if (axis >= 0 && axis < t.rank - 1) {
      const strided = kernel ? stridedBlockKernel(t.shape, axis, f) : undefined;
      if (strided !== undefined) return quantizeWith(x, strided, options);
      // Blocks along `axis`: move it last, where blocks are consecutive elements.
      const perm = [...Array(t.rank).keys()].filter((d) => d !== axis).concat(axis);
      const inverse = perm.map((_, d) => perm.indexOf(d));
      const lastAxis: ScaledFormat = { ...f, granularity: { ...g, axis: -1 } };
      return tf.tidy(() =>
        quantizeScaledWith(t.transpose(perm), lastAxis, options, scalesOf, elementsOnly, undefined, kernel).transpose(
          inverse,
        ),
      ) as T;
    }
  }
  const layout = groupLayout(t.shape, f);
  const blocks = kernel ? blockKernelFormat(f, layout, () => maxAbsOf(t)) : undefined;
  if (blocks !== undefined) return quantizeWith(x, blocks, options);
  let values: Float32Array | undefined;
  const input: ScaledInput = { values: () => (values ??= t.dataSync() as Float32Array), tensor: t, layout };
  return withNanGroups(applyScales(x, input, f, scalesOf(input), options, elementsOnly), input, f);
}

/**
 * The MX kernel for blocks along a middle axis of `shape` (data [outer, axisLength, inner]),
 * without transposing: undefined when the format has not the MX shape (its blocks then go
 * through a transposition). The same results, bit for bit, as the transposed path's kernel.
 */
function stridedBlockKernel(shape: readonly number[], axis: number, f: ScaledFormat): KernelFormat | undefined {
  const g = f.granularity as { axis: number; size?: number };
  const axisLength = shape[axis];
  const size = g.size ?? axisLength;
  if (axisLength % size !== 0) {
    throw new RangeError(
      `lowbit: scaled granularity.size, the blockSize must divide the length of axis ${g.axis} (${axisLength}); got ${size}`,
    );
  }
  const n = shape.reduce((p, d) => p * d, 1);
  const blocks = blockKernelFormat(
    { ...f, granularity: { kind: "block", axis: -1, size } },
    { inner: size, groups: n / size },
    () => 0,
  );
  if (blocks === undefined || blocks.kind !== "mxBlocks") return undefined;
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  return { ...blocks, strided: { outer, axisLength, inner: n / (outer * axisLength) } };
}

/**
 * The NVFP4 kernel for tiles over the last two axes, reading each tile where it lies instead of
 * transposing the tensor into blocks and back: undefined when the format has not the NVFP4
 * shape (or the tiles do not fit the tensor: quantizeTiles says why). The same results, bit for
 * bit, as quantizeTiles with the kernel.
 */
function tileBlockKernel(t: tf.Tensor, f: ScaledFormat): KernelFormat | undefined {
  const g = f.granularity as { rows: number; cols: number };
  const [R, C] = t.shape.slice(-2);
  if (t.rank < 2 || R % g.rows !== 0 || C % g.cols !== 0) return undefined;
  const size = g.rows * g.cols;
  const blocks = blockKernelFormat(
    { ...f, granularity: { kind: "block", axis: -1, size } },
    { inner: size, groups: t.size / size },
    () => maxAbsOf(t),
  );
  if (blocks === undefined || blocks.kind !== "nvfp4Blocks") return undefined;
  return { ...blocks, tile: { rows: g.rows, cols: g.cols, width: C } };
}

/**
 * Tiles of rows x cols over the last two axes as blocks of rows * cols consecutive elements:
 * [..., R, C] -> [..., R/rows, C/cols, rows, cols], quantized by `blocks`, and back.
 */
function quantizeTiles(t: tf.Tensor, f: ScaledFormat, blocks: (y: tf.Tensor, f: ScaledFormat) => tf.Tensor): tf.Tensor {
  const g = f.granularity as { rows: number; cols: number };
  const rank = t.rank;
  const [R, C] = t.shape.slice(-2);
  if (rank < 2 || R % g.rows !== 0 || C % g.cols !== 0) {
    throw new RangeError(
      `lowbit: scaled granularity tile ${g.rows}x${g.cols} needs a tensor of rank >= 2 whose last two axes are multiples of it; got shape [${t.shape.join(", ")}]`,
    );
  }
  const lead = t.shape.slice(0, -2);
  const k = lead.length;
  const split = [...lead, R / g.rows, g.rows, C / g.cols, g.cols];
  const perm = [...Array(k).keys(), k, k + 2, k + 1, k + 3];
  const asBlocks: ScaledFormat = { ...f, granularity: { kind: "block", axis: -1, size: g.rows * g.cols } };
  return tf.tidy(() => {
    const tiled = t
      .reshape(split)
      .transpose(perm)
      .reshape([...lead, R / g.rows, C / g.cols, g.rows * g.cols]);
    const q = blocks(tiled, asBlocks);
    return q
      .reshape([...lead, R / g.rows, C / g.cols, g.rows, g.cols])
      .transpose(perm)
      .reshape(t.shape);
  });
}

/** With `nanGroups`, every element of a group holding NaN or +-Inf becomes NaN. */
function withNanGroups<T extends tf.Tensor | Float32Array>(y: T, input: ScaledInput, f: ScaledFormat): T {
  if (!f.nanGroups) return y;
  const special = groupHasNonFinite(input.values(), input.layout);
  if (!special.includes(1)) return y;
  const out = y instanceof Float32Array ? y : ((y as tf.Tensor).dataSync() as Float32Array).slice();
  const { inner, groups } = input.layout;
  for (let j = 0; j < out.length; j++) if (special[Math.floor(j / inner) % groups] === 1) out[j] = NaN;
  if (y instanceof Float32Array) return out as T;
  const shape = (y as tf.Tensor).shape;
  (y as tf.Tensor).dispose();
  return tf.tensor(out, shape, "float32") as T;
}

/** quantize() for a scaled format: the scales of this call's statistics. */
export function quantizeScaled<T extends tf.Tensor | Float32Array>(
  x: T,
  f: ScaledFormat,
  options: ScaledQuantizeOptions = {},
): T {
  return quantizeScaledWith(x, f, options, (input) => groupScales(input, f, options), false, undefined, true);
}

/**
 * The elements Q_element(x / s_g) without the scale: what WAGE passes on (its errors and
 * updates stay in units of the shift), computed as z = float32(x / s_g), then rounded.
 */
export function scaledElements<T extends tf.Tensor | Float32Array>(
  x: T,
  f: ScaledFormat,
  options: ScaledQuantizeOptions = {},
): T {
  return quantizeScaledWith(x, f, options, (input) => groupScales(input, f, options), true);
}
