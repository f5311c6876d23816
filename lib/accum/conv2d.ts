/**
 * lowPrecisionConv2d(x, w, { strides, padding, product, accumulator, gemms }): a 2-D convolution
 * (NHWC input, [kh, kw, in, out] filter, TensorFlow's "valid"/"same" padding) whose three GEMMs
 * run through lowPrecisionMatMul, as a differentiable op:
 *
 *   FWD   y = im2col(x) W                    accumulation length kh kw C_in
 *   BWD   dx = im2col(pad(dilate(dy))) W'    length kh kw C_out (W' = W flipped in space,
 *                                            in and out swapped: the transposed convolution)
 *   GRAD  dW = im2col(x)^T dy                length batch H_out W_out
 *
 * which are the lengths Sakr et al. analyse (gemmShapes). im2col orders a patch (row i, column j,
 * channel c), so output element y_nhwo sums its products in that order, exactly as
 * accumulate() would. The zeros that dilation (strides > 1) and padding put into the BWD sums
 * leave an accumulator unchanged (s + 0 rounds to s), so they act as the sparsity of the model.
 * A GEMM left out of `gemms` runs in float32 (tf.conv2d and its transpose for FWD and BWD).
 */
import * as tf from "../backend/tf";
import { checkInteger, checkOneOf } from "../core/checks";
import { type EmulatedAccumulation, emulatedGemms, gemm } from "./matmul";

export interface LowPrecisionConv2dOptions extends EmulatedAccumulation {
  /** Strides [rows, columns] or one number for both; default 1. */
  strides?: number | [number, number];
  /** "valid" (default) or "same", as tf.conv2d. */
  padding?: "valid" | "same";
}

// tf.customGrad types its function's parameters as a union of tensors and the save function.
type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

/** Output size and leading padding of one spatial axis, TensorFlow's rules. */
function axis(
  size: number,
  kernel: number,
  stride: number,
  padding: "valid" | "same",
): { out: number; before: number; after: number } {
  if (padding === "valid") {
    const out = Math.floor((size - kernel) / stride) + 1;
    if (out < 1)
      throw new RangeError(
        `lowbit: lowPrecisionConv2d kernel ${kernel} is larger than the input (${size}) with padding "valid"`,
      );
    return { out, before: 0, after: 0 };
  }
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

/** The [N * H_out * W_out, kh * kw * C] patch matrix of an already padded x, patch order (i, j, c). */
function im2col(
  x: tf.Tensor4D,
  kh: number,
  kw: number,
  [sh, sw]: [number, number],
  out: [number, number],
): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, , , c] = x.shape;
    const slices: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        slices.push(
          tf.stridedSlice(
            x,
            [0, i, j, 0],
            [n, i + (out[0] - 1) * sh + 1, j + (out[1] - 1) * sw + 1, c],
            [1, sh, sw, 1],
          ) as tf.Tensor4D,
        );
      }
    }
    return tf.concat(slices, 3).reshape([n * out[0] * out[1], kh * kw * c]);
  });
}

/** dy with strides - 1 zeros between its elements: [N, (H_out - 1) sh + 1, (W_out - 1) sw + 1, C]. */
function dilate(dy: tf.Tensor4D, [sh, sw]: [number, number]): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  return tf.tidy(() => {
    const [n, h, w, c] = dy.shape;
    const rows = dy
      .reshape([n, h, 1, w * c])
      .pad([
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
      ])
      .reshape([n, h * sh, w, 1, c]);
    const both = rows
      .pad([
        [0, 0],
        [0, 0],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ])
      .reshape([n, h * sh, w * sw, c]);
    return both.slice([0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]) as tf.Tensor4D;
  });
}

export function lowPrecisionConv2d(x: tf.Tensor4D, w: tf.Tensor4D, options: LowPrecisionConv2dOptions): tf.Tensor4D {
  if (x.rank !== 4 || w.rank !== 4)
    throw new RangeError(
      `lowbit: lowPrecisionConv2d takes NHWC x and [kh, kw, in, out] w; got ranks ${x.rank} and ${w.rank}`,
    );
  const [n, height, width, channels] = x.shape,
    [kh, kw, inChannels, filters] = w.shape;
  if (inChannels !== channels)
    throw new RangeError(`lowbit: lowPrecisionConv2d w has ${inChannels} input channels, x has ${channels}`);
  const strides: [number, number] =
    typeof options.strides === "number" || options.strides === undefined
      ? [options.strides ?? 1, options.strides ?? 1]
      : options.strides;
  strides.forEach((s) => checkInteger("lowPrecisionConv2d strides", s, 1));
  const padding = options.padding ?? "valid";
  checkOneOf("lowPrecisionConv2d padding", padding, ["valid", "same"] as const);
  const on = emulatedGemms(options);
  const rows = axis(height, kh, strides[0], padding),
    cols = axis(width, kw, strides[1], padding);
  const outSize: [number, number] = [rows.out, cols.out];
  const paddings: [number, number][] = [
    [0, 0],
    [rows.before, rows.after],
    [cols.before, cols.after],
    [0, 0],
  ];

  const f = tf.customGrad(((xs: tf.Tensor4D, ws: tf.Tensor4D, save: (t: tf.Tensor[]) => void) => {
    save([xs, ws]);
    const patches = () => im2col(xs.pad(paddings) as tf.Tensor4D, kh, kw, strides, outSize);
    const y = on.has("FWD")
      ? tf.tidy(() =>
          gemm(patches(), ws.reshape([kh * kw * channels, filters]), options, true).reshape([
            n,
            rows.out,
            cols.out,
            filters,
          ]),
        )
      : tf.conv2d(xs, ws, strides, padding);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        return tf.tidy(() => {
          const dy4 = dy as tf.Tensor4D;
          const dw = gemm(patches().transpose(), dy4.reshape([-1, filters]), options, on.has("GRAD")).reshape(sw.shape);
          if (!on.has("BWD")) return [tf.conv2dTranspose(dy4, sw, sx.shape, strides, padding), dw];
          // Gradient with respect to the padded input, a valid correlation of the dilated dy
          // (padded by the kernel size - 1) with the flipped kernel; then the padding is cut off.
          const paddedRows = height + rows.before + rows.after,
            paddedCols = width + cols.before + cols.after;
          const d = dilate(dy4, strides);
          const dp = d.pad([
            [0, 0],
            [kh - 1, paddedRows - d.shape[1]],
            [kw - 1, paddedCols - d.shape[2]],
            [0, 0],
          ]) as tf.Tensor4D;
          const flipped = tf
            .reverse(sw, [0, 1])
            .transpose([0, 1, 3, 2])
            .reshape([kh * kw * filters, channels]) as tf.Tensor2D;
          const dxp = gemm(im2col(dp, kh, kw, [1, 1], [paddedRows, paddedCols]), flipped, options, true).reshape([
            n,
            paddedRows,
            paddedCols,
            channels,
          ]);
          return [dxp.slice([0, rows.before, cols.before, 0], [n, height, width, channels]), dw];
        });
      },
    };
  }) as unknown as CustomGradientFunc) as unknown as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
  return f(x, w);
}
