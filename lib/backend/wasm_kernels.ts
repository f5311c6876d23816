/**
 * The kernels lowbit adds to the wasm backend: the one it lacks for training convolutions
 * (Conv2DBackpropFilter) and replacements for the ones it runs slowly.
 */
import { getKernel, KernelConfig, registerKernel, unregisterKernel } from "@tensorflow/tfjs";
import { conv2dBackpropFilterConfig } from "./kernels/conv2d_backprop_filter";
import { conv2dBackpropInputConfig } from "./kernels/conv2d_backprop_input";
import { maxPoolGradConfig } from "./kernels/max_pool_grad";

export const lowbitWasmKernels: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  maxPoolGradConfig,
];

/** Registers lowbit's wasm kernels, replacing tfjs's own where it has one. Idempotent. */
export function registerWasmKernels(): string[] {
  for (const config of lowbitWasmKernels) {
    if (getKernel(config.kernelName, "wasm") === config) continue;
    if (getKernel(config.kernelName, "wasm") !== undefined) unregisterKernel(config.kernelName, "wasm");
    registerKernel(config);
  }
  return lowbitWasmKernels.map((k) => k.kernelName);
}
