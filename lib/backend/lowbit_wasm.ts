/**
 * Loads lowbit's WebAssembly kernels (lib/wasm, compiled to dist/wasm/lowbit.wasm) onto the
 * memory of tfjs's wasm backend, so they work on tensors in place. One instance per backend.
 */
import { readFileSync } from "fs";
import { join } from "path";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** The exports of lib/wasm; pointers are byte offsets into the backend's heap. */
export interface LowbitWasm {
  im2colTransposed(
    xT: number, batch: number, H: number, W: number, CI: number, OH: number, OW: number,
    KH: number, KW: number, sh: number, sw: number, dh: number, dw: number, top: number,
    left: number, nStart: number, nCount: number, colT: number): void;
  col2imAdd(
    dcol: number, H: number, W: number, CI: number, OH: number, OW: number, KH: number,
    KW: number, sh: number, sw: number, dh: number, dw: number, top: number, left: number,
    nStart: number, nCount: number, dx: number): void;
  maxPoolGrad(
    x: number, dy: number, dx: number, N: number, H: number, W: number, C: number, OH: number,
    OW: number, KH: number, KW: number, sh: number, sw: number, top: number, left: number,
    best: number, where: number): void;
}

export const WASM_FILE = join(__dirname, "..", "wasm", "lowbit.wasm");

// The JS WebAssembly API, typed here because lib.dom is not in lowbit's compilation (and
// @types/emscripten declares a partial WebAssembly namespace that hides the real one).
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: abstract new (...args: never[]) => object;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let compiled: object | undefined;
const instances = new WeakMap<object, LowbitWasm>();

export function lowbitWasm(backend: BackendWasm): LowbitWasm {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof webAssembly.Memory)) {
    throw new Error("lowbit: cannot reach the memory of @tensorflow/tfjs-backend-wasm (is it version 4.22.0?)");
  }
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    compiled ??= new webAssembly.Module(readFileSync(WASM_FILE));
    kernels = new webAssembly.Instance(compiled, { env: { memory } }).exports as LowbitWasm;
    instances.set(memory, kernels);
  }
  return kernels;
}
