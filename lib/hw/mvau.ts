/**
 * FPGA resources of a matrix-vector unit (FINN's MVAU): PE processing elements, each taking
 * SIMD products per cycle of an MH x MW matrix (MW the dot-product length) with an input vector,
 * every PE with its adder tree and accumulator; the matrix in block RAM. From
 * FINN-R's estimates (Blott et al., ACM TRETS 2018):
 *
 *   LUT  = 300 + 1.1 PE (SIMD mult + adder tree + accumulator bits)
 *          mult = lutMultiplierLuts(W, A) for LUT-mapped products, 0 on DSPs;
 *          binary x binary lanes: mult = 1 LUT per XNOR, adder tree = popcountTreeLuts(SIMD)
 *   DSP  = ceil(PE SIMD dspsPerMultiply(W, A)) for DSP-mapped products
 *   FF   = PE (SIMD (W + A) + accumulator bits): lowbit's estimate (registered operands and
 *          accumulator, no published coefficient)
 *   BRAM = ramb18Count(ceil(MW / SIMD) ceil(MH / PE), PE SIMD W_store)
 *   cycles per input vector = ceil(MW / SIMD) ceil(MH / PE)
 *
 * FINN-R's estimates are for integer operands. A float operand is costed as its mantissa
 * (m + 1 bits) with a float accumulator of 1 + e + m bits, flagged approximate: the exponent
 * alignment and normalisation of a float unit are not modelled, so it is a lower bound.
 */
import { checkInteger } from "../core/checks";
import type { Format } from "../quant/formats";
import { finnAccumulatorBits } from "./accumulator";
import { ramb18Count } from "./bram";
import { type DspDevice, dspsPerMultiply, type MultiplierMapping, multiplierTarget } from "./dsp";
import { adderTreeLuts, lutMultiplierLuts, popcountTreeLuts } from "./fpga_luts";
import { type Operand, operandBits, operandOf } from "./operand";

export interface MvauOptions {
  pe: number;
  simd: number;
  /** MW: the dot-product length (inputs per output). */
  matrixWidth: number;
  /** MH: the outputs (matrix rows). */
  matrixHeight: number;
  weight: Operand | Format;
  input: Operand | Format;
  /** Accumulator bits; default FINN-R's exact width for MW (float operands: 1 + e + m). */
  accumulatorBits?: number;
  /** Bits per stored weight (e.g. FP32 master weights in training); default the weight's; 0: no BRAM. */
  storageBits?: number;
  mapping?: MultiplierMapping;
  device?: DspDevice;
}

export interface FpgaResources {
  luts: number;
  dsps: number;
  ffs: number;
  ramb18: number;
  /** Cycles per input vector. */
  cycles: number;
  accumulatorBits: number;
  multiplier: "lut" | "dsp" | "xnor";
  /** True when a float operand was costed by its mantissa only. */
  approximate: boolean;
}

/** Bits the datapath carries for an operand: a float's mantissa with its hidden bit. */
function datapathBits(op: Operand): number {
  return op.kind === "float" ? op.man + 1 : op.kind === "log" ? op.bits : operandBits(op);
}

export function mvauResources(options: MvauOptions): FpgaResources {
  if (typeof options !== "object" || options === null)
    throw new TypeError(
      "lowbit: mvauResources takes options { pe, simd, matrixWidth, matrixHeight, weight, input, ... }",
    );
  const { pe, simd, matrixWidth, matrixHeight, mapping = "auto", device = "dsp48e2" } = options;
  checkInteger("mvauResources pe", pe, 1);
  checkInteger("mvauResources simd", simd, 1);
  checkInteger("mvauResources matrixWidth", matrixWidth, 1);
  checkInteger("mvauResources matrixHeight", matrixHeight, 1);
  const w = operandOf("mvauResources weight", options.weight),
    a = operandOf("mvauResources input", options.input);
  const wBits = datapathBits(w),
    aBits = datapathBits(a);
  const floats = [w, a].filter((o) => o.kind === "float");
  const approximate = floats.length > 0;
  const accumulatorBits =
    options.accumulatorBits ??
    (approximate ? Math.max(...floats.map(operandBits)) : finnAccumulatorBits(matrixWidth, wBits, aBits));
  checkInteger("mvauResources accumulatorBits", accumulatorBits, 1, 128);
  const storageBits = options.storageBits ?? operandBits(w);
  checkInteger("mvauResources storageBits", storageBits, 0, 128);

  const xnor = w.kind === "binary" && a.kind === "binary";
  const target = xnor ? "xnor" : multiplierTarget(wBits, mapping);
  const multLuts = target === "xnor" ? simd : target === "lut" ? simd * lutMultiplierLuts(wBits, aBits) : 0;
  const adderLuts = xnor ? popcountTreeLuts(simd) : adderTreeLuts(simd, wBits, aBits);
  const depth = Math.ceil(matrixWidth / simd) * Math.ceil(matrixHeight / pe);
  return {
    luts: Math.round(300 + 1.1 * pe * (multLuts + adderLuts + accumulatorBits)),
    dsps: target === "dsp" ? Math.ceil(pe * simd * dspsPerMultiply(wBits, aBits, device)) : 0,
    ffs: pe * (simd * (wBits + aBits) + accumulatorBits),
    ramb18: storageBits === 0 ? 0 : ramb18Count(depth, pe * simd * storageBits),
    cycles: depth,
    accumulatorBits,
    multiplier: target,
    approximate,
  };
}
