/**
 * quantizeUpdates(optimizer, quantizer): any tfjs optimizer whose weight updates are quantized:
 * the inner optimizer computes w' from w as usual, then w <- w + q(w' - w). This is how the DFP
 * and WAGE papers keep the update itself low-precision (with stochastic rounding, small updates
 * still move the weights on average).
 */
import * as tf from "../backend/tf";
import type { TensorQuantizer } from "../layers";

import { type VariableGradients, WrappedOptimizer } from "./wrapped_optimizer";

export class QuantizedUpdateOptimizer extends WrappedOptimizer {
  static className = "QuantizedUpdateOptimizer";

  constructor(
    inner: tf.Optimizer,
    readonly quantizer: TensorQuantizer,
  ) {
    super(inner);
  }

  override applyGradients(variableGradients: VariableGradients): void {
    const names = this.variableNames(variableGradients);
    const variables = names.map((name) => tf.engine().registeredVariables[name]);
    const before = variables.map((v) => v.clone());
    this.inner.applyGradients(variableGradients);
    tf.tidy(() => variables.forEach((v, i) => v.assign(before[i].add(this.quantizer.apply(v.sub(before[i]))))));
    tf.dispose(before);
    this.incrementIterations();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { inner: this.inner.getClassName(), quantizer: this.quantizer.label };
  }
}

export function quantizeUpdates(optimizer: tf.Optimizer, quantizer: TensorQuantizer): QuantizedUpdateOptimizer {
  return new QuantizedUpdateOptimizer(optimizer, quantizer);
}
