/**
 * `lowbit/backend`: where lowbit computes. initBackend() picks node > wasm > cpu (LOWBIT_BACKEND
 * forces one) and backendInfo() says which runs; importing any part of lowbit already puts the
 * wasm backend with lowbit's kernels first (first_use.ts). lowbitWasmKernels and
 * replacedWasmKernels list the kernels lowbit adds to or replaces in tfjs's wasm backend.
 */
export { initBackend, backendInfo, BACKENDS, BackendUnavailableError } from "./init_backend";
export type { BackendInfo, BackendName, InitBackendOptions } from "./init_backend";
export { lowbitWasmKernels, replacedWasmKernels } from "./wasm_kernels";
import { useLowbitBackendOnFirstUse } from "./first_use";

useLowbitBackendOnFirstUse();
