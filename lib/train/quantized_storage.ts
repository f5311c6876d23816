/**
 * storeQuantized(optimizer, quantizerFor): weights that live in a low-precision format. After
 * the inner optimizer's update of each variable v,
 *
 *   v <- q_v(v + dv)
 *
 * so there is no float master copy: what is stored is what the next step computes with, as in
 * fully 8-bit training (Su et al. 2020; Gupta et al. 2015 for fixed point). With nearest
 * rounding an update smaller than half a grid step of v is lost every time and the weight never
 * moves; with stochastic rounding it moves by a whole step with probability |dv| / step, so the
 * expected change is dv. Each variable has its own quantizer (made on first use by
 * `quantizerFor(name)`), because dynamic fixed point keeps one exponent per tensor.
 * The optimizer's own state (momentum, Adam's moments) stays float32. Checkpoints keep the inner
 * optimizer's state and each storage quantizer's (its exponents and stream counter), by the
 * variable's index in the model.
 */
import * as tf from "../backend/tf";
import type { TensorQuantizer } from "../layers";

import { type VariableGradients, WrappedOptimizer } from "./wrapped_optimizer";

export class QuantizedStorageOptimizer extends WrappedOptimizer {
  static className = "QuantizedStorageOptimizer";
  /** The quantizer of each variable stored so far, by variable name. */
  readonly quantizers = new Map<string, TensorQuantizer>();

  constructor(
    inner: tf.Optimizer,
    readonly quantizerFor: (name: string) => TensorQuantizer,
  ) {
    super(inner);
    if (typeof quantizerFor !== "function")
      throw new TypeError("lowbit: storeQuantized quantizerFor must be a function from a variable name to a quantizer");
  }

  /** The quantizer of variable `name`, made on first use. */
  quantizerOf(name: string): TensorQuantizer {
    let q = this.quantizers.get(name);
    if (q === undefined) {
      q = this.quantizerFor(name);
      if (q === undefined || typeof q.apply !== "function")
        throw new TypeError(`lowbit: storeQuantized quantizerFor("${name}") must return a quantizer`);
      this.quantizers.set(name, q);
    }
    return q;
  }

  override applyGradients(variableGradients: VariableGradients): void {
    const names = this.variableNames(variableGradients);
    this.inner.applyGradients(variableGradients);
    for (const name of names) {
      const v = tf.engine().registeredVariables[name];
      const q = this.quantizerOf(name);
      tf.tidy(() => {
        v.assign(q.apply(v));
      });
    }
    this.incrementIterations();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { inner: this.inner.getClassName() };
  }
}

export function storeQuantized(
  optimizer: tf.Optimizer,
  quantizerFor: (name: string) => TensorQuantizer,
): QuantizedStorageOptimizer {
  return new QuantizedStorageOptimizer(optimizer, quantizerFor);
}
