/**
 * A scaled format with state: the object that owns the scales between calls. quantize() of a
 * scaled format is stateless (every call computes its scales; the overflow rule takes its first
 * step from "max"); a ScaledQuantizer instead re-evaluates the scales every `updateEvery` calls
 * and keeps them in between, and for the overflow rule each evaluation moves the previous
 * exponents by at most one power of two (dynamic fixed point; Courbariaux et al. 2014).
 * `history` records every evaluation; saveState/loadState carry it through checkpoints.
 */
import type * as tf from "../../backend/tf";
import { checkInteger } from "../../core/checks";
import type { ScaledFormat } from "../formats/scaled";
import { checkFormat } from "../formats/registry";
import type { QuantizeOptions } from "../quantize_with";
import { groupScales, quantizeScaledWith, saturatingCounts, type ScaledQuantizeOptions } from "./quantize_scaled";
import type { GroupScales } from "./scale_rounding";

export interface ScaledQuantizerRecord {
  /** Call number (0-based) at which the scales were evaluated. */
  call: number;
  /** The scales after the evaluation, one per group. */
  scales: number[];
  /** Their exponents, for power-of-two scale formats. */
  exponents?: number[];
  /** Fraction of values that saturate under these scales (all groups together). */
  overflowRate: number;
}

export interface ScaledQuantizerState {
  scales: number[] | undefined;
  exponents: number[] | undefined;
  calls: number;
  history: ScaledQuantizerRecord[];
}

export class ScaledQuantizer {
  readonly format: ScaledFormat;
  readonly updateEvery: number;
  /** The current scales (undefined before the first call). */
  scales: GroupScales | undefined;
  readonly history: ScaledQuantizerRecord[] = [];
  calls = 0;

  constructor(format: ScaledFormat, { updateEvery = 1 }: { updateEvery?: number } = {}) {
    const f = checkFormat("scaledQuantizer format", format);
    if (f.kind !== "scaled")
      throw new TypeError(`lowbit: scaledQuantizer format must be a scaled format; got ${f.kind}`);
    checkInteger("scaledQuantizer updateEvery", updateEvery, 1);
    this.format = f;
    this.updateEvery = updateEvery;
  }

  /** Quantizes x, first re-evaluating the scales when it is due. */
  quantize<T extends tf.Tensor | Float32Array>(x: T, options: ScaledQuantizeOptions = {}, what = "ScaledQuantizer"): T {
    const f = this.format;
    return quantizeScaledWith(x, f, options as QuantizeOptions, (input) => {
      const current = this.scales;
      if (current !== undefined && current.scales.length !== input.layout.groups) {
        throw new RangeError(
          `lowbit: ${what} was set up for ${current.scales.length} channel(s), got a tensor with ${input.layout.groups}`,
        );
      }
      if (this.calls++ % this.updateEvery === 0 || current === undefined) {
        const next = groupScales(input, f, options, current?.exponents);
        const { above, size } = saturatingCounts(input, f, next.scales);
        const saturated = above.reduce((a, b) => a + b, 0),
          n = size.reduce((a, b) => a + b, 0);
        this.scales = next;
        this.history.push({
          call: this.calls - 1,
          scales: Array.from(next.scales),
          exponents: next.exponents && Array.from(next.exponents),
          overflowRate: saturated / n,
        });
      }
      return this.scales!;
    });
  }

  saveState(): ScaledQuantizerState {
    return {
      scales: this.scales && Array.from(this.scales.scales),
      exponents: this.scales?.exponents && Array.from(this.scales.exponents),
      calls: this.calls,
      history: this.history.map((r) => ({ ...r, scales: [...r.scales], exponents: r.exponents && [...r.exponents] })),
    };
  }

  loadState(state: ScaledQuantizerState): void {
    this.scales =
      state.scales === undefined
        ? undefined
        : { scales: Float64Array.from(state.scales), exponents: state.exponents && Int32Array.from(state.exponents) };
    this.calls = state.calls;
    this.history.splice(0, this.history.length, ...state.history);
  }
}

export function scaledQuantizer(format: ScaledFormat, options: { updateEvery?: number } = {}): ScaledQuantizer {
  return new ScaledQuantizer(format, options);
}
