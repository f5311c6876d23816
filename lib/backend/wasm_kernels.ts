/**
 * The kernels lowbit adds to the wasm backend: the one it lacks for training convolutions
 * (Conv2DBackpropFilter) and replacements for the ones it runs slowly.
 */
import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from "@tensorflow/tfjs-core";
import { batchMatMulConfig } from "./kernels/batch_mat_mul";
import { conv2dBackpropFilterConfig } from "./kernels/conv2d_backprop_filter";
import { conv2dBackpropInputConfig } from "./kernels/conv2d_backprop_input";
import { maxPoolGradConfig } from "./kernels/max_pool_grad";
import { rememberTfjsKernel } from "./kernels/tfjs_wasm_kernels";

export { replacedWasmKernels } from "./kernels/tfjs_wasm_kernels";

export const lowbitWasmKernels: readonly KernelConfig[] = [
  batchMatMulConfig,
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  maxPoolGradConfig,
];

/**
 * Registers lowbit's wasm kernels, replacing (and remembering) tfjs's own where it has one.
 * Call before the backend starts, so that the backend runs the kernels' setup. Idempotent.
 */
export function registerWasmKernels(): string[] {
  for (const config of lowbitWasmKernels) {
    const existing = getKernel(config.kernelName, "wasm");
    if (existing === config) continue;
    if (existing !== undefined) {
      rememberTfjsKernel(existing);
      unregisterKernel(config.kernelName, "wasm");
    }
    registerKernel(config);
  }
  return lowbitWasmKernels.map((k) => k.kernelName);
}
