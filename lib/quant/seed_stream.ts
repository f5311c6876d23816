/**
 * Where stochastic rounding takes its random numbers: element i of a call uses
 * elementHash(seed, stream, i). A call given a seed uses (seed, stream ?? 0), so the same seed gives
 * the same bits on every run and backend. A call without one draws the next stream of a global
 * seeded sequence, so successive calls differ but a whole program is reproducible after
 * setQuantizationSeed(s).
 */
import { checkInteger } from "../core/checks";

let globalSeed = 0;
let nextStream = 0;

export function setQuantizationSeed(seed: number): void {
  checkInteger("setQuantizationSeed seed", seed, 0, 2 ** 32 - 1);
  globalSeed = seed;
  nextStream = 0;
}

/** Where the global sequence stands, for checkpoints (a resumed run continues it exactly). */
export function quantizationStream(): { seed: number; next: number } {
  return { seed: globalSeed, next: nextStream };
}

export function restoreQuantizationStream(state: { seed: number; next: number }): void {
  checkInteger("quantization stream seed", state.seed, 0, 2 ** 32 - 1);
  checkInteger("quantization stream next", state.next, 0, 2 ** 32 - 1);
  globalSeed = state.seed;
  nextStream = state.next;
}

export function randomKey(seed?: number, stream?: number): { seed: number; stream: number } {
  if (seed === undefined) {
    if (stream !== undefined) throw new RangeError("lowbit: quantize stream needs a seed");
    const key = { seed: globalSeed, stream: nextStream };
    nextStream = (nextStream + 1) >>> 0;
    return key;
  }
  checkInteger("quantize seed", seed, 0, 2 ** 32 - 1);
  if (stream !== undefined) checkInteger("quantize stream", stream, 0, 2 ** 32 - 1);
  return { seed, stream: stream ?? 0 };
}
