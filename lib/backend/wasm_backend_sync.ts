/**
 * tfjs's wasm backend, started synchronously. tfjs-backend-wasm registers an async factory
 * (it fetches and compiles its binary with promises, as browsers require), so tfjs cannot pick it
 * on the first tensor operation of a script that did not `await tf.ready()`: tfjs throws, or
 * falls back to its slow cpu backend. Node can compile a WebAssembly module synchronously, and
 * Emscripten's module runs synchronously when `instantiateWasm` hands it the instance at once;
 * the rest is what tfjs's own init() does (tfjs-backend-wasm 4.22.0, pinned by lowbit): wrap
 * the six C entry points the backend calls through `module.tfjs`, then construct BackendWasm.
 * Same binaries (the SIMD one when this Node compiles it), same single thread as in Node.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** tfjs-backend-wasm's priority: above cpu (1), below the native node backend (3). */
export const WASM_PRIORITY = 2;

interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** The Emscripten module object, as far as this file uses it. */
interface EmscriptenModule {
  instantiateWasm(imports: object, receive: (instance: object, module: object) => void): object;
  calledRun?: boolean;
  cwrap?(name: string, returns: string | null, args: string[]): (...args: number[]) => unknown;
  tfjs?: Record<string, unknown>;
}

/** The binary: SIMD when this engine compiles it, else the plain one (what tfjs chooses too). */
function compileBinary(folder: string): object {
  try {
    return new webAssembly.Module(readFileSync(join(folder, "dist", "tfjs-backend-wasm-simd.wasm")));
  } catch {
    return new webAssembly.Module(readFileSync(join(folder, "dist", "tfjs-backend-wasm.wasm")));
  }
}

/** A started wasm backend (the factory lowbit registers under tfjs's name "wasm"). */
export function createWasmBackendSync(): BackendWasm {
  const folder = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
  const { BackendWasm: Backend } =
    require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
  // The Emscripten factory that tfjs's init() calls for the plain and the SIMD binary alike.
  const emscriptenFactory = require(join(folder, "wasm-out", "tfjs-backend-wasm.js")) as (
    module: EmscriptenModule,
  ) => Promise<unknown>;
  const compiled = compileBinary(folder);
  const module: EmscriptenModule = {
    instantiateWasm(imports, receive) {
      const instance = new webAssembly.Instance(compiled, imports);
      receive(instance, compiled);
      return instance.exports;
    },
  };
  // The returned promise resolves to `module` itself, ready on return; a failure to start (an
  // abort) rejects it and leaves calledRun unset, which is reported below instead.
  emscriptenFactory(module).catch(() => undefined);
  const cwrap = module.cwrap;
  if (!module.calledRun || cwrap === undefined) {
    throw new Error(
      "lowbit: the wasm backend did not start synchronously (is @tensorflow/tfjs-backend-wasm version 4.22.0?)",
    );
  }
  module.tfjs = {
    init: cwrap("init", null, []),
    initWithThreadsCount: cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: cwrap("get_threads_count", "number", []),
    registerTensor: cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: cwrap("dispose_data", null, ["number"]),
    dispose: cwrap("dispose", null, []),
  };
  return new Backend(module as unknown as ConstructorParameters<typeof Backend>[0]);
}
