/**
 * Helpers for kernels that run on the wasm backend: tensor addresses on the wasm heap, outputs
 * allocated there, and the backend's own kernels called directly (no engine, no tape), the way
 * tfjs's kernels compose each other.
 */
import { getKernel, type NamedAttrMap, type TensorInfo } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** Byte offset of a tensor's data on the wasm heap. */
export function addressOf(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

/** Runs the kernel `name` registered for the wasm backend, returning its output. */
export function runWasmKernel(
  backend: BackendWasm,
  name: string,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(name, "wasm");
  if (kernel === undefined) throw new Error(`lowbit: the wasm backend has no kernel ${name}`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/** A tensor header that shares `t`'s data under another shape (same element count). */
export function reshaped(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, dtype: t.dtype, shape };
}

/**
 * Rows [start, start + count) of `t` seen as a matrix of `rowSize` columns, as a tensor of
 * `shape`: `t` itself when that is all of it, else a copy. Release the copy with `release`.
 */
export function rowRange(
  backend: BackendWasm,
  t: TensorInfo,
  rowSize: number,
  start: number,
  count: number,
  shape: number[],
): { rows: TensorInfo; copied: boolean } {
  const total = t.shape.reduce((a, b) => a * b, 1);
  if (start === 0 && count * rowSize === total) return { rows: reshaped(t, shape), copied: false };
  const rows = backend.makeOutput(shape, t.dtype);
  const from = addressOf(backend, t) + start * rowSize * 4;
  backend.wasm.HEAPU8.copyWithin(addressOf(backend, rows), from, from + count * rowSize * 4);
  return { rows, copied: true };
}

/** Releases intermediate outputs made by `makeOutput` or `runWasmKernel`. */
export function release(backend: BackendWasm, ...ts: TensorInfo[]): void {
  for (const t of ts) backend.disposeData(t.dataId);
}
