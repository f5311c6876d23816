/** Validation and geometry shared by lowbit's backward convolution kernels. */
import { backend_util } from "@tensorflow/tfjs-core";

/** At most this many elements in one im2col matrix; larger batches are processed in chunks. */
export const MAX_COL_ELEMENTS = 1 << 23;

export function nhwcConvInfo(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  attrs: {
    strides: [number, number] | number;
    pad: "valid" | "same" | number | backend_util.ExplicitPadding;
    dataFormat: "NHWC" | "NCHW";
    dimRoundingMode?: "floor" | "round" | "ceil";
  },
): backend_util.Conv2DInfo {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") {
    throw new TypeError(`lowbit ${kernel}: dataFormat must be "NHWC", got "${attrs.dataFormat}"`);
  }
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
}

/** How many images of the batch go into one im2col matrix of `elementsPerImage` elements. */
export function imagesPerChunk(batch: number, elementsPerImage: number): number {
  return Math.max(1, Math.min(batch, Math.floor(MAX_COL_ELEMENTS / Math.max(1, elementsPerImage))));
}
