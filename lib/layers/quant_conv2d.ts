/**
 * A 2-D convolution (NHWC) with quantized W, A, G, E: y = output(pool(conv(x, view(W)) + b)),
 * where pool is an optional max-pool (window = stride = `pool`, valid) applied before the output
 * pipeline, the order of WAGE's code (conv, max-pool, ReLU, Q_E, Q_A).
 */
import * as tf from "../backend/tf";
import { lowPrecisionConv2d } from "../accum/conv2d";
import { checkInteger, checkOneOf } from "../core/checks";
import { QuantLayer, type QuantLayerArgs } from "./quant_layer";

export interface QuantConv2dArgs extends QuantLayerArgs {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: "valid" | "same";
  useBias?: boolean;
  /** Max-pool window (and stride) applied to the convolution before scale, activation, E and A. */
  pool?: number;
}

export class QuantConv2d extends QuantLayer {
  static className = "QuantConv2d";
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: "valid" | "same";
  readonly useBias: boolean;
  readonly pool: number | undefined;
  private bias: tf.LayerVariable | undefined;

  constructor(args: QuantConv2dArgs) {
    super(args);
    checkInteger("quantConv2d filters", args.filters, 1);
    const pair = (v: number | [number, number], what: string): [number, number] => {
      const p: [number, number] = typeof v === "number" ? [v, v] : v;
      p.forEach((d) => checkInteger(`quantConv2d ${what}`, d, 1));
      return p;
    };
    this.filters = args.filters;
    this.kernelSize = pair(args.kernelSize, "kernelSize");
    this.strides = pair(args.strides ?? 1, "strides");
    const padding = args.padding ?? "valid";
    checkOneOf("quantConv2d padding", padding, ["valid", "same"] as const);
    this.padding = padding;
    this.useBias = args.useBias ?? true;
    if (args.pool !== undefined) checkInteger("quantConv2d pool", args.pool, 1);
    this.pool = args.pool;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    if (shape.length !== 4)
      throw new RangeError(`lowbit: ${this.name} expects NHWC input of rank 4; got [${shape.join(", ")}]`);
    const channels = shape[3]!;
    const init = this.kernelInitializer();
    this.kernel = this.addWeight("kernel", [...this.kernelSize, channels, this.filters], "float32", init);
    if (this.useBias) this.bias = this.addWeight("bias", [this.filters], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w] = inputShape as tf.Shape;
    const out = (size: number | null, k: number, s: number) => {
      if (size === null) return null;
      const conv = this.padding === "same" ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
      return this.pool === undefined ? conv : Math.floor(conv / this.pool);
    };
    return [n, out(h, this.kernelSize[0], this.strides[0]), out(w, this.kernelSize[1], this.strides[1]), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const w = this.weightView() as tf.Tensor4D;
      let z: tf.Tensor = this.accumulation
        ? lowPrecisionConv2d(x, w, { ...this.accumulation, strides: this.strides, padding: this.padding })
        : tf.conv2d(x, w, this.strides, this.padding);
      if (this.bias !== undefined) z = z.add(this.bias.read());
      if (this.pool !== undefined) z = tf.maxPool(z as tf.Tensor4D, this.pool, this.pool, "valid");
      return this.quantizedOutput(z);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      useBias: this.useBias,
      ...(this.pool === undefined ? {} : { pool: this.pool }),
    };
  }
}
tf.serialization.registerClass(QuantConv2d);

export function quantConv2d(args: QuantConv2dArgs): QuantConv2d {
  return new QuantConv2d(args);
}
