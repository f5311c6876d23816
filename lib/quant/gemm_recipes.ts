/**
 * Per-GEMM recipes: for each of a linear layer's three GEMMs, which format, rounding and transform
 * each operand uses. With X [M, K] the input, W [K, N] the weight and dY [M, N] the output's
 * gradient:
 *
 *   FWD   Y  = X W       operands input (X, contraction over K: axis 1), weight (W, axis 0)
 *   BWD   dX = dY W^T    operands gradOutput (dY, over N: axis 1), weight (W, axis 1)
 *   GRAD  dW = X^T dY    operands input (X, over M: axis 0), gradOutput (dY, axis 0)
 *
 * (lowbit's GEMM names, as lowPrecisionDense's; Transformer Engine's fprop, dgrad and wgrad).
 * A block-scaled format's blocks run along the operand's contraction axis (operandFormat sets
 * it; 2-D tiles stay tiles), and a Hadamard transform is applied to both operands of a GEMM
 * along that axis with the same seed, which leaves the exact product unchanged. An operand without a format stays float32.
 *
 * Presets, named as Transformer Engine's recipes where one applies:
 *   MXFP8BlockScaling   every operand MXFP8 E4M3 (TE's default fp8_format E4M3), nearest;
 *   NVFP4BlockScaling   NVFP4, weights in 16 x 16 tiles, 1 x 16 blocks elsewhere; gradients
 *                       (dY) with stochastic rounding; a 16 x 16 random Hadamard transform on
 *                       the GRAD operands (NVIDIA, arXiv 2509.25149, section 4);
 *   Float8CurrentScaling  one scale per tensor from its current max, E4M3 forward and E5M2 for
 *                       gradients (TE's HYBRID format);
 *   Float8BlockScaling  E4M3 with float32 scales per 1 x 128 block (activations, gradients) and
 *                       per 128 x 128 tile (weights) (DeepSeek-V3, arXiv 2412.19437, 3.3);
 *   MXFP4_NEAREST       every operand MXFP4, nearest (the degraded baseline);
 *   NVFP4_NEAREST       every operand NVFP4 in 1 x 16 blocks, nearest: the same E2M1 elements
 *                       as MXFP4_NEAREST with NVFP4's scales, to compare the two formats alone;
 *   MXFP4_SR_RHT        forward in float32, backward (BWD, GRAD) in MXFP4 with stochastic
 *                       rounding on every operand and a random Hadamard transform of blocks of
 *                       32 (Tseng, Yu, Park, "Training LLMs with MXFP4", AISTATS 2025);
 *   MXFP4_BWD_NEAREST   that recipe's baseline: forward in float32, backward in MXFP4, nearest;
 *   MXFP4_BWD_SR        stochastic rounding without the transform (an ablation).
 * Stochastic rounding is unbiased only if no element clips, and OCP MX's floor rule leaves a
 * block's largest values up to 8 on FP4's grid, whose largest value is 6: saturating them biases
 * every draw. Tseng et al.'s code multiplies the scaled block by 3/4 before rounding and by 4/3
 * after (its "dither_scale"); lowbit's SR recipes round the E8M0 scale up instead (mx's
 * scaleRounding "ceil", the block's largest value lands in (3, 6]), which keeps the scale a power
 * of two with the same resolution (the largest value in [3, 6) with theirs): a deviation, ours.
 */
import * as tf from "@tensorflow/tfjs-core";
import { checkInteger, checkOneOf } from "../core/checks";
import type { Format } from "./formats/registry";
import { FP4_E2M1, OCP_E4M3, OCP_E5M2 } from "./formats/floating_point";
import type { ScaledFormat } from "./formats/scaled";
import { checkFormat, scaled } from "./formats/registry";
import { quantize } from "./quantize";
import { checkRoundingOptions } from "./quantize_with";
import type { Rounding } from "./rounding";
import { MXFP4, MXFP8_E4M3, mx, nvfp4 } from "./scaled/block_formats";
import { randomHadamard } from "./transforms/hadamard";

export interface OperandRecipe {
  /** Omitted: the operand stays float32. */
  readonly format?: Format;
  readonly rounding?: Rounding;
  readonly randomBits?: number;
  /** A random Hadamard transform of blocks of this size along the contraction axis. */
  readonly hadamard?: { readonly blockSize: number };
}

export interface GemmRecipe {
  readonly name: string;
  readonly FWD: { readonly input: OperandRecipe; readonly weight: OperandRecipe };
  readonly BWD: { readonly gradOutput: OperandRecipe; readonly weight: OperandRecipe };
  readonly GRAD: { readonly input: OperandRecipe; readonly gradOutput: OperandRecipe };
}

/** The operands of each GEMM, left then right, and their contraction axes (2-D, layouts above). */
export const GEMM_OPERANDS = {
  FWD: [
    ["input", 1],
    ["weight", 0],
  ],
  BWD: [
    ["gradOutput", 1],
    ["weight", 1],
  ],
  GRAD: [
    ["input", 0],
    ["gradOutput", 0],
  ],
} as const;

/** A layer's GEMMs, as lowbit names them everywhere (lowPrecisionDense's GEMMS): FWD, BWD, GRAD. */
type Gemm = keyof typeof GEMM_OPERANDS;

/** The operand's format with its blocks along the contraction axis (tiles and other granularities as they are). */
export function operandFormat(format: Format, contractionAxis: number): Format {
  if (format.kind !== "scaled" || format.granularity.kind !== "block") return format;
  return { ...format, granularity: { ...format.granularity, axis: contractionAxis } } as ScaledFormat;
}

/**
 * One operand of a GEMM as the recipe prescribes: transformed (Hadamard along the contraction
 * axis, seed `hadamardSeed`), then quantized (seed and stream for stochastic rounding). Returns a
 * new tensor, in the transformed basis (the product of two such operands is the GEMM's).
 */
export function quantizeOperand(
  x: tf.Tensor2D,
  recipe: GemmRecipe,
  gemm: Gemm,
  operand: "input" | "weight" | "gradOutput",
  options: { seed?: number; stream?: number; hadamardSeed?: number } = {},
): tf.Tensor2D {
  const operands: readonly (readonly [string, number])[] = GEMM_OPERANDS[gemm];
  const entry = operands.find(([name]) => name === operand);
  if (entry === undefined) {
    throw new RangeError(
      `lowbit: quantizeOperand operand must be one of ${operands.map(([n]) => `"${n}"`).join(", ")} for ${gemm}; got "${operand}"`,
    );
  }
  const axis = entry[1];
  const r = (recipe[gemm] as Record<string, OperandRecipe>)[operand];
  return tf.tidy(() => {
    const t =
      r.hadamard === undefined
        ? x
        : randomHadamard(x, { blockSize: r.hadamard.blockSize, seed: options.hadamardSeed ?? 0, axis });
    if (r.format === undefined) return t.clone();
    return quantize(t, operandFormat(r.format, axis), {
      rounding: r.rounding,
      randomBits: r.randomBits,
      seed: options.seed,
      stream: options.stream,
    });
  });
}

/**
 * A GEMM computed as the recipe prescribes: both operands transformed and quantized, then
 * multiplied in float32 (FWD: a = X, b = W; BWD: a = dY, b = W (the product is dY W^T);
 * GRAD: a = X, b = dY (the product is X^T dY)).
 */
export function recipeMatMul(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  recipe: GemmRecipe,
  gemm: Gemm,
  options: { seed?: number; stream?: number; hadamardSeed?: number } = {},
): tf.Tensor2D {
  const [[left], [right]] = GEMM_OPERANDS[gemm] as readonly (readonly ["input" | "weight" | "gradOutput", number])[];
  return tf.tidy(() => {
    const qa = quantizeOperand(a, recipe, gemm, left, options);
    const qb = quantizeOperand(b, recipe, gemm, right, { ...options, stream: (options.stream ?? 0) + 1 });
    if (gemm === "FWD") return tf.matMul(qa, qb);
    if (gemm === "BWD") return tf.matMul(qa, qb, false, true);
    return tf.matMul(qa, qb, true, false);
  });
}

const nearest = (format: Format): OperandRecipe => ({ format, rounding: "nearest" });

export const MXFP8BlockScaling: GemmRecipe = {
  name: "MXFP8BlockScaling",
  FWD: { input: nearest(MXFP8_E4M3), weight: nearest(MXFP8_E4M3) },
  BWD: { gradOutput: nearest(MXFP8_E4M3), weight: nearest(MXFP8_E4M3) },
  GRAD: { input: nearest(MXFP8_E4M3), gradOutput: nearest(MXFP8_E4M3) },
};

const NVFP4_1D = nvfp4();
const NVFP4_2D = nvfp4({ blockSize: [16, 16] });
export const NVFP4BlockScaling: GemmRecipe = {
  name: "NVFP4BlockScaling",
  FWD: { input: nearest(NVFP4_1D), weight: nearest(NVFP4_2D) },
  BWD: { gradOutput: { format: NVFP4_1D, rounding: "stochastic" }, weight: nearest(NVFP4_2D) },
  GRAD: {
    input: { format: NVFP4_1D, rounding: "nearest", hadamard: { blockSize: 16 } },
    gradOutput: { format: NVFP4_1D, rounding: "stochastic", hadamard: { blockSize: 16 } },
  },
};

const perTensor = (element: Format) => scaled({ element, scale: { rule: "max" } });
export const Float8CurrentScaling: GemmRecipe = {
  name: "Float8CurrentScaling",
  FWD: { input: nearest(perTensor(OCP_E4M3)), weight: nearest(perTensor(OCP_E4M3)) },
  BWD: { gradOutput: nearest(perTensor(OCP_E5M2)), weight: nearest(perTensor(OCP_E4M3)) },
  GRAD: { input: nearest(perTensor(OCP_E4M3)), gradOutput: nearest(perTensor(OCP_E5M2)) },
};

const blocks128 = scaled({
  element: OCP_E4M3,
  scale: { rule: "max" },
  granularity: { kind: "block", axis: -1, size: 128 },
});
const tiles128 = scaled({
  element: OCP_E4M3,
  scale: { rule: "max" },
  granularity: { kind: "tile", rows: 128, cols: 128 },
});
export const Float8BlockScaling: GemmRecipe = {
  name: "Float8BlockScaling",
  FWD: { input: nearest(blocks128), weight: nearest(tiles128) },
  BWD: { gradOutput: nearest(blocks128), weight: nearest(tiles128) },
  GRAD: { input: nearest(blocks128), gradOutput: nearest(blocks128) },
};

export const MXFP4_NEAREST: GemmRecipe = {
  name: "MXFP4_NEAREST",
  FWD: { input: nearest(MXFP4), weight: nearest(MXFP4) },
  BWD: { gradOutput: nearest(MXFP4), weight: nearest(MXFP4) },
  GRAD: { input: nearest(MXFP4), gradOutput: nearest(MXFP4) },
};

export const NVFP4_NEAREST: GemmRecipe = {
  name: "NVFP4_NEAREST",
  FWD: { input: nearest(NVFP4_1D), weight: nearest(NVFP4_1D) },
  BWD: { gradOutput: nearest(NVFP4_1D), weight: nearest(NVFP4_1D) },
  GRAD: { input: nearest(NVFP4_1D), gradOutput: nearest(NVFP4_1D) },
};

/** MXFP4 whose scales never clip: what stochastic rounding needs to stay unbiased (see above). */
const MXFP4_UNCLIPPED = mx({ element: FP4_E2M1, scaleRounding: "ceil" });
const sr4: OperandRecipe = { format: MXFP4_UNCLIPPED, rounding: "stochastic" };
const sr4Rht: OperandRecipe = { ...sr4, hadamard: { blockSize: 32 } };
export const MXFP4_SR_RHT: GemmRecipe = {
  name: "MXFP4_SR_RHT",
  FWD: { input: {}, weight: {} },
  BWD: { gradOutput: sr4Rht, weight: sr4Rht },
  GRAD: { input: sr4Rht, gradOutput: sr4Rht },
};

export const MXFP4_BWD_NEAREST: GemmRecipe = {
  name: "MXFP4_BWD_NEAREST",
  FWD: { input: {}, weight: {} },
  BWD: { gradOutput: nearest(MXFP4), weight: nearest(MXFP4) },
  GRAD: { input: nearest(MXFP4), gradOutput: nearest(MXFP4) },
};

export const MXFP4_BWD_SR: GemmRecipe = {
  name: "MXFP4_BWD_SR",
  FWD: { input: {}, weight: {} },
  BWD: { gradOutput: sr4, weight: sr4 },
  GRAD: { input: sr4, gradOutput: sr4 },
};

export const GEMM_RECIPES: readonly GemmRecipe[] = [
  MXFP8BlockScaling,
  NVFP4BlockScaling,
  Float8CurrentScaling,
  Float8BlockScaling,
  MXFP4_NEAREST,
  NVFP4_NEAREST,
  MXFP4_SR_RHT,
  MXFP4_BWD_NEAREST,
  MXFP4_BWD_SR,
];

/**
 * Checks a recipe where it is given (a layer's constructor, an experiment's configuration), so a
 * misspelt operand or format fails there rather than in the first backward pass: each GEMM with
 * its two operands, each operand's format, rounding and Hadamard block size (a power of two).
 */
export function checkGemmRecipe(what: string, recipe: unknown): GemmRecipe {
  if (typeof recipe !== "object" || recipe === null)
    throw new TypeError(
      `lowbit: ${what} must be a GemmRecipe { name, FWD, BWD, GRAD } (one of GEMM_RECIPES, or null for float32)`,
    );
  const r = recipe as GemmRecipe;
  if (typeof r.name !== "string") throw new TypeError(`lowbit: ${what} name must be a string`);
  for (const gemm of Object.keys(GEMM_OPERANDS) as Gemm[]) {
    const operands = (r as unknown as Record<string, unknown>)[gemm];
    if (typeof operands !== "object" || operands === null)
      throw new TypeError(`lowbit: ${what} ${gemm} must be an object of its two operands' recipes`);
    const allowed = GEMM_OPERANDS[gemm].map(([name]) => name as string);
    for (const key of Object.keys(operands)) checkOneOf(`${what} ${gemm} operand`, key, allowed);
    for (const name of allowed) {
      const o = (operands as Record<string, OperandRecipe | undefined>)[name];
      const at = `${what} ${gemm}.${name}`;
      if (typeof o !== "object" || o === null)
        throw new TypeError(`lowbit: ${at} must be an operand recipe { format?, rounding?, randomBits?, hadamard? }`);
      if (o.format !== undefined) checkFormat(`${at} format`, o.format);
      checkRoundingOptions(at, { rounding: o.rounding, randomBits: o.randomBits });
      if (o.hadamard !== undefined) {
        checkInteger(`${at} hadamard.blockSize`, o.hadamard.blockSize, 2, 4096);
        if ((o.hadamard.blockSize & (o.hadamard.blockSize - 1)) !== 0)
          throw new RangeError(`lowbit: ${at} hadamard.blockSize must be a power of two; got ${o.hadamard.blockSize}`);
      }
    }
  }
  return r;
}

/**
 * The lengths a recipe's blocks run in: 1-D block sizes and 2-D tile sides of its scaled formats,
 * and its Hadamard block sizes. Each must divide the length of every operand axis it runs along
 * (quantize and randomHadamard refuse a partial block), so a model's widths and a batch's rows
 * (the GRAD GEMM's contraction axis) are checked against them where a run is configured.
 */
export function recipeBlockLengths(recipe: GemmRecipe): number[] {
  const lengths = new Set<number>();
  for (const gemm of Object.keys(GEMM_OPERANDS) as Gemm[])
    for (const o of Object.values(recipe[gemm]) as OperandRecipe[]) {
      if (o.hadamard !== undefined) lengths.add(o.hadamard.blockSize);
      if (o.format?.kind !== "scaled") continue;
      const g = o.format.granularity;
      // A block without a size is the whole axis: nothing to divide.
      if (g.kind === "block" && g.size !== undefined) lengths.add(g.size);
      if (g.kind === "tile") lengths.add(g.rows).add(g.cols);
    }
  return [...lengths].sort((a, b) => a - b);
}
