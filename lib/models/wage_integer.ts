/**
 * Integer-only inference of a trained WAGE network (the paper's "inference with integers"):
 * every value the simulated network computes is an integer code times a power of two, so the
 * same network runs on integers alone and gives the same outputs to the bit.
 *
 *   input     a = round(p * 2^(kA-1) / 255), clipped to 2^(kA-1) - 1      pixel bytes p -> int8 codes
 *   weights   w = Q(W, kW) * 2^(kW-1)                                      ternary {-1, 0, 1} for kW = 2
 *   layer     acc = sum a * w                                              int32 (ternary: +-a, adds only)
 *             (max-pool on acc; max commutes with the monotone steps below)
 *   output    a' = clip(roundHalfEven(relu(acc) / 2^s), +-(2^(kA-1) - 1))  one arithmetic shift
 *             s = (kA_in - 1) + (kW - 1) + log2(alpha) - (kA_out - 1)
 * since the simulated layer computes Q(relu(acc 2^-(kA_in-1) 2^-(kW-1)) / alpha, kA_out) and
 * Q(x, k) = clip(round(x 2^(k-1)), +-(2^(k-1) - 1)) 2^-(k-1). Scaling every code by a power of two
 * and dividing by alpha are exact in float32 as long as the sums stay below 2^24, which holds
 * for LeNet (|acc| <= 800 * 127), so the simulated network's float32 values are these codes
 * exactly, and its arg-max (first maximum on ties) is the same.
 *
 * Supported layers: QuantActivation (the input quantizer), QuantConv2d (stride 1, valid, no
 * bias, optional pool), max-pooling 2d (window = stride), flatten, QuantDense (no bias), with
 * WAGE's quantizers: the weight grid and the layer scale must be powers of two.
 */
import * as tf from "../backend/tf";
import { QuantActivation, QuantConv2d, QuantDense, type QuantLayer } from "../layers";

/** One integer step: a convolution or a product with ternary (or k_W-bit) integer weights. */
export interface IntegerLayer {
  kind: "conv" | "dense";
  name: string;
  /** Integer weights, HWIO for conv ([kh, kw, in, out]) and [in, out] for dense. */
  weights: Int8Array;
  /** [kh, kw, in, out] or [in, out]. */
  shape: number[];
  /** Max-pool window applied to the accumulators (1: none). */
  pool: number;
  relu: boolean;
  /** Right shift s of the accumulator (a negative s is a left shift). */
  shift: number;
  /** Output codes are clipped to +-maxCode. */
  maxCode: number;
}

export interface IntegerNetwork {
  /** Bits of the input codes. */
  inputBits: number;
  /** [h, w, c] of an input image. */
  imageShape: [number, number, number];
  layers: IntegerLayer[];
}

/** round(x / 2^s) with ties to even, on integers (s >= 1), using shifts and masks only. */
export function shiftRoundHalfEven(x: number, s: number): number {
  if (s <= 0) return x * 2 ** -s;
  const q = x >> s; // floor(x / 2^s), also for negative x
  const rem = x - q * 2 ** s; // in [0, 2^s)
  const half = 2 ** (s - 1);
  return rem > half || (rem === half && (q & 1) === 1) ? q + 1 : q;
}

function log2Exact(x: number, what: string): number {
  const e = Math.log2(x);
  if (!Number.isInteger(e))
    throw new RangeError(`lowbit: wageIntegerNetwork needs ${what} to be a power of two; got ${x}`);
  return e;
}

/**
 * Extracts the integer network from a WAGE model (e.g. wageLeNet5 after training): integer
 * weights, shifts and pools. Throws a TypeError naming a layer it cannot run on integers.
 */
export function wageIntegerNetwork(model: tf.LayersModel): IntegerNetwork {
  const first = model.layers[0];
  if (
    !(first instanceof QuantActivation) ||
    first.quant.activation === undefined ||
    first.scale !== 1 ||
    first.activationName !== "linear"
  ) {
    throw new TypeError(
      "lowbit: wageIntegerNetwork needs a model whose first layer quantizes the input (a QuantActivation, as in wageLeNet5)",
    );
  }
  const inputShape = first.batchInputShape ?? [];
  const imageShape = inputShape.slice(1) as [number, number, number];
  const inputBits = first.quant.activation.bits;
  let bits = inputBits;
  const layers: IntegerLayer[] = [];
  for (const layer of model.layers.slice(1)) {
    const cls = layer.getClassName();
    if (cls === "Flatten") continue;
    if (cls === "MaxPooling2D") {
      const config = layer.getConfig() as { poolSize: number[]; strides: number[]; padding: string };
      const last = layers[layers.length - 1];
      if (
        last === undefined ||
        last.kind !== "conv" ||
        config.poolSize[0] !== config.strides[0] ||
        config.padding !== "valid" ||
        last.pool !== 1
      ) {
        throw new TypeError(
          `lowbit: wageIntegerNetwork supports a max-pool only right after a convolution, window = stride, valid; got ${layer.name}`,
        );
      }
      last.pool = config.poolSize[0];
      continue;
    }
    if (!(layer instanceof QuantConv2d || layer instanceof QuantDense)) {
      throw new TypeError(`lowbit: wageIntegerNetwork cannot run layer ${layer.name} (${cls}) on integers`);
    }
    const q = (layer as QuantLayer).quant;
    if (q.weight === undefined || q.activation === undefined || layer.useBias) {
      throw new TypeError(
        `lowbit: wageIntegerNetwork needs ${layer.name} to quantize its weights and activations and to have no bias`,
      );
    }
    if (
      layer instanceof QuantConv2d &&
      (layer.strides[0] !== 1 || layer.strides[1] !== 1 || layer.padding !== "valid")
    ) {
      throw new TypeError(`lowbit: wageIntegerNetwork supports stride-1 valid convolutions; ${layer.name} is not`);
    }
    if (layer.activationName !== "relu" && layer.activationName !== "linear") {
      throw new TypeError(
        `lowbit: wageIntegerNetwork supports relu and linear layers; ${layer.name} is ${layer.activationName}`,
      );
    }
    const kW = q.weight.bits,
      kOut = q.activation.bits;
    const wq = tf.tidy(() => layer.quantizedKernel().mul(2 ** (kW - 1)));
    const values = wq.dataSync();
    const shape = wq.shape;
    wq.dispose();
    const weights = Int8Array.from(values, (v) => {
      if (!Number.isInteger(v) || Math.abs(v) > 127)
        throw new RangeError(
          `lowbit: wageIntegerNetwork: ${layer.name}'s quantized weights are not ${kW}-bit integer codes (${v})`,
        );
      return v;
    });
    layers.push({
      kind: layer instanceof QuantConv2d ? "conv" : "dense",
      name: layer.name,
      weights,
      shape,
      pool: layer instanceof QuantConv2d ? (layer.pool ?? 1) : 1,
      relu: layer.activationName === "relu",
      shift: bits - 1 + (kW - 1) + log2Exact(layer.scale, `${layer.name}'s scale`) - (kOut - 1),
      maxCode: 2 ** (kOut - 1) - 1,
    });
    bits = kOut;
  }
  return { inputBits, imageShape, layers };
}

/** Input codes round(p * 2^(k-1) / 255) of pixel bytes, clipped to 2^(k-1) - 1, in integers. */
export function pixelCodes(pixels: Uint8Array, bits: number): Int32Array {
  const scale = 2 ** (bits - 1),
    max = scale - 1;
  // round(p * scale / 255) = floor((2 p scale + 255) / 510): p * scale / 255 is never a half.
  return Int32Array.from(pixels, (p) => Math.min(max, Math.floor((2 * p * scale + 255) / 510)));
}

interface Taps {
  offsets: Int32Array;
  weights: Int32Array;
}

/**
 * Per output channel, the input offsets (in an image of width w) of its nonzero taps and their
 * integer weights: with ternary weights each product is +-a, so the accumulation is additions
 * and subtractions of activations.
 */
function convTaps(layer: IntegerLayer, w: number): Taps[] {
  const [kh, kw, cin, cout] = layer.shape;
  const taps: Taps[] = [];
  for (let o = 0; o < cout; o++) {
    const offsets: number[] = [],
      weights: number[] = [];
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let c = 0; c < cin; c++) {
          const v = layer.weights[((i * kw + j) * cin + c) * cout + o];
          if (v !== 0) {
            offsets.push((i * w + j) * cin + c);
            weights.push(v);
          }
        }
    taps.push({ offsets: Int32Array.from(offsets), weights: Int32Array.from(weights) });
  }
  return taps;
}

function convLayer(
  x: Int32Array,
  h: number,
  w: number,
  layer: IntegerLayer,
  taps: Taps[],
): { y: Int32Array; h: number; w: number } {
  const [kh, kw, cin, cout] = layer.shape;
  const oh = h - kh + 1,
    ow = w - kw + 1;
  const acc = new Int32Array(oh * ow * cout);
  for (let r = 0; r < oh; r++)
    for (let s = 0; s < ow; s++) {
      const base = (r * w + s) * cin;
      for (let o = 0; o < cout; o++) {
        const { offsets, weights } = taps[o];
        let sum = 0;
        for (let t = 0; t < offsets.length; t++) sum += weights[t] * x[base + offsets[t]];
        acc[(r * ow + s) * cout + o] = sum;
      }
    }
  if (layer.pool === 1) return { y: acc, h: oh, w: ow };
  const p = layer.pool,
    ph = Math.floor(oh / p),
    pw = Math.floor(ow / p);
  const pooled = new Int32Array(ph * pw * cout);
  for (let r = 0; r < ph; r++)
    for (let s = 0; s < pw; s++)
      for (let o = 0; o < cout; o++) {
        let m = -Infinity;
        for (let i = 0; i < p; i++)
          for (let j = 0; j < p; j++) m = Math.max(m, acc[((r * p + i) * ow + s * p + j) * cout + o]);
        pooled[(r * pw + s) * cout + o] = m;
      }
  return { y: pooled, h: ph, w: pw };
}

function denseLayer(x: Int32Array, layer: IntegerLayer): Int32Array {
  const [nin, nout] = layer.shape;
  const acc = new Int32Array(nout);
  for (let i = 0; i < nin; i++) {
    const a = x[i];
    if (a === 0) continue;
    const row = i * nout;
    for (let o = 0; o < nout; o++) acc[o] += layer.weights[row + o] * a;
  }
  return acc;
}

function requantize(acc: Int32Array, layer: IntegerLayer): Int32Array {
  for (let i = 0; i < acc.length; i++) {
    const v = layer.relu && acc[i] < 0 ? 0 : acc[i];
    acc[i] = Math.max(-layer.maxCode, Math.min(layer.maxCode, shiftRoundHalfEven(v, layer.shift)));
  }
  return acc;
}

/**
 * Runs the integer network on pixel bytes (n images, NHWC): returns the output codes
 * (n x classes, int32) and the predicted classes (first maximum).
 */
export function runIntegerNetwork(
  net: IntegerNetwork,
  pixels: Uint8Array,
): { codes: Int32Array; predictions: Int32Array } {
  const [h0, w0, c0] = net.imageShape;
  const size = h0 * w0 * c0;
  if (pixels.length % size !== 0)
    throw new RangeError(
      `lowbit: runIntegerNetwork pixels must hold whole ${h0}x${w0}x${c0} images; got ${pixels.length} bytes`,
    );
  const n = pixels.length / size;
  const lastShape = net.layers[net.layers.length - 1].shape;
  const classes = lastShape[lastShape.length - 1];
  const codes = new Int32Array(n * classes),
    predictions = new Int32Array(n);
  const taps = new Map<IntegerLayer, Taps[]>();
  for (let k = 0; k < n; k++) {
    let x = pixelCodes(pixels.subarray(k * size, (k + 1) * size), net.inputBits);
    let h = h0,
      w = w0;
    for (const layer of net.layers) {
      if (layer.kind === "conv") {
        if (!taps.has(layer)) taps.set(layer, convTaps(layer, w));
        const out = convLayer(x, h, w, layer, taps.get(layer)!);
        x = requantize(out.y, layer);
        h = out.h;
        w = out.w;
      } else {
        x = requantize(denseLayer(x, layer), layer);
      }
    }
    codes.set(x, k * classes);
    let best = 0;
    for (let c = 1; c < classes; c++) if (x[c] > x[best]) best = c;
    predictions[k] = best;
  }
  return { codes, predictions };
}
