/** A fully connected layer with quantized W, A, G, E: y = output(x * view(W) + b). */
import * as tf from "../backend/tf";
import { lowPrecisionDense } from "../accum/matmul";
import { checkInteger } from "../core/checks";
import { QuantLayer, type QuantLayerArgs } from "./quant_layer";

export interface QuantDenseArgs extends QuantLayerArgs {
  units: number;
  useBias?: boolean;
}

export class QuantDense extends QuantLayer {
  static className = "QuantDense";
  readonly units: number;
  readonly useBias: boolean;
  private bias: tf.LayerVariable | undefined;

  constructor(args: QuantDenseArgs) {
    super(args);
    checkInteger("quantDense units", args.units, 1);
    this.units = args.units;
    this.useBias = args.useBias ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const inDim = shape[shape.length - 1];
    if (inDim === null || inDim === undefined) throw new RangeError(`lowbit: ${this.name} needs a known input size`);
    const init = this.kernelInitializer();
    this.kernel = this.addWeight("kernel", [inDim, this.units], "float32", init);
    if (this.useBias) this.bias = this.addWeight("bias", [this.units], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const x2 = x.reshape([-1, x.shape[x.rank - 1]]);
      let z = this.accumulation
        ? lowPrecisionDense(x2, this.weightView(), this.accumulation)
        : tf.matMul(x2, this.weightView());
      if (this.bias !== undefined) z = z.add(this.bias.read());
      return this.quantizedOutput(z.reshape([...x.shape.slice(0, -1), this.units]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, useBias: this.useBias };
  }
}
tf.serialization.registerClass(QuantDense);

export function quantDense(args: QuantDenseArgs): QuantDense {
  return new QuantDense(args);
}
