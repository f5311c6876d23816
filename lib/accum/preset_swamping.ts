/**
 * presetSwamping({ preset, promoteEvery?, lengths?, trials?, seed?, tolerance? }): where swamping
 * starts for a matrix-unit preset, as the VRR analysis of notebook 05 predicts it (Sakr et al.,
 * "Accumulation Bit-Width Scaling For Ultra-Low Precision Training Of Deep Networks", ICLR 2019;
 * vrr.ts) and as the bit-true unit shows it (mma_matmul.ts).
 *
 * The preset read as the analysis' accumulator: mAcc = the mantissa its accumulator register
 * keeps (23 for float32, 13 for e8m13; the FMA baseline's format), rounding "zero" for the
 * matrix units (they truncate, MMA-Sim) and "nearest" for the FMA baseline, chunk = the unit's
 * group g (a fused step adds g products at once: chunk sums, then the running sum of them in the
 * register). With promotion every N terms the runs are summed in float32, nearly exactly, so the
 * VRR of the whole is that of one run: VRR(min(n, N)). The products are the terms of the
 * simulation: x_i = a_i * 1 with a_i ~ N(0, 1) rounded to the preset's input format, so mP = the
 * input format's mantissa bits and the Gaussian-products assumption of the analysis holds.
 *
 * What the analysis leaves out, and the simulation shows: the unit truncates each aligned term
 * toward zero on its own (a signed, unbiased loss for symmetric terms), so the running sum, on
 * the same grid 2^(E - F) as the terms when F = mAcc, is rarely truncated again. The analysis'
 * truncating accumulator rounds every sum toward zero, a drift that shrinks |s| term after term.
 * For hopper-fp8 (13 bits) at n = 2^16 the analysis predicts VRR 0.95 and the unit keeps 0.997.
 *
 * Onset: the smallest n with |1 - VRR(n)| > tolerance (default 0.01, minAccumulatorBits'
 * criterion), found on powers of two up to maxLength and then by bisection; Infinity if none.
 * The simulation measures VRR = sum(computed^2) / sum(exact^2) over `trials` dot products of
 * each length (common random numbers, monte_carlo.ts) with its standard error; its onset is the
 * first length whose |1 - VRR| exceeds tolerance by two standard errors.
 */
import { checkInteger } from "../core/checks";
import { Rng } from "../core/random";
import { roundFloat32Array } from "./float_value";
import { DEFAULT_VRR_TOLERANCE } from "./min_bits";
import { checkPromotion, resolvePreset } from "./mma_dot";
import { mmaMatMul } from "./mma_matmul";
import type { MmaPreset, MmaPresetName } from "./mma_presets";
import type { AccumulatorRounding } from "./rounding";
import { vrrChecked } from "./vrr";

export interface PresetSwampingOptions {
  preset: MmaPresetName | MmaPreset;
  /** Promotion run length, as mmaDot (the analysis' chunk). */
  promoteEvery?: number;
  /** Dot-product lengths simulated: integers in [1, 2^24]; default 2^4, 2^5, ..., 2^16. */
  lengths?: number[];
  /** Dot products per length: an integer in [2, 2^16]; default 64. */
  trials?: number;
  /** Seed of the operands; default 0. */
  seed?: number;
  /** Largest allowed |1 - VRR|, in (0, 1); default 0.01. */
  tolerance?: number;
  /** Largest n the predicted onset is searched up to: an integer in [2, 2^30]; default 2^24. */
  maxLength?: number;
}

export interface PresetSwampingRow {
  n: number;
  predictedVrr: number;
  simulatedVrr: number;
  /** Standard error of simulatedVrr. */
  standardError: number;
}

export interface PresetSwamping {
  preset: string;
  /** The analysis' reading of the preset: chunk = the unit's group (1: none), run = promoteEvery. */
  model: { mAcc: number; mP: number; rounding: AccumulatorRounding; chunk: number; run: number | undefined };
  /** Smallest n whose predicted |1 - VRR| exceeds the tolerance (Infinity: none up to maxLength). */
  predictedOnset: number;
  /** First simulated length whose |1 - VRR| exceeds the tolerance by 2 standard errors (Infinity: none). */
  simulatedOnset: number;
  rows: PresetSwampingRow[];
}

/** Box-Muller normals, rounded to the preset's input format. */
function gaussianOperands(n: number, p: MmaPreset, rng: Rng): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next())),
      angle = 2 * Math.PI * rng.next();
    x[i] = r * Math.cos(angle);
    if (i + 1 < n) x[i + 1] = r * Math.sin(angle);
  }
  return roundFloat32Array(x, p.input.man, p.input.emin, p.input.maxFinite);
}

export function presetSwamping(options: PresetSwampingOptions): PresetSwamping {
  if (typeof options !== "object" || options === null)
    throw new TypeError("lowbit: presetSwamping options must be an object { preset, ... }");
  const p = resolvePreset("presetSwamping", options.preset);
  if (p.unit.kind === "fused" && p.unit.blockSum !== undefined)
    throw new TypeError(`lowbit: presetSwamping takes no block-scaled preset ("${p.name}")`);
  const promotion = checkPromotion("presetSwamping", p, options.promoteEvery, undefined);
  const { lengths = Array.from({ length: 13 }, (_, i) => 2 ** (i + 4)), trials = 64, seed = 0 } = options;
  const { tolerance = DEFAULT_VRR_TOLERANCE, maxLength = 2 ** 24 } = options;
  if (!Array.isArray(lengths) || lengths.length === 0)
    throw new TypeError("lowbit: presetSwamping lengths must be a non-empty array of integers");
  for (const n of lengths) checkInteger("presetSwamping lengths[i]", n, 1, 2 ** 24);
  checkInteger("presetSwamping trials", trials, 2, 2 ** 16);
  if (trials * Math.max(...lengths) > 2 ** 24)
    throw new RangeError(
      `lowbit: presetSwamping trials * max(lengths) must be at most 2^24 (operands held at once, in several copies); got ${trials} * ${Math.max(...lengths)}`,
    );
  checkInteger("presetSwamping seed", seed, 0, 2 ** 32 - 1);
  checkInteger("presetSwamping maxLength", maxLength, 2, 2 ** 30);
  if (!(typeof tolerance === "number" && tolerance > 0 && tolerance < 1))
    throw new RangeError(`lowbit: presetSwamping tolerance must be a number in (0, 1); got ${tolerance}`);

  const unit = p.unit;
  const mAcc = unit.kind === "fused" ? unit.output.man : unit.accumulator.man;
  const rounding: AccumulatorRounding = unit.kind === "fused" ? "zero" : "nearest";
  const mP = p.input.man;
  const group = unit.kind === "fused" ? unit.group : 1;
  const every = promotion?.every;
  const predicted = (n: number) => {
    const run = every === undefined ? n : Math.min(every, n);
    return vrrChecked({ n: run, mAcc, mP, chunk: group > 1 ? Math.min(group, run) : run, sparsity: 0, rounding });
  };
  const swamped = (n: number) => Math.abs(1 - predicted(n)) > tolerance;

  let predictedOnset = Infinity;
  let lo = 1;
  for (let n = 2; n <= maxLength; n *= 2) {
    if (swamped(n)) {
      // The onset lies in (lo, n]: bisect.
      let hi = n;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (swamped(mid)) hi = mid;
        else lo = mid;
      }
      predictedOnset = hi;
      break;
    }
    lo = n;
  }

  const rows: PresetSwampingRow[] = [];
  let simulatedOnset = Infinity;
  const rng = new Rng(seed, 0);
  for (const n of lengths) {
    const a = gaussianOperands(trials * n, p, rng);
    const ones = new Float32Array(n).fill(1);
    const computed = new Float32Array(trials);
    mmaMatMul(a, ones, trials, n, 1, p, promotion, "check", computed);
    const c2 = new Float64Array(trials),
      e2 = new Float64Array(trials);
    let sumC = 0,
      sumE = 0;
    for (let t = 0; t < trials; t++) {
      let exact = 0;
      for (let i = 0; i < n; i++) exact += a[t * n + i];
      c2[t] = computed[t] * computed[t];
      e2[t] = exact * exact;
      sumC += c2[t];
      sumE += e2[t];
    }
    const ratio = sumE === 0 ? 1 : sumC / sumE;
    let residual = 0;
    for (let t = 0; t < trials; t++) residual += (c2[t] - ratio * e2[t]) ** 2;
    const standardError = sumE === 0 ? 0 : Math.sqrt(residual / (trials - 1) / trials) / (sumE / trials);
    rows.push({ n, predictedVrr: predicted(n), simulatedVrr: ratio, standardError });
    if (simulatedOnset === Infinity && Math.abs(1 - ratio) - 2 * standardError > tolerance) simulatedOnset = n;
  }
  return {
    preset: p.name,
    model: { mAcc, mP, rounding, chunk: group, run: every },
    predictedOnset,
    simulatedOnset,
    rows,
  };
}
