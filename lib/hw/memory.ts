/**
 * Memory access energy by level. The published 64-bit reads (published.ts) fix four levels: SRAM
 * of 8 KB, 32 KB and 1 MB, and DRAM (1300-2600 pJ). Between the SRAM sizes the energy follows
 * the power law through the neighbouring points (about sqrt(capacity): 8 -> 32 KB doubles it,
 * the wire length of a square array); below 8 KB and above 1 MB it follows sqrt(capacity)
 * anchored at the nearest point. A write costs what a read costs (the table gives reads only).
 *
 * lowbit's traffic model places every tensor in the smallest level that holds it whole: a layer's
 * weights, or one batch's activations, that fit in 1 MB are read from a 1 MB SRAM, anything
 * larger from DRAM. That is where narrow weights save most: LeNet-5's fc1 kernel (524,288
 * weights) takes 2 MB in FP32 but 128 KB at 2 bits.
 */
import { MEMORY_READS_45NM } from "./published";

export interface MemoryLevel {
  name: string;
  capacityBytes: number;
  /** Energy of one 64-bit access, pJ. */
  energyPj64: number;
  source: string;
}

/** DRAM's energy per 64-bit access when not told: the middle of the published 1300-2600 pJ. */
export const DEFAULT_DRAM_PJ64 = 1950;

function checkPositive(what: string, value: number): void {
  if (!(typeof value === "number" && value > 0 && Number.isFinite(value))) {
    throw new RangeError(`lowbit: ${what} must be a positive finite number; got ${String(value)}`);
  }
}

const SRAM = MEMORY_READS_45NM.filter((m) => Number.isFinite(m.capacityBytes)).map(
  (m) => [m.capacityBytes, m.energyPj64 as number] as [number, number],
);

/** Energy of one 64-bit read from an SRAM of `capacityBytes` (published at 8 KB, 32 KB, 1 MB). */
export function sramReadEnergy(capacityBytes: number): number {
  checkPositive("sramReadEnergy capacityBytes", capacityBytes);
  const exact = SRAM.find(([c]) => c === capacityBytes);
  if (exact) return exact[1];
  const [c0, e0] = SRAM[0],
    [cn, en] = SRAM[SRAM.length - 1];
  if (capacityBytes < c0) return e0 * Math.sqrt(capacityBytes / c0);
  if (capacityBytes > cn) return en * Math.sqrt(capacityBytes / cn);
  const i = SRAM.findIndex(([c]) => c > capacityBytes);
  const [ca, ea] = SRAM[i - 1],
    [cb, eb] = SRAM[i];
  return ea * (capacityBytes / ca) ** (Math.log(eb / ea) / Math.log(cb / ca));
}

/** The levels of the published table, smallest first; DRAM at `dramPj64` (default 1950 pJ). */
export function memoryLevels(dramPj64: number = DEFAULT_DRAM_PJ64): MemoryLevel[] {
  checkPositive("memoryLevels dramPj64", dramPj64);
  return MEMORY_READS_45NM.map((m) => ({
    name: m.level,
    capacityBytes: m.capacityBytes,
    energyPj64: typeof m.energyPj64 === "number" ? m.energyPj64 : dramPj64,
    source:
      typeof m.energyPj64 === "number"
        ? m.source
        : `${m.source}: range ${m.energyPj64.join("-")} pJ, lowbit uses ${dramPj64}`,
  }));
}

/** The smallest level that holds `bytes`. */
export function memoryLevelFor(bytes: number, levels: readonly MemoryLevel[] = memoryLevels()): MemoryLevel {
  if (!(bytes >= 0 && Number.isFinite(bytes)))
    throw new RangeError(`lowbit: memoryLevelFor bytes must be a finite number >= 0; got ${bytes}`);
  return levels.find((l) => bytes <= l.capacityBytes) ?? levels[levels.length - 1];
}

/** Energy of moving `bits` bits (read or write) of a tensor of `tensorBytes` at its level, pJ. */
export function accessEnergy(bits: number, tensorBytes: number, levels?: readonly MemoryLevel[]): number {
  return (bits / 64) * memoryLevelFor(tensorBytes, levels).energyPj64;
}
