/**
 * Layer normalization over the last axis (Ba, Kiros and Hinton, 2016), as tfjs's
 * layerNormalization computes it,
 *
 *   y = (x - mean(x)) / sqrt(var(x) + epsilon) * gamma + beta     (gamma = 1, beta = 0 at start),
 *
 * written with broadcasting instead of tf.tile. Why: tfjs-layers' version tiles the moments to the
 * input's shape, and tfjs differentiates Tile by slicing its output gradient one row at a time
 * and adding the slices: at [8, 64, 64] that was 1,500 Slice and Add kernels per LayerNorm and
 * over 80% of a small transformer's training step on the wasm backend. Broadcasting's gradient is
 * one Sum.
 */
import * as tf from "../backend/tf";

export interface LayerNormArgs {
  name?: string;
  /** Added to the variance before the square root (default 1e-5). */
  epsilon?: number;
}

export class LayerNorm extends tf.layers.Layer {
  static className = "LayerNorm";
  readonly epsilon: number;
  private gamma: tf.LayerVariable | undefined;
  private beta: tf.LayerVariable | undefined;

  constructor(args: LayerNormArgs = {}) {
    super({ name: args.name });
    const epsilon = args.epsilon ?? 1e-5;
    if (typeof epsilon !== "number" || !(epsilon > 0 && epsilon < 1))
      throw new RangeError(`lowbit: layerNorm epsilon must be a number in (0, 1); got ${String(epsilon)}`);
    this.epsilon = epsilon;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const width = shape[shape.length - 1];
    if (width === null) throw new RangeError(`lowbit: ${this.name} needs a known last axis; got [${shape.join(", ")}]`);
    this.gamma = this.addWeight("gamma", [width], "float32", tf.initializers.ones());
    this.beta = this.addWeight("beta", [width], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const centered = x.sub(x.mean(-1, true));
      const variance = centered.square().mean(-1, true);
      return centered.mul(variance.add(this.epsilon).rsqrt()).mul(this.gamma!.read()).add(this.beta!.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(LayerNorm);

export function layerNorm(args: LayerNormArgs = {}): LayerNorm {
  return new LayerNorm(args);
}
