/**
 * tfjs's own wasm kernels that lowbit replaced, kept so that a replacement can delegate to the
 * original for the cases it runs well, and so that benchmarks can measure the original.
 */
import type { KernelConfig } from "@tensorflow/tfjs-core";

const originals = new Map<string, KernelConfig>();

export function rememberTfjsKernel(config: KernelConfig): void {
  if (!originals.has(config.kernelName)) originals.set(config.kernelName, config);
}

/** tfjs's original wasm kernel `name`; an error if lowbit has not replaced it. */
export function tfjsWasmKernel(name: string): KernelConfig {
  const original = originals.get(name);
  if (original === undefined) throw new Error(`lowbit: tfjs's wasm kernel ${name} was not replaced`);
  return original;
}

export function replacedWasmKernels(): KernelConfig[] {
  return [...originals.values()];
}
