/**
 * Scratch space for the XNOR kernels on lowbit's own WebAssembly memory (standaloneWasm):
 * consecutive regions, each 16-byte aligned for v128 loads. Packed operands are small (32
 * signs per word), so they are copied in and the results copied out on every call.
 */
import { type LowbitWasm, standaloneWasm } from "../backend/lowbit_wasm";

export interface WasmRegions {
  kernels: LowbitWasm;
  buffer: ArrayBuffer;
  /** Byte offset of each region, in the order of the sizes given. */
  offsets: number[];
}

export function wasmRegions(byteSizes: readonly number[]): WasmRegions {
  const offsets: number[] = [];
  let end = 0;
  for (const size of byteSizes) {
    offsets.push(end);
    end += Math.ceil(size / 16) * 16;
  }
  const { kernels, buffer } = standaloneWasm(end);
  return { kernels, buffer, offsets };
}
