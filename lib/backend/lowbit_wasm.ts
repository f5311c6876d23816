/**
 * Loads lowbit's WebAssembly kernels (lib/wasm, compiled to dist/wasm/lowbit.wasm): onto the
 * memory of tfjs's wasm backend, so they work on tensors in place (one instance per backend),
 * or onto a memory of their own for data outside that backend (plain arrays, the cpu backend),
 * so that every backend computes the same bits with the same code.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

import type { LowbitWasm } from "./generated/lowbit_wasm_exports";

/**
 * The exports of lib/wasm; pointers are byte offsets into the backend's heap. The interface is
 * generated from the AssemblyScript sources by npm run build:wasm (scripts/build-wasm.ts).
 */
export type { LowbitWasm };

export const WASM_FILE = join(__dirname, "..", "wasm", "lowbit.wasm");

// The JS WebAssembly API, typed here because lib.dom is not in lowbit's compilation (and
// @types/emscripten declares a partial WebAssembly namespace that hides the real one).
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let compiled: object | undefined;
const instances = new WeakMap<object, LowbitWasm>();

function instantiate(memory: object): LowbitWasm {
  compiled ??= new webAssembly.Module(readFileSync(WASM_FILE));
  return new webAssembly.Instance(compiled, { env: { memory } }).exports as LowbitWasm;
}

export function lowbitWasm(backend: BackendWasm): LowbitWasm {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof (webAssembly.Memory as unknown as abstract new () => object))) {
    throw new Error("lowbit: cannot reach the memory of @tensorflow/tfjs-backend-wasm (is it version 4.22.0?)");
  }
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    kernels = instantiate(memory);
    instances.set(memory, kernels);
  }
  return kernels;
}

const PAGE = 65536;
let standalone: { kernels: LowbitWasm; memory: InstanceType<WebAssemblyApi["Memory"]> } | undefined;

/**
 * The kernels on lowbit's own memory, grown to at least `bytes`. Its buffer is valid until the
 * next call (growing detaches it): take views after calling.
 */
export function standaloneWasm(bytes: number): { kernels: LowbitWasm; buffer: ArrayBuffer } {
  if (standalone === undefined) {
    const memory = new webAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    standalone = { kernels: instantiate(memory), memory };
  }
  const missing = Math.ceil((bytes - standalone.memory.buffer.byteLength) / PAGE);
  if (missing > 0) standalone.memory.grow(missing);
  return { kernels: standalone.kernels, buffer: standalone.memory.buffer };
}
