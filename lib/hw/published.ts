/**
 * The published per-operation costs lowbit's hardware model starts from, each entry with its
 * source. Arithmetic: energy (pJ) and area (um^2) of one operation in a 45 nm process, from
 * M. Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014, as widely
 * reproduced. Memory: energy of one 64-bit read from the same talk.
 * Everything else in lib/hw is derived from these numbers by the laws in operation_cost.ts and
 * memory.ts; nothing else is a measurement.
 */

export const HOROWITZ_2014 = "Horowitz, ISSCC 2014 (45 nm)";

export type ArithmeticOp = "intAdd" | "intMultiply" | "floatAdd" | "floatMultiply";

export interface PublishedOpCost {
  op: ArithmeticOp;
  /** Operand width; for floats the IEEE format's total width (16: e5m10, 32: e8m23). */
  bits: number;
  energyPj: number;
  areaUm2: number;
  source: string;
}

const entry = (op: ArithmeticOp, bits: number, energyPj: number, areaUm2: number): PublishedOpCost => ({
  op,
  bits,
  energyPj,
  areaUm2,
  source: HOROWITZ_2014,
});

/** Energy and area per operation at 45 nm, 0.9 V (Horowitz 2014). */
export const HOROWITZ_45NM: readonly PublishedOpCost[] = [
  entry("intAdd", 8, 0.03, 36),
  entry("intAdd", 16, 0.05, 67),
  entry("intAdd", 32, 0.1, 137),
  entry("intMultiply", 8, 0.2, 282),
  entry("intMultiply", 32, 3.1, 3495),
  entry("floatAdd", 16, 0.4, 1360),
  entry("floatAdd", 32, 0.9, 4184),
  entry("floatMultiply", 16, 1.1, 1640),
  entry("floatMultiply", 32, 3.7, 7700),
];

/** The exponent and mantissa widths of the published float points. */
export const PUBLISHED_FLOAT_FORMATS: Readonly<Record<16 | 32, { exp: number; man: number }>> = {
  16: { exp: 5, man: 10 },
  32: { exp: 8, man: 23 },
};

export interface PublishedMemoryRead {
  level: string;
  /** Capacity in bytes; Infinity for DRAM. */
  capacityBytes: number;
  /** Energy of one 64-bit read, pJ: [low, high] when the source gives a range. */
  energyPj64: number | readonly [number, number];
  source: string;
}

/** 64-bit reads at 45 nm (Horowitz 2014): three SRAM sizes and DRAM (a range). */
export const MEMORY_READS_45NM: readonly PublishedMemoryRead[] = [
  { level: "SRAM 8 KB", capacityBytes: 8 * 1024, energyPj64: 10, source: HOROWITZ_2014 },
  { level: "SRAM 32 KB", capacityBytes: 32 * 1024, energyPj64: 20, source: HOROWITZ_2014 },
  { level: "SRAM 1 MB", capacityBytes: 1024 * 1024, energyPj64: 100, source: HOROWITZ_2014 },
  { level: "DRAM", capacityBytes: Infinity, energyPj64: [1300, 2600], source: HOROWITZ_2014 },
];

/** The published point of `op` at `bits`, if the table has one. */
export function publishedOpCost(op: ArithmeticOp, bits: number): PublishedOpCost | undefined {
  return HOROWITZ_45NM.find((e) => e.op === op && e.bits === bits);
}
