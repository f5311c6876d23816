/**
 * QNN's shift-based batch normalization (Hubara et al., JMLR 2017), which
 * replaces the multiplications of batch norm by bit shifts, AP2(x) = sign(x) 2^round(log2 |x|).
 * Over the batch (every axis but the last, the channels), in training:
 *
 *   mu   = mean(x)
 *   C    = x - mu
 *   var  = mean(C * AP2(C))              approximated: the square as a shift (shiftVariance)
 *   y    = C * AP2(1 / sqrt(var + eps)) * AP2(gamma) + beta
 *
 * so what is approximated is (1) the variance, when shiftVariance is on (default; off gives
 * mean(C^2)), (2) the inverse standard deviation and (3) gamma, each by its nearest power of
 * two. Each AP2 is within a factor 2^(±1/2) of its argument and the shifted variance within
 * 2^(±1/2) of the true one (so its inverse square root within 2^(±1/4)): each channel's scale
 * is within 2^(±5/4) of batch norm's, and the only multiplications left are shifts. beta is an
 * addition.
 * In inference the moving averages replace mu and var (updated in training as
 * moving = momentum * moving + (1 - momentum) * batch value, the batch value of var being the
 * approximated one). Gradients pass through every AP2 unchanged (straight-through), so the
 * backward pass is that of batch norm evaluated at the shifted values.
 */
import * as tf from "../backend/tf";
import { ap2, ste } from "../quant";

export interface ShiftBatchNormArgs {
  name?: string;
  inputShape?: tf.Shape;
  /** Weight of the old value in the moving averages; default 0.9 (QNN's code: alpha = 0.1). */
  momentum?: number;
  /** Added to the variance; default 1e-4 (QNN's code). */
  epsilon?: number;
  /** Approximate the variance's square by C * AP2(C) too (default true, as in QNN). */
  shiftVariance?: boolean;
}

const shifted = ste(ap2);

export class ShiftBatchNorm extends tf.layers.Layer {
  static className = "ShiftBatchNorm";
  readonly momentum: number;
  readonly epsilon: number;
  readonly shiftVariance: boolean;
  private gamma: tf.LayerVariable | undefined;
  private beta: tf.LayerVariable | undefined;
  private movingMean: tf.LayerVariable | undefined;
  private movingVariance: tf.LayerVariable | undefined;

  constructor(args: ShiftBatchNormArgs = {}) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    const { momentum = 0.9, epsilon = 1e-4, shiftVariance = true } = args;
    if (!(momentum >= 0 && momentum < 1))
      throw new RangeError(`lowbit: ShiftBatchNorm momentum must be in [0, 1); got ${momentum}`);
    if (!(epsilon > 0 && Number.isFinite(epsilon)))
      throw new RangeError(`lowbit: ShiftBatchNorm epsilon must be a finite number > 0; got ${epsilon}`);
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.shiftVariance = shiftVariance;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels === null || channels === undefined)
      throw new RangeError(`lowbit: ${this.name} needs a known channel count (last axis)`);
    this.gamma = this.addWeight("gamma", [channels], "float32", tf.initializers.ones());
    this.beta = this.addWeight("beta", [channels], "float32", tf.initializers.zeros());
    this.movingMean = this.addWeight("moving_mean", [channels], "float32", tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight(
      "moving_variance",
      [channels],
      "float32",
      tf.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axes = [...Array(x.rank - 1).keys()];
      let centered: tf.Tensor, variance: tf.Tensor;
      if (kwargs.training === true) {
        const mean = x.mean(axes);
        centered = x.sub(mean);
        variance = (this.shiftVariance ? centered.mul(shifted(centered)) : centered.square()).mean(axes);
        this.updateMovingAverage(this.movingMean!, mean);
        this.updateMovingAverage(this.movingVariance!, variance);
      } else {
        centered = x.sub(this.movingMean!.read());
        variance = this.movingVariance!.read();
      }
      const inverseStd = shifted(tf.rsqrt(variance.add(this.epsilon)));
      return centered.mul(inverseStd).mul(shifted(this.gamma!.read())).add(this.beta!.read());
    });
  }

  private updateMovingAverage(variable: tf.LayerVariable, batchValue: tf.Tensor): void {
    tf.tidy(() => {
      variable.write(
        variable
          .read()
          .mul(this.momentum)
          .add(batchValue.mul(1 - this.momentum)),
      );
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, shiftVariance: this.shiftVariance };
  }
}
tf.serialization.registerClass(ShiftBatchNorm);

export function shiftBatchNorm(args: ShiftBatchNormArgs = {}): ShiftBatchNorm {
  return new ShiftBatchNorm(args);
}
