/**
 * An activation as a layer of its own, with the A and E quantizers of a QuantConfig:
 *   output = A(activation(x / scale)),  backward of activation(...): E(dy).
 * QNN puts batch norm between a layer's product and its binary activation
 * (dense -> batch norm -> sign), so the activation cannot live inside the dense layer there.
 * It has no weights: a weight or gradient quantizer in its config is an error.
 */
import * as tf from "../backend/tf";
import { QuantLayer, type QuantLayerArgs } from "./quant_layer";

export type QuantActivationArgs = Omit<QuantLayerArgs, "weightClip" | "seed">;

export class QuantActivation extends QuantLayer {
  static className = "QuantActivation";

  constructor(args: QuantActivationArgs) {
    super(args);
    for (const role of ["weight", "gradient"] as const) {
      if (args.quant?.[role] !== undefined) {
        throw new RangeError(
          `lowbit: QuantActivation has no weights, so quant.${role} is not allowed; allowed: activation, error`,
        );
      }
    }
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.quantizedOutput(Array.isArray(inputs) ? inputs[0] : inputs));
  }
}
tf.serialization.registerClass(QuantActivation);

export function quantActivation(args: QuantActivationArgs): QuantActivation {
  return new QuantActivation(args);
}
