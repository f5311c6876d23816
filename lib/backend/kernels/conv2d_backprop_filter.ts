/**
 * Conv2DBackpropFilter for the wasm backend, which has none. With r = (kh, kw, ci) a filter tap
 * and p = (n, oh, ow) an output pixel,
 *
 *   dW[r, co] = sum_p colT[r, p] * dy[p, co],   colT[r, p] = x[n, oh*sh + kh - top, ow*sw + kw - left, ci]
 *
 * one GEMM on the backend's XNNPACK matrix product per chunk of images, after lowbit's wasm
 * im2col. Every (r, p) pair is one multiply-add of the forward pass, so the GEMM does exactly
 * the forward's work. NHWC; any stride; padding "same", "valid" or explicit.
 */
import {
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { lowbitWasm } from "../lowbit_wasm";
import { imagesPerChunk, nhwcConvInfo } from "./conv_info";
import { addressOf, release, rowRange, runWasmKernel } from "./wasm_heap";

function conv2dBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { backend, attrs } = args;
  const x = args.inputs.x as TensorInfo,
    dy = args.inputs.dy as TensorInfo;
  const c = nhwcConvInfo(Conv2DBackpropFilter, x.shape, attrs.filterShape, attrs);
  const N = c.batchSize,
    CO = c.outChannels;
  const taps = c.filterHeight * c.filterWidth * c.inChannels;
  const pixels = c.outHeight * c.outWidth;
  const chunk = imagesPerChunk(N, taps * pixels);
  const kernels = lowbitWasm(backend);

  // x as [CI, N, H, W]: each row of colT is then read as contiguous runs of one plane.
  const xT = runWasmKernel(backend, "Transpose", { x }, { perm: [3, 0, 1, 2] });
  let dW: TensorInfo | undefined;
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const count = Math.min(chunk, N - n0);
    const cols = count * pixels;
    const colT = backend.makeOutput([1, taps, cols], "float32");
    kernels.im2colTransposed(
      addressOf(backend, xT),
      N,
      c.inHeight,
      c.inWidth,
      c.inChannels,
      c.outHeight,
      c.outWidth,
      c.filterHeight,
      c.filterWidth,
      c.strideHeight,
      c.strideWidth,
      c.dilationHeight,
      c.dilationWidth,
      c.padInfo.top,
      c.padInfo.left,
      n0,
      count,
      addressOf(backend, colT),
    );
    const { rows: dyRows, copied } = rowRange(backend, dy, pixels * CO, n0, count, [1, cols, CO]);
    const part = runWasmKernel(
      backend,
      "BatchMatMul",
      { a: colT, b: dyRows },
      { transposeA: false, transposeB: false },
    );
    release(backend, colT);
    if (copied) release(backend, dyRows);
    if (dW === undefined) {
      dW = part;
    } else {
      const sum = runWasmKernel(backend, "Add", { a: dW, b: part });
      release(backend, dW, part);
      dW = sum;
    }
  }
  release(backend, xT);
  return { dataId: dW!.dataId, dtype: "float32", shape: attrs.filterShape };
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
