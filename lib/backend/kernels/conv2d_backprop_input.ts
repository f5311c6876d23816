/**
 * Conv2DBackpropInput for the wasm backend, replacing its direct loop (about 12x slower than
 * the forward convolution for LeNet's conv2). With r = (kh, kw, ci) and p = (n, oh, ow),
 *
 *   dcol[p, r] = sum_co dy[p, co] * W[r, co],   dx[n, oh*sh + kh - top, ow*sw + kw - left, ci] += dcol[p, r]
 *
 * one GEMM on the backend's XNNPACK matrix product per chunk of images, then lowbit's wasm
 * col2im. The GEMM does exactly the forward's multiply-adds (none on padding zeros, unlike a
 * convolution of the padded error with the rotated filter). NHWC; any stride; padding "same",
 * "valid" or explicit.
 */
import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { lowbitWasm } from "../lowbit_wasm";
import { imagesPerChunk, nhwcConvInfo } from "./conv_info";
import { addressOf, release, reshaped, rowRange, runWasmKernel } from "./wasm_heap";

function conv2dBackpropInput(args: {
  inputs: Conv2DBackpropInputInputs;
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { backend, attrs } = args;
  const dy = args.inputs.dy as TensorInfo,
    filter = args.inputs.filter as TensorInfo;
  const c = nhwcConvInfo(Conv2DBackpropInput, attrs.inputShape, filter.shape, attrs);
  const N = c.batchSize,
    CO = c.outChannels;
  const taps = c.filterHeight * c.filterWidth * c.inChannels;
  const pixels = c.outHeight * c.outWidth;
  const chunk = imagesPerChunk(N, taps * pixels);
  const kernels = lowbitWasm(backend);

  // W as [CO, taps], so that the GEMM needs no transposed operand (XNNPACK's slow path).
  const wT = runWasmKernel(backend, "Transpose", { x: reshaped(filter, [taps, CO]) }, { perm: [1, 0] });
  const dx = backend.makeOutput(attrs.inputShape, "float32");
  backend.wasm.HEAPU8.fill(
    0,
    addressOf(backend, dx),
    addressOf(backend, dx) + N * c.inHeight * c.inWidth * c.inChannels * 4,
  );
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const count = Math.min(chunk, N - n0);
    const cols = count * pixels;
    const { rows: dyRows, copied } = rowRange(backend, dy, pixels * CO, n0, count, [1, cols, CO]);
    const dcol = runWasmKernel(
      backend,
      "BatchMatMul",
      { a: dyRows, b: reshaped(wT, [1, CO, taps]) },
      { transposeA: false, transposeB: false },
    );
    kernels.col2imAdd(
      addressOf(backend, dcol),
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
      addressOf(backend, dx),
    );
    release(backend, dcol);
    if (copied) release(backend, dyRows);
  }
  release(backend, wT);
  return dx;
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
