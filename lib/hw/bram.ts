/**
 * Block RAM for a memory of `depth` words of `width` bits, counted in RAMB18 blocks (18 Kb; a
 * RAMB36 is two). A RAMB18 in simple dual-port mode takes one of the aspect ratios of Xilinx
 * UG573: 16K x 1, 8K x 2, 4K x 4, 2K x 9, 1K x 18, 512 x 36. A memory uses
 * ceil(depth / d) ceil(width / w) blocks of one ratio; lowbit picks the ratio that needs fewest.
 */
import { checkInteger } from "../core/checks";

export const RAMB18_SHAPES: readonly (readonly [depth: number, width: number])[] = [
  [16384, 1],
  [8192, 2],
  [4096, 4],
  [2048, 9],
  [1024, 18],
  [512, 36],
];

/** RAMB18 blocks for depth x width bits. */
export function ramb18Count(depth: number, width: number): number {
  checkInteger("ramb18Count depth", depth, 0);
  checkInteger("ramb18Count width", width, 1);
  if (depth === 0) return 0;
  return Math.min(...RAMB18_SHAPES.map(([d, w]) => Math.ceil(depth / d) * Math.ceil(width / w)));
}
