export { initBackend, backendInfo, BACKENDS, BackendUnavailableError } from "./init_backend";
export type { BackendInfo, BackendName, InitBackendOptions } from "./init_backend";
export { lowbitWasmKernels, registerWasmKernels, replacedWasmKernels } from "./wasm_kernels";
import { useLowbitBackendOnFirstUse } from "./first_use";

useLowbitBackendOnFirstUse();
