/**
 * What importing lowbit does to TensorFlow.js, so that a script or notebook that never calls
 * initBackend() still runs on lowbit's backend, without tfjs's "install the node backend" banner:
 *   - production mode: the banner is a tfjs warning printed when its cpu backend is first used
 *     in Node, and tfjs prints no warnings in production mode (initBackend() sets it too);
 *   - the wasm backend with lowbit's kernels, registered with a factory that starts it
 *     synchronously (wasm_backend_sync.ts), so that tfjs picks it on the first tensor operation
 *     by priority (wasm 2 over cpu 1) even when nothing awaited tf.ready().
 * Nothing changes when a backend is already in use (lowbit imported after tfjs started one), or
 * when LOWBIT_BACKEND names another backend (initBackend() then starts that one).
 */
import * as tf from "./tf";
import { createWasmBackendSync, WASM_PRIORITY } from "./wasm_backend_sync";
import { registerWasmKernels } from "./wasm_kernels";

export function useLowbitBackendOnFirstUse(): void {
  tf.enableProdMode();
  const requested = process.env.LOWBIT_BACKEND;
  if (requested !== undefined && requested !== "" && requested !== "wasm") return;
  const engine = tf.engine();
  if (engine.backendName != null || "wasm" in engine.registry) return;
  // Loading the package registers tfjs's own (async) factory, replaced here by the synchronous one.
  require("@tensorflow/tfjs-backend-wasm");
  registerWasmKernels();
  tf.removeBackend("wasm");
  tf.registerBackend("wasm", createWasmBackendSync, WASM_PRIORITY);
}
