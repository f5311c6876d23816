/**
 * A binarized dense layer for inference through xnorMatMul: the +-1 weights of a trained
 * QuantDense, packed once, and optionally the batch norm and sign activation that follow it
 * (QNN's dense -> batch norm -> sign), folded into one integer threshold per unit.
 *
 * Folding: the product h = x . w of +-1 vectors of length K is an integer in [-K, K], and the
 * inference batch norm y(h) = gamma (h - mean) / sqrt(var + eps) + beta, as float32 arithmetic,
 * is monotone in h (each rounded step is). So sign(y(h)) = +1 exactly on an interval
 * {h >= t} (gamma > 0) or {h <= t} (gamma < 0), possibly empty or everything. The thresholds are
 * found by running the batch norm layer itself on every h in [-K, K], so the packed signs equal
 * those of the simulated network bit for bit, including ties at y = 0 and float rounding.
 */
import * as tf from "../backend/tf";
import { binary, quantize } from "../quant";
import type { QuantDense } from "../layers";
import { packSigns, packedWordsPerRow, type PackedSigns } from "./packed_signs";
import { wasmRegions } from "./wasm_regions";
import { xnorMatMul } from "./xnor_matmul";

/** Bit (unit k) = 1 iff h_k * direction[k] >= threshold[k]. */
interface SignThresholds {
  direction: Int32Array;
  threshold: Int32Array;
}

export class XnorDense {
  /** The layer's +-1 weights, one packed row per unit ([units, fanIn]). */
  readonly weights: PackedSigns;
  private readonly thresholds: SignThresholds | undefined;

  /**
   * From a QuantDense whose weights are binarized (deterministic sign, no bias), and the
   * batch norm layer that follows it when its output goes through a sign activation.
   */
  constructor(
    readonly dense: QuantDense,
    readonly batchNorm?: tf.layers.Layer,
  ) {
    const isSign = tf.tidy(() => {
      const w = dense.quantizedKernel();
      const sign = quantize(dense.masterKernel(), binary());
      return w.equal(sign).all().dataSync()[0] === 1;
    });
    if (!isSign) {
      throw new TypeError(
        `lowbit: XnorDense needs a QuantDense whose weights are the signs of its master weights (binary(), nearest); ${dense.name} has ${dense.quant.weight?.label ?? "float"} weights`,
      );
    }
    if (dense.useBias) throw new TypeError(`lowbit: XnorDense needs a QuantDense without bias; ${dense.name} has one`);
    if (dense.activationName !== "linear" || dense.scale !== 1) {
      throw new TypeError(
        `lowbit: XnorDense needs a QuantDense with a linear activation and scale 1; ${dense.name} has ${dense.activationName}, scale ${dense.scale}`,
      );
    }
    const w = dense.quantizedKernel() as tf.Tensor2D;
    this.weights = packSigns(w, { along: "columns" });
    w.dispose();
    this.thresholds =
      batchNorm === undefined ? undefined : signThresholds(batchNorm, this.weights.cols, this.weights.rows);
  }

  get units(): number {
    return this.weights.rows;
  }

  /** The integer pre-activations x W, [batch, units] row-major, for packed +-1 inputs x. */
  matMul(x: PackedSigns): Int32Array {
    return xnorMatMul(x, this.weights);
  }

  /** sign(batchNorm(x W)) as packed signs [batch, units]: the input of the next XnorDense. */
  signs(x: PackedSigns): PackedSigns {
    if (this.thresholds === undefined)
      throw new Error(`lowbit: XnorDense ${this.dense.name} was made without its batch norm`);
    const h = this.matMul(x);
    const rows = x.rows,
      cols = this.units,
      wordsPerRow = packedWordsPerRow(cols);
    const { direction, threshold } = this.thresholds;
    const {
      kernels,
      buffer,
      offsets: [src, dir, thr, dst],
    } = wasmRegions([h.byteLength, direction.byteLength, threshold.byteLength, rows * wordsPerRow * 4]);
    new Int32Array(buffer, src, h.length).set(h);
    new Int32Array(buffer, dir, cols).set(direction);
    new Int32Array(buffer, thr, cols).set(threshold);
    kernels.packThresholded(src, rows, cols, dir, thr, dst, wordsPerRow / 4);
    return { rows, cols, wordsPerRow, words: new Uint32Array(buffer, dst, rows * wordsPerRow).slice() };
  }
}

/** Per unit, the interval of h in [-K, K] where the batch norm's output is >= 0. */
function signThresholds(batchNorm: tf.layers.Layer, K: number, units: number): SignThresholds {
  const yt = tf.tidy(() => {
    const h = tf
      .range(-K, K + 1, 1, "float32")
      .reshape([2 * K + 1, 1])
      .tile([1, units]);
    return batchNorm.apply(h, { training: false }) as tf.Tensor;
  });
  // Read outside tf.tidy: (2K + 1) x units values returned from tidy would be walked one by one.
  const y = yt.dataSync() as Float32Array;
  yt.dispose();
  const direction = new Int32Array(units),
    threshold = new Int32Array(units);
  const NEVER = 0x7fffffff;
  for (let u = 0; u < units; u++) {
    const on = (i: number) => y[i * units + u] >= 0;
    const lowOn = on(0),
      highOn = on(2 * K);
    let changes = 0,
      at = 0;
    for (let i = 1; i <= 2 * K; i++)
      if (on(i) !== on(i - 1)) {
        changes++;
        at = i;
      }
    if (changes > 1) throw new Error(`lowbit: batch norm ${batchNorm.name} is not monotone in unit ${u}`);
    if (changes === 0) {
      // Always +1: h >= -NEVER holds; always -1: h >= NEVER never does (|h| <= K).
      direction[u] = 1;
      threshold[u] = lowOn ? -NEVER : NEVER;
    } else if (highOn) {
      direction[u] = 1; // on for h >= at - K
      threshold[u] = at - K;
    } else {
      direction[u] = -1; // on for h <= at - 1 - K, i.e. -h >= K + 1 - at
      threshold[u] = K + 1 - at;
    }
  }
  return { direction, threshold };
}
