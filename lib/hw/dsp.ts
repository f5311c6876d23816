/**
 * DSP blocks for multipliers. A DSP48E1 (Xilinx 7 series, UG479) multiplies 25 x 18 bits
 * signed, a DSP48E2 (UltraScale, UG579) 27 x 18. Two 8-bit multiplies that share one operand
 * fit one DSP48E2 (Xilinx WP486, "Deep learning with INT8 optimization"): in a PE x SIMD array
 * the input is shared across PEs, so operands up to 8 bits cost half a DSP each. Wider products
 * tile the multiplier (lowbit's model: ceil(W / p) ceil(A / q) blocks in the better orientation;
 * vendor cores use fewer with partial-product tricks). Whether a product goes to a DSP at all:
 * "auto" follows hls4ml's observation that HLS puts no DSP on products with weights narrower
 * than 9 bits; "lut" and "dsp" force the choice.
 */
import { checkInteger, checkOneOf } from "../core/checks";

export const DSP_DEVICES = ["dsp48e1", "dsp48e2"] as const;
export type DspDevice = (typeof DSP_DEVICES)[number];

export const MULTIPLIER_MAPPINGS = ["auto", "lut", "dsp"] as const;
export type MultiplierMapping = (typeof MULTIPLIER_MAPPINGS)[number];

/** The signed multiplier of one DSP block, [p, q] bits. */
export const DSP_MULTIPLIER: Readonly<Record<DspDevice, readonly [number, number]>> = {
  dsp48e1: [25, 18],
  dsp48e2: [27, 18],
};

/** DSP blocks per W x A multiply (0.5 when two share one block). */
export function dspsPerMultiply(weightBits: number, inputBits: number, device: DspDevice = "dsp48e2"): number {
  checkInteger("dspsPerMultiply weightBits", weightBits, 1, 128);
  checkInteger("dspsPerMultiply inputBits", inputBits, 1, 128);
  checkOneOf("dspsPerMultiply device", device, DSP_DEVICES);
  if (device === "dsp48e2" && weightBits <= 8 && inputBits <= 8) return 0.5;
  const [p, q] = DSP_MULTIPLIER[device];
  return Math.min(
    Math.ceil(weightBits / p) * Math.ceil(inputBits / q),
    Math.ceil(weightBits / q) * Math.ceil(inputBits / p),
  );
}

/** Where a W x A multiply goes under `mapping`. */
export function multiplierTarget(weightBits: number, mapping: MultiplierMapping = "auto"): "lut" | "dsp" {
  checkOneOf("multiplier mapping", mapping, MULTIPLIER_MAPPINGS);
  if (mapping !== "auto") return mapping;
  return weightBits < 9 ? "lut" : "dsp";
}
