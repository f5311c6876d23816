/**
 * max |x| and the count of |x| > limit of a float32 tensor, in one pass of lowbit's wasm kernels
 * (in place on the wasm backend; through a copy elsewhere), without the intermediate tensors
 * and kernel launches of tf.abs(x).max(). maxAbsOf is over the finite values (NaN and +-Inf
 * are ignored: lowbit's statistics never let a special value set a scale); countAbove counts
 * +-Inf (it saturates) and not NaN.
 */
import * as tf from "../../backend/tf";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type LowbitWasm, lowbitWasm, standaloneWasm } from "../../backend/lowbit_wasm";
import { checkKernelSize } from "../../core/checks";

function withData<T>(x: tf.Tensor, run: (k: LowbitWasm, address: number, n: number) => T): T {
  checkKernelSize("maxAbsOf / countAbove x", x.size);
  if (tf.getBackend() === "wasm") {
    const backend = tf.backend() as BackendWasm;
    return run(lowbitWasm(backend), backend.dataIdMap.get(x.dataId)!.memoryOffset, x.size);
  }
  const values = x.dataSync() as Float32Array;
  const { kernels, buffer } = standaloneWasm(values.byteLength);
  new Float32Array(buffer, 0, values.length).set(values);
  return run(kernels, 0, values.length);
}

export function maxAbsOf(x: tf.Tensor): number {
  return withData(x, (k, at, n) => k.maxAbs(at, n));
}

export function countAbove(x: tf.Tensor, limit: number): number {
  return withData(x, (k, at, n) => k.countAbove(at, n, limit));
}
